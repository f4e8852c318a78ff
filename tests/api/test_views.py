"""Grid views: CRUD, filters, sorts, field options, and rows listed through a view."""

from __future__ import annotations

from typing import Any

from gridbase.core.context import Ctx
from tests.conftest import Api
from tests.helpers import assert_error


def setup(api: Api) -> tuple[int, dict[str, Any], dict[str, Any]]:
    table = api.table(data=[["Name", "Qty"], ["Alpha", "3"], ["beta", "10"], ["Gamma", "7"]])
    fields = {f["name"]: f for f in api.fields(table)}
    qty = api.ok(api.patch(f"/api/database/fields/{fields['Qty']['id']}/", {"type": "number"}))
    return table, fields["Name"], qty


def test_view_crud_and_rows_through_view(api: Api) -> None:
    table, name, qty = setup(api)
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "Big", "type": "grid"}))
    assert (view["name"], view["type"], view["filter_type"], view["table_id"]) == (
        "Big",
        "grid",
        "AND",
        table,
    )
    f = api.ok(
        api.post(
            f"/api/database/views/{view['id']}/filters/",
            {"field": qty["id"], "type": "higher_than", "value": "5"},
        )
    )
    assert f == {
        "id": f["id"],
        "view": view["id"],
        "field": qty["id"],
        "type": "higher_than",
        "value": "5",
        "preload_values": {},
        "group": None,
    }
    sort = api.ok(
        api.post(
            f"/api/database/views/{view['id']}/sortings/", {"field": qty["id"], "order": "DESC"}
        )
    )
    assert sort == {
        "id": sort["id"],
        "view": view["id"],
        "field": qty["id"],
        "order": "DESC",
        "type": "default",
    }
    assert_error(
        api.post(f"/api/database/views/{view['id']}/sortings/", {"field": qty["id"]}),
        400,
        "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS",
    )
    rows = api.rows(table, view_id=view["id"])
    assert [r["Name"] for r in rows] == ["beta", "Gamma"]
    # ad-hoc filters are AND-ed with the view's; order_by replaces its sorts
    rows = api.rows(table, view_id=view["id"], order_by="Name", filter__Name__contains="a")
    assert [r["Name"] for r in rows] == ["beta", "Gamma"]
    grid = api.ok(api.get(f"/api/database/views/grid/{view['id']}/"))
    assert [r[f"field_{name['id']}"] for r in grid["results"]] == ["beta", "Gamma"]
    # on the grid endpoint ad-hoc filters replace the view's
    grid = api.ok(
        api.get(
            f"/api/database/views/grid/{view['id']}/",
            params={f"filter__field_{name['id']}__equal": "Alpha"},
        )
    )
    assert grid["count"] == 1
    assert api.ok(api.get(f"/api/database/views/grid/{view['id']}/", params={"count": "true"})) == {
        "count": 2
    }
    listed = api.ok(
        api.get(f"/api/database/views/table/{table}/", params={"include": "filters,sortings"})
    )
    # the table's default view "Grid" first, then ours
    assert [v["name"] for v in listed] == ["Grid", view["name"]]
    assert [v["filters"] for v in listed] == [[], [f]]
    assert [v["sortings"] for v in listed] == [[], [sort]]
    api.ok(api.patch(f"/api/database/views/{view['id']}/", {"filters_disabled": True}))
    assert len(api.rows(table, view_id=view["id"])) == 3
    assert api.delete(f"/api/database/views/filter/{f['id']}/").status_code == 204
    assert_error(
        api.get(f"/api/database/views/filter/{f['id']}/"), 404, "ERROR_VIEW_FILTER_DOES_NOT_EXIST"
    )
    assert api.delete(f"/api/database/views/{view['id']}/").status_code == 204
    assert_error(api.get(f"/api/database/views/{view['id']}/"), 404, "ERROR_VIEW_DOES_NOT_EXIST")
    assert_error(
        api.get(f"/api/database/rows/table/{table}/", params={"view_id": view["id"]}),
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    )


def test_filter_groups_and_field_options(api: Api) -> None:
    table, name, qty = setup(api)
    view = api.ok(
        api.post(
            f"/api/database/views/table/{table}/",
            {"name": "V", "type": "grid", "filter_type": "AND"},
        )
    )
    group = api.ok(
        api.post(f"/api/database/views/{view['id']}/filter-groups/", {"filter_type": "OR"})
    )
    for value in ("Alpha", "Gamma"):
        api.ok(
            api.post(
                f"/api/database/views/{view['id']}/filters/",
                {"field": name["id"], "type": "equal", "value": value, "group": group["id"]},
            )
        )
    assert [r["Name"] for r in api.rows(table, view_id=view["id"])] == ["Alpha", "Gamma"]
    assert_error(
        api.post(
            f"/api/database/views/{view['id']}/filters/", {"field": name["id"], "type": "boolean"}
        ),
        400,
        "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
    )
    options = api.ok(
        api.patch(
            f"/api/database/views/{view['id']}/field-options/",
            {"field_options": {str(qty["id"]): {"hidden": True, "width": 120}}},
        )
    )
    assert options["field_options"][str(qty["id"])] == {
        "width": 120,
        "hidden": True,
        "order": 32767,
        "aggregation_type": "",
        "aggregation_raw_type": "",
    }
    grid = api.ok(
        api.get(
            f"/api/database/views/grid/{view['id']}/",
            params={"include": "field_options", "limit": 1},
        )
    )
    assert (
        grid["count"] == 2
        and len(grid["results"]) == 1
        and grid["field_options"] == options["field_options"]
    )


def test_paging_links_are_on_the_public_url(api: Api, ctx: Ctx) -> None:
    """next/previous of row lists and grid views (page and limit/offset) use
    GRIDBASE_PUBLIC_URL when it is set, keeping the other parameters."""
    table, _, _ = setup(api)
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "All", "type": "grid"}))
    ctx.settings = ctx.settings.model_copy(update={"public_url": "https://grid.example/"})
    grid = f"/api/database/views/grid/{view['id']}/"
    by_offset = api.ok(api.get(grid + "?limit=1&offset=1"))
    assert (by_offset["next"], by_offset["previous"]) == (
        f"https://grid.example{grid}?limit=1&offset=2",
        f"https://grid.example{grid}?limit=1",
    )
    by_page = api.ok(api.get(grid + "?size=1&page=2"))
    assert (by_page["next"], by_page["previous"]) == (
        f"https://grid.example{grid}?page=3&size=1",
        f"https://grid.example{grid}?size=1",
    )
    rows = f"/api/database/rows/table/{table}/"
    listed = api.ok(api.get(rows + "?size=1&page=2"))
    assert listed["next"] == f"https://grid.example{rows}?page=3&size=1"
