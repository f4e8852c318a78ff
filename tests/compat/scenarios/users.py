"""The user field types of Baserow 1.35.3: created_by, last_modified_by,
multiple_collaborators and password (and POST /api/database/fields/password-authentication/).

Neither server offers an endpoint both have that adds a second member to a workspace
(Baserow invites by e-mail; gridbase has no invitations), so a second user signs up with a
workspace of their own: their rows show them, their id is no collaborator of ours, and as a
non-member they are refused. JWT and database-token writes, single and batch, are made by
the first user (a token writes as its owner).
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES, Built
from tests.compat.scenarios.filters import MISSING, try_filters
from tests.compat.session import Session


def other_user(s: Session, label: str = "other") -> int:
    """A second user (named Other), signed in as `label`."""
    body = {"name": "Other", "email": f"{label}-{s.tag}@example.com",
            "password": "password123", "authenticate": True}  # fmt: skip
    answer = s.post(f"sign_up_{label}", "/api/user/", body, auth="none")
    s.auth[label] = f"JWT {answer['access_token']}"
    return int(answer["user"]["id"])


def rows_path(table: int, row: int | None = None) -> str:
    return f"/api/database/rows/table/{table}/" + (f"{row}/" if row is not None else "")


def fields_path(table: int) -> str:
    return f"/api/database/fields/table/{table}/"


def row_users(s: Session) -> None:
    """created_by / last_modified_by: old rows, JWT and token writes, single and batch,
    moves, another user's table, filters, sorting, search, conversions, formulas."""
    s.sign_up()
    workspace = s.workspace()
    db = s.database(workspace)
    table = s.table(db, "Rows", [["Name"], ["a"], ["b"]])
    created = s.field(table, "Created by", "created_by")
    s.field(table, "Modified by", "last_modified_by")
    s.rows("old_rows", table, **NAMES)
    s.get("field_json", f"/api/database/fields/{created['id']}/")
    s.get("fields", fields_path(table))

    s.post("create", rows_path(table), {"Name": "jwt"}, query=NAMES)
    s.token(workspace)
    s.post("create_token", rows_path(table), {"Name": "token"}, query=NAMES, auth="token")
    batch = {"items": [{"Name": "batch 1"}, {"Name": "batch 2"}]}
    s.post("batch_create_token", rows_path(table) + "batch/", batch, query=NAMES, auth="token")
    s.patch("update_token", rows_path(table, 1), {"Name": "a2"}, query=NAMES, auth="token")
    s.patch("update_empty", rows_path(table, 2), {}, query=NAMES)
    items = {"items": [{"id": 3, "Name": "jwt 2"}, {"id": 4}]}
    s.patch("batch_update", rows_path(table) + "batch/", items, query=NAMES)
    s.patch("move", rows_path(table, 1) + "move/", None, query=NAMES)
    s.get("get_row", rows_path(table, 1), query=NAMES)
    s.post("read_only", rows_path(table), {"Created by": {"id": 1}}, query=NAMES)
    s.patch("read_only_update", rows_path(table, 1), {"Modified by": None}, query=NAMES)
    s.rows("rows", table, **NAMES)

    other = other_user(s)
    other_ws = int(s.post("other_workspace", "/api/workspaces/", {"name": "O"}, auth="other")["id"])
    other_db = s.post(
        "other_database",
        f"/api/applications/workspace/{other_ws}/",
        {"name": "O", "type": "database"},
        auth="other",
    )["id"]
    body = {"name": "Theirs", "data": [["Name"], ["x"]], "first_row_header": True}
    theirs = s.post(
        "other_table", f"/api/database/tables/database/{other_db}/", body, auth="other"
    )["id"]
    s.post("other_field", fields_path(theirs), {"name": "By", "type": "created_by"}, auth="other")
    s.post("other_create", rows_path(theirs), {"Name": "y"}, query=NAMES, auth="other")
    s.rows("other_rows", theirs, auth="other", **NAMES)
    for who, user in (("me", s.user_id), ("other", other)):
        for filter_type in ("user_is", "user_is_not"):
            query = {**NAMES, f"filter__By__{filter_type}": str(user)}
            s.get(f"other_{filter_type}_{who}", rows_path(theirs), query=query, auth="other")
    s.post("not_member_write", rows_path(table), {"Name": "z"}, query=NAMES, auth="other")
    s.get("not_member_fields", fields_path(table), auth="other")

    by_name = {"Created by", "Modified by"}
    for name in sorted(by_name):
        for i, value in enumerate(
            (f" {s.user_id} ", f"{s.user_id}.0", str(other), f"+{s.user_id}")
        ):
            for filter_type in ("user_is", "user_is_not"):
                query = {
                    **NAMES,
                    "include": f"Name,{name}",
                    f"filter__{name}__{filter_type}": value,
                }
                s.get(f"{name}|{filter_type}|more{i}", rows_path(table), query=query)
    try_filters(s, Built(table, {}), sorted(by_name))
    for order in ("Created by", "-Created by", "Modified by,-Name", "-Modified by,Name"):
        s.rows(f"order|{order}", table, order_by=order, **NAMES)
    for term in ("compat", "COMP", "other", "jwt"):
        s.rows(f"search|{term}", table, search=term, **NAMES)

    for formula in ("field('Created by')", "totext(field('Modified by'))"):
        s.post("formula", fields_path(table), {"name": "F", "type": "formula", "formula": formula})
    linked = s.table(db, "Linked", [["Name"], ["l"]])
    link = s.field(linked, "Link", "link_row", link_row_table_id=table)
    s.patch("link", rows_path(linked, 1), {"Link": [1, 2]}, query=NAMES)
    for name, type_ in (("Lookup", "lookup"), ("Rollup", "rollup")):
        body = {"name": name, "type": type_, "through_field_id": link["id"],
                "target_field_id": created["id"], "rollup_function": "max"}  # fmt: skip
        s.post(f"{type_}_of_created_by", fields_path(linked), body)
    s.post("lookup_formula", fields_path(linked),
           {"name": "F", "type": "formula", "formula": "lookup('Link', 'Created by')"})  # fmt: skip
    s.rows("after_link", table, **NAMES)  # the linked rows' users did not change

    fields = s.fields(table)
    name_id = fields["Name"]["id"]
    converted = s.patch("text_to_created_by", f"/api/database/fields/{name_id}/",
                        {"type": "created_by"})  # fmt: skip
    s.rows("primary_created_by", table, **NAMES)
    s.patch("created_by_to_text", f"/api/database/fields/{converted['id']}/", {"type": "text"})
    s.rows("converted_to_text", table, **NAMES)
    modified = fields["Modified by"]["id"]
    s.patch("modified_to_created", f"/api/database/fields/{modified}/", {"type": "created_by"})
    s.patch(
        "created_to_number",
        f"/api/database/fields/{created['id']}/",
        {"type": "number", "number_negative": True},
    )
    s.patch("rename", f"/api/database/fields/{modified}/", {"name": "By"})
    s.rows("after_conversions", table, **NAMES)
    s.post("db_index", fields_path(table), {"name": "X", "type": "last_modified_by",
                                            "db_index": True})  # fmt: skip
    s.post("extra_props", fields_path(table), {"name": "Y", "type": "last_modified_by",
                                               "available_collaborators": [1],
                                               "notify_user_when_added": False})  # fmt: skip


