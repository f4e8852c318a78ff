"""Bad input on the row, names, field, view, table and token endpoints: every parameter and
body answered with Baserow's status, error code and detail."""

from __future__ import annotations

import json
from typing import Any

from tests.compat.scenarios.build import options
from tests.compat.session import Session

NAMES = {"user_field_names": "true"}


def _database(s: Session) -> int:
    """A database in a workspace created off the record (a workspace's answer holds the id
    of its membership, which no other request names, so it cannot be normalised)."""
    ws = s.post("workspace", "/api/workspaces/", {"name": "WS"}, record=False)
    return s.database(int(ws["id"]))


def _rows_table(s: Session) -> tuple[int, int, dict[str, dict[str, Any]]]:
    db = _database(s)
    table = s.table(db, "Items", [["Name", "Notes"], ["a", "x"], ["b", "y"], ["c", "z"]])
    s.field(table, "Count", "number")
    s.field(table, "a,b", "text")
    s.field(table, 'say "hi"', "text")
    s.field(table, "-minus", "text")
    s.field(table, "+plus", "text")
    s.field(table, "Pick", "single_select", **options("one", "two"))
    other = s.table(db, "Other", [["Title", "Size"], ["o1", "1"], ["o2", "2"]])
    s.field(table, "Link", "link_row", link_row_table_id=other)
    return table, other, s.fields(table)


def validation_rows_list(s: Session) -> None:
    s.sign_up()
    table, other, f = _rows_table(s)
    name = f["Name"]["id"]
    rows = f"/api/database/rows/table/{table}/"
    bogus = "/api/database/rows/table/99999999/"

    def q(step: str, **query: Any) -> None:
        s.get(step, rows, query=query)

    # paging
    for page in ("0", "-1", "abc", "", "2", "99", "1.5"):
        q("page", page=page)
    for size in ("0", "-1", "abc", "", "200", "201", "1.5"):
        q("size", size=size)
    # order_by
    for value in (
        "",
        " ",
        ",",
        "field_0",
        f"field_{name}",
        f"-field_{name}",
        f"+field_{name}",
        str(name),
        f"id_{name}",
        "abc",
        "-",
        f"field_{name},field_{name}",
        f"field_{name}[default]",
        f"field_{name}[bogus]",
        f"field_{name}[]",
        "id",
        "order",
        "-id",
    ):
        q("order_by", order_by=value)
    for value in (
        "Name",
        "-Name",
        "+Name",
        "Nope",
        "-Nope",
        '"a,b"',
        "a,b",
        '"say \\"hi\\""',
        'say "hi"',
        "-minus",
        "--minus",
        "+plus",
        "++plus",
        "Name[default]",
        "Name[bogus]",
        f"field_{name}",
        "",
        " Name",
        "Name ,Count",
        "Pick[order]",
        "Pick[bogus]",
        "id",
    ):
        q("order_by_names", order_by=value, **NAMES)
    # view_id
    for view in ("abc", "", "1.5", "99999999", "-1", "0"):
        q("view_id", view_id=view)
    q("view_id_unknown_table", view_id="abc")
    s.get("view_id_unknown_table", bogus, query={"view_id": "abc"})
    s.get("order_by_unknown_table", bogus, query={"order_by": ""})
    other_view = s.post(
        "other_view", f"/api/database/views/table/{other}/", {"name": "V", "type": "grid"}
    )
    q("view_of_other_table", view_id=str(other_view["id"]))
    # search
    for mode in ("compat", "full-text-with-count", "bogus", "", "COMPAT"):
        q("search_mode", search="a", search_mode=mode)
    q("search_blank", search="")
    # user_field_names spellings
    for flag in ("", "true", "1", "yes", "y", "t", "on", "TRUE", "false", "0", "no", "bogus"):
        q("user_field_names", user_field_names=flag, size="1")
    # filter_type
    for ft in ("", "AND", "OR", "or", "bogus"):
        q("filter_type", filter_type=ft, **{f"filter__field_{name}__equal": "a"})
    # include / exclude
    for inc in ("", ",", "bogus", f"field_{name}", f"{name}", "Name", "Name,Count", "Nope"):
        q("include", include=inc, size="1")
        q("include_names", include=inc, size="1", **NAMES)
    for exc in ("", "bogus", f"field_{name}", "Name,Count"):
        q("exclude", exclude=exc, size="1")
        q("exclude_names", exclude=exc, size="1", **NAMES)


