"""order_by as Baserow 1.35.3 sorts each field type (also replayed in tests/compat: the
sorts_* scenarios): text under ICU's order, single selects by value or by the options'
order, multiple selects by their joined values, links by the linked rows' primary values,
lookups and array formulas by their items; the cursor extension pages through all of them."""

from __future__ import annotations

from typing import Any

from tests.api.test_rows_cursor import walk
from tests.conftest import Api
from tests.helpers import assert_error

ROWS = "/api/database/rows/table/{}/"
Q = {"user_field_names": "true"}


def names(api: Api, table: int, order: str, key: str = "Name", *, ids: bool = False) -> list[Any]:
    """The `key` of each row sorted by `order`: field names, or with `ids` the fields' ids
    written as names are (`S[order]` is `field_<id of S>[order]`)."""
    if ids:
        by_name = {f["name"]: f["id"] for f in api.fields(table)}
        sign, name = (order[0], order[1:]) if order[:1] in "-+" else ("", order)
        base, _, rest = name.partition("[")
        order = f"{sign}field_{by_name[base]}" + (f"[{rest}" if rest else "")
        r = api.get(ROWS.format(table), params={"order_by": order})
        key_of = {f["name"]: f"field_{f['id']}" for f in api.fields(table)}
        return [row[key_of[key]] for row in api.ok(r)["results"]]
    return [r[key] for r in api.rows(table, order_by=order)]


def fill(api: Api, table: int, items: list[dict[str, Any]]) -> None:
    api.ok(api.patch(ROWS.format(table) + "batch/", {"items": items}, params=Q))


def test_text_sorts_as_icu_case_insensitively_lowercase_first(api: Api) -> None:
    words = ["b", "ALPHA", "_x", "a-b", "alpha", "A b", "1", "a", "Ä", "ab"]
    table = api.table(data=[["Name"], *[[w] for w in words]])
    expected = ["_x", "1", "a", "Ä", "A b", "a-b", "ab", "alpha", "ALPHA", "b"]
    assert names(api, table, "Name") == expected
    assert names(api, table, "-Name") == expected[::-1]
    formula = api.field(table, "Same", "formula", formula="concat(field('Name'), '')")
    assert names(api, table, "Same") == expected
    assert formula["formula_type"] == "text"


def test_select_orders(api: Api) -> None:
    table = api.table(data=[["Name"], ["r1"], ["r2"], ["r3"], ["r4"]])
    opts = [{"value": v, "color": "blue"} for v in ("b", "A b", "a")]
    single = api.field(table, "S", "single_select", select_options=opts)
    multi = api.field(table, "M", "multiple_select", select_options=opts)
    s = {o["value"]: o["id"] for o in single["select_options"]}
    m = {o["value"]: o["id"] for o in multi["select_options"]}
    fill(api, table, [
        {"id": 1, "S": s["b"], "M": [m["b"], m["a"]]},
        {"id": 2, "S": s["A b"], "M": [m["a"], m["b"]]},
        {"id": 3, "S": s["a"], "M": [m["A b"]]},
    ])  # fmt: skip
    assert names(api, table, "S") == ["r4", "r3", "r2", "r1"]  # none, a, A b, b
    assert names(api, table, "-S") == ["r1", "r2", "r3", "r4"]
    # a sort type is named with ids only: by name, "S[order]" names no field (as in Baserow)
    assert names(api, table, "S[order]", ids=True) == ["r4", "r1", "r2", "r3"]  # option order
    assert names(api, table, "-S[order]", ids=True) == ["r3", "r2", "r1", "r4"]
    body = assert_error(
        api.get(ROWS.format(table), params={**Q, "order_by": "S[order]"}),
        400,
        "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    )
    assert body["detail"] == "The field S[order] was not found in the table."
    # joined with ",": "" < "A b" < "a,b" < "b,a"
    assert names(api, table, "M") == ["r4", "r3", "r2", "r1"]
    assert names(api, table, "-M") == ["r1", "r2", "r3", "r4"]
    body = assert_error(
        api.get(ROWS.format(table), params={"order_by": f"field_{multi['id']}[order]"}),
        400,
        "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE",
    )
    assert "sort type order" in body["detail"]


def linked(api: Api) -> tuple[int, int]:
    """Projects linking to tags; the tags' primary is text, the lookup reads their points."""
    db = api.database()
    tags = api.table(db, data=[["Name"], ["urgent"], ["Bug"], ["bug"]])
    points = api.field(tags, "Points", "number")
    fill(api, tags, [{"id": 1, "Points": "5"}, {"id": 2, "Points": "1"}, {"id": 3, "Points": "3"}])
    projects = api.table(db, data=[["Name"], ["p1"], ["p2"], ["p3"], ["p4"], ["p5"]])
    link = api.field(projects, "Tags", "link_row", link_row_table_id=tags)
    fill(api, projects, [
        {"id": 1, "Tags": [1]},
        {"id": 2, "Tags": [3, 1]},
        {"id": 3, "Tags": [2]},
        {"id": 5, "Tags": [3]},
    ])  # fmt: skip
    api.field(projects, "Points", "lookup", through_field_id=link["id"],
              target_field_id=points["id"])  # fmt: skip
    api.field(projects, "Twice", "formula", formula="lookup('Tags', 'Points') * 2")
    return projects, tags


def test_links_sort_by_the_linked_primary_values_rows_without_links_first(api: Api) -> None:
    projects, _ = linked(api)
    # the linked values in the linked rows' order: p1 [urgent], p2 [urgent, bug], p3 [Bug],
    # p4 [], p5 [bug] (bug < Bug)
    assert names(api, projects, "Tags") == ["p4", "p5", "p3", "p1", "p2"]
    assert names(api, projects, "-Tags") == ["p4", "p2", "p1", "p3", "p5"]  # p4 still first


def test_lookups_and_array_formulas_sort_by_their_items(api: Api) -> None:
    projects, _ = linked(api)
    # items in the linked rows' order: p2 [5, 3], p1 [5], p3 [1], p5 [3], p4 []
    assert names(api, projects, "Points") == ["p4", "p3", "p5", "p1", "p2"]
    assert names(api, projects, "-Points") == ["p2", "p1", "p5", "p3", "p4"]
    assert names(api, projects, "Twice") == ["p4", "p3", "p5", "p1", "p2"]
    api.field(projects, "Joined", "formula", formula="join(lookup('Tags', 'Name'), ',')")
    api.field(projects, "M", "multiple_select",
                      select_options=[{"value": "x", "color": "blue"}])  # fmt: skip
    api.field(projects, "Ms", "formula", formula="field('M')")
    body = api.get(ROWS.format(projects), params={**Q, "order_by": "Ms"})
    assert_error(body, 400, "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE")


def test_created_on_ties_sort_by_creation(api: Api) -> None:
    table = api.table(data=[["Name"], ["r1"], ["r2"], ["r3"]])
    api.field(table, "Created", "created_on", date_include_time=True)
    assert names(api, table, "-Created") == ["r3", "r2", "r1"]
    assert names(api, table, "Created") == ["r1", "r2", "r3"]


def test_the_cursor_pages_through_array_sorts(api: Api) -> None:
    projects, _ = linked(api)
    for order in ("Tags", "-Tags", "Points,-Name", "-Twice"):
        params = {"order_by": order}
        expected = api.rows(projects, size=100, **params)
        got = walk(api, projects, **params)
        assert [r["id"] for r in got] == [r["id"] for r in expected], order
