"""Trashed views (Baserow's "view" trash items): a deleted view waits in the trash with its
filters, sorts and field options until it is restored, the trash is emptied, or the
retention period has passed.

How: as tables (core.trash_tables), flagged `views.trashed` where it is; every way to a view
goes through core.views.load_view or the table's view list, which leave it out, so its
filters, sorts, field options and rows answer as for a missing view. A restore sends
`view.created` (Baserow's view_created signal), as the delete sent `view.deleted`.
Imports: core (context, events, views), models, storage, usertable.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core import events, views
from gridbase.core.context import Ctx
from gridbase.models import User
from gridbase.storage import schema as s
from gridbase.storage import trash_store
from gridbase.usertable import load


def trash_view(ctx: Ctx, user: User, view_id: int) -> None:
    """DELETE /api/database/views/{id}/: the view goes to the trash."""
    v = s.views
    with ctx.db.write() as conn:
        view, table = views.open_view(conn, user, view_id)
        events.emit(ctx, conn, "view.deleted", table, view_id=view_id)
        trash_store.add_entry(
            conn,
            "view",
            view.id,
            workspace_id=table.workspace_id,
            application_id=table.database_id,
            table_id=table.id,
            at=ctx.clock(),
            user_id=user.id,
            name=view.name,
            parent_name=table.name,
        )
        conn.execute(v.update().where(v.c.id == view.id).values(trashed=True))


def restore(ctx: Ctx, conn: sa.Connection, entry_id: int, view_id: int) -> None:
    """Brings the view back in its old place (its table is live: core.trash checked)."""
    v = s.views
    conn.execute(v.update().where(v.c.id == view_id).values(trashed=False))
    conn.execute(s.trash_entries.delete().where(s.trash_entries.c.id == entry_id))
    view = views.load_view(conn, view_id)
    events.emit(ctx, conn, "view.created", load.load_table(conn, view.table_id), view=view)


def purge(conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """Before trash_store.purge deletes the entries `where` picks: the views among them go
    for good."""
    e = s.trash_entries
    found = conn.execute(
        sa.select(e.c.trash_item_id).where(where, e.c.trash_item_type == "view")
    ).scalars()
    ids = [int(i) for i in found]
    for view_id in ids:
        views.drop_view(conn, view_id)
    return len(ids)
