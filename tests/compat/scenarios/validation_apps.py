"""Bad input on the workspace, application (database), table and session-token endpoints,
and the ids in their URLs: Baserow's status, error code and detail for each."""

from __future__ import annotations

from typing import Any

from tests.compat.session import Session

LONG = "x" * 256
BOGUS = 99999999


def validation_workspaces(s: Session) -> None:
    s.sign_up()
    for body in (
        None,
        [],
        "x",
        {},
        {"name": ""},
        {"name": "  "},
        {"name": None},
        {"name": 5},
        {"name": ["a"]},
        {"name": "x" * 166},
        {"name": "x" * 165},
        {"name": "W", "unknown": 1},
    ):
        s.post("create", "/api/workspaces/", body)
    ws = s.post("workspace", "/api/workspaces/", {"name": "Mine"})
    path = f"/api/workspaces/{ws['id']}/"
    for body in (None, {}, {"name": ""}, {"name": None}, {"name": "x" * 166}, {"name": "Renamed"}):
        s.patch("update", path, body)
    s.patch("update_unknown", f"/api/workspaces/{BOGUS}/", {"name": "x"})
    s.patch("update_unknown_bad_body", f"/api/workspaces/{BOGUS}/", {"name": ""})
    for body in (
        None,
        {},
        {"workspaces": None},
        {"workspaces": "x"},
        {"workspaces": ["x"]},
        {"workspaces": []},
        {"workspaces": [BOGUS]},
        {"workspaces": [ws["id"]]},
    ):
        s.post("order", "/api/workspaces/order/", body)
    for path in ("/api/workspaces/abc/", "/api/workspaces/-1/", f"/api/workspaces/{BOGUS}"):
        s.patch("bad_path", path, {"name": "x"})
    s.delete("delete_unknown", f"/api/workspaces/{BOGUS}/")
    s.get("list_unknown_apps", f"/api/applications/workspace/{BOGUS}/")


def validation_applications(s: Session) -> None:
    s.sign_up()
    ws = s.post("workspace", "/api/workspaces/", {"name": "WS"})["id"]
    apps = f"/api/applications/workspace/{ws}/"
    for body in (
        None,
        [],
        "x",
        {},
        {"type": "database"},
        {"name": "D"},
        {"name": "D", "type": "bogus"},
        {"name": "D", "type": None},
        {"name": "", "type": "database"},
        {"name": None, "type": "database"},
        {"name": LONG, "type": "database"},
        {"name": "x" * 161, "type": "database"},
        {"name": "D", "type": "database", "init_with_data": "maybe"},
        {"name": "D", "type": "database", "init_with_data": None},
    ):
        s.post("create", apps, body)
    s.post(
        "create_unknown_workspace",
        f"/api/applications/workspace/{BOGUS}/",
        {"name": "D", "type": "database"},
    )
    s.post("create_unknown_workspace_bad_body", f"/api/applications/workspace/{BOGUS}/", {})
    plain = s.post("database", apps, {"name": "Plain", "type": "database"})
    s.get("tables_plain", f"/api/database/tables/database/{plain['id']}/")
    filled = s.post(
        "database", apps, {"name": "Filled", "type": "database", "init_with_data": True}
    )
    tables = s.get("tables_filled", f"/api/database/tables/database/{filled['id']}/")
    for table in tables:
        s.get("fields_filled", f"/api/database/fields/table/{table['id']}/")
        s.get("rows_filled", f"/api/database/rows/table/{table['id']}/")
        s.get("views_filled", f"/api/database/views/table/{table['id']}/")
    path = f"/api/applications/{plain['id']}/"
    for body in (
        None,
        {},
        {"name": ""},
        {"name": None},
        {"name": LONG},
        {"type": "x"},
        {"name": "Renamed"},
    ):
        s.patch("update", path, body)
    s.patch("update_unknown", f"/api/applications/{BOGUS}/", {"name": "x"})
    s.get("get_unknown", f"/api/applications/{BOGUS}/")
    order = f"{apps}order/"
    for body in (
        None,
        {},
        {"application_ids": None},
        {"application_ids": "x"},
        {"application_ids": ["x"]},
        {"application_ids": []},
        {"application_ids": [BOGUS]},
    ):
        s.post("order", order, body)
    s.post(
        "order_unknown_workspace",
        f"/api/applications/workspace/{BOGUS}/order/",
        {"application_ids": []},
    )
    for path in ("/api/applications/abc/", "/api/applications/workspace/abc/"):
        s.get("bad_path", path)


