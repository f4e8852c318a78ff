"""Teammates through the real HTTP stack: what an ADMIN and a MEMBER may do with each kind of
endpoint, the last-admin rules, invitations (the e-mail and its link, sign-up with its token)
and a removed member's JWT and database token being refused at once."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest

from gridbase.config import Settings
from tests.conftest import Api
from tests.helpers import assert_error

BASE_URL = "https://app.example.com/invite"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Invitation links may point at the web frontend's host (GRIDBASE_FRONTEND_HOSTNAMES)."""
    return settings.model_copy(update={"frontend_hostnames": "app.example.com"})


@dataclass
class Team:
    admin: Api
    member: Api
    outsider: Api
    ws: int
    member_wu: int
    admin_wu: int


def invite(api: Api, ws: int, email: str, role: str = "MEMBER") -> dict[str, Any]:
    body = {"email": email, "permissions": role, "message": "Welcome", "base_url": BASE_URL}
    return dict(api.ok(api.post(f"/api/workspaces/invitations/workspace/{ws}/", body)))


@pytest.fixture
def team(api: Api) -> Team:
    member = Api(api.client, "bob@example.com", "Bob")
    outsider = Api(api.client, "carol@example.com", "Carol")
    ws = api.workspace()
    invitation = invite(api, ws, "bob@example.com")
    joined = member.ok(member.post(f"/api/workspaces/invitations/{invitation['id']}/accept/"))
    ids = {u["email"]: u["id"] for u in joined["users"]}
    return Team(api, member, outsider, ws, ids["bob@example.com"], ids["ada@example.com"])


def test_roles_on_the_member_list_and_the_workspaces_list(team: Team) -> None:
    listed = team.admin.ok(team.admin.get(f"/api/workspaces/users/workspace/{team.ws}/"))
    assert [(u["email"], u["permissions"]) for u in listed] == [
        ("ada@example.com", "ADMIN"),
        ("bob@example.com", "MEMBER"),
    ]
    mine = team.member.ok(team.member.get("/api/workspaces/"))
    assert [(w["id"], w["permissions"], len(w["users"])) for w in mine] == [(team.ws, "MEMBER", 2)]
    # the inviter hears that the invitation was accepted
    theirs = team.admin.ok(team.admin.get("/api/workspaces/"))
    assert theirs[0]["unread_notifications_count"] == 1
    assert team.outsider.ok(team.outsider.get("/api/workspaces/")) == []


# (what, method, path, body): each ADMIN-only operation; a MEMBER gets
# ERROR_USER_INVALID_GROUP_PERMISSIONS naming it, an outsider ERROR_USER_NOT_IN_GROUP
ADMIN_ONLY = [
    ("workspace.list_workspace_users", "GET", "/api/workspaces/users/workspace/{ws}/", None),
    ("workspace_user.update", "PATCH", "/api/workspaces/users/{admin_wu}/",
     {"permissions": "MEMBER"}),
    ("workspace_user.delete", "DELETE", "/api/workspaces/users/{admin_wu}/", None),
    ("workspace.list_invitations", "GET", "/api/workspaces/invitations/workspace/{ws}/", None),
    ("workspace.create_invitation", "POST", "/api/workspaces/invitations/workspace/{ws}/",
     {"email": "x@example.com", "base_url": BASE_URL}),
    ("invitation.read", "GET", "/api/workspaces/invitations/{invitation}/", None),
    ("invitation.update", "PATCH", "/api/workspaces/invitations/{invitation}/",
     {"permissions": "ADMIN"}),
    ("invitation.delete", "DELETE", "/api/workspaces/invitations/{invitation}/", None),
    ("workspace.update", "PATCH", "/api/workspaces/{ws}/", {"name": "Mine"}),
    ("workspace.delete", "DELETE", "/api/workspaces/{ws}/", None),
]  # fmt: skip