def collaborators(s: Session) -> None:
    """multiple_collaborators: the field JSON, every write shape and its errors, batch
    membership checks, reads, filters, sorting, search and conversions."""
    s.sign_up()
    workspace = s.workspace()
    db = s.database(workspace)
    table = s.table(db, "Team", [["Name", "Notes"], ["a", str(0)], ["b", ""], ["c", "x"]])
    field = s.field(table, "People", "multiple_collaborators")
    s.field(table, "Quiet", "multiple_collaborators", notify_user_when_added=False)
    for value in ("x", None, 1, "yes", [], "false", "0"):
        body = {"name": f"N {value!r}", "type": "multiple_collaborators",
                "notify_user_when_added": value}  # fmt: skip
        s.post("notify_value", fields_path(table), body)
    s.post("db_index", fields_path(table),
           {"name": "I", "type": "multiple_collaborators", "db_index": True})  # fmt: skip
    me = s.user_id
    other = other_user(s)

    shapes: list[Any] = [
        [{"id": me}], [me], [{"id": me, "name": "ignored"}], str(me), me, None, [],
        [{"id": str(me)}], [{"id": int(MISSING)}], [{"id": other}], [{"id": me}, {"id": me}],
        {"id": me}, [{"id": None}], [{"id": True}], [{}], [{"name": "Compat"}], "", [None],
        [[me]], [{"id": 1.5}], [{"id": me}, {"id": int(MISSING)}],
        [{"id": int(MISSING)}, {"id": int(MISSING) + 1}], [{"id": "x"}], [{"id": me}, "x"],
        [{"id": f" {me} "}], [{"id": f"{me}.0"}], [{"id": f"+{me}"}], [{"id": "1e2"}],
        [{"id": ""}], [{"id": -1}], [{"id": 0}], [{"id": 10**20}], [{"id": "9" * 1001}],
        [None, {"id": "x"}, {"id": me}], [{"id": me}],
    ]  # fmt: skip
    for i, value in enumerate(shapes):
        s.patch(f"write|{i}", rows_path(table, 1), {"People": value}, query=NAMES)
    key = f"field_{field['id']}"
    s.patch("write_by_id", rows_path(table, 2), {key: [{"id": me}]})
    s.patch("write_by_id_bad", rows_path(table, 2), {key: [{"id": other}]})

    s.post("create", rows_path(table), {"Name": "d", "People": [{"id": me}]}, query=NAMES)
    s.post("create_none", rows_path(table), {"Name": "e"}, query=NAMES)
    s.post("create_dup", rows_path(table), {"People": [{"id": me}, {"id": me}]}, query=NAMES)
    s.post("create_bad", rows_path(table), {"People": [{"id": me}, {"id": other}]}, query=NAMES)
    s.post("create_bad_one", rows_path(table), {"People": [{"id": other}]}, query=NAMES)
    s.post("create_null", rows_path(table), {"People": None}, query=NAMES)
    batch = rows_path(table) + "batch/"
    bad_items = [{"People": [{"id": me}]}, {"People": [{"id": other}]},
                 {"People": [{"id": int(MISSING)}, {"id": other}]}]  # fmt: skip
    s.post("batch_create_bad", batch, {"items": bad_items}, query=NAMES)
    items = [{"Name": "f", "People": [{"id": me}]}, {"Name": "g", "People": []}]
    s.post("batch_create", batch, {"items": items}, query=NAMES)
    updates: list[tuple[str, list[dict[str, Any]]]] = [
        ("bad_user", [{"id": 1, "People": [{"id": me}]},
                      {"id": 2, "People": [{"id": int(MISSING)}, {"id": me}]}]),
        ("bad_user_and_value", [{"id": 1, "People": [{"id": int(MISSING)}]},
                                {"id": 2, "Name": {"x": 1}}]),
        ("bad_user_and_missing_row", [{"id": 1, "People": [{"id": other}]},
                                      {"id": 5555, "Name": "x"}]),
        ("bad_user_and_same_row", [{"id": 1, "People": [{"id": other}]},
                                   {"id": 1, "Name": "x"}]),
        ("bad_shapes", [{"id": 1, "People": [{"id": "x"}]}, {"id": 2, "People": True}]),
        ("same_row", [{"id": 1, "Name": "x"}, {"id": 1, "Name": "y"}]),
        ("bad_value_same_row", [{"id": 1, "Name": {"x": 1}}, {"id": 1, "Name": "y"}]),
        ("ok", [{"id": 1, "People": [{"id": me}]}, {"id": 2, "People": []},
                {"id": 3, "Quiet": [{"id": me}]}]),
        ("again", [{"id": 1, "People": [{"id": me}, {"id": me}]}]),
    ]  # fmt: skip
    for label, rows in updates:
        s.patch(f"batch_update_{label}", batch, {"items": rows}, query=NAMES)
    s.token(workspace)
    s.patch("update_token", rows_path(table, 3), {"People": [{"id": me}]}, query=NAMES,
            auth="token")  # fmt: skip
    s.rows("rows", table, **NAMES)
    s.get("row", rows_path(table, 1), query=NAMES)
    s.get("field_json", f"/api/database/fields/{field['id']}/")
    s.get("fields", fields_path(table))

    for i, value in enumerate((f" {me} ", f"{me}.0", f"{me},{me}", str(other))):
        for filter_type in ("multiple_collaborators_has", "multiple_collaborators_has_not"):
            for name in ("People", "Quiet"):
                query = {
                    **NAMES,
                    "include": f"Name,{name}",
                    f"filter__{name}__{filter_type}": value,
                }
                s.get(f"{name}|{filter_type}|more{i}", rows_path(table), query=query)
    try_filters(s, Built(table, {}), ["People", "Quiet"])
    for order in ("People", "-People", "Quiet,-Name", "-Quiet,-Name"):
        s.rows(f"order|{order}", table, order_by=order, **NAMES)
    for term in ("compat", "pat", "other"):
        s.rows(f"search|{term}", table, search=term, **NAMES)

    # the formula fields' JSON (their values are not compared: gridbase does not compute
    # collaborators in formulas yet); deleted last, so no field id is handed out again
    made = []
    for i, formula in enumerate(("field('People')", "count(field('People'))")):
        body = {"name": f"F{i}", "type": "formula", "formula": formula}
        made.append(s.post("formula", fields_path(table), body))
    for answer in made:
        if isinstance(answer, dict) and "id" in answer:
            s.delete("formula_delete", f"/api/database/fields/{answer['id']}/")

    fields = s.fields(table)
    s.patch("notify_off", f"/api/database/fields/{field['id']}/",
            {"notify_user_when_added": False})  # fmt: skip
    s.rows("kept_after_update", table, **NAMES)
    s.patch("to_text", f"/api/database/fields/{field['id']}/", {"type": "text"})
    s.patch("notes_to_collaborators", f"/api/database/fields/{fields['Notes']['id']}/",
            {"type": "multiple_collaborators"})  # fmt: skip
    s.rows("converted", table, **NAMES)
    s.patch("back", f"/api/database/fields/{field['id']}/", {"type": "multiple_collaborators"})
    s.patch("quiet_to_number", f"/api/database/fields/{fields['Quiet']['id']}/",
            {"type": "number", "number_negative": True})  # fmt: skip
    s.rows("converted_back", table, **NAMES)
    s.patch("primary", f"/api/database/fields/{fields['Name']['id']}/",
            {"type": "multiple_collaborators"})  # fmt: skip
    s.patch("write_primary", rows_path(table, 1), {"Name": [{"id": me}]}, query=NAMES)
    s.rows("primary_rows", table, **NAMES)


