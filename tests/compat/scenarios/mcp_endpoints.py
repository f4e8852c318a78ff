"""MCP endpoints: the management API (/api/mcp/endpoints/, /api/mcp/endpoint/{id}/) that
binds a named, keyed endpoint to a user and one of their workspaces; who may see, rename and
delete one (only its owner), and the validation of each body.

Two users: the session's own (who creates the workspace) and Bob (signed in as `bob`), a
MEMBER of it after an accepted invitation, then an outsider to a second workspace.
"""

from __future__ import annotations

from tests.compat.scenarios.teammates import join, teammate
from tests.compat.session import Session

MISSING = 999_999_999
LIST = "/api/mcp/endpoints/"
ONE = "/api/mcp/endpoint/{}/"


def mcp_endpoints(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    other_ws = s.post("workspace_2", "/api/workspaces/", {"name": "WS2"})["id"]
    s.get("list_empty", LIST)
    first = s.post("create", LIST, {"name": "Claude", "workspace_id": ws})
    second = s.post("create", LIST, {"name": "Second", "workspace_id": other_ws})
    s.get("list", LIST)
    s.get("get", ONE.format(first["id"]))
    s.patch("rename", ONE.format(first["id"]), {"name": "Renamed"})
    s.get("get_renamed", ONE.format(first["id"]))
    s.patch("rename_extra_keys", ONE.format(first["id"]), {"name": "R2", "workspace_id": other_ws,
                                                          "key": "x" * 32})  # fmt: skip
    s.get("get_after_extra_keys", ONE.format(first["id"]))

    # bodies that fail validation
    invalid = [{}, {"name": "x"}, {"workspace_id": ws}, {"name": "", "workspace_id": ws},
               {"name": "a" * 101, "workspace_id": ws}, {"name": "a" * 100, "workspace_id": ws},
               {"name": "x", "workspace_id": "abc"}, {"name": None, "workspace_id": ws},
               {"name": 12, "workspace_id": ws}, {"name": "x", "workspace_id": None},
               []]  # fmt: skip
    for body in invalid:
        s.post("create_invalid", LIST, body)
    s.post("create_missing_workspace", LIST, {"name": "x", "workspace_id": MISSING})
    for body in ({}, {"name": ""}, {"name": "a" * 101}, {"name": None}, []):
        s.patch("rename_invalid", ONE.format(first["id"]), body)
    s.patch("rename_missing", ONE.format(MISSING), {"name": "x"})
    s.get("get_missing", ONE.format(MISSING))
    s.delete("delete_missing", ONE.format(MISSING))

    # another user: a member of the first workspace, an outsider to the second
    bob = teammate(s, "bob")
    join(s, ws, "bob", bob)
    s.get("bob_list_empty", LIST, auth="bob")
    s.get("bob_get_other", ONE.format(first["id"]), auth="bob")
    s.patch("bob_rename_other", ONE.format(first["id"]), {"name": "Bob's"}, auth="bob")
    s.delete("bob_delete_other", ONE.format(first["id"]), auth="bob")
    s.post("bob_create_outsider", LIST, {"name": "B", "workspace_id": other_ws}, auth="bob")
    bobs = s.post("bob_create_member", LIST, {"name": "B", "workspace_id": ws}, auth="bob")
    s.get("bob_list", LIST, auth="bob")
    s.get("list_not_bobs", LIST)
    s.get("get_bobs", ONE.format(bobs["id"]))

    s.delete("delete", ONE.format(second["id"]))
    s.get("get_deleted", ONE.format(second["id"]))
    s.delete("delete_again", ONE.format(second["id"]))
    s.get("list_after_delete", LIST)
    s.call("list_anonymous", "GET", LIST, auth="none")
    s.call("create_anonymous", "POST", LIST, body={"name": "x", "workspace_id": ws}, auth="none")
    s.token(ws)
    s.get("list_database_token", LIST, auth="token")


SCENARIOS = {"mcp_endpoints": mcp_endpoints}
