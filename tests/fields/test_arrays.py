"""Array values (lookups and array formulas) and their has_* filters, select-typed formulas
and rollups of any aggregate function, with Baserow 1.35.3's results (also replayed in
tests/compat: filters_links, filters_formulas)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.fields.test_lookup_fields import _linked
from tests.helpers import assert_error


def ids(api: Api, table: int, **query: Any) -> list[int]:
    return [r["id"] for r in api.rows(table, **query)]


def test_an_array_formula_lists_each_linked_value_and_filters_by_its_items(api: Api) -> None:
    projects, _tags, _f = _linked(api)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/batch/?user_field_names=true",
            {"items": [{"id": 1, "Tags": [1, 3]}, {"id": 2, "Tags": [2]}]},
        )
    )
    points = api.field(projects, "Points", "formula", formula="lookup('Tags', 'Points')")
    api.field(projects, "Doubled", "formula", formula="lookup('Tags', 'Points') * 2")
    assert (points["formula_type"], points["array_formula_type"]) == ("array", "number")
    rows = api.rows(projects)
    assert rows[0]["Points"] == [{"id": 1, "value": "5"}, {"id": 3, "value": "3"}]
    assert rows[0]["Doubled"] == [{"id": 1, "value": "10"}, {"id": 3, "value": "6"}]
    assert rows[2]["Points"] == []
    assert ids(api, projects, filter__Points__has_value_higher="4") == [1]
    assert ids(api, projects, filter__Doubled__has_value_lower="3") == [2]
    assert ids(api, projects, filter__Points__has_not_value_equal="1") == [1, 3]
    assert ids(api, projects, filter__Points__empty="") == [3]
    assert ids(api, projects, filter__Points__has_value_higher="x") == []
    names = api.field(projects, "Names", "formula", formula="field('Tags')")
    assert names["array_formula_type"] == "text"
    assert ids(api, projects, filter__Names__has_value_contains="URG") == [1]
    assert ids(api, projects, filter__Names__has_value_contains_word="bug") == [1]
    assert ids(api, projects, filter__Names__has_value_length_is_lower_than="6") == [1, 2]


def test_rollups_are_formulas_over_the_lookup(api: Api) -> None:
    projects, _tags, f = _linked(api)
    api.ok(
        api.patch(f"/api/database/rows/table/{projects}/1/?user_field_names=true", {"Tags": [1, 2]})
    )

    def rollup(function: str) -> Any:
        return api.post(
            f"/api/database/fields/table/{projects}/",
            {"name": function, "type": "rollup", "through_field_id": f["link"]["id"],
             "target_field_id": f["points"]["id"], "rollup_function": function},
        )  # fmt: skip

    spread = api.ok(rollup("stddev_pop"))
    assert (spread["nullable"], api.ok(rollup("sum"))["nullable"]) == (True, False)
    assert_error(rollup("every"), 400, "ERROR_WITH_FORMULA")
    assert_error(rollup("nope"), 400, "ERROR_INVALID_ROLLUP_FORMULA_FUNCTION")
    rows = api.rows(projects)
    assert [(r["stddev_pop"], r["sum"]) for r in rows] == [("2", "6"), ("0", "0"), ("0", "0")]


def test_select_formulas_give_their_options(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"]])
    single = api.field(
        table, "S", "single_select", select_options=[{"value": "x", "color": "blue"}]
    )
    option = single["select_options"][0]
    api.ok(
        api.patch(f"/api/database/rows/table/{table}/1/?user_field_names=true", {"S": option["id"]})
    )
    formula = api.field(table, "F", "formula", formula="field('S')")
    assert (formula["formula_type"], formula["select_options"]) == ("single_select", [option])
    assert [r["F"] for r in api.rows(table)] == [option, None]
    assert ids(api, table, filter__F__single_select_equal=str(option["id"])) == [1]
    assert ids(api, table, filter__F__contains="X") == [1]
