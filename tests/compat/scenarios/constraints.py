"""Field constraints (`field_constraints`, Baserow's unique_with_empty): which field types
take one, the body's validation errors, default values, adding one over existing data, row
writes that break one (single, batch, update), and what a type change does to them.

Row writes after a type change that did not send `field_constraints` again are left out:
Baserow keeps the constraint in the field's JSON but no longer enforces it (its index is
dropped with the old column and not made again), and gridbase enforces it.
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES, options
from tests.compat.session import Session

U = [{"type_name": "unique_with_empty"}]
SUPPORTED: list[tuple[str, str, dict[str, Any]]] = [
    ("Text", "text", {}),
    ("Long", "long_text", {}),
    ("Url", "url", {}),
    ("Email", "email", {}),
    ("Number", "number", {"number_decimal_places": 2}),
    ("Rating", "rating", {}),
    ("Date", "date", {}),
    ("Moment", "date", {"date_include_time": True}),
    ("Duration", "duration", {"duration_format": "h:mm"}),
    ("Single", "single_select", options("a", "b", "c", "d", "e")),
]
# Per field: a value and the same value written again (maybe another way: it must clash),
# then three values no other row holds.
SAME: dict[str, tuple[Any, Any, Any, Any, Any]] = {
    "Text": ("x", "x", "X", "y", "z"),
    "Long": ("line\nline", "line\nline", "other", "more", "most"),
    "Url": (
        "https://a.example",
        "https://a.example",
        "https://b.example",
        "https://c.example",
        "https://d.example",
    ),
    "Email": (
        "a@example.com",
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ),
    "Number": ("1.5", 1.5, "2.5", "3.5", "4.5"),
    "Rating": (3, "3", 4, 5, 1),
    "Date": ("2024-01-02", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"),
    "Moment": (
        "2024-01-02T10:00:00Z",
        "2024-01-02T12:00:00+02:00",
        "2024-01-02T11:00:00Z",
        "2024-01-02T12:00:00Z",
        "2024-01-02T13:00:00Z",
    ),
    "Duration": ("1:00", 3600, "2:00", "3:00", "4:00"),
    "Single": ("a", "a", "b", "c", "d"),
}
# a value no row holds, that a batch repeats
UNUSED: dict[str, Any] = {
    "Text": "w",
    "Long": "w",
    "Url": "https://w.example",
    "Email": "w@example.com",
    "Number": "9.5",
    "Rating": 2,
    "Date": "2024-02-01",
    "Moment": "2024-02-01T00:00:00Z",
    "Duration": "9:00",
    "Single": "e",
}
EMPTY: dict[str, list[Any]] = {
    "Text": ["", None],
    "Long": ["", None],
    "Url": ["", None],
    "Email": ["", None],
    "Number": [None],
    "Rating": [0],
    "Date": [None],
    "Moment": [None],
    "Duration": [None],
    "Single": [None],
}
UNSUPPORTED: list[tuple[str, dict[str, Any]]] = [
    ("phone_number", {}),
    ("boolean", {}),
    ("multiple_select", {}),
    ("autonumber", {}),
    ("uuid", {}),
    ("formula", {"formula": "1"}),
    ("created_on", {}),
    ("last_modified", {}),
    ("created_by", {}),
    ("last_modified_by", {}),
    ("multiple_collaborators", {}),
    ("file", {}),
    ("password", {}),
]
BAD_BODIES: list[Any] = [
    "x",
    5,
    True,
    None,
    {"type_name": "unique_with_empty"},
    [5],
    [None],
    ["x"],
    [[]],
    [{}],
    [{"type_name": None}],
    [{"type_name": ""}],
    [{"type_name": "   "}],
    [{"type_name": True}],
    [{"type_name": "x" * 256}],
    [{"type_name": "unique_with_empty"}, 5],
    [{"type_name": "unique_with_empty"}, {"type_name": ""}],
]


def constraints(s: Session) -> None:
    s.sign_up()
    # not recorded: the normaliser numbers Baserow's workspace member id as a workspace id
    ws = int(s.post("workspace", "/api/workspaces/", {"name": "WS"}, record=False)["id"])
    db = s.database(ws)
    field_types(s, db)
    body_validation(s, db)
    defaults(s, db)
    rows(s, db)
    existing_data(s, db)
    type_changes(s, db)


def field_types(s: Session, db: int) -> None:
    table = s.table(db, "Types", [["Name"], ["a"], ["b"]])
    path = f"/api/database/fields/table/{table}/"
    for name, type_, props in SUPPORTED:
        s.post(
            f"create_{type_}",
            path,
            {"name": name, "type": type_, "field_constraints": U, **props},
        )
    for type_, props in UNSUPPORTED:
        body = {"name": f"No {type_}", "type": type_, "field_constraints": U, **props}
        s.post(f"refuse_{type_}", path, body)
    body = {
        "name": "No link",
        "type": "link_row",
        "link_row_table_id": table,
        "field_constraints": U,
    }
    s.post("refuse_link_row", path, body)
    for name in ("nope", "generic_unique_with_empty", "text_type_unique_with_empty", 5, 1.5):
        body = {"name": "Odd", "type": "text", "field_constraints": [{"type_name": name}]}
        s.post("refuse_name", path, body)
    # DRF trims the name; extra keys are ignored; an empty list is no constraint
    s.post(
        "trimmed",
        path,
        {
            "name": "Trimmed",
            "type": "text",
            "field_constraints": [{"type_name": " unique_with_empty "}],
        },
    )
    s.post(
        "extra_key",
        path,
        {
            "name": "Extra",
            "type": "email",
            "field_constraints": [{"type_name": "unique_with_empty", "x": 1}],
        },
    )
    s.post("empty_list", path, {"name": "None", "type": "text", "field_constraints": []})
    s.post(
        "with_db_index",
        path,
        {"name": "Indexed", "type": "number", "db_index": True, "field_constraints": U},
    )
    s.post(
        "db_index_and_refused",
        path,
        {"name": "Both", "type": "boolean", "db_index": True, "field_constraints": U},
    )
    s.post("name_taken", path, {"name": "Text", "type": "boolean", "field_constraints": U})
    s.get("fields", path)
    s.rows("rows", table, user_field_names="true")


def body_validation(s: Session, db: int) -> None:
    table = s.table(db, "Bodies", [["Name"], ["a"]])
    path = f"/api/database/fields/table/{table}/"
    for body in BAD_BODIES:
        s.post("create_bad", path, {"name": "Bad", "type": "text", "field_constraints": body})
    field = s.post("plain", path, {"name": "Plain", "type": "text"})
    for body in BAD_BODIES:
        s.patch("update_bad", f"/api/database/fields/{field['id']}/", {"field_constraints": body})
    s.patch(
        "update_unknown",
        f"/api/database/fields/{field['id']}/",
        {"field_constraints": [{"type_name": "unknown"}]},
    )
    s.get("fields", path)


def defaults(s: Session, db: int) -> None:
    table = s.table(db, "Defaults", [["Name"], ["a"], ["b"]])
    path = f"/api/database/fields/table/{table}/"
    for value in (3, 0, "0", 0.0, None, ""):
        body = {
            "name": f"N {value!r}",
            "type": "number",
            "number_default": value,
            "field_constraints": U,
        }
        s.post("number_default", path, body)
    for value in ("d", ""):
        body = {
            "name": f"T {value!r}",
            "type": "text",
            "text_default": value,
            "field_constraints": U,
        }
        s.post("text_default", path, body)
    # a field that has a default
    number = s.post("number", path, {"name": "Amount", "type": "number", "number_default": 7})
    fid = number["id"]
    s.patch("add_to_default", f"/api/database/fields/{fid}/", {"field_constraints": U})
    s.patch(
        "add_clearing_default",
        f"/api/database/fields/{fid}/",
        {"number_default": None, "field_constraints": U},
    )
    # existing rows got the default 7 when the field was made: now they clash
    s.patch(
        "add_with_other_data",
        f"/api/database/fields/{fid}/",
        {"description": "d", "field_constraints": U},
    )
    s.get("field", f"/api/database/fields/{fid}/")
    # Baserow checks the default it is sent when the body has any field data, else the
    # field's own: with a name, a field with a default gets the constraint
    single = s.post("single", path, {"name": "Pick", "type": "single_select", **options("p")})
    sid = single["id"]
    option = single["select_options"][0]["id"]
    s.patch("single_default", f"/api/database/fields/{sid}/", {"single_select_default": option})
    s.patch("add_to_single_default", f"/api/database/fields/{sid}/", {"field_constraints": U})
    s.patch(
        "add_with_name",
        f"/api/database/fields/{sid}/",
        {"name": "Pick2", "field_constraints": U},
    )
    rows = f"/api/database/rows/table/{table}/"
    s.delete("drop_amount", f"/api/database/fields/{fid}/")
    s.post("row_gets_default", rows, {}, query=NAMES)
    s.post("next_row_clashes", rows, {}, query=NAMES)
    s.rows("rows", table, user_field_names="true")


def rows(s: Session, db: int) -> None:
    table = s.table(db, "Rows", [["Name"], ["a"], ["b"]])
    path = f"/api/database/fields/table/{table}/"
    for name, type_, props in SUPPORTED:
        s.post(
            f"field_{type_}",
            path,
            {"name": name, "type": type_, "field_constraints": U, **props},
        )
    rows = f"/api/database/rows/table/{table}/"
    batch = f"{rows}batch/"
    # Refused inserts come after the accepted ones: a refused insert uses up row ids in
    # Baserow's and in gridbase's PostgreSQL sequences, not in gridbase's SQLite tables.
    for name, (first, again, other, fresh, fresh2) in SAME.items():
        s.post(f"create_{name}", rows, {name: first}, query=NAMES)
        for empty in EMPTY[name]:
            s.post(f"empty_{name}", rows, {name: empty}, query=NAMES)
            s.post(f"empty_again_{name}", rows, {name: empty}, query=NAMES)
        s.patch(f"update_clash_{name}", f"{rows}1/", {name: again}, query=NAMES)
        s.patch(f"update_same_row_{name}", f"{rows}1/", {name: other}, query=NAMES)
        s.patch(f"update_same_value_{name}", f"{rows}1/", {name: other}, query=NAMES)
        s.post(f"batch_fresh_{name}", batch, {"items": [{name: fresh}]}, query=NAMES)
        items = [{"id": 2, name: fresh2}, {"id": 1, name: first}]
        s.patch(f"batch_update_clash_{name}", batch, {"items": items}, query=NAMES)
        items = [{"id": 2, name: fresh}, {"id": 1, name: fresh}]
        s.patch(f"batch_update_clash_inside_{name}", batch, {"items": items}, query=NAMES)
        s.patch(f"batch_update_{name}", batch, {"items": [{"id": 2, name: fresh2}]}, query=NAMES)
    for name, (_, again, _, _, _) in SAME.items():
        s.post(f"clash_{name}", rows, {name: again}, query=NAMES)
        items = [{"Name": "n"}, {name: UNUSED[name]}, {name: UNUSED[name]}]
        s.post(f"batch_clash_inside_{name}", batch, {"items": items}, query=NAMES)
        s.post(f"batch_clash_existing_{name}", batch, {"items": [{name: again}]}, query=NAMES)
    s.rows("rows", table, user_field_names="true", size=200)
    # a swap in one batch clashes on its first item, as in Baserow
    s.patch(
        "swap", batch, {"items": [{"id": 1, "Text": "s1"}, {"id": 2, "Text": "s2"}]}, query=NAMES
    )
    s.patch(
        "swap", batch, {"items": [{"id": 1, "Text": "s2"}, {"id": 2, "Text": "s1"}]}, query=NAMES
    )
    # the primary field may carry one too
    fields = s.fields(table)
    s.patch("primary", f"/api/database/fields/{fields['Name']['id']}/", {"field_constraints": U})
    s.patch("primary_update", f"{rows}3/", {"Name": "c"}, query=NAMES)
    s.post("primary_clash", rows, {"Name": "a"}, query=NAMES)
    # a deleted row's value is free again
    s.delete("delete_row", f"{rows}1/")
    s.patch("after_delete", f"{rows}3/", {"Text": "s1"}, query=NAMES)
    s.rows("rows_end", table, user_field_names="true", size=200)


def existing_data(s: Session, db: int) -> None:
    table = s.table(db, "Existing", [["Name"], ["a"], ["b"], ["c"]])
    path = f"/api/database/fields/table/{table}/"
    rows = f"/api/database/rows/table/{table}/"
    number = s.post("number", path, {"name": "N", "type": "number"})
    fid = number["id"]
    items = [{"id": 1, "N": 5}, {"id": 2, "N": 5}, {"id": 3, "N": None}]
    s.patch("fill", f"{rows}batch/", {"items": items}, query=NAMES)
    s.patch("add_over_clash", f"/api/database/fields/{fid}/", {"field_constraints": U})
    s.get("field_unchanged", f"/api/database/fields/{fid}/")
    s.patch(
        "add_and_rename_over_clash",
        f"/api/database/fields/{fid}/",
        {"name": "Renamed", "field_constraints": U},
    )
    s.get("fields_unchanged", path)
    s.patch("fix", f"{rows}2/", {"N": 6}, query=NAMES)
    s.patch("add", f"/api/database/fields/{fid}/", {"field_constraints": U})
    s.post("clash", rows, {"N": 6}, query=NAMES)
    s.patch("add_twice", f"/api/database/fields/{fid}/", {"field_constraints": U + U})
    s.patch("keep", f"/api/database/fields/{fid}/", {"name": "Kept"})
    s.post("still_clash", rows, {"Kept": 5}, query=NAMES)
    s.patch("remove", f"/api/database/fields/{fid}/", {"field_constraints": []})
    s.patch("no_clash", f"{rows}3/", {"Kept": 5}, query=NAMES)
    s.patch("add_again_over_clash", f"/api/database/fields/{fid}/", {"field_constraints": U})
    text = s.post("text", path, {"name": "T", "type": "text"})
    s.patch(
        "fill_text",
        f"{rows}batch/",
        {"items": [{"id": 1, "T": ""}, {"id": 2, "T": ""}, {"id": 3, "T": "x"}]},
        query=NAMES,
    )
    s.patch("add_over_empties", f"/api/database/fields/{text['id']}/", {"field_constraints": U})
    s.post("text_clash", rows, {"T": "x"}, query=NAMES)
    # the older field (gridbase on SQLite hands the newest field id out again once deleted)
    s.delete("delete_field", f"/api/database/fields/{fid}/")
    s.rows("rows", table, user_field_names="true")


def type_changes(s: Session, db: int) -> None:
    table = s.table(db, "Types", [["Name"], ["1"], ["01"], ["2"]])
    path = f"/api/database/fields/table/{table}/"
    rows = f"/api/database/rows/table/{table}/"
    text = s.post("text", path, {"name": "T", "type": "text", "field_constraints": U})
    fid = text["id"]
    field = f"/api/database/fields/{fid}/"
    # a type that cannot carry the constraint: refused unless the constraints go
    s.patch("to_boolean", field, {"type": "boolean"})
    s.patch("to_multiple_select", field, {"type": "multiple_select", "field_constraints": U})
    s.patch("to_phone_number", field, {"type": "phone_number"})
    s.get("unchanged", field)
    # a type that can: kept (also when not sent), and enforced when sent
    s.patch("to_url", field, {"type": "url", "field_constraints": U})
    s.post("url_row", rows, {"T": "https://dup.example"}, query=NAMES)
    s.patch("url_clash", f"{rows}1/", {"T": "https://dup.example"}, query=NAMES)
    s.patch("to_email_keeps", field, {"type": "email"})
    s.patch("to_number_keeps", field, {"type": "number"})
    s.patch("to_rating_keeps", field, {"type": "rating"})
    s.patch("to_boolean_without", field, {"type": "boolean", "field_constraints": []})
    # every row reads false as text: they clash
    s.patch("to_text_over_clash", field, {"type": "text", "field_constraints": U})
    s.get("still_boolean", field)
    s.patch("to_text", field, {"type": "text"})
    s.rows("rows", table, user_field_names="true")
    # converted values that clash: "1" and "01" are one number
    name = s.fields(table)["Name"]["id"]
    s.patch(
        "name_to_number_over_clash",
        f"/api/database/fields/{name}/",
        {"type": "number", "field_constraints": U},
    )
    s.patch(
        "name_to_number",
        f"/api/database/fields/{name}/",
        {"type": "number", "number_decimal_places": 1},
    )
    s.patch("name_number_add_over_clash", f"/api/database/fields/{name}/", {"field_constraints": U})
    s.patch(
        "name_back_to_text_over_clash",
        f"/api/database/fields/{name}/",
        {"type": "text", "field_constraints": U},
    )
    s.patch("fix", f"{rows}2/", {"Name": 3}, query=NAMES)
    s.patch(
        "name_back_to_text",
        f"/api/database/fields/{name}/",
        {"type": "text", "field_constraints": U},
    )
    s.patch("name_new", f"{rows}4/", {"Name": "4.0"}, query=NAMES)
    s.post("name_clash", rows, {"Name": "2.0"}, query=NAMES)
    s.get("fields", path)
    s.rows("rows_end", table, user_field_names="true")


SCENARIOS = {"constraints": constraints}
