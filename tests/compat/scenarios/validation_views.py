"""Bad input on the view endpoints (views, filters, filter groups, sorts, field options and
the grid rows): Baserow's status, error code and detail for each."""

from __future__ import annotations

from tests.compat.scenarios.validation import _rows_table
from tests.compat.session import Session


def validation_views(s: Session) -> None:
    s.sign_up()
    table, other, f = _rows_table(s)
    name, count, link = f["Name"]["id"], f["Count"]["id"], f["Link"]["id"]
    title = s.fields(other)["Title"]["id"]  # a field of another table
    views = f"/api/database/views/table/{table}/"
    s.get("list_default", views)
    for query in (
        {"type": "bogus"},
        {"type": ""},
        {"type": "grid"},
        {"type": "gallery"},
        {"limit": "x"},
        {"limit": ""},
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "1"},
        {"include": "bogus"},
        {"include": "filters,sortings,decorations,group_bys"},
    ):
        s.get("list", views, query=query)
    s.get("list_unknown_table", "/api/database/views/table/99999999/", query={"type": "bogus"})
    for body in (
        None,
        [],
        "x",
        {},
        {"type": "grid"},
        {"name": "", "type": "grid"},
        {"name": "  ", "type": "grid"},
        {"name": None, "type": "grid"},
        {"name": "x" * 256, "type": "grid"},
        {"name": 5, "type": "grid"},
        {"name": ["a"], "type": "grid"},
        {"name": "V"},
        {"name": "V", "type": "bogus"},
        {"name": "V", "type": "kanban"},
        {"name": "V", "type": None},
        {"name": "V", "type": 1},
        {"name": "V", "type": "grid", "filter_type": "XOR"},
        {"name": "V", "type": "grid", "filter_type": "or"},
        {"name": "V", "type": "grid", "filters_disabled": "maybe"},
        {"name": "V", "type": "grid", "filters_disabled": None},
        {"name": "V", "type": "grid", "ownership_type": "personal"},
        {"name": "V", "type": "grid", "ownership_type": "bogus"},
        {"name": "V", "type": "grid", "row_identifier_type": "bogus"},
        {"name": "V", "type": "grid", "row_height_size": "huge"},
        {"name": "V", "type": "grid", "public": "maybe"},
        {"name": "V", "type": "grid", "unknown": 1},
        {
            "name": "V2",
            "type": "grid",
            "filter_type": "OR",
            "filters_disabled": True,
            "row_identifier_type": "count",
            "row_height_size": "large",
            "public": True,
        },
    ):
        s.post("create", views, body)
    s.post("create_unknown_table", "/api/database/views/table/99999999/", {"name": "V"})
    s.post("create_include", views, {"name": "I", "type": "grid"}, query={"include": "filters"})
    view = s.post("view", views, {"name": "Main", "type": "grid"})
    path = f"/api/database/views/{view['id']}/"
    for body in (
        None,
        [],
        {},
        {"name": ""},
        {"name": None},
        {"name": "x" * 256},
        {"filter_type": "XOR"},
        {"filters_disabled": "maybe"},
        {"type": "gallery"},
        {"ownership_type": "personal"},
        {"ownership_type": "bogus"},
        {"public_view_password": "short"},
        {"row_height_size": "huge"},
        {"row_identifier_type": "x"},
        {"public": "x"},
        {"public_view_password": "long enough"},
        {"public_view_password": ""},
        {"name": "Renamed", "unknown": 1},
    ):
        s.patch("update", path, body)
    s.patch("update_unknown", "/api/database/views/99999999/", {"name": ""})
    s.get("get_include", path, query={"include": "bogus,filters"})
    s.post("order", f"/api/database/views/table/{table}/order/", {"view_ids": []})
    s.post("order", f"/api/database/views/table/{table}/order/", {"view_ids": ["x"]})
    s.post("order", f"/api/database/views/table/{table}/order/", {"view_ids": [99999999]})
    s.post("order", f"/api/database/views/table/{table}/order/", {})
    # filters
    filters = f"{path}filters/"
    for body in (
        None,
        {},
        {"field": name},
        {"field": name, "type": "equal"},
        {"field": name, "type": "bogus", "value": "a"},
        {"field": name, "type": "", "value": "a"},
        {"field": "x", "type": "equal", "value": "a"},
        {"field": 99999999, "type": "equal", "value": "a"},
        {"field": name, "type": "equal", "value": None},
        {"field": name, "type": "equal", "value": 5},
        {"field": name, "type": "equal", "value": ["a"]},
        {"field": count, "type": "contains_word", "value": "a"},
        {"field": name, "type": "equal", "value": "a", "group": "x"},
        {"field": name, "type": "equal", "value": "a", "group": 99999999},
        {"field": name, "type": "equal", "value": "a", "group": None},
        {"field": link, "type": "link_row_has", "value": "x"},
        {"field": None, "type": "equal"},
        {"field": name, "type": "equal", "value": "  spaced  "},
        {"field": title, "type": "equal", "value": "a"},
        {"field": title, "type": "link_row_has", "value": "a"},
        {"field": True, "type": "equal", "value": "a"},
        {"field": f"{name}", "type": "equal", "value": "a"},
        {"field": name, "type": "equal", "value": "a", "group": True},
    ):
        s.post("filter_create", filters, body)
    made = s.post("filter", filters, {"field": name, "type": "equal", "value": "a"})
    fpath = f"/api/database/views/filter/{made['id']}/"
    for body in (
        None,
        {},
        {"type": "bogus"},
        {"field": "x"},
        {"field": 99999999},
        {"field": count},
        {"value": None},
        {"value": 7},
        {"group": 99999999},
        {"field": title},
        {"field": title, "type": "link_row_has"},
        {"type": "contains", "value": "b"},
    ):
        s.patch("filter_update", fpath, body)
    groups = f"{path}filter-groups/"
    for body in (
        None,
        {},
        {"filter_type": "XOR"},
        {"parent_group": "x"},
        {"parent_group": 99999999},
        {"filter_type": "OR"},
    ):
        s.post("group_create", groups, body)
    group = s.post("group", groups, {"filter_type": "AND"})
    gpath = f"/api/database/views/filter-group/{group['id']}/"
    s.get("group_get", gpath)
    s.get("group_get_unknown", "/api/database/views/filter-group/99999999/")
    s.post("filter_in_group", filters, {"field": name, "type": "empty", "group": group["id"]})
    s.post("group_in_group", groups, {"filter_type": "OR", "parent_group": group["id"]})
    s.get("with_filters", path, query={"include": "filters"})
    for body in (None, {}, {"filter_type": "XOR"}, {"filter_type": "OR"}):
        s.patch("group_update", gpath, body)
    # sorts
    sorts = f"{path}sortings/"
    for body in (
        None,
        {},
        {"field": "x"},
        {"field": 99999999},
        {"field": name, "order": "UP"},
        {"field": name, "type": "bogus"},
        {"field": name, "order": None},
        {"field": name, "type": ""},
        {"field": title},
        {"field": name},
        {"field": name},
        {"field": count, "order": "DESC", "type": "default"},
    ):
        s.post("sort_create", sorts, body)
    made = s.get("sorts", sorts, record=False)[0]
    spath = f"/api/database/views/sort/{made['id']}/"
    for body in (
        None,
        {},
        {"order": "UP"},
        {"field": "x"},
        {"field": title},
        {"field": count},
        {"field": f["Pick"]["id"]},
        {"type": "bogus"},
        {"order": "DESC"},
    ):
        s.patch("sort_update", spath, body)
    # field options
    options = f"{path}field-options/"
    for body in (
        None,
        [],
        {},
        {"field_options": None},
        {"field_options": []},
        {"field_options": "x"},
        {"field_options": {}},
        {"field_options": {"x": {"width": 10}}},
        {"field_options": {str(name): "x"}},
        {"field_options": {str(name): {"width": "wide"}}},
        {"field_options": {str(name): {"hidden": "maybe"}}},
        {"field_options": {str(name): {"order": "first"}}},
        {"field_options": {str(name): {"width": -5}}},
        {"field_options": {str(name): {"aggregation_raw_type": "bogus"}}},
        {"field_options": {"99999999": {"width": 10}}},
        {"field_options": {str(title): {"width": 10}}},
        {"field_options": {str(name): {"width": 10}, "x": 5}},
        {"field_options": {str(name): {"order": 40000}}},
        {"field_options": {str(name): {"aggregation_type": "x" * 49}}},
        {"field_options": {str(name): {"unknown": 1}}},
        {"field_options": {str(name): {"width": 150, "hidden": True}}},
    ):
        s.patch("field_options", options, body)
    s.post("order", f"/api/database/views/table/{table}/order/", {"view_ids": [view["id"]]})
    # the grid rows endpoint, on a view without filters (the table has 3 rows)
    clean = s.post("view", views, {"name": "Rows", "type": "grid"})
    grid = f"/api/database/views/grid/{clean['id']}/"
    for query in (
        {"size": "1"},
        {"size": "1", "page": "2"},
        {"size": "1", "page": "3"},
        {"size": "1", "page": "4"},
        {"size": "1", "page": "last"},
        {"size": "2", "page": "-1"},
        {"limit": "1"},
        {"limit": "1", "offset": "1"},
        {"limit": "1", "offset": "5"},
        {"limit": "0", "offset": "1"},
        {"offset": "1"},
        {"size": "0"},
        {"size": "x", "page": "2"},
        {"order_by": f"-field_{name}", "size": "1"},
        {"include_fields": f"field_{name}", "size": "1"},
        {"include_fields": "", "size": "1"},
        {"exclude_fields": f"field_{name},field_{count}", "size": "1"},
        {"search": "b", "size": "1"},
        {"search": "", "size": "1"},
        {"count": "", "search": "b"},
        {"include": "field_options", "include_fields": f"field_{name}", "size": "1"},
        {"include": "row_metadata", "size": "1"},
        {"include": "metadata", "size": "1"},
    ):
        s.get("grid_rows", grid, query=query)
    grid = f"/api/database/views/grid/{view['id']}/"
    for query in (
        {"include": "field_options,row_metadata"},
        {"include": "bogus"},
        {"page": "0"},
        {"page": "abc"},
        {"size": "500"},
        {"limit": "x"},
        {"limit": "500"},
        {"offset": "-1"},
        {"count": "1"},
        {"order_by": ""},
        {"order_by": "bogus"},
        {"include_fields": "bogus"},
        {"exclude_fields": f"field_{name}"},
        {"search": "a", "search_mode": "x"},
        {"filters": "{bad"},
        {f"filter__field_{name}__bogus": "a"},
        {"filter_type": ""},
    ):
        s.get("grid", grid, query=query)
    s.get("grid_unknown", "/api/database/views/grid/99999999/", query={"search_mode": "x"})
    s.get("grid_unknown", "/api/database/views/grid/99999999/", query={"filters": "{bad"})
    s.get("grid_unknown", "/api/database/views/grid/99999999/", query={"order_by": "bogus"})


SCENARIOS = {"validation_views": validation_views}