def validation_rows_filters(s: Session) -> None:
    s.sign_up()
    table, _other, f = _rows_table(s)
    name, count = f["Name"]["id"], f["Count"]["id"]
    rows = f"/api/database/rows/table/{table}/"

    def q(step: str, **query: Any) -> None:
        s.get(step, rows, query=query)

    def tree(*filters: dict[str, Any], op: str = "AND", **extra: Any) -> str:
        return json.dumps({"filter_type": op, "filters": list(filters), **extra})

    # legacy parameters
    q("legacy_no_type", **{f"filter__field_{name}": "a"})
    q("legacy_bad_type", **{f"filter__field_{name}__bogus": "a"})
    q("legacy_unknown_field", **{"filter__field_99999999__equal": "a"})
    q("legacy_id_digits", **{f"filter__{name}__equal": "a"})
    q("legacy_empty_value", **{f"filter__field_{name}__equal": ""})
    q("legacy_incompatible", **{f"filter__field_{count}__contains_word": "a"})
    q("legacy_name_without_names", **{"filter__Name__equal": "a"})
    q("legacy_name", **{"filter__Name__equal": "a"}, **NAMES)
    q("legacy_unknown_name", **{"filter__Nope__equal": "a"}, **NAMES)
    q("legacy_id_with_names", **{f"filter__field_{name}__equal": "a"}, **NAMES)
    q("legacy_unknown_id_with_names", **{"filter__field_99999999__equal": "a"}, **NAMES)
    q("legacy_row_ids", **{"filter__field_id__in": "1,3"})
    q("legacy_row_ids_bad", **{"filter__field_id__in": "a,b"})
    q("legacy_created_on", **{"filter__field_created_on__date_is": "UTC?today"})
    q("legacy_updated_on", **{"filter__field_updated_on__not_empty": ""})
    q("legacy_created_on_bad_type", **{"filter__field_created_on__contains": "x"})
    q("legacy_two_values", **{f"filter__field_{name}__equal": ["a", "b"]})
    q("legacy_or_values", filter_type="OR", **{f"filter__field_{name}__equal": ["a", "b"]})
    # the filters JSON tree
    for step, value in (
        ("json_invalid", "{nope"),
        ("json_list", "[]"),
        ("json_string", '"x"'),
        ("json_empty_object", "{}"),
        ("json_no_filters", tree()),
        ("json_bad_op", tree(op="XOR")),
        ("json_lower_op", tree(op="and")),
        ("json_filters_not_list", json.dumps({"filter_type": "AND", "filters": {}})),
        ("json_filter_not_object", tree("x")),
        ("json_no_value", tree({"field": name, "type": "equal"})),
        ("json_no_field", tree({"type": "equal", "value": "a"})),
        ("json_no_type", tree({"field": name, "value": "a"})),
        ("json_null_value", tree({"field": name, "type": "equal", "value": None})),
        ("json_number_value", tree({"field": name, "type": "equal", "value": 1})),
        ("json_list_value", tree({"field": name, "type": "equal", "value": ["a"]})),
        ("json_field_string_id", tree({"field": str(name), "type": "equal", "value": "a"})),
        ("json_field_name", tree({"field": "Name", "type": "equal", "value": "a"})),
        ("json_field_float", tree({"field": 1.5, "type": "equal", "value": "a"})),
        ("json_unknown_field", tree({"field": 99999999, "type": "equal", "value": "a"})),
        ("json_bad_type", tree({"field": name, "type": "bogus", "value": "a"})),
        ("json_incompatible", tree({"field": count, "type": "contains_word", "value": "a"})),
        ("json_groups_not_list", tree(groups={})),
        ("json_group_not_object", tree(groups=["x"])),
        ("json_group_no_op", tree(groups=[{"filters": []}])),
        (
            "json_group_bad_filter",
            tree(groups=[{"filter_type": "OR", "filters": [{"field": name}]}]),
        ),
        (
            "json_group_ok",
            tree(
                groups=[
                    {
                        "filter_type": "OR",
                        "filters": [
                            {"field": name, "type": "equal", "value": "a"},
                            {"field": name, "type": "equal", "value": "b"},
                        ],
                    }
                ]
            ),
        ),
        (
            "json_nested",
            tree(
                groups=[
                    {
                        "filter_type": "OR",
                        "groups": [
                            {
                                "filter_type": "AND",
                                "filters": [{"field": name, "type": "equal", "value": "c"}],
                            }
                        ],
                    }
                ]
            ),
        ),
    ):
        q(step, filters=value)
    for step, value in (
        ("names_json_name", tree({"field": "Name", "type": "equal", "value": "a"})),
        ("names_json_id", tree({"field": name, "type": "equal", "value": "a"})),
        ("names_json_field_id", tree({"field": f"field_{name}", "type": "equal", "value": "a"})),
        ("names_json_unknown", tree({"field": "Nope", "type": "equal", "value": "a"})),
        ("names_json_no_value", tree({"field": "Name", "type": "equal"})),
        ("names_json_list_field", tree({"field": ["Name"], "type": "equal", "value": "a"})),
    ):
        q(step, filters=value, **NAMES)
    q(
        "json_and_legacy",
        filters=tree({"field": name, "type": "equal", "value": "a"}),
        **{f"filter__field_{name}__equal": "b"},
    )
    q("json_blank", filters="")
    # include/exclude limit what filters, search and order_by see
    q("include_filter_name", include="Count", **{"filter__Name__equal": "a"}, **NAMES)
    q("include_filter_id", include=f"field_{count}", **{f"filter__field_{name}__equal": "a"})
    q(
        "include_filter_json",
        include=f"field_{count}",
        filters=tree({"field": name, "type": "equal", "value": "a"}),
    )
    q(
        "include_filter_json_names",
        include="Count",
        filters=tree({"field": "Name", "type": "equal", "value": "a"}),
        **NAMES,
    )
    q("exclude_filter_id", exclude=f"field_{name}", **{f"filter__field_{name}__equal": "a"})
    q("include_order_by", include=f"field_{count}", order_by=f"field_{name}")
    q("include_order_by_names", include="Count", order_by="Name", **NAMES)
    q("include_search", include=f"field_{count}", search="x", search_mode="compat")
    q("exclude_search", exclude="Notes", search="x", search_mode="compat", **NAMES)
    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    q(
        "include_view_filter",
        include=f"field_{count}",
        view_id=str(view["id"]),
        **{f"filter__field_{name}__equal": "a"},
    )
    q(
        "include_view_order_by",
        include=f"field_{count}",
        view_id=str(view["id"]),
        order_by=f"-field_{name}",
    )
    # the order errors come in: filters, then order_by, then the page size
    q("errors_order", size="500", order_by="bogus", **{"filter__field_99999999__equal": "a"})
    q("errors_order", size="500", order_by="bogus")
    q("errors_order", size="500", view_id="abc", order_by="")


