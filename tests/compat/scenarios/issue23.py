"""The small pieces of issue 23, each recorded from Baserow 1.35.3: a workspace's permission
object (GET /api/workspaces/{id}/permissions/), ...
"""

from __future__ import annotations

from tests.compat.scenarios.teammates import MISSING, join, teammate
from tests.compat.session import Session


def workspace_permissions(s: Session) -> None:
    """The permission object of the open-source edition: for the workspace's ADMIN, a MEMBER,
    a user outside it, a missing workspace, without a session and with a database token."""
    s.sign_up()
    ws = s.workspace()
    path = f"/api/workspaces/{ws}/permissions/"
    s.get("admin", path)
    join(s, ws, "bob", teammate(s, "bob"))
    s.get("member", path, auth="bob")
    join(s, ws, "carol", teammate(s, "carol"), role="ADMIN")
    s.get("second_admin", path, auth="carol")
    teammate(s, "dave")
    s.get("outsider", path, auth="dave")
    s.get("missing", f"/api/workspaces/{MISSING}/permissions/")
    s.get("missing_outsider", f"/api/workspaces/{MISSING}/permissions/", auth="dave")
    s.get("no_auth", path, auth="none")
    s.token(ws)
    s.get("token", path, auth="token")
    s.get("bad_id", "/api/workspaces/abc/permissions/")
    s.call("post", "POST", path, body={})


SCENARIOS = {
    "workspace_permissions": workspace_permissions,
}
