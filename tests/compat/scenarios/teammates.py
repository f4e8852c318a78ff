"""Teammates: workspace members, invitations and roles (ADMIN / MEMBER, Baserow's open-source
rules), leaving a workspace, and what a MEMBER may do with each kind of resource.

Three users per scenario: the session's own user (Alice, who creates the workspace and is
its ADMIN), Bob and Carol (signed in as `bob` and `carol`). Invitations are accepted by id
(the signed token only travels by e-mail), so the token endpoint and sign-up with a token
are probed with tokens that do not verify.
"""

from __future__ import annotations

from typing import Any

from tests.compat.session import Session

BASE_URL = "http://127.0.0.1:38299/invite"  # the hostname of Baserow's web frontend
MISSING = 999_999_999


def teammate(s: Session, label: str) -> str:
    """Another user (named after `label`), signed in as `label`; their e-mail."""
    email = f"{label}-{s.tag}@example.com"
    body = {"name": label.title(), "email": email, "password": "password123",
            "authenticate": True}  # fmt: skip
    answer = s.post(f"sign_up_{label}", "/api/user/", body, auth="none")
    s.auth[label] = f"JWT {answer['access_token']}"
    return email


def invite(
    s: Session, workspace: int, email: str, role: str = "MEMBER", step: str = "invite"
) -> Any:
    body = {"email": email, "permissions": role, "message": "Join us", "base_url": BASE_URL}
    return s.post(step, f"/api/workspaces/invitations/workspace/{workspace}/", body)


def join(s: Session, workspace: int, label: str, email: str, role: str = "MEMBER") -> int:
    """Invite `label` and accept as them; the id of their membership."""
    invitation = invite(s, workspace, email, role, step=f"invite_{label}")
    accepted = s.post(
        f"accept_{label}", f"/api/workspaces/invitations/{invitation['id']}/accept/", auth=label
    )
    return next(int(u["id"]) for u in accepted["users"] if u["email"] == email)


def members(workspace: int) -> str:
    return f"/api/workspaces/users/workspace/{workspace}/"


def teammates_members(s: Session) -> None:
    """The members list (shapes, search, sorts), role changes, removing, leaving, and the
    last-admin rules; who may do each (ADMIN, MEMBER, outsider)."""
    s.sign_up()
    ws = s.workspace()
    bob = teammate(s, "bob")
    carol = teammate(s, "carol")
    bob_wu = join(s, ws, "bob", bob)
    s.get("list_workspaces_admin", "/api/workspaces/")
    s.get("list_workspaces_member", "/api/workspaces/", auth="bob")
    s.get("list_workspaces_outsider", "/api/workspaces/", auth="carol")

    s.get("members", members(ws))
    s.get("members_member", members(ws), auth="bob")
    s.get("members_outsider", members(ws), auth="carol")
    s.get("members_missing", members(MISSING))
    for search in ("bob", "BOB", "example", "nobody", ""):
        s.get("members_search", members(ws), query={"search": search})
    for sorts in ("+name", "-name", "-email", "+role_uid", "+email,-name", "name", "+x",
                  "+name,+name", "", "-", "*name"):  # fmt: skip
        s.get("members_sorts", members(ws), query={"sorts": sorts})

    me_wu = next(
        u["id"] for u in s.get("members_me", members(ws)) if u["email"].startswith("user-")
    )
    path = "/api/workspaces/users/{}/"
    s.patch("role_member_changes", path.format(me_wu), {"permissions": "MEMBER"}, auth="bob")
    s.patch("role_outsider", path.format(bob_wu), {"permissions": "ADMIN"}, auth="carol")
    # any text is a role (Baserow checks none; only "ADMIN" administers); an empty body and
    # demoting the last admin answer 500 in Baserow, so they are tested in tests/api only
    for body in ({"permissions": "OWNER"}, {"permissions": ""}, {"permissions": None},
                 {"permissions": 1}, [], {"permissions": "admin"},
                 {"permissions": "x" * 40}):  # fmt: skip
        s.patch("role_bad", path.format(bob_wu), body)
    s.patch("role_missing", path.format(MISSING), {"permissions": "ADMIN"})
    s.patch("role_admin", path.format(bob_wu), {"permissions": "ADMIN", "extra": 1})
    s.get("members_two_admins", members(ws), auth="bob")
    s.patch("demote_self", path.format(me_wu), {"permissions": "MEMBER"})
    # (not GET /api/workspaces/ here: Baserow lists members by `order`, and ties, as both
    # are here, come in the order PostgreSQL keeps the rows, which an update changes)
    s.get("members_demoted", members(ws))
    s.patch("promote_back", path.format(me_wu), {"permissions": "ADMIN"}, auth="bob")
    s.patch("role_member_again", path.format(bob_wu), {"permissions": "MEMBER"})

    carol_wu = join(s, ws, "carol", carol)
    s.delete("remove_self", path.format(me_wu))
    s.delete("remove_by_member", path.format(carol_wu), auth="bob")
    s.delete("remove_missing", path.format(MISSING))
    s.delete("remove_carol", path.format(carol_wu))
    s.delete("remove_carol_again", path.format(carol_wu))
    s.get("members_after_remove", members(ws))
    s.get("list_workspaces_removed", "/api/workspaces/", auth="carol")

    leave = f"/api/workspaces/{ws}/leave/"
    s.post("leave_last_admin", leave)
    s.post("leave_outsider", leave, auth="carol")
    s.post("leave_missing", f"/api/workspaces/{MISSING}/leave/", auth="bob")
    s.patch("rename_member", f"/api/workspaces/{ws}/", {"name": "Mine"}, auth="bob")
    s.delete("delete_member", f"/api/workspaces/{ws}/", auth="bob")
    s.patch("rename_outsider", f"/api/workspaces/{ws}/", {"name": "Mine"}, auth="carol")
    own = int(s.post("workspace_bob", "/api/workspaces/", {"name": "Bob's"}, auth="bob")["id"])
    s.post("order_member", "/api/workspaces/order/", {"workspaces": [own, ws]}, auth="bob")
    s.get("list_workspaces_ordered", "/api/workspaces/", auth="bob")
    s.post("leave_member", leave, auth="bob")
    s.post("leave_member_again", leave, auth="bob")
    s.get("list_workspaces_left", "/api/workspaces/", auth="bob")
    s.get("members_after_leave", members(ws))


