"""Workspaces and their members: list, create, rename, delete, and the role checks.

Roles are Baserow's open-source ones: a member whose `permissions` is "ADMIN" may do
everything in the workspace; any other member (normally "MEMBER") may do everything but the
ADMIN_ONLY operations (managing the workspace, its members and its invitations). Every
check in core goes through require_member() or require_admin() here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import (
    UserInvalidWorkspacePermissions,
    UserNotInWorkspace,
    WorkspaceDoesNotExist,
)
from gridbase.models import User, Workspace
from gridbase.storage import schema as s
from gridbase.storage.prepared import records


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    user_id: int
    workspace_id: int
    name: str
    email: str
    permissions: str
    created_on: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    workspace: Workspace
    order: int
    permissions: str
    members: tuple[Member, ...]
    unread_notifications: int = 0


ADMIN = "ADMIN"
# Baserow's names of the operations only an ADMIN may do (its error detail names them), in
# its order (the permission object lists them)
ADMIN_ONLY: tuple[str, ...] = (
    "workspace.list_invitations", "workspace.create_invitation", "invitation.read",
    "invitation.update", "invitation.delete", "workspace.list_workspace_users",
    "workspace.update", "workspace.delete", "workspace_user.update", "workspace_user.delete",
)  # fmt: skip


def _workspace(row: Any) -> Workspace:
    return Workspace(row.id, row.name, row.created_on)


def load(conn: sa.Connection, workspace_id: int, *, trashed_too: bool = False) -> Workspace:
    """The workspace; one in the trash (core.trash_apps) is missing unless `trashed_too`."""
    w = s.workspaces
    stmt = sa.select(w).where(w.c.id == workspace_id)
    if not trashed_too:
        stmt = stmt.where(w.c.trashed.is_(False))
    row = conn.execute(stmt).first()
    if row is None:
        raise WorkspaceDoesNotExist()
    return _workspace(row)


_IS_MEMBER = sa.select(s.workspace_users.c.id).where(  # built once; a read-only statement
    s.workspace_users.c.user_id == sa.bindparam("user_id"),
    s.workspace_users.c.workspace_id == sa.bindparam("workspace_id"),
)


def is_member(conn: sa.Connection, user_id: int, workspace_id: int) -> bool:
    params = {"user_id": user_id, "workspace_id": workspace_id}
    return bool(records(s.workspace_users, conn, "is_member", lambda: _IS_MEMBER, params))


def require_member(conn: sa.Connection, user_id: int, workspace_id: int) -> None:
    if not is_member(conn, user_id, workspace_id):
        raise UserNotInWorkspace()


def role(conn: sa.Connection, user_id: int, workspace_id: int) -> str | None:
    wu = s.workspace_users
    return conn.execute(
        sa.select(wu.c.permissions).where(
            wu.c.user_id == user_id, wu.c.workspace_id == workspace_id
        )
    ).scalar()


def role_in(ctx: Ctx, user: User, workspace_id: int) -> str | None:
    """The user's role in an existing workspace (None: not a member); any user may ask, as
    Baserow's permission object answers an outsider too (ERROR_GROUP_DOES_NOT_EXIST only for
    a missing workspace)."""
    with ctx.db.read() as conn:
        load(conn, workspace_id)
        return role(conn, user.id, workspace_id)


def require_admin(conn: sa.Connection, user_id: int, workspace_id: int, operation: str) -> None:
    """Raise unless the user is a member (ERROR_USER_NOT_IN_GROUP) whose role may do the
    ADMIN_ONLY `operation` (ERROR_USER_INVALID_GROUP_PERMISSIONS)."""
    assert operation in ADMIN_ONLY, operation
    found = role(conn, user_id, workspace_id)
    if found is None:
        raise UserNotInWorkspace()
    if found != ADMIN:
        raise UserInvalidWorkspacePermissions(operation)


def _memberships(
    conn: sa.Connection, user: User, workspace_ids: list[int] | None = None
) -> list[Membership]:
    wu, u, w = s.workspace_users, s.users, s.workspaces
    live = sa.select(w.c.id).where(w.c.trashed.is_(False))  # trashed ones: core.trash_apps
    mine = sa.select(wu.c.workspace_id, wu.c.order, wu.c.permissions).where(
        wu.c.user_id == user.id, wu.c.workspace_id.in_(live)
    )
    if workspace_ids is not None:
        mine = mine.where(wu.c.workspace_id.in_(workspace_ids))
    own = {r.workspace_id: r for r in conn.execute(mine)}
    if not own:
        return []
    workspaces = {r.id: _workspace(r) for r in conn.execute(sa.select(w).where(w.c.id.in_(own)))}
    members: dict[int, list[Member]] = {wid: [] for wid in own}
    rows = conn.execute(
        sa.select(wu, u.c.first_name, u.c.email)
        .join(u, u.c.id == wu.c.user_id)
        .where(wu.c.workspace_id.in_(own))
        .order_by(wu.c.order, wu.c.id)  # Baserow's WorkspaceUser ordering, ties by age
    )
    for r in rows:
        members[r.workspace_id].append(
            Member(
                r.id, r.user_id, r.workspace_id, r.first_name, r.email, r.permissions, r.created_on
            )
        )
    n = s.notifications
    unread: dict[int, int] = dict(
        conn.execute(
            sa.select(n.c.workspace_id, sa.func.count())
            .where(n.c.recipient_id == user.id, n.c.workspace_id.in_(own), n.c.read.is_(False))
            .group_by(n.c.workspace_id)
        ).all()
    )
    out = [
        Membership(
            workspaces[wid],
            own[wid].order,
            own[wid].permissions,
            tuple(members[wid]),
            int(unread.get(wid, 0)),
        )
        for wid in own
    ]
    return sorted(out, key=lambda m: (m.order, m.workspace.id))


def membership(conn: sa.Connection, user: User, workspace_id: int) -> Membership:
    """The user's view of one workspace they are a member of."""
    return _memberships(conn, user, [workspace_id])[0]