@pytest.mark.parametrize("operation,method,path,body", ADMIN_ONLY, ids=[c[0] for c in ADMIN_ONLY])
def test_admin_only_operations(
    team: Team, operation: str, method: str, path: str, body: Any
) -> None:
    invitation = invite(team.admin, team.ws, "dan@example.com")
    url = path.format(ws=team.ws, admin_wu=team.admin_wu, invitation=invitation["id"])
    r = team.member.client.request(method, url, json=body, headers=team.member.headers)
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": "ERROR_USER_INVALID_GROUP_PERMISSIONS",
            "detail": f"You need {operation} permissions.",
        },
    )
    r = team.outsider.client.request(method, url, json=body, headers=team.outsider.headers)
    assert_error(r, 400, "ERROR_USER_NOT_IN_GROUP")
    # nothing changed: the admin still sees the workspace, both members and the invitation
    workspaces = team.admin.ok(team.admin.get("/api/workspaces/"))
    assert [(w["name"], w["permissions"], len(w["users"])) for w in workspaces] == [
        ("WS", "ADMIN", 2)
    ]
    pending = team.admin.ok(team.admin.get(f"/api/workspaces/invitations/{invitation['id']}/"))
    assert pending["permissions"] == "MEMBER"
    # (the only admin may neither step down nor remove themselves: test_last_admin_rules)
    if operation not in ("workspace_user.update", "workspace_user.delete"):
        r = team.admin.client.request(method, url, json=body, headers=team.admin.headers)
        assert r.status_code in (200, 204), r.text