def teammates_invitations(s: Session) -> None:
    """Invitations: create (every validation and permission error), list with search and
    sorts, read, change, delete, re-invite, accept and reject (the right and the wrong
    user), and the token endpoints."""
    s.sign_up()
    ws = s.workspace()
    bob = teammate(s, "bob")
    carol = teammate(s, "carol")
    base = f"/api/workspaces/invitations/workspace/{ws}/"
    good = {"email": bob, "permissions": "MEMBER", "message": "Hi", "base_url": BASE_URL}
    bad_bodies: list[Any] = [
        {}, [], {**good, "email": "not-an-email"}, {**good, "permissions": "OWNER"},
        {**good, "base_url": "not a url"}, {**good, "base_url": "http://example.com/x"},
        {**good, "base_url": "http://localhost/x"}, {**good, "message": "x" * 300},
        {**good, "email": None}, {**good, "permissions": None}, {"email": bob},
        {**good, "email": "x" * 250 + "@example.com"},
    ]  # fmt: skip
    for body in bad_bodies:
        s.post("create_bad", base, body)
    s.post("create_self", base, {**good, "email": f"user-{s.tag}@example.com"})
    s.post("create_missing_ws", f"/api/workspaces/invitations/workspace/{MISSING}/", good)
    s.post("create_outsider", base, good, auth="carol")
    first = s.post("create", base, good)
    s.post("create_again", base, {**good, "permissions": "ADMIN", "message": "Again"})
    shouting = carol.replace("carol", "CAROL").replace("example.com", "EXAMPLE.COM")
    upper = s.post("create_upper", base, {**good, "email": shouting, "message": ""})
    no_message = {k: v for k, v in good.items() if k != "message"}
    s.post("create_no_message", base, {**no_message, "email": f"dora-{s.tag}@example.com"})
    s.get("list", base)
    for search in ("dora", "again", "EXAMPLE", "zzz"):
        s.get("list_search", base, query={"search": search})
    # (an unknown or repeated sort attribute answers 500 here in Baserow: tests/api only)
    for sorts in ("+email", "-email", "+message,-email"):
        s.get("list_sorts", base, query={"sorts": sorts})
    s.get("list_outsider", base, auth="carol")
    s.get("list_missing", f"/api/workspaces/invitations/workspace/{MISSING}/")

    one = f"/api/workspaces/invitations/{first['id']}/"
    s.get("get", one)
    s.get("get_outsider", one, auth="bob")
    s.get("get_missing", f"/api/workspaces/invitations/{MISSING}/")
    s.patch("update", one, {"permissions": "MEMBER"})
    for body in ({"permissions": "OWNER"}, {"permissions": None}, {"permissions": "x" * 40}):
        s.patch("update_bad", one, body)
    s.patch("update_outsider", one, {"permissions": "ADMIN"}, auth="bob")
    s.patch("update_missing", f"/api/workspaces/invitations/{MISSING}/", {"permissions": "ADMIN"})

    s.post("accept_wrong_user", one + "accept/", auth="carol")
    s.post("reject_wrong_user", one + "reject/", auth="carol")
    s.post("accept_missing", f"/api/workspaces/invitations/{MISSING}/accept/", auth="bob")
    s.post("reject_missing", f"/api/workspaces/invitations/{MISSING}/reject/", auth="bob")
    s.post("accept_no_auth", one + "accept/", auth="none")
    s.post("accept", one + "accept/", auth="bob")
    s.post("accept_again", one + "accept/", auth="bob")
    s.get("list_after_accept", base)
    s.get("list_member", base, auth="bob")
    s.post("create_member", base, {**good, "email": f"erin-{s.tag}@example.com"}, auth="bob")
    s.post("create_existing_member", base, good)
    s.get("get_member", f"/api/workspaces/invitations/{upper['id']}/", auth="bob")
    s.delete("delete_member", f"/api/workspaces/invitations/{upper['id']}/", auth="bob")

    up = f"/api/workspaces/invitations/{upper['id']}/"
    s.post("reject", up + "reject/", auth="carol")
    s.post("reject_again", up + "reject/", auth="carol")
    s.get("get_rejected", up)
    again = s.post("reinvite", base, {**good, "email": carol, "permissions": "ADMIN"})
    again_path = f"/api/workspaces/invitations/{again['id']}/"
    s.delete("delete_outsider", again_path, auth="carol")
    s.delete("delete", again_path)
    s.delete("delete_again", again_path)
    s.post("accept_deleted", again_path + "accept/", auth="carol")
    last = s.post("reinvite_admin", base, {**good, "email": carol, "permissions": "ADMIN"})
    s.post("accept_admin", f"/api/workspaces/invitations/{last['id']}/accept/", auth="carol")
    s.get("members", members(ws), auth="carol")
    s.get("list_new_admin", base, auth="carol")

    for token in ("nonsense", "MTI.abc", "1", "MQ"):
        s.get("by_token", f"/api/workspaces/invitations/token/{token}/", auth="none")
    body = {"name": "Frank", "email": f"frank-{s.tag}@example.com", "password": "password123",
            "workspace_invitation_token": "nonsense"}  # fmt: skip
    s.post("sign_up_bad_token", "/api/user/", body, auth="none")
    s.get("list_end", base)