def validation_tables(s: Session) -> None:
    s.sign_up()
    ws = s.post("workspace", "/api/workspaces/", {"name": "WS"})["id"]
    db = s.database(ws)
    tables = f"/api/database/tables/database/{db}/"

    def create(step: str, body: Any) -> Any:
        return s.post(step, tables, body)

    for body in (
        None,
        [],
        "x",
        {},
        {"name": ""},
        {"name": None},
        {"name": LONG},
        {"name": "x" * 255, "data": [["a"]]},
        {"name": 5},
        {"name": "T", "data": None},
        {"name": "T", "data": []},
        {"name": "T", "data": "x"},
        {"name": "T", "data": [[]]},
        {"name": "T", "data": [[], []]},
        {"name": "T", "data": [["a"]], "first_row_header": "maybe"},
        {"name": "T", "data": [["a", "a"], ["1", "2"]], "first_row_header": True},
        {"name": "T", "data": [["a", " a "], ["1", "2"]], "first_row_header": True},
        {"name": "T", "data": [["id"], ["1"]], "first_row_header": True},
        {"name": "T", "data": [[" order "], ["1"]], "first_row_header": True},
        {"name": "T", "data": [[LONG], ["1"]], "first_row_header": True},
        {"name": "T", "data": [["", ""], ["1", "2"]], "first_row_header": True},
        {"name": "T", "data": [[" "], ["1"]], "first_row_header": True},
        {"name": "T", "data": [["Field 2"], ["1", "2"]], "first_row_header": True},
    ):
        create("create", body)
    # rows of other shapes: a text is its characters, an object its keys; values as str()
    for data, header in (
        ([["a", "b"], ["1"], ["1", "2", "3"]], False),
        ([["a", "b"], ["1"], ["1", "2", "3"]], True),
        (["ab", "c"], False),
        ([{"k": 1, "l": 2}], False),
        ([[1, None, True, 1.5, ["x"], {"y": 1}, "  z  "]], False),
        ([[" Padded ", 7, True], ["v", "w", "x"]], True),
    ):
        made = create("create_shaped", {"name": "S", "data": data, "first_row_header": header})
        s.get("shaped_fields", f"/api/database/fields/table/{made['id']}/")
        s.get("shaped_rows", f"/api/database/rows/table/{made['id']}/")
    s.post("create_unknown_database", f"/api/database/tables/database/{BOGUS}/", {"name": "T"})
    s.post("create_unknown_database_bad_body", f"/api/database/tables/database/{BOGUS}/", {})
    made = create("table", {"name": "Example"})
    s.get("example_fields", f"/api/database/fields/table/{made['id']}/")
    s.get("example_rows", f"/api/database/rows/table/{made['id']}/")
    s.get("example_views", f"/api/database/views/table/{made['id']}/")
    path = f"/api/database/tables/{made['id']}/"
    for body in (None, [], {}, {"name": ""}, {"name": None}, {"name": LONG}, {"name": "R"}):
        s.patch("update", path, body)
    s.patch("update_unknown", f"/api/database/tables/{BOGUS}/", {"name": "x"})
    s.patch("update_unknown_bad_body", f"/api/database/tables/{BOGUS}/", {"name": ""})
    order = f"{tables}order/"
    for body in (
        None,
        {},
        {"table_ids": None},
        {"table_ids": "x"},
        {"table_ids": ["x"]},
        {"table_ids": []},
        {"table_ids": [BOGUS]},
        {"table_ids": [made["id"]]},
    ):
        s.post("order", order, body)
    s.post(
        "order_unknown_database", f"/api/database/tables/database/{BOGUS}/order/", {"table_ids": []}
    )
    for path in (
        "/api/database/tables/abc/",
        "/api/database/tables/-1/",
        f"/api/database/tables/{made['id']}",
        "/api/database/tables/99999999999999999999/",
        "/api/database/rows/table/abc/",
        f"/api/database/rows/table/{made['id']}/abc/",
        "/api/database/views/abc/",
        "/api/database/fields/abc/",
    ):
        s.get("bad_path", path)


def validation_sessions(s: Session) -> None:
    s.sign_up()
    me = s.post(
        "login",
        "/api/user/token-auth/",
        {"email": f"user-{s.tag}@example.com", "password": "password123"},
    )
    refresh = me["refresh_token"]
    for body in (
        None,
        {},
        {"token": refresh},
        {"refresh_token": refresh},
        {"refresh_token": ""},
        {"refresh_token": "bad"},
        {"refresh_token": None},
        {"token": "bad"},
        {"refresh_token": 5},
    ):
        s.post("verify", "/api/user/token-verify/", body, auth="none")
    for body in (
        None,
        {},
        {"token": refresh},
        {"refresh_token": refresh},
        {"refresh_token": ""},
        {"refresh_token": "bad"},
        {"token": "bad"},
    ):
        s.post("refresh", "/api/user/token-refresh/", body, auth="none")
    for body in (
        None,
        {},
        {"token": refresh},
        {"refresh_token": ""},
        {"refresh_token": "bad"},
        {"refresh_token": None},
        {"refresh_token": refresh},
        {"refresh_token": refresh},
    ):
        s.post("blacklist", "/api/user/token-blacklist/", body, auth="none")
    s.post("verify_blacklisted", "/api/user/token-verify/", {"refresh_token": refresh}, auth="none")
    s.post("refresh_blacklisted", "/api/user/token-refresh/", {"token": refresh}, auth="none")
    for body in (
        None,
        {},
        {"email": "nobody@example.com"},
        {"password": "x"},
        {"email": "nobody@example.com", "password": "password123"},
        {"username": f"user-{s.tag}@example.com", "password": "wrong-password"},
    ):
        s.post("login_bad", "/api/user/token-auth/", body, auth="none")


