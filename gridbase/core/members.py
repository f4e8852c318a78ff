"""A workspace's members as its ADMINs manage them: list (search, sorts), change a role,
remove a member, and a member leaving. A workspace always keeps one ADMIN.

Removing or leaving deletes the membership row; every check (JWT or database token) reads
membership on each request, so the member's tokens stop working at once.
Imports: core.workspaces, core.sorting, errors, models, storage.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import workspaces
from gridbase.core.context import Ctx
from gridbase.core.sorting import parse_sorts
from gridbase.core.workspaces import ADMIN, Member
from gridbase.errors import (
    CannotDeleteYourselfFromWorkspace,
    UserNotInWorkspace,
    WorkspaceUserDoesNotExist,
    WorkspaceUserIsLastAdmin,
)
from gridbase.models import User
from gridbase.storage import schema as s

# Baserow sorts "name" by the username, which is the e-mail address
SORTS = {"name": "username", "email": "email", "role_uid": "permissions"}


def _select() -> sa.Select[tuple[object, ...]]:
    wu, u = s.workspace_users, s.users
    return sa.select(wu, u.c.first_name, u.c.email).join(u, u.c.id == wu.c.user_id)


def _member(r: sa.Row[tuple[object, ...]]) -> Member:
    m = r._mapping
    return Member(
        m["id"], m["user_id"], m["workspace_id"], m["first_name"], m["email"],
        m["permissions"], m["created_on"],
    )  # fmt: skip


def list_members(
    ctx: Ctx, user: User, workspace_id: int, search: str | None, sorts: str | None
) -> list[Member]:
    wu, u = s.workspace_users, s.users
    columns = {"username": u.c.email, "email": u.c.email, "permissions": wu.c.permissions}
    with ctx.db.read() as conn:
        workspaces.load(conn, workspace_id)
        workspaces.require_admin(conn, user.id, workspace_id, "workspace.list_workspace_users")
        order: list[sa.ColumnElement[Any]] = [wu.c.id]
        if sorts is not None:
            parsed = parse_sorts(sorts, SORTS)
            order = [columns[k].desc() if desc else columns[k].asc() for k, desc in parsed]
        stmt = _select().where(wu.c.workspace_id == workspace_id).order_by(*order, wu.c.id)
        if search:
            stmt = stmt.where(u.c.email.icontains(search, autoescape=True))
        return [_member(r) for r in conn.execute(stmt)]


def _load(conn: sa.Connection, workspace_user_id: int) -> Member:
    row = conn.execute(_select().where(s.workspace_users.c.id == workspace_user_id)).first()
    if row is None:
        raise WorkspaceUserDoesNotExist()
    return _member(row)


def _admins(conn: sa.Connection, workspace_id: int) -> int:
    wu = s.workspace_users
    found = conn.execute(
        sa.select(sa.func.count()).where(
            wu.c.workspace_id == workspace_id, wu.c.permissions == ADMIN
        )
    ).scalar()
    return int(found or 0)


def update_role(ctx: Ctx, user: User, workspace_user_id: int, permissions: str) -> Member:
    """Any text is a role, as in Baserow; only "ADMIN" administers. The last ADMIN cannot
    become anything else."""
    wu = s.workspace_users
    with ctx.db.write() as conn:
        member = _load(conn, workspace_user_id)
        workspaces.require_admin(conn, user.id, member.workspace_id, "workspace_user.update")
        last_admin = member.permissions == ADMIN and _admins(conn, member.workspace_id) == 1
        if permissions != ADMIN and last_admin:
            raise WorkspaceUserIsLastAdmin()
        conn.execute(wu.update().where(wu.c.id == member.id).values(permissions=permissions))
        return _load(conn, workspace_user_id)


def remove(ctx: Ctx, user: User, workspace_user_id: int) -> None:
    with ctx.db.write() as conn:
        member = _load(conn, workspace_user_id)
        workspaces.require_admin(conn, user.id, member.workspace_id, "workspace_user.delete")
        if member.user_id == user.id:
            raise CannotDeleteYourselfFromWorkspace()
        conn.execute(s.workspace_users.delete().where(s.workspace_users.c.id == member.id))


def leave(ctx: Ctx, user: User, workspace_id: int) -> None:
    wu = s.workspace_users
    with ctx.db.write() as conn:
        workspaces.load(conn, workspace_id)
        found = workspaces.role(conn, user.id, workspace_id)
        if found is None:
            raise UserNotInWorkspace()
        if found == ADMIN and _admins(conn, workspace_id) == 1:
            raise WorkspaceUserIsLastAdmin()
        conn.execute(wu.delete().where(wu.c.user_id == user.id, wu.c.workspace_id == workspace_id))