def teammates_access(s: Session) -> None:
    """What a MEMBER may do with databases, tables, fields, views, rows, tokens and
    webhooks of the workspace (everything but managing the workspace itself), what an
    outsider gets, and that a removed member's JWT and database token stop working."""
    s.sign_up()
    ws = s.workspace()
    bob = teammate(s, "bob")
    teammate(s, "carol")
    bob_wu = join(s, ws, "bob", bob)
    db = s.database(ws)
    table = s.table(db, "Things", [["Name"], ["a"], ["b"]])

    for who in ("bob", "carol"):
        s.get(f"apps_{who}", f"/api/applications/workspace/{ws}/", auth=who)
        s.get(f"app_{who}", f"/api/applications/{db}/", auth=who)
        s.get(f"tables_{who}", f"/api/database/tables/database/{db}/", auth=who)
        s.get(f"table_{who}", f"/api/database/tables/{table}/", auth=who)
        s.get(f"fields_{who}", f"/api/database/fields/table/{table}/", auth=who)
        s.get(f"rows_{who}", f"/api/database/rows/table/{table}/", auth=who)
        s.get(f"views_{who}", f"/api/database/views/table/{table}/", auth=who)
        s.post(f"row_create_{who}", f"/api/database/rows/table/{table}/", {"Name": "x"},
               query={"user_field_names": "true"}, auth=who)  # fmt: skip
        s.post(f"field_create_{who}", f"/api/database/fields/table/{table}/",
               {"name": f"By {who}", "type": "text"}, auth=who)  # fmt: skip
        s.post(f"token_create_{who}", "/api/database/tokens/",
               {"name": who, "workspace": ws}, auth=who)  # fmt: skip
        s.post(f"db_create_{who}", f"/api/applications/workspace/{ws}/",
               {"name": f"{who} db", "type": "database"}, auth=who)  # fmt: skip

    own_db = s.post("db_bob", f"/api/applications/workspace/{ws}/",
                    {"name": "Bob db", "type": "database"}, auth="bob")  # fmt: skip
    s.patch("rename_app_bob", f"/api/applications/{db}/", {"name": "Renamed"}, auth="bob")
    bob_table = s.post("table_bob", f"/api/database/tables/database/{db}/",
                       {"name": "Bob's"}, auth="bob")  # fmt: skip
    s.patch("rename_table_bob", f"/api/database/tables/{table}/", {"name": "T"}, auth="bob")
    field = s.post("field_bob", f"/api/database/fields/table/{table}/",
                   {"name": "Count", "type": "number"}, auth="bob")  # fmt: skip
    s.patch("update_field_bob", f"/api/database/fields/{field['id']}/",
            {"name": "Counted"}, auth="bob")  # fmt: skip
    row = s.post("row_bob", f"/api/database/rows/table/{table}/",
                 {"Name": "bob", "Counted": 3}, query={"user_field_names": "true"},
                 auth="bob")  # fmt: skip
    s.patch("update_row_bob", f"/api/database/rows/table/{table}/{row['id']}/",
            {"Counted": 4}, query={"user_field_names": "true"}, auth="bob")  # fmt: skip
    view = s.post("view_bob", f"/api/database/views/table/{table}/",
                  {"name": "Bob grid", "type": "grid"}, auth="bob")  # fmt: skip
    s.post("filter_bob", f"/api/database/views/{view['id']}/filters/",
           {"field": field["id"], "type": "equal", "value": "4"}, auth="bob")  # fmt: skip
    s.get("view_rows_bob", f"/api/database/views/grid/{view['id']}/", auth="bob")
    s.delete("delete_view_bob", f"/api/database/views/{view['id']}/", auth="bob")
    s.post("webhook_bob", f"/api/database/webhooks/table/{table}/",
           {"url": "https://example.com/hook", "request_method": "POST",
            "include_all_events": True, "use_user_field_names": True,
            "name": "Hook"}, auth="bob")  # fmt: skip
    s.get("webhooks_bob", f"/api/database/webhooks/table/{table}/", auth="bob")
    s.get("webhooks_carol", f"/api/database/webhooks/table/{table}/", auth="carol")
    token = s.post("token_bob", "/api/database/tokens/", {"name": "bob's", "workspace": ws},
                   auth="bob")  # fmt: skip
    s.auth["bob_token"] = f"Token {token['key']}"
    s.get("tokens_bob", "/api/database/tokens/", auth="bob")
    s.get("tokens_alice", "/api/database/tokens/")
    s.get("token_rows", f"/api/database/rows/table/{table}/", auth="bob_token")
    s.post("token_row", f"/api/database/rows/table/{table}/", {"Name": "via token"},
           query={"user_field_names": "true"}, auth="bob_token")  # fmt: skip
    s.delete("delete_row_bob", f"/api/database/rows/table/{table}/{row['id']}/", auth="bob")
    s.delete("delete_table_bob", f"/api/database/tables/{bob_table['id']}/", auth="bob")
    s.delete("delete_app_bob", f"/api/applications/{own_db['id']}/", auth="bob")
    s.get("apps_alice", f"/api/applications/workspace/{ws}/")

    s.delete("remove_bob", f"/api/workspaces/users/{bob_wu}/")
    s.get("token_rows_removed", f"/api/database/rows/table/{table}/", auth="bob_token")
    s.post("token_row_removed", f"/api/database/rows/table/{table}/", {"Name": "x"},
           query={"user_field_names": "true"}, auth="bob_token")  # fmt: skip
    s.get("rows_removed", f"/api/database/rows/table/{table}/", auth="bob")
    s.get("apps_removed", f"/api/applications/workspace/{ws}/", auth="bob")
    s.get("tokens_removed", "/api/database/tokens/", auth="bob")
    s.get("rows_alice", f"/api/database/rows/table/{table}/", query={"user_field_names": "true"})


SCENARIOS = {
    "teammates_members": teammates_members,
    "teammates_invitations": teammates_invitations,
    "teammates_access": teammates_access,
}