def validation_rows_write(s: Session) -> None:
    s.sign_up()
    table, other, f = _rows_table(s)
    name, link = f["Name"]["id"], f["Link"]["id"]
    rows = f"/api/database/rows/table/{table}/"
    ws = s.get("ws", "/api/workspaces/", record=False)[0]["id"]
    s.token(ws)
    # one row
    for include in ("metadata", "bogus", "", "metadata,bogus"):
        s.get("get_include", f"{rows}1/", query={"include": include})
    s.get("get_include_token", f"{rows}1/", query={"include": "metadata"}, auth="token")
    s.get("get_include_token_bogus", f"{rows}1/", query={"include": "bogus"}, auth="token")
    s.get("get_names_flag", f"{rows}1/", query={"user_field_names": "bogus"})
    # a list takes no `metadata` (no key, for a JWT or a token: `include` names fields)
    for auth in ("jwt", "token"):
        for include in ("metadata", "metadata,row_metadata", "row_metadata"):
            s.get("list_include", rows, query={"include": include, "size": "1"}, auth=auth)
    s.get("get_unknown_row", f"{rows}99999/")
    for before in ("abc", "", "1.5", "99999", "0", "-1"):
        s.post("create_before", rows, {}, query={"before": before})
    s.post("create_list", rows, [])
    s.post("create_string", rows, "x")
    s.post("create_null", rows, None)
    s.post("create_unknown_key", rows, {"nope": 1, f"field_{name}": "n"})
    s.post("create_unknown_name", rows, {"Nope": 1, "Name": "n"}, query=NAMES)
    s.post("create_id_key", rows, {"id": 5, "order": "1"}, query=NAMES)
    s.post("create_bad_link", rows, {"Link": "x"}, query=NAMES)
    s.post("create_bad_link", rows, {"Link": [99999]}, query=NAMES)
    s.post("create_bad_link", rows, {"Link": [{"id": "x"}]}, query=NAMES)
    s.post("create_bad_link", rows, {"Link": 1.5}, query=NAMES)
    for falsy in (0, False, "", {}, []):
        s.post("create_falsy_link", rows, {"Link": falsy}, query=NAMES)
    s.post("create_webhooks_flag", rows, {}, query={"send_webhook_events": "bogus"})
    s.patch("update_list", f"{rows}1/", [])
    s.patch("update_unknown_row", f"{rows}99999/", {})
    s.patch("update_empty", f"{rows}1/", {}, query=NAMES)
    s.patch("update_bad_number", f"{rows}1/", {"Count": "abc"}, query=NAMES)
    s.patch("update_id_in_body", f"{rows}1/", {"id": 2, "Name": "r1"}, query=NAMES)
    for before in ("abc", "", "99999", "1", "0"):
        s.patch("move_before", f"{rows}2/move/", query={"before_id": before})
    s.patch("move_unknown_row", f"{rows}99999/move/")
    s.delete("delete_unknown_row", f"{rows}99999/")
    # batches
    batch = f"{rows}batch/"
    for body in (
        None,
        [],
        {},
        {"items": None},
        {"items": {}},
        {"items": "x"},
        {"items": []},
        {"items": [{}] * 201},
        {"items": ["x"]},
        {"items": [[]]},
        {"items": [{"Nope": 1}]},
        {"items": [{"Count": "x"}, {"Count": "y"}]},
    ):
        s.post("batch_create", batch, body, query=NAMES)
    for before in ("abc", "99999"):
        s.post("batch_create_before", batch, {"items": [{}]}, query={"before": before})
    for body in (
        None,
        [],
        {"items": []},
        {"items": [{}]},
        {"items": [{"id": "x"}]},
        {"items": [{"id": None}]},
        {"items": [{"id": 1.5}]},
        {"items": ["x"]},
        {"items": [{"id": 1}, {"id": 1}]},
        {"items": [{"id": 99999}]},
        {"items": [{"id": 1}] * 201},
        {"items": [{"id": 1, "Count": "x"}, {"id": 2}]},
        {"items": [{"id": "1", "Name": "one"}]},
        {"items": [{"id": True}]},
    ):
        s.patch("batch_update", batch, body, query=NAMES)
    delete = f"{rows}batch-delete/"
    for body in (
        None,
        [],
        {"items": []},
        {"items": ["x"]},
        {"items": [None]},
        {"items": [1.5]},
        {"items": [1, 1]},
        {"items": [99999]},
        {"items": list(range(1, 203))},
        {"items": "1"},
        {"items": [True]},
        {"items": ["2"]},
    ):
        s.post("batch_delete", delete, body)
    # names of rows
    names = "/api/database/rows/names/"
    for query in (
        {},
        {f"table__{table}": "1,2"},
        {f"table__{table}": "1,x"},
        {f"table__{table}": ""},
        {f"table__{table}": "1,,2"},
        {"table__x": "1"},
        {"table__": "1"},
        {"other": "1"},
        {f"table__{table}": "1", "user_field_names": "1"},
        {"table__99999999": "1"},
        {f"table__{table}": "1", f"table__{other}": "1,2"},
        {f"table__{table}": "99999,1"},
        {f"table__{table}": " 1 , 2 "},
        {f"table__{table}": "-1"},
    ):
        s.get("names", names, query=query)
    s.get("names_token", names, query={f"table__{table}": "1"}, auth="token")
    # joins
    title = s.fields(other)["Title"]["id"]
    s.patch("link", f"{rows}1/", {"Link": [1, 2]}, query=NAMES)
    for query in (
        {f"field_{link}__join": f"field_{title}"},
        {f"field_{link}__join": f"field_{title},field_{title}"},
        {f"field_{link}__join": ""},
        {f"field_{link}__join": "bogus"},
        {f"field_{link}__join": "99999999"},
        {f"field_{name}__join": f"field_{title}"},
        {"field_99999999__join": f"field_{title}"},
        {"Link__join": "Title"},
        {"Link__join": "Title", **NAMES},
        {"Link__join": "Title,Size", **NAMES},
        {"Link__join": "Nope", **NAMES},
        {"Name__join": "Title", **NAMES},
        {f"field_{link}__join": f"field_{title}", **NAMES},
        {f"field_{link}__join": f"field_{title}", "include": f"field_{name}"},
        {"Link__join": "Title", "include": "Name", **NAMES},
    ):
        s.rows("join", table, **query, size="1")


SCENARIOS = {
    "validation_rows_list": validation_rows_list,
    "validation_rows_filters": validation_rows_filters,
    "validation_rows_write": validation_rows_write,
}