def validation_order_of_checks(s: Session) -> None:
    """Which error comes first when a request has several: authentication, the body or
    query, the object's existence, membership, a database token's grant."""
    s.sign_up()
    ws = s.post("workspace", "/api/workspaces/", {"name": "WS"})["id"]
    db = s.database(ws)
    table = s.table(db, "T", [["Name"], ["a"]])
    view = s.get("views", f"/api/database/views/table/{table}/", record=False)[0]["id"]
    name = s.fields(table)["Name"]["id"]
    body = {"name": "Other", "email": f"other-{s.tag}@example.com", "password": "password123",
            "authenticate": True}  # fmt: skip
    s.auth["other"] = f"JWT {s.post('other', '/api/user/', body, auth='none')['access_token']}"
    s.auth["bad_jwt"] = "JWT not-a-token"
    s.auth["bad_token"] = "Token " + "x" * 32
    s.token(ws)
    other_ws = s.post("other_workspace", "/api/workspaces/", {"name": "O"}, auth="other")["id"]
    # a token of a workspace that has none of our tables
    made = s.post("other_token", "/api/database/tokens/", {"name": "o", "workspace": other_ws},
                  auth="other")  # fmt: skip
    s.auth["other_token"] = f"Token {made['key']}"
    rows = f"/api/database/rows/table/{table}/"
    calls: list[tuple[str, str, dict[str, Any] | None, Any]] = [
        ("POST", "/api/workspaces/", None, []),
        ("PATCH", f"/api/workspaces/{ws}/", None, {"name": ""}),
        ("POST", f"/api/applications/workspace/{ws}/", None, {"name": "", "type": "database"}),
        ("PATCH", f"/api/applications/{db}/", None, {"name": ""}),
        ("POST", f"/api/database/tables/database/{db}/", None, {"name": ""}),
        ("PATCH", f"/api/database/tables/{table}/", None, {"name": ""}),
        ("POST", f"/api/database/tables/database/{db}/order/", None, {"table_ids": "x"}),
        ("GET", f"/api/database/views/table/{table}/", {"type": "bogus"}, None),
        ("POST", f"/api/database/views/table/{table}/", None, {"type": "bogus"}),
        ("PATCH", f"/api/database/views/{view}/", None, {"name": ""}),
        ("POST", f"/api/database/views/{view}/filters/", None, {"field": "x"}),
        ("POST", f"/api/database/views/{view}/sortings/", None, {"field": name, "order": "UP"}),
        ("PATCH", f"/api/database/views/{view}/field-options/", None, {"field_options": None}),
        ("GET", f"/api/database/views/grid/{view}/", {"search_mode": "x"}, None),
        ("GET", f"/api/database/views/grid/{view}/", {"order_by": "bogus"}, None),
        ("GET", rows, {"search_mode": "x"}, None),
        ("GET", rows, {"order_by": "bogus"}, None),
        ("GET", rows, {"size": "500"}, None),
        ("GET", rows, {"filters": "{bad"}, None),
        ("GET", f"{rows}1/", {"include": "metadata"}, None),
        ("POST", rows, {"before": "x"}, {}),
        ("POST", rows, None, {"Nope": 1, f"field_{name}": ["x"]}),
        ("PATCH", f"{rows}1/", None, {f"field_{name}": ["x"]}),
        ("PATCH", f"{rows}1/move/", {"before_id": "x"}, None),
        ("POST", f"{rows}batch/", None, {"items": "x"}),
        ("POST", f"{rows}batch-delete/", None, {"items": ["x"]}),
        ("GET", "/api/database/rows/names/", {f"table__{table}": "x"}, None),
    ]
    for auth in ("none", "bad_jwt", "bad_token", "other", "other_token", "token"):
        for method, path, query, data in calls:
            s.call(f"{auth}_{method.lower()}", method, path, query=query, body=data, auth=auth)
    # the GET endpoints public views may reach: no JWT is an anonymous request
    for auth in ("none", "bad_token", "other"):
        for path in (f"/api/database/views/table/{table}/", f"/api/database/views/grid/{view}/",
                     f"/api/database/views/{view}/field-options/",
                     f"/api/database/views/table/{BOGUS}/", f"/api/database/views/grid/{BOGUS}/",
                     f"/api/database/views/{BOGUS}/field-options/"):  # fmt: skip
            s.get(f"{auth}_public_get", path, auth=auth)


SCENARIOS = {
    "validation_workspaces": validation_workspaces,
    "validation_applications": validation_applications,
    "validation_tables": validation_tables,
    "validation_sessions": validation_sessions,
    "validation_order_of_checks": validation_order_of_checks,
}
