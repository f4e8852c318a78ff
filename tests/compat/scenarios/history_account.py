"""Row history and adjacent rows, the account endpoints and the health checks of Baserow
1.35.3.

Row history: which writes leave an entry (single and batch updates, creations, deletions,
moves, a change to the same value), what an entry holds, the limit/offset paging and the
refusals (no such row or table, another user, a database token). Adjacent rows: next and
previous, at the ends, with a view's filters and sorts, with a search. Account: every
validation error of PATCH /api/user/account/, change-password (the old password refused
afterwards), the error paths of the reset-password pair (a reset token cannot be recorded:
gridbase's tests cover its success path) and the health checks a load balancer calls.
"""

from __future__ import annotations

from tests.compat.scenarios.build import NAMES
from tests.compat.scenarios.users import other_user, rows_path
from tests.compat.session import Session


def history_path(table: int, row: int) -> str:
    return rows_path(table, row) + "history/"


def adjacent_path(table: int, row: int) -> str:
    return rows_path(table, row) + "adjacent/"


def history_rows(s: Session) -> None:
    """Entries of single and batch updates, creations and deletions; paging; refusals."""
    s.sign_up()
    workspace = s.workspace()
    db = s.database(workspace)
    table = s.table(db, "History", [["Name", "Notes"], ["a", "x"], ["b", "y"], ["c", "z"]])
    s.field(table, "Count", "number", number_decimal_places=1)
    s.field(table, "Done", "boolean")
    s.field(table, "Kind", "single_select", select_options=[{"value": "red", "color": "red"}])
    kinds = s.fields(table)["Kind"]["select_options"]
    s.get("untouched", history_path(table, 1))

    s.patch("update_name", rows_path(table, 1), {"Name": "a2"}, query=NAMES)
    s.get("after_one", history_path(table, 1))
    s.patch("update_same", rows_path(table, 1), {"Name": "a2"}, query=NAMES)
    s.get("after_same", history_path(table, 1))
    body = {"Count": 2.5, "Done": True, "Kind": kinds[0]["id"], "Notes": None}
    s.patch("update_many", rows_path(table, 1), body, query=NAMES)
    s.get("after_many", history_path(table, 1))
    items = {"items": [{"id": 1, "Count": 3}, {"id": 2, "Name": "b2", "Done": True}, {"id": 3}]}
    s.patch("batch_update", rows_path(table) + "batch/", items, query=NAMES)
    s.get("batch_row_1", history_path(table, 1))
    s.get("batch_row_2", history_path(table, 2))
    s.get("batch_row_3", history_path(table, 3))
    fields_ids = {"items": [{"id": 2, "Notes": "by id"}]}
    s.patch("batch_by_names", rows_path(table) + "batch/", fields_ids, query=NAMES)
    s.patch("move", rows_path(table, 2) + "move/", None, query=NAMES)
    s.get("after_move", history_path(table, 2))

    s.post("create", rows_path(table), {"Name": "new", "Count": 1}, query=NAMES)
    s.get("created", history_path(table, 4))
    batch = {"items": [{"Name": "n1"}, {"Name": "n2", "Done": True}]}
    s.post("batch_create", rows_path(table) + "batch/", batch, query=NAMES)
    s.get("batch_created", history_path(table, 6))

    for query in ({"limit": 1}, {"limit": 2, "offset": 1}, {"offset": 10}, {"limit": 0},
                  {"limit": "x"}, {"offset": -1}, {"limit": 500}):  # fmt: skip
        s.get("paging", history_path(table, 1), query=query)

    s.get("no_row", history_path(table, 999))
    s.get("no_table", history_path(99999999, 1))
    s.get("no_auth", history_path(table, 1), auth="none")
    s.token(workspace)
    s.get("token", history_path(table, 1), auth="token")
    other_user(s)
    s.get("other_user", history_path(table, 1), auth="other")

    s.delete("delete_row", rows_path(table, 3))
    s.get("deleted_row", history_path(table, 3))
    s.post("batch_delete", rows_path(table) + "batch-delete/", {"items": [5]})
    count = s.fields(table)["Count"]["id"]
    s.delete("delete_field", f"/api/database/fields/{count}/")
    s.get("field_deleted", history_path(table, 1))
    s.patch("after_field_deleted", rows_path(table, 1), {"Name": "a3"}, query=NAMES)
    s.get("field_deleted_then_update", history_path(table, 1), query={"limit": 2})


