"""count, rollup and lookup fields: values through a link, kept current on every change."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def _linked(api: Api) -> tuple[int, int, dict[str, dict]]:
    did = api.database()
    tags = api.table(did, "Tags", data=[["Label"], ["urgent"], ["later"], ["bug"]])
    points = api.field(tags, "Points", "number")
    tag_rows = api.rows(tags)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tags}/batch/?user_field_names=true",
            {
                "items": [
                    {"id": tag_rows[0]["id"], "Points": 5},
                    {"id": tag_rows[1]["id"], "Points": 1},
                    {"id": tag_rows[2]["id"], "Points": 3},
                ]
            },
        )
    )
    projects = api.table(did, "Projects", data=[["Name"], ["Alpha"], ["Beta"], ["Gamma"]])
    link = api.field(projects, "Tags", "link_row", link_row_table_id=tags)
    label = next(f for f in api.fields(tags) if f["primary"])
    return projects, tags, {"link": link, "points": points, "label": label}


def test_count_rollup_lookup_values(api: Api) -> None:
    projects, tags, f = _linked(api)
    count = api.field(projects, "TagCount", "count", through_field_id=f["link"]["id"])
    assert (count["formula_type"], count["number_decimal_places"], count["read_only"]) == (
        "number",
        0,
        True,
    )
    rollup = api.field(
        projects,
        "TagPoints",
        "rollup",
        through_field_id=f["link"]["id"],
        target_field_id=f["points"]["id"],
        rollup_function="sum",
    )
    assert rollup["rollup_function"] == "sum"
    lookup = api.field(
        projects,
        "TagLabels",
        "lookup",
        through_field_id=f["link"]["id"],
        target_field_id=f["label"]["id"],
    )
    assert (
        lookup["formula_type"],
        lookup["array_formula_type"],
        lookup["through_field_name"],
        lookup["target_field_name"],
    ) == ("array", "text", "Tags", "Label")
    assert lookup["available_collaborators"] == [{"id": api.user["id"], "name": "Ada"}]
    rows = api.rows(projects)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/batch/?user_field_names=true",
            {"items": [{"id": rows[0]["id"], "Tags": [1, 3]}, {"id": rows[1]["id"], "Tags": [2]}]},
        )
    )
    got = [(r["TagCount"], r["TagPoints"], r["TagLabels"]) for r in api.rows(projects)]
    assert got == [
        ("2", "8", [{"id": 1, "value": "urgent"}, {"id": 3, "value": "bug"}]),
        ("1", "1", [{"id": 2, "value": "later"}]),
        ("0", "0", []),
    ]
    # a change in the linked table shows at once
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tags}/1/?user_field_names=true",
            {"Points": 10, "Label": "URGENT"},
        )
    )
    first = api.rows(projects)[0]
    assert (first["TagPoints"], first["TagLabels"][0]) == ("13", {"id": 1, "value": "URGENT"})
    # and unlinking / deleting linked rows too
    assert (
        api.post(f"/api/database/rows/table/{tags}/batch-delete/", {"items": [3]}).status_code
        == 204
    )
    assert [r["TagCount"] for r in api.rows(projects)] == ["1", "1", "0"]


def test_computed_link_fields_sort_and_are_read_only(api: Api) -> None:
    projects, _, f = _linked(api)
    count = api.field(projects, "TagCount", "count", through_field_id=f["link"]["id"])
    rows = api.rows(projects)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/{rows[2]['id']}/?user_field_names=true",
            {"Tags": [1, 2, 3]},
        )
    )
    assert [r["Name"] for r in api.rows(projects, order_by="-TagCount")] == [
        "Gamma",
        "Alpha",
        "Beta",
    ]
    r = api.patch(
        f"/api/database/rows/table/{projects}/{rows[0]['id']}/", {f"field_{count['id']}": 3}
    )
    assert r.json()["detail"] == "Field of type count is read only and should not be set manually."


def test_bad_through_and_target_fields(api: Api) -> None:
    projects, _, f = _linked(api)
    name = next(x for x in api.fields(projects) if x["primary"])
    assert_error(
        api.post(
            f"/api/database/fields/table/{projects}/",
            {"name": "C", "type": "count", "through_field_id": name["id"]},
        ),
        400,
        "ERROR_INVALID_COUNT_THROUGH_FIELD",
    )
    assert_error(
        api.post(
            f"/api/database/fields/table/{projects}/",
            {
                "name": "L",
                "type": "lookup",
                "through_field_id": f["link"]["id"],
                "target_field_id": name["id"],
            },
        ),
        400,
        "ERROR_INVALID_LOOKUP_TARGET_FIELD",
    )
    assert_error(
        api.post(
            f"/api/database/fields/table/{projects}/",
            {
                "name": "R",
                "type": "rollup",
                "through_field_id": f["link"]["id"],
                "target_field_id": f["points"]["id"],
                "rollup_function": "nope",
            },
        ),
        400,
        "ERROR_INVALID_ROLLUP_FORMULA_FUNCTION",
    )


def test_lookup_follows_target_changes_and_breaks_when_the_link_goes(api: Api) -> None:
    projects, _tags, f = _linked(api)
    lookup = api.field(
        projects,
        "TagPoints",
        "lookup",
        through_field_id=f["link"]["id"],
        target_field_id=f["points"]["id"],
    )
    api.ok(
        api.patch(f"/api/database/rows/table/{projects}/1/?user_field_names=true", {"Tags": [1]})
    )
    assert api.rows(projects)[0]["TagPoints"] == [{"id": 1, "value": "5"}]
    api.ok(
        api.patch(
            f"/api/database/fields/{f['points']['id']}/",
            {"name": "Score", "number_decimal_places": 1},
        )
    )
    got = api.ok(api.get(f"/api/database/fields/{lookup['id']}/"))
    assert got["target_field_name"] == "Score"
    assert api.rows(projects)[0]["TagPoints"] == [{"id": 1, "value": "5.0"}]
    api.ok(api.delete(f"/api/database/fields/{f['link']['id']}/"))
    broken = api.ok(api.get(f"/api/database/fields/{lookup['id']}/"))
    # Baserow's error state: the link is forgotten, named in the error; the value is null
    assert (broken["formula_type"], broken["through_field_id"], broken["error"]) == (
        "invalid",
        None,
        "references the deleted or unknown field Tags",
    )
    assert api.rows(projects)[0]["TagPoints"] is None


def test_formulas_over_links_and_lookups(api: Api) -> None:
    projects, tags, f = _linked(api)
    api.field(
        projects,
        "TagLabels",
        "lookup",
        through_field_id=f["link"]["id"],
        target_field_id=f["label"]["id"],
    )
    total = api.field(projects, "Total", "formula", formula="sum(lookup('Tags', 'Points'))")
    assert (total["formula_type"], total["number_decimal_places"]) == ("number", 0)
    joined = api.field(projects, "Names", "formula", formula="join(field('TagLabels'), ', ')")
    assert joined["formula_type"] == "text"
    many = api.field(projects, "Many", "formula", formula="count(field('Tags')) > 1")
    assert many["formula_type"] == "boolean"
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/batch/?user_field_names=true",
            {"items": [{"id": 1, "Tags": [1, 3]}, {"id": 2, "Tags": [2]}]},
        )
    )
    got = [(r["Total"], r["Names"], r["Many"]) for r in api.rows(projects)]
    assert got == [("8", "urgent, bug", True), ("1", "later", False), ("0", None, False)]
    # recomputed after a linked row changes, and filterable/sortable in SQL
    api.ok(api.patch(f"/api/database/rows/table/{tags}/2/?user_field_names=true", {"Points": 20}))
    assert [r["Name"] for r in api.rows(projects, order_by="-Total")] == ["Beta", "Alpha", "Gamma"]


def test_lookup_array_filters(api: Api) -> None:
    import json

    projects, _, f = _linked(api)
    lookup = api.field(
        projects,
        "TagLabels",
        "lookup",
        through_field_id=f["link"]["id"],
        target_field_id=f["label"]["id"],
    )
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/batch/?user_field_names=true",
            {"items": [{"id": 1, "Tags": [1, 3]}, {"id": 2, "Tags": [2]}]},
        )
    )

    def names(type_: str, value: str) -> list[str]:
        tree = {
            "filter_type": "AND",
            "filters": [{"field": lookup["id"], "type": type_, "value": value}],
        }
        return [r["Name"] for r in api.rows(projects, filters=json.dumps(tree))]

    assert names("has_value_equal", "bug") == ["Alpha"]
    assert names("has_not_value_equal", "bug") == ["Beta", "Gamma"]
    assert names("has_value_contains", "LAT") == ["Beta"]
    assert names("has_not_value_contains", "ur") == ["Beta", "Gamma"]
    assert names("empty", "") == ["Gamma"]
    assert names("not_empty", "") == ["Alpha", "Beta"]
    # an empty value switches it off
    assert names("has_value_equal", "") == ["Alpha", "Beta", "Gamma"]


def test_lookup_items_take_the_format_of_their_formula_type(api: Api) -> None:
    """As Baserow 1.35.3 answers (recorded): a rating reads as a number ("3"), a datetime
    keeps its "+00:00" offset, a date is YYYY-MM-DD, a boolean stays a boolean."""
    did = api.database()
    tags = api.table(did, "Tags", data=[["Label"], ["urgent"]])
    stars = api.field(tags, "Stars", "rating", max_value=5)
    due = api.field(tags, "Due", "date", date_include_time=True)
    day = api.field(tags, "Day", "date")
    done = api.field(tags, "Done", "boolean")
    (tag,) = api.rows(tags)
    values = {"Stars": 3, "Due": "2024-01-02T03:04:05Z", "Day": "2024-05-06", "Done": True}
    api.ok(api.patch(f"/api/database/rows/table/{tags}/{tag['id']}/?user_field_names=true", values))
    projects = api.table(did, "Projects", data=[["Name"], ["Alpha"]])
    link = api.field(projects, "Tags", "link_row", link_row_table_id=tags)
    for target in (stars, due, day, done):
        api.field(
            projects,
            f"L{target['name']}",
            "lookup",
            through_field_id=link["id"],
            target_field_id=target["id"],
        )
    (project,) = api.rows(projects)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{projects}/{project['id']}/?user_field_names=true",
            {"Tags": [tag["id"]]},
        )
    )
    (row,) = api.rows(projects, user_field_names=True)
    assert [row[f"L{name}"] for name in ("Stars", "Due", "Day", "Done")] == [
        [{"id": tag["id"], "value": "3"}],
        [{"id": tag["id"], "value": "2024-01-02T03:04:05+00:00"}],
        [{"id": tag["id"], "value": "2024-05-06"}],
        [{"id": tag["id"], "value": True}],
    ]