def passwords(s: Session) -> None:
    """password: field JSON, writes and what reads show, filters, sorting, search,
    conversions, and password authentication by JWT and database token."""
    s.sign_up()
    workspace = s.workspace()
    db = s.database(workspace)
    table = s.table(db, "Logins", [["Name", "T"], ["a", "plain"], ["b", ""], ["c", ""], ["d", ""]])
    closed = s.field(table, "Secret", "password")
    field = s.field(table, "Pin", "password", allow_endpoint_authentication=True)
    for value in ("x", None, 1, "yes", [], "false"):
        body = {"name": f"P {value!r}", "type": "password", "allow_endpoint_authentication": value}
        s.post("allow_value", fields_path(table), body)
    s.post("db_index", fields_path(table), {"name": "I", "type": "password", "db_index": True})

    for i, value in enumerate(["secret", None, "", "  ", True, " pad ", "x" * 200, "secret"]):
        s.patch(f"write|{i}", rows_path(table, 1), {"Secret": value}, query=NAMES)
        s.get(f"read|{i}", rows_path(table, 1), query=NAMES)
    s.patch("write_by_id", rows_path(table, 2), {f"field_{field['id']}": "1234"})
    items = {"items": [{"id": 1, "Pin": "1234"}, {"id": 2, "Pin": " pad "}, {"id": 3, "Pin": ""}]}
    s.patch("batch_update", rows_path(table) + "batch/", items, query=NAMES)
    s.post("create", rows_path(table), {"Name": "e", "Pin": "abc"}, query=NAMES)
    s.post("create_none", rows_path(table), {"Name": "f"}, query=NAMES)
    batch = {"items": [{"Pin": "abc"}, {"Pin": None}, {"Pin": ""}, {"Pin": True}]}
    s.post("batch_create", rows_path(table) + "batch/", batch, query=NAMES)
    s.rows("rows", table, **NAMES)

    try_filters(s, Built(table, {}), ["Secret", "Pin"])
    for order in ("Pin", "-Secret"):
        s.rows(f"order|{order}", table, order_by=order, **NAMES)
    for term in ("secret", "1234", "true"):
        s.rows(f"search|{term}", table, search=term, **NAMES)
    for formula in ("field('Pin')", "isblank(field('Secret'))"):
        s.post("formula", fields_path(table), {"name": "F", "type": "formula", "formula": formula})
    s.post("primary", fields_path(table), {"name": "P", "type": "password", "primary": True})

    path = "/api/database/fields/password-authentication/"
    pin, secret = field["id"], closed["id"]
    text = s.fields(table)["T"]["id"]
    other_user(s)
    cases: list[tuple[str, Any, str]] = [
        ("ok", {"field_id": pin, "row_id": 1, "password": "1234"}, "jwt"),
        ("wrong", {"field_id": pin, "row_id": 1, "password": "nope"}, "jwt"),
        ("not_enabled", {"field_id": secret, "row_id": 1, "password": "secret"}, "jwt"),
        ("pad_exact", {"field_id": pin, "row_id": 2, "password": " pad "}, "jwt"),
        ("pad_trimmed", {"field_id": pin, "row_id": 2, "password": "pad"}, "jwt"),
        ("blank_cell", {"field_id": pin, "row_id": 3, "password": "x"}, "jwt"),
        ("unset_cell", {"field_id": pin, "row_id": 4, "password": "x"}, "jwt"),
        ("missing_row", {"field_id": pin, "row_id": 99, "password": "x"}, "jwt"),
        ("missing_field", {"field_id": int(MISSING), "row_id": 1, "password": "x"}, "jwt"),
        ("text_field", {"field_id": text, "row_id": 1, "password": "plain"}, "jwt"),
        ("empty_body", {}, "jwt"),
        ("no_body", None, "jwt"),
        ("bad_types", {"field_id": "x", "row_id": None, "password": 5}, "jwt"),
        ("blank_password", {"field_id": pin, "row_id": 1, "password": ""}, "jwt"),
        ("spaces_password", {"field_id": pin, "row_id": 1, "password": "   "}, "jwt"),
        ("null_password", {"field_id": pin, "row_id": 1, "password": None}, "jwt"),
        ("list_password", {"field_id": pin, "row_id": 1, "password": ["1234"]}, "jwt"),
        ("bool_password", {"field_id": pin, "row_id": 1, "password": True}, "jwt"),
        ("int_password", {"field_id": pin, "row_id": 1, "password": 1234}, "jwt"),
        ("padded_password", {"field_id": pin, "row_id": 1, "password": " 1234 "}, "jwt"),
        ("ids_as_text", {"field_id": str(pin), "row_id": "1", "password": "1234"}, "jwt"),
        ("ids_with_zeros", {"field_id": f"{pin}.0", "row_id": 1.0, "password": "1234"}, "jwt"),
        ("fraction_row", {"field_id": pin, "row_id": 1.5, "password": "1234"}, "jwt"),
        ("extra_key", {"field_id": pin, "row_id": 1, "password": "1234", "x": 1}, "jwt"),
        ("negative_field", {"field_id": -1, "row_id": 1, "password": "1234"}, "jwt"),
        ("negative_row", {"field_id": pin, "row_id": -1, "password": "1234"}, "jwt"),
        ("zero_row", {"field_id": pin, "row_id": 0, "password": "1234"}, "jwt"),
        ("huge_row", {"field_id": pin, "row_id": 10**20, "password": "1234"}, "jwt"),
        ("huge_field", {"field_id": 10**20, "row_id": 1, "password": "1234"}, "jwt"),
        ("body_list", [1], "jwt"),
        ("other_user", {"field_id": pin, "row_id": 1, "password": "1234"}, "other"),
        ("other_user_wrong", {"field_id": pin, "row_id": 1, "password": "x"}, "other"),
        ("other_user_missing_row", {"field_id": pin, "row_id": 99, "password": "x"}, "other"),
        ("other_user_not_enabled", {"field_id": secret, "row_id": 1, "password": "x"}, "other"),
        ("no_auth", {"field_id": pin, "row_id": 1, "password": "1234"}, "none"),
        ("no_auth_bad_body", {"password": ""}, "none"),
    ]
    for label, body, auth in cases:
        s.post(f"auth|{label}", path, body, auth=auth)
    token = s.token(workspace)
    for label, body in (
        ("ok", {"field_id": pin, "row_id": 1, "password": "1234"}),
        ("wrong", {"field_id": pin, "row_id": 1, "password": "x"}),
        ("missing_row", {"field_id": pin, "row_id": 99, "password": "x"}),
    ):
        s.post(f"auth_token|{label}", path, body, auth="token")
    grants = {"create": True, "read": False, "update": True, "delete": True}
    s.patch("token_no_read", f"/api/database/tokens/{token}/", {"permissions": grants})
    s.post("auth_token|no_read", path, {"field_id": pin, "row_id": 1, "password": "1234"},
           auth="token")  # fmt: skip
    s.post("auth_token|no_read_missing_field", path,
           {"field_id": int(MISSING), "row_id": 1, "password": "1234"}, auth="token")  # fmt: skip
    s.auth["bad_token"] = "Token nonsense"
    s.post("auth_token|bad", path, {"field_id": pin, "row_id": 1, "password": "1234"},
           auth="bad_token")  # fmt: skip
    s.get("auth|get", path)
    s.patch("disable", f"/api/database/fields/{pin}/", {"allow_endpoint_authentication": False})
    s.post("auth|disabled", path, {"field_id": pin, "row_id": 1, "password": "1234"})

    s.patch("to_text", f"/api/database/fields/{pin}/", {"type": "text"})
    s.patch("text_to_password", f"/api/database/fields/{text}/", {"type": "password"})
    s.rows("converted", table, **NAMES)


SCENARIOS = {
    "users_row_users": row_users,
    "users_collaborators": collaborators,
    "users_passwords": passwords,
}