def test_a_member_works_with_every_resource_of_the_workspace(team: Team) -> None:
    """Everything but managing the workspace: databases, tables, fields, rows, views,
    tokens, webhooks, API docs — including what the ADMIN made."""
    m = team.member
    db = team.admin.database(team.ws)
    table = team.admin.table(db, data=[["Name"], ["a"]])
    own_db = m.database(team.ws, "Bob's")
    assert m.ok(m.patch(f"/api/applications/{db}/", {"name": "Renamed"}))["name"] == "Renamed"
    own_table = m.table(db, "Bob's table")
    field = m.field(table, "Count", "number")
    row = m.ok(m.post(f"/api/database/rows/table/{table}/?user_field_names=true",
                      {"Name": "b", "Count": 2}))  # fmt: skip
    assert [r["Name"] for r in m.rows(table)] == ["a", "b"]
    view = m.ok(m.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    hook = {"url": "https://example.com/h", "request_method": "POST", "name": "H",
            "include_all_events": True, "use_user_field_names": True}  # fmt: skip
    m.ok(m.post(f"/api/database/webhooks/table/{table}/", hook))
    m.ok(m.get(f"/api/database/tables/{table}/"))
    m.ok(m.get(f"/api/database/views/{view['id']}/"))
    m.ok(m.get(f"/api/database/fields/{field['id']}/"))
    m.ok(m.get(f"/api/database/webhooks/table/{table}/"))
    m.ok(m.get(f"/api/database/{db}/openapi.json"))
    token = m.ok(m.post("/api/database/tokens/", {"name": "t", "workspace": team.ws}))
    r = m.client.get(f"/api/database/rows/table/{table}/",
                     headers={"Authorization": f"Token {token['key']}"})  # fmt: skip
    assert r.json()["count"] == 2
    m.ok(m.delete(f"/api/database/rows/table/{table}/{row['id']}/"))
    m.ok(m.delete(f"/api/database/views/{view['id']}/"))
    m.ok(m.delete(f"/api/database/fields/{field['id']}/"))
    m.ok(m.delete(f"/api/database/tables/{own_table}/"))
    m.ok(m.delete(f"/api/applications/{own_db}/"))
    # an outsider reaches none of it
    paths = (
        f"/api/applications/{db}/",
        f"/api/database/tables/{table}/",
        f"/api/database/rows/table/{table}/",
        f"/api/database/webhooks/table/{table}/",
    )
    for path in paths:
        assert_error(team.outsider.get(path), 400, "ERROR_USER_NOT_IN_GROUP")


def test_last_admin_rules(team: Team) -> None:
    a = team.admin
    admin_wu = f"/api/workspaces/users/{team.admin_wu}/"
    assert_error(
        a.patch(admin_wu, {"permissions": "MEMBER"}), 400, "ERROR_GROUP_USER_IS_LAST_ADMIN"
    )
    assert_error(a.post(f"/api/workspaces/{team.ws}/leave/"), 400, "ERROR_GROUP_USER_IS_LAST_ADMIN")
    assert_error(a.delete(admin_wu), 400, "ERROR_CANNOT_DELETE_YOURSELF_FROM_GROUP")
    assert_error(a.patch(admin_wu, {}), 400, "ERROR_REQUEST_BODY_VALIDATION")
    assert a.ok(a.get("/api/workspaces/"))[0]["permissions"] == "ADMIN"  # nothing changed
    # with a second admin, the first may step down, and then leave
    member_wu = f"/api/workspaces/users/{team.member_wu}/"
    assert a.ok(a.patch(member_wu, {"permissions": "ADMIN"}))["permissions"] == "ADMIN"
    assert a.ok(a.patch(admin_wu, {"permissions": "MEMBER"}))["permissions"] == "MEMBER"
    b = team.member
    assert_error(b.post(f"/api/workspaces/{team.ws}/leave/"), 400, "ERROR_GROUP_USER_IS_LAST_ADMIN")
    a.ok(a.post(f"/api/workspaces/{team.ws}/leave/"))
    assert a.ok(a.get("/api/workspaces/")) == []
    listed = b.ok(b.get(f"/api/workspaces/users/workspace/{team.ws}/"))
    assert [(u["email"], u["permissions"]) for u in listed] == [("bob@example.com", "ADMIN")]


def test_a_removed_member_is_refused_at_once(team: Team) -> None:
    table = team.admin.table(team.admin.database(team.ws), data=[["Name"], ["a"]])
    m = team.member
    key = m.ok(m.post("/api/database/tokens/", {"name": "t", "workspace": team.ws}))["key"]
    by_token = {"Authorization": f"Token {key}"}
    assert m.client.get(f"/api/database/rows/table/{table}/", headers=by_token).status_code == 200
    team.admin.ok(team.admin.delete(f"/api/workspaces/users/{team.member_wu}/"))
    not_member = {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
    for method, body in (("GET", None), ("POST", {"field_1": "x"})):
        r = m.client.request(
            method, f"/api/database/rows/table/{table}/", json=body, headers=by_token
        )
        assert (r.status_code, r.json()) == (400, not_member)
        r = m.client.request(
            method, f"/api/database/rows/table/{table}/", json=body, headers=m.headers
        )
        assert (r.status_code, r.json()) == (400, not_member)
    assert [r["Name"] for r in team.admin.rows(table)] == ["a"]  # nothing was written
    assert m.ok(m.get("/api/workspaces/")) == []


def link_in(caplog: pytest.LogCaptureFixture, email: str) -> str:
    sent = [r.getMessage() for r in caplog.records if r.name == "gridbase.mail"]
    mine = [m for m in sent if f" to {email}:" in m]
    assert len(mine) == 1, sent
    found = re.search(r"Accept the invitation: (\S+)", mine[0])
    assert found is not None, mine[0]
    return found.group(1)


def test_invitation_email_link_and_sign_up_with_its_token(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gridbase.mail")
    a = team.admin
    invitation = invite(a, team.ws, "Dan@Example.com", "ADMIN")
    assert invitation["email"] == "dan@example.com"
    link = link_in(caplog, "dan@example.com")
    assert link.startswith(BASE_URL + "/")
    token = link.removeprefix(BASE_URL + "/")
    payload, _, signature = token.partition(".")
    assert payload and len(signature) >= 40  # the id, signed with the server secret
    public = a.client.get(f"/api/workspaces/invitations/token/{token}/").json()
    assert public == {
        "id": invitation["id"], "invited_by": "Ada", "workspace": "WS",
        "email": "dan@example.com", "message": "Welcome",
        "created_on": invitation["created_on"], "email_exists": False,
    }  # fmt: skip
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    r = a.client.get(f"/api/workspaces/invitations/token/{tampered}/")
    assert (r.status_code, r.json()) == (400, {"error": "BAD_TOKEN_SIGNATURE", "detail": ""})

    body = {"name": "Dan", "email": "eve@example.com", "password": "password123",
            "workspace_invitation_token": token}  # fmt: skip
    assert_error(
        a.client.post("/api/user/", json=body), 400, "ERROR_GROUP_INVITATION_EMAIL_MISMATCH"
    )
    body.update(email="dan@example.com", authenticate=True)
    signed_up = a.client.post("/api/user/", json=body).json()
    dan = {"Authorization": f"JWT {signed_up['access_token']}"}
    joined = a.client.get("/api/workspaces/", headers=dan).json()
    assert [(w["id"], w["permissions"]) for w in joined] == [(team.ws, "ADMIN")]
    # the invitation is used up: its link finds nothing now
    r = a.client.get(f"/api/workspaces/invitations/token/{token}/")
    assert_error(r, 404, "ERROR_GROUP_INVITATION_DOES_NOT_EXIST")


def test_invitation_input_errors_change_nothing(team: Team) -> None:
    a = team.admin
    base = f"/api/workspaces/invitations/workspace/{team.ws}/"
    good = {"email": "x@example.com", "base_url": BASE_URL}
    for body, code in (
        ({**good, "base_url": "http://elsewhere.example.com/"}, "ERROR_HOSTNAME_IS_NOT_ALLOWED"),
        ({**good, "base_url": "nope"}, "ERROR_REQUEST_BODY_VALIDATION"),
        ({**good, "email": "bob@example.com"}, "ERROR_GROUP_USER_ALREADY_EXISTS"),
        ({**good, "permissions": "x" * 33}, "ERROR_REQUEST_BODY_VALIDATION"),
    ):
        assert_error(a.post(base, body), 400, code)
    for sorts, code in (("+name", "ERROR_INVALID_SORT_ATTRIBUTE"),
                        ("+email,+email", "ERROR_INVALID_SORT_ATTRIBUTE"),
                        ("email", "ERROR_INVALID_SORT_DIRECTION")):  # fmt: skip
        assert_error(a.get(base, params={"sorts": sorts}), 400, code)
    assert a.ok(a.get(base)) == []
    created = invite(a, team.ws, "x@example.com")
    assert_error(a.patch(f"/api/workspaces/invitations/{created['id']}/", {}), 400,
                 "ERROR_REQUEST_BODY_VALIDATION")  # fmt: skip
    assert a.ok(a.get(base)) == [created]


def test_reject_and_accept_are_for_the_invitee_only(team: Team) -> None:
    invitation = invite(team.admin, team.ws, "carol@example.com")
    path = f"/api/workspaces/invitations/{invitation['id']}/"
    for who in (team.admin, team.member):
        for action in ("accept/", "reject/"):
            assert_error(who.post(path + action), 400, "ERROR_GROUP_INVITATION_EMAIL_MISMATCH")
    team.outsider.ok(team.outsider.post(path + "reject/"))
    assert_error(team.outsider.post(path + "accept/"), 404, "ERROR_GROUP_INVITATION_DOES_NOT_EXIST")
    assert team.outsider.ok(team.outsider.get("/api/workspaces/")) == []
    assert team.admin.ok(team.admin.get("/api/workspaces/"))[0]["unread_notifications_count"] == 2


def test_the_dashboard_lists_the_invitations_to_the_users_address(team: Team) -> None:
    carol = team.outsider
    assert carol.ok(carol.get("/api/user/dashboard/")) == {"workspace_invitations": []}
    first = invite(team.admin, team.ws, "carol@example.com")
    other_ws = team.admin.workspace("Second")
    second = invite(team.admin, other_ws, "Carol@Example.com")
    invite(team.admin, other_ws, "dan@example.com")  # someone else's
    pending = carol.ok(carol.get("/api/user/dashboard/"))["workspace_invitations"]
    assert [(p["id"], p["workspace"], p["invited_by"], p["email_exists"]) for p in pending] == [
        (first["id"], "WS", "Ada", True),
        (second["id"], "Second", "Ada", True),
    ]
    carol.ok(carol.post(f"/api/workspaces/invitations/{first['id']}/accept/"))
    pending = carol.ok(carol.get("/api/user/dashboard/"))["workspace_invitations"]
    assert [p["id"] for p in pending] == [second["id"]]


def test_the_workspace_permission_object_by_role(team: Team) -> None:
    """GET /api/workspaces/{id}/permissions/: "basic" tells an ADMIN from a MEMBER, an
    outsider gets "member": false, and the first user of the instance is staff."""
    path = f"/api/workspaces/{team.ws}/permissions/"
    by_role = {}
    for who, api in (("admin", team.admin), ("member", team.member), ("out", team.outsider)):
        body = api.ok(api.get(path))
        assert [e["name"] for e in body[:4]] == [
            "core", "setting_operation", "staff", "allow_if_template"
        ]  # fmt: skip
        by_role[who] = (body[2]["permissions"]["is_staff"], body[4:])
    admin_only = by_role["admin"][1][0]["permissions"]["admin_only_operations"]
    assert admin_only[0] == "workspace.list_invitations" and len(admin_only) == 10
    assert by_role == {
        "admin": (True, [{"name": "basic", "permissions": {
            "admin_only_operations": admin_only, "is_admin": True}}]),
        "member": (False, [{"name": "basic", "permissions": {
            "admin_only_operations": admin_only, "is_admin": False}}]),
        "out": (False, [{"name": "member", "permissions": False}]),
    }  # fmt: skip
    # a member promoted to ADMIN reads it at once
    role_path = f"/api/workspaces/users/{team.member_wu}/"
    team.admin.ok(team.admin.patch(role_path, {"permissions": "ADMIN"}))
    assert team.member.ok(team.member.get(path))[4]["permissions"]["is_admin"] is True
    missing = team.admin.get("/api/workspaces/999999/permissions/")
    assert_error(missing, 404, "ERROR_GROUP_DOES_NOT_EXIST")
    assert team.admin.client.get(path).status_code == 401
