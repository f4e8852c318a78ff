"""Trashed databases (Baserow's "application" trash items) and workspaces: a deleted one
waits in the trash with everything in it until it is restored, the trash is emptied, or the
retention period has passed.

How: as for tables (core.trash_tables), the row stays where it is, flagged
(`applications.trashed`, `workspaces.trashed`), and every read of them leaves flagged ones
out: databases.load / workspaces.load, their listings, and for what is inside one loader
per kind that asks storage.schema.live_table / live_application (usertable.load.load_table,
fields.load_field, views.load_view, the token look-ups). A flag is the item's own, as in
Baserow: restoring a database brings back its tables, but not one that was trashed on its
own before (its own entry still holds it). Token grants follow Baserow's
TokenPermissionManager: a grant on a trashed database is hidden, one on a table of it is not
(the table itself is not trashed), though the table cannot be reached meanwhile. Deleting
for good drops the SQL tables (databases.drop_user_tables) and the metadata row; the
foreign keys take the rest (trash entries included).
Imports: core (context, databases, workspaces), errors, models, storage.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from gridbase.core import databases, workspaces
from gridbase.core.context import Ctx
from gridbase.errors import CannotRestoreParentBeforeChild
from gridbase.models import User
from gridbase.storage import schema as s
from gridbase.storage import trash_store

KINDS = ("application", "workspace")


@dataclass(frozen=True)
class TrashApplication:
    id: int
    name: str
    type: str
    trashed: bool


@dataclass(frozen=True)
class TrashWorkspace:
    id: int
    name: str
    trashed: bool
    applications: list[TrashApplication]


def structure(ctx: Ctx, user: User) -> list[TrashWorkspace]:
    """The user's workspaces and their applications, trashed ones too (flagged), in the
    user's workspace order and the applications' order."""
    w, wu, a = s.workspaces, s.workspace_users, s.applications
    with ctx.db.read() as conn:
        found = conn.execute(
            sa.select(w.c.id, w.c.name, w.c.trashed)
            .join(wu, wu.c.workspace_id == w.c.id)
            .where(wu.c.user_id == user.id)
            .order_by(wu.c.order, w.c.id)
        ).all()
        apps: dict[int, list[TrashApplication]] = {int(r.id): [] for r in found}
        for r in conn.execute(
            sa.select(a)
            .where(a.c.workspace_id.in_(list(apps)))
            .order_by(a.c.workspace_id, a.c.order, a.c.id)
        ):
            apps[r.workspace_id].append(TrashApplication(r.id, r.name, r.type, bool(r.trashed)))
    return [TrashWorkspace(r.id, r.name, bool(r.trashed), apps[r.id]) for r in found]


def trash_application(ctx: Ctx, user: User, database_id: int) -> None:
    """DELETE /api/applications/{id}/: the database goes to the trash."""
    a = s.applications
    with ctx.db.write() as conn:
        database = databases.load_for(conn, user, database_id)
        workspace = workspaces.load(conn, database.workspace_id)
        trash_store.add_entry(conn, "application", database.id, workspace_id=workspace.id,
                              application_id=database.id, table_id=None, at=ctx.clock(),
                              user_id=user.id, name=database.name,
                              parent_name=workspace.name)  # fmt: skip
        conn.execute(a.update().where(a.c.id == database.id).values(trashed=True))


def trash_workspace(ctx: Ctx, user: User, workspace_id: int) -> None:
    """DELETE /api/workspaces/{id}/ (its admins only): the workspace goes to the trash."""
    w = s.workspaces
    with ctx.db.write() as conn:
        workspace = workspaces.load(conn, workspace_id)
        workspaces.require_admin(conn, user.id, workspace_id, "workspace.delete")
        trash_store.add_entry(conn, "workspace", workspace.id, workspace_id=workspace.id,
                              application_id=None, table_id=None, at=ctx.clock(),
                              user_id=user.id, name=workspace.name,
                              parent_name=None)  # fmt: skip
        conn.execute(w.update().where(w.c.id == workspace.id).values(trashed=True))


def check_parents(
    conn: sa.Connection,
    kind: str,
    workspace_id: int,
    application_id: int | None,
    table_id: int | None,
) -> None:
    """Baserow's item_has_a_trashed_parent: a trashed table, database or workspace above
    the item must be restored first."""
    if kind == "workspace":
        return
    w, a, t = s.workspaces, s.applications, s.database_tables
    trashed = conn.execute(sa.select(w.c.trashed).where(w.c.id == workspace_id)).scalar()
    if kind != "application" and application_id is not None:
        trashed = (
            trashed or conn.execute(sa.select(a.c.trashed).where(a.c.id == application_id)).scalar()
        )
    if kind not in ("application", "table") and table_id is not None:
        trashed = trashed or conn.execute(sa.select(t.c.trashed).where(t.c.id == table_id)).scalar()
    if trashed:
        raise CannotRestoreParentBeforeChild()


def restore(conn: sa.Connection, entry_id: int, kind: str, item_id: int) -> None:
    """Brings the database or workspace back with all that was in it (items trashed on
    their own before stay in the trash)."""
    target = s.applications if kind == "application" else s.workspaces
    conn.execute(target.update().where(target.c.id == item_id).values(trashed=False))
    conn.execute(s.trash_entries.delete().where(s.trash_entries.c.id == entry_id))


def purge(ctx: Ctx, conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """Before the other kinds' purges: the workspaces and databases among the entries
    `where` picks go for good, with everything in them (their other entries too)."""
    e = s.trash_entries
    gone = 0
    for kind in ("workspace", "application"):  # a workspace takes its databases' entries
        found = conn.execute(
            sa.select(e.c.trash_item_id).where(where, e.c.trash_item_type == kind)
        ).scalars()
        for item_id in list(found):
            if kind == "workspace":
                databases.drop_workspace_tables(conn, int(item_id))
                conn.execute(s.workspaces.delete().where(s.workspaces.c.id == item_id))
            else:
                databases.drop(ctx, conn, int(item_id))
            gone += 1
    return gone