def list_for_user(ctx: Ctx, user: User) -> list[Membership]:
    with ctx.db.read() as conn:
        return _memberships(conn, user)


def create(ctx: Ctx, user: User, name: str) -> Membership:
    with ctx.db.write() as conn:
        now = ctx.clock()
        wid = s.new_id(conn.execute(s.workspaces.insert().values(name=name, created_on=now)))
        wu = s.workspace_users
        order = s.next_order(conn, wu.c.order, wu.c.user_id == user.id)
        conn.execute(
            wu.insert().values(
                workspace_id=wid,
                user_id=user.id,
                permissions="ADMIN",
                order=order,
                created_on=now,
            )
        )
        return _memberships(conn, user, [wid])[0]


def update(ctx: Ctx, user: User, workspace_id: int, name: str) -> Workspace:
    with ctx.db.write() as conn:
        load(conn, workspace_id)
        require_admin(conn, user.id, workspace_id, "workspace.update")
        conn.execute(
            s.workspaces.update().where(s.workspaces.c.id == workspace_id).values(name=name)
        )
        return load(conn, workspace_id)


def delete(ctx: Ctx, user: User, workspace_id: int, drop_tables: Any) -> None:
    """Deletes the workspace for good (an account deletion's; the API trashes it)."""
    with ctx.db.write() as conn:
        load(conn, workspace_id, trashed_too=True)
        require_admin(conn, user.id, workspace_id, "workspace.delete")
        drop_tables(conn, workspace_id)
        conn.execute(s.workspaces.delete().where(s.workspaces.c.id == workspace_id))


def order(ctx: Ctx, user: User, workspace_ids: list[int]) -> None:
    wu, w = s.workspace_users, s.workspaces
    live = sa.select(w.c.id).where(w.c.trashed.is_(False))  # a trashed one keeps its order
    with ctx.db.write() as conn:
        for position, wid in enumerate(workspace_ids, start=1):
            conn.execute(
                wu.update()
                .where(
                    wu.c.user_id == user.id, wu.c.workspace_id == wid, wu.c.workspace_id.in_(live)
                )
                .values(order=position)
            )
