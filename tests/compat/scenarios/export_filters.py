"""Exports narrowed and ordered by the request (Baserow 1.35's `filters` and `order_by`
export options): ad-hoc filters AND-ed with a view's, order_by replacing a view's sorts,
both limited to the view's visible fields, and the errors Baserow answers before the job
starts (bad filter trees, unknown or hidden fields, unsortable fields).
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import build
from tests.compat.scenarios.jobs import export
from tests.compat.session import Session


def _f(field: int, type_: str, value: Any) -> dict[str, Any]:
    return {"field": field, "type": type_, "value": value}


def export_filters(s: Session) -> None:
    s.sign_up()
    database = s.database()
    t = build(
        s,
        database,
        "Export filters",
        ["pear", "apple", "fig", "kiwi", None, "apple"],
        [
            ("Amount", "number", {"number_decimal_places": 1}),
            ("Done", "boolean", {}),
            ("Notes", "long_text", {}),
        ],
        [
            {"Amount": "3", "Done": True, "Notes": "a"},
            {"Amount": "1", "Done": False, "Notes": "b"},
            {"Amount": "2", "Done": True},
            {"Amount": None, "Done": True, "Notes": "c"},
            {"Amount": "5"},
            {"Amount": "4", "Done": True, "Notes": "d"},
        ],
    )
    table = t.table
    listed = s.get("fields", f"/api/database/fields/table/{table}/", record=False)
    name = next(f["id"] for f in listed if f["primary"])
    amount, done, notes = (t.fields[k]["id"] for k in ("Amount", "Done", "Notes"))
    csv = {"exporter_type": "csv"}
    and_ = {"filter_type": "AND", "filters": [_f(done, "boolean", "1")]}
    export(s, "filter_done", table, {**csv, "filters": and_})
    or_ = {
        "filter_type": "OR",
        "filters": [_f(name, "contains", "app"), _f(amount, "higher_than", 4)],
        "groups": [{"filter_type": "AND", "filters": [_f(notes, "equal", "c")]}],
    }
    export(s, "filter_or_groups", table, {**csv, "filters": or_})
    export(s, "order_desc", table, {**csv, "order_by": f"-field_{amount}"})
    export(s, "order_two", table, {**csv, "order_by": f"field_{name},-field_{amount}"})
    export(s, "order_blank", table, {**csv, "order_by": ""})
    export(s, "filter_and_order", table,
           {**csv, "filters": and_, "order_by": f"-field_{name}", "fields": None})  # fmt: skip
    export(s, "filters_null", table, {**csv, "filters": None, "order_by": None})
    export(s, "filters_empty", table, {**csv, "filters": {"filter_type": "AND"}})

    # a view: its filter and sort, one hidden field
    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    vid = view["id"]
    s.post("view_filter", f"/api/database/views/{vid}/filters/",
           {"field": amount, "type": "not_empty", "value": ""})  # fmt: skip
    s.post("view_sort", f"/api/database/views/{vid}/sortings/", {"field": amount, "order": "DESC"})
    s.patch("view_hide", f"/api/database/views/{vid}/field-options/",
            {"field_options": {str(notes): {"hidden": True}}})  # fmt: skip
    view_csv = {**csv, "view_id": vid}
    export(s, "view_filter_done", table, {**view_csv, "filters": and_})
    export(s, "view_order_name", table, {**view_csv, "order_by": f"field_{name}"})
    export(s, "view_order_blank", table, {**view_csv, "order_by": ""})
    hidden = {"filter_type": "AND", "filters": [_f(notes, "equal", "c")]}
    export(s, "view_hidden_filter", table, {**view_csv, "filters": hidden})
    export(s, "view_hidden_order", table, {**view_csv, "order_by": f"field_{notes}"})

    # refusals, checked before a job exists
    path = f"/api/database/export/table/{table}/"
    s.post("unknown_filter_field", path, {**csv, "filters": {"filter_type": "AND",
           "filters": [_f(999999, "equal", "x")]}})  # fmt: skip
    s.post("unknown_filter_type", path, {**csv, "filters": {"filter_type": "AND",
           "filters": [_f(name, "bogus", "x")]}})  # fmt: skip
    s.post("unsupported_filter_type", path, {**csv, "filters": {"filter_type": "AND",
           "filters": [_f(done, "contains_word", "x")]}})  # fmt: skip
    s.post("bad_filter_tree", path, {**csv, "filters": {"filter_type": "XOR",
           "filters": [{"field": "x"}], "groups": "no"}})  # fmt: skip
    s.post("filters_not_object", path, {**csv, "filters": "text"})
    s.post("filters_list", path, {**csv, "filters": []})
    s.post("filters_and_charset_bad", path,
           {**csv, "filters": {"filter_type": "X"}, "export_charset": "x"})  # fmt: skip
    s.post("unknown_order_field", path, {**csv, "order_by": "999999"})
    s.post("order_by_text", path, {**csv, "order_by": "name"})
    s.post("order_by_number", path, {**csv, "order_by": 0})
    s.post("order_by_list", path, {**csv, "order_by": ["x"]})
    unknown = {"filter_type": "AND", "filters": [_f(999999, "equal", "")]}
    s.post("unknown_filter_field_in_view", path, {**view_csv, "filters": unknown})


SCENARIOS = {"export_filters": export_filters}
