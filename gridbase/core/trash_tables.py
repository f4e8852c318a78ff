"""Trashed tables (Baserow's "table" trash items): a deleted table waits in the trash with
its metadata, SQL table and data, until it is restored, the trash is emptied, or the
retention period has passed.

How: unlike rows and fields (core.trash, core.trash_fields: moved out), the table's
metadata stays where it is, flagged `database_tables.trashed`; its fields, views, grants
and rows all hang off the table, and every way to them starts by loading the table
(usertable.load.load_table, core.fields.load_field, core.views.load_view, the database's
table list, token grants: all through storage.schema.live_table), which leave a trashed
table out, so they answer as for a missing table. Its webhooks stay reachable by their own
ids, as in Baserow (recorded: trash_tables_children). The link fields of OTHER
tables into it are moved out as trashed fields held by the table's entry (as Baserow
trashes them with the table), so those tables never see a link to a hidden table; a
restore writes them back (core.trash_fields.restore) and lookups through them heal.
Webhooks, as Baserow's: the trashing sends field.deleted for each of those links and
field.updated for the computed fields it broke (one per table); a restore nothing.
Deleting for good drops the table with the code of a plain table delete (`drop`).
Imports: core (context, events, fields, tokens, trash_fields), fields.link_row, models, storage,
usertable.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core import events, fields, tokens, trash_fields
from gridbase.core.context import Ctx
from gridbase.fields.link_row import links_into
from gridbase.models import Table, User
from gridbase.storage import ddl, trash_store
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import bump_version
from gridbase.usertable import load


def trash(ctx: Ctx, conn: sa.Connection, user: User, table: Table) -> None:
    """Puts the (locked) table in the trash, in the delete's transaction."""
    a = s.applications
    database_name = conn.execute(sa.select(a.c.name).where(a.c.id == table.database_id)).scalar()
    entry_id = trash_store.add_entry(
        conn,
        "table",
        table.id,
        workspace_id=table.workspace_id,
        application_id=table.database_id,
        table_id=table.id,
        at=ctx.clock(),
        user_id=user.id,
        name=table.name,
        parent_name=database_name,
    )
    # a table already in the trash keeps its own links into this one (Baserow too)
    live = _live_others(conn, table.id)
    links = [f for f in links_into(conn, table.id) if f.table_id in live]
    heal = trash_fields._lookups_of(conn, table.database_id, [f.id for f in links])
    others: dict[int, Table] = {}
    for link in links:
        if link.table_id not in others:
            others[link.table_id] = load.lock_table(
                conn, load.load_table(conn, link.table_id), schema=True
            )
    watched = [fields.watch(ctx, conn, other) for other in others.values()]
    for number, link in enumerate(links):
        trash_fields._take(ctx, conn, entry_id, link.id, heal if number == 0 else [])
    t = s.database_tables
    conn.execute(t.update().where(t.c.id == table.id).values(trashed=True))
    bump_version(conn, table.id)
    changed = trash_fields._refresh(ctx, conn, list(others), {f.id for f in links})
    # as Baserow: each link into it is deleted (field.deleted on its table), and the
    # computed fields that broke are announced (every table but this one is "elsewhere")
    for link in links:
        events.emit(ctx, conn, "field.deleted", others[link.table_id], field_id=link.id)
    trash_fields.updated_elsewhere(ctx, conn, table.id, changed)
    for written in watched:
        written([])
    ctx.kept.models.drop(table.id)


def _live_others(conn: sa.Connection, table_id: int) -> set[int]:
    """The other tables of `table_id`'s database that are not in the trash."""
    t = s.database_tables
    database = sa.select(t.c.database_id).where(t.c.id == table_id).scalar_subquery()
    live = sa.select(t.c.id).where(t.c.database_id == database, t.c.id != table_id, s.live_table(t))
    return set(conn.execute(live).scalars())


def restore(ctx: Ctx, conn: sa.Connection, entry_id: int, table_id: int) -> None:
    """Brings the table back (in its old order) with the links into it the entry holds."""
    t = s.database_tables
    conn.execute(t.update().where(t.c.id == table_id).values(trashed=False))
    bump_version(conn, table_id)
    # the links; deletes the entry. No webhook event (as Baserow's table restore)
    trash_fields.restore(ctx, conn, entry_id, announce=False)
    ctx.kept.models.drop(table_id)


def purge(ctx: Ctx, conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """Before trash_store.purge deletes the entries `where` picks: the tables among them go
    for good (their entry first, with the links into them it holds)."""
    e = s.trash_entries
    found = conn.execute(
        sa.select(e.c.id, e.c.trash_item_id).where(where, e.c.trash_item_type == "table")
    ).all()
    for entry_id, table_id in found:
        trash_store.purge(conn, e.c.id == entry_id)
        drop(ctx, conn, load.load_table_in_trash_too(conn, int(table_id)))
    return len(found)


def drop(ctx: Ctx, conn: sa.Connection, table: Table) -> None:
    """Deletes the table for good: its SQL table, its metadata, the links into it, the
    trashed fields that would outlive it."""
    model = load.model_for(ctx, conn, table)
    written = fields.watch(ctx, conn, table)  # tables linking here lose their link fields
    trash_store.purge_fields_of(conn, [table.database_id], table.id)
    for link in links_into(conn, table.id):
        if link.table_id != table.id:  # a one-way link has no field here to take it along
            fields.drop_field(ctx, conn, load.load_table_in_trash_too(conn, link.table_id), link)
    for field in model.fields:
        ctx.field_types.get(field.type).before_delete(ctx, conn, field)
    ddl.drop_user_table(conn, table.id)
    conn.execute(s.database_tables.delete().where(s.database_tables.c.id == table.id))
    tokens.forget_scopes(conn, table_ids=[table.id])
    written([])
    ctx.kept.models.drop(table.id)