def history_adjacent(s: Session) -> None:
    """Next and previous rows: by id, at the ends, with a view's filter and sort, a search."""
    s.sign_up()
    db = s.database()
    data = [["Name", "Notes"], ["delta", "1"], ["alpha", "2"], ["charlie", "3"], ["bravo", "4"]]
    table = s.table(db, "Adjacent", data)
    name = s.fields(table)["Name"]["id"]
    for row in (1, 2, 4):
        s.get("next", adjacent_path(table, row))
        s.get("previous", adjacent_path(table, row), query={"previous": "true"})
    s.get("names", adjacent_path(table, 2), query=NAMES)
    s.get("previous_1", adjacent_path(table, 3), query={"previous": "1"})
    s.get("previous_bad", adjacent_path(table, 3), query={"previous": "maybe"})
    s.get("search", adjacent_path(table, 1), query={"search": "charlie"})
    s.get("search_previous", adjacent_path(table, 4), query={"search": "a", "previous": "t"})
    s.get("search_none", adjacent_path(table, 1), query={"search": "zzz"})

    view = s.post("view", f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"})
    view_id = view["id"]
    s.post("sort", f"/api/database/views/{view_id}/sortings/", {"field": name, "order": "ASC"})
    for row in (1, 2, 3, 4):
        s.get("view_next", adjacent_path(table, row), query={"view_id": view_id})
        s.get("view_prev", adjacent_path(table, row), query={"view_id": view_id, "previous": 1})
    body = {"field": name, "type": "not_equal", "value": "charlie"}
    s.post("filter", f"/api/database/views/{view_id}/filters/", body)
    s.get("filtered_next", adjacent_path(table, 4), query={"view_id": view_id})
    s.get("filtered_prev", adjacent_path(table, 1), query={"view_id": view_id, "previous": 1})
    s.get("filtered_out_row", adjacent_path(table, 3), query={"view_id": view_id})
    s.get("view_search", adjacent_path(table, 2), query={"view_id": view_id, "search": "delta"})

    s.get("view_missing", adjacent_path(table, 1), query={"view_id": 9999999})
    s.get("view_bad", adjacent_path(table, 1), query={"view_id": "x"})
    other = s.table(db, "Other", [["Name"], ["x"]])
    theirs = s.post(
        "other_view", f"/api/database/views/table/{other}/", {"name": "O", "type": "grid"}
    )
    s.get("view_of_other_table", adjacent_path(table, 1), query={"view_id": theirs["id"]})
    s.get("no_row", adjacent_path(table, 999))
    s.get("no_table", adjacent_path(99999999, 1))
    s.get("no_auth", adjacent_path(table, 1), auth="none")
    other_user(s)
    s.get("other_user", adjacent_path(table, 1), auth="other")


def account_update(s: Session) -> None:
    """PATCH /api/user/account/: each field, each refusal; the dashboard."""
    s.sign_up()
    path = "/api/user/account/"
    s.patch("name", path, {"first_name": "Renamed"})
    s.patch("language", path, {"language": "fr"})
    s.patch("frequency", path, {"email_notification_frequency": "daily"})
    s.patch("onboarding", path, {"completed_onboarding": True})
    s.patch("tours", path, {"completed_guided_tours": ["sidebar", "database"]})
    s.patch("all", path, {"first_name": "Both", "language": "en", "completed_onboarding": False})
    login = {"email": f"user-{s.tag}@example.com", "password": "password123"}
    s.post("token_verify_after", "/api/user/token-auth/", login, auth="none")
    for body in (
        {},
        {"unknown": 1},
        {"first_name": "a"},
        {"first_name": "x" * 151},
        {"first_name": None},
        {"first_name": ""},
        {"first_name": 12},
        {"language": "x"},
        {"language": "zz"},
        {"language": "x" * 11},
        {"email_notification_frequency": "hourly"},
        {"completed_onboarding": "maybe"},
        {"completed_guided_tours": "sidebar"},
        {"completed_guided_tours": [""]},
        {"first_name": "ok", "language": "zz"},
        [],
        "text",
    ):
        s.patch("invalid", path, body)
    s.patch("no_auth", path, {"first_name": "Nobody"}, auth="none")
    s.call("put", "PUT", path, body={"first_name": "Put"})
    s.get("get", path)
    s.get("dashboard", "/api/user/dashboard/")
    s.get("dashboard_no_auth", "/api/user/dashboard/", auth="none")


def account_password(s: Session) -> None:
    """change-password, reset-password's refusals, account deletion scheduling."""
    s.sign_up()
    email = f"user-{s.tag}@example.com"
    login = {"email": email, "password": "password123"}
    first = s.post("login", "/api/user/token-auth/", login, auth="none")
    s.auth["old"] = f"JWT {first['access_token']}"
    old_refresh = first["refresh_token"]
    path = "/api/user/change-password/"
    for body in (
        {},
        {"old_password": "password123"},
        {"new_password": "password456"},
        {"old_password": "wrong-password", "new_password": "password456"},
        {"old_password": "password123", "new_password": "short"},
        {"old_password": "password123", "new_password": "x" * 257},
        {"old_password": "", "new_password": "password456"},
        {"old_password": None, "new_password": "password456"},
    ):
        s.post("change_invalid", path, body)
    s.post("change_no_auth", path, {"old_password": "a", "new_password": "b"}, auth="none")
    s.post("change", path, {"old_password": "password123", "new_password": "password456"})
    s.get("old_access_after", "/api/workspaces/", auth="old")
    s.post("old_refresh_after", "/api/user/token-refresh/", {"refresh_token": old_refresh},
           auth="none")  # fmt: skip
    s.post("old_password_login", "/api/user/token-auth/", login, auth="none")
    again = s.post("new_password_login", "/api/user/token-auth/",
                   {"email": email, "password": "password456"}, auth="none")  # fmt: skip
    s.auth["jwt"] = f"JWT {again['access_token']}"
    s.get("new_access", "/api/workspaces/")

    send = "/api/user/send-reset-password-email/"
    for body in (
        {},
        {"email": "not-an-email", "base_url": "http://example.com/reset"},
        {"email": email},
        {"email": email, "base_url": "not a url"},
        {"email": email, "base_url": "http://example.com/reset"},
        {"email": f"nobody-{s.tag}@example.com", "base_url": "http://example.com/reset"},
    ):
        s.post("send_reset", send, body, auth="none")
    reset = "/api/user/reset-password/"
    for body in (
        {},
        {"token": "abc"},
        {"token": "abc", "password": "password789"},
        {"token": "abc", "password": "short"},
        {
            "token": "eyJ1c2VyX2lkIjoxfQ:1tZ2Y3:abcdefghijklmnopqrstuvwxyz",
            "password": "pw123456789",
        },
        {"token": "", "password": "password789"},
    ):
        s.post("reset", reset, body, auth="none")

    s.post("schedule_deletion", "/api/user/schedule-account-deletion/")
    s.get("after_schedule", "/api/workspaces/")
    back = s.post("login_after_schedule", "/api/user/token-auth/",
                  {"email": email, "password": "password456"}, auth="none")  # fmt: skip
    s.auth["jwt"] = f"JWT {back['access_token']}"
    s.get("after_login", "/api/workspaces/")
    s.post("schedule_no_auth", "/api/user/schedule-account-deletion/", auth="none")


def health(s: Session) -> None:
    """The public health check and the staff-only full one."""
    s.get("health", "/api/_health/", auth="none")
    s.get("full_no_auth", "/api/_health/full/", auth="none")
    s.sign_up()
    s.get("health_jwt", "/api/_health/")
    s.get("full_not_staff", "/api/_health/full/")
    s.get("full_bad_jwt", "/api/_health/full/", headers={"Authorization": "JWT nonsense"})


SCENARIOS = {
    "history_rows": history_rows,
    "history_adjacent": history_adjacent,
    "account_update": account_update,
    "account_password": account_password,
    "health_checks": health,
}
