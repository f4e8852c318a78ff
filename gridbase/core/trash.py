"""The trash (Baserow's /api/trash/): deleted rows wait here until they are restored, the
trash is emptied, or the retention period (GRIDBASE_TRASH_RETENTION_HOURS) has passed.

How a trashed row is kept: it is MOVED OUT of its user table, not flagged in it. Its column
values go to `trashed_rows` (storage.trash_store encodes them), with every junction row that
involved it (its links, its select options, and other rows' links to it); then it is
deleted from the user table by the same code as before the trash existed. So no read path
learns about the trash: list, get, filters, sorts, counts (the kept SQLite counts are
triggers on the table), search, lookups, rollups and formulas through links all see only
live rows, at the cost they had. Baserow instead flags rows (`trashed`) and every query
must exclude them; with one table per user table and a dozen read paths (rows, keyset
pages, linked rows, lookups, name look-ups, search documents, counts), one forgotten
`WHERE NOT trashed` would show a deleted row. A restore puts the row back with its id,
values, and those links whose other row still exists; a link to a row that is itself
trashed meanwhile moves into that row's trash record, so restoring both in either order
gives back the link, as in Baserow. A restore sends rows.created (as Baserow's
rows_created signal does); the delete sent rows.deleted as before. A row restored alone
gets a row history entry, and so do the rows it links (core.row_history.record_restore).

Entries name rows as Baserow's do: a single-row delete is a "row" item (trash_item_id the
row id), a batch delete one "rows" item (trash_item_id the entry's own id), both with the
table as parent. Deleting for good only deletes the entry and what it holds
(storage.trash_store.purge): the rows already left their table.
Imports: core (context, events, row_history, workspaces, databases, trash_apps, trash_fields,
trash_tables, trash_views), errors, models,
fields.link_row, storage, usertable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import databases as core_databases
from gridbase.core import (
    events,
    row_history,
    trash_apps,
    trash_fields,
    trash_tables,
    trash_views,
    workspaces,
)
from gridbase.core.context import Ctx
from gridbase.errors import (
    ApplicationDoesNotExist,
    ApplicationNotInWorkspace,
    ParentIdMustBeProvided,
    ParentIdMustNotBeProvided,
    RowDoesNotExist,
    TableDoesNotExist,
    TrashItemDoesNotExist,
)
from gridbase.fields.link_row import CHUNK, junction_name, junction_table, links_into, sides
from gridbase.models import User
from gridbase.storage import ddl, trash_store
from gridbase.storage import schema as s
from gridbase.usertable import load
from gridbase.usertable.model import TableModel
from gridbase.usertable.read import primary_texts, serialize_rows

# Every trash item type Baserow 1.35.3 accepts in a restore request (those of apps gridbase
# does not have exist there too: a restore of one finds nothing), and whether its entries
# are found with their parent's id.
ITEM_TYPES: dict[str, bool] = {
    "workspace": False,
    "application": False,
    "table": False,
    "field": False,
    "row": True,
    "rows": True,
    "view": False,
    "builder_domain": False,
    "widget": False,
}
ROW_TYPES = ("row", "rows")
# the types gridbase trashes (core.trash_fields: fields, core.trash_tables: tables,
# core.trash_apps: databases and workspaces, core.trash_views: views)
RESTORABLE = (*ROW_TYPES, "field", "table", "view", *trash_apps.KINDS)


@dataclass(frozen=True)
class Entry:
    id: int
    user_who_trashed: str | None
    trash_item_type: str
    trash_item_id: int
    parent_trash_item_id: int | None
    trashed_at: datetime
    application: int | None
    workspace: int
    name: str
    names: list[str] | None
    parent_name: str | None


# --- trashing rows (inside the delete's transaction) ----------------------------------------


Junction = tuple[int, sa.Table, str, str, bool]  # field id, table, row side, item side, own


def _junctions(ctx: Ctx, conn: sa.Connection, model: TableModel) -> list[Junction]:
    """Every junction table a row of this table can be in: its own fields' (links, multiple
    selects; `own`) and other tables' links to it."""
    out: list[Junction] = []
    for field_id, junction in model.relations.items():
        field = model.by_id[field_id]
        mine, other = ctx.field_types.get(field.type).junction_sides(field)
        out.append((field_id, junction, mine, other, True))
    # a two-way link's fields share one junction: it is kept once, by this table's field
    own = {junction.name for junction in model.relations.values()}
    for field in links_into(conn, model.table.id):
        if junction_name(field) not in own:
            mine, other = sides(field)
            out.append((field.id, junction_table(field, sa.MetaData()), mine, other, False))
    return out


def _pairs(
    conn: sa.Connection, junction: sa.Table, mine: str, other: str, column: str, ids: list[int]
) -> list[tuple[int, int]]:
    """(row side, item side) of the junction rows whose `column` is one of `ids`."""
    out: list[tuple[int, int]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = conn.execute(
            sa.select(junction.c[mine], junction.c[other]).where(junction.c[column].in_(chunk))
        )
        out += [(int(a), int(b)) for a, b in found]
    return out


def _links_of(
    ctx: Ctx, conn: sa.Connection, model: TableModel, ids: list[int]
) -> dict[int, list[list[int]]]:
    """row id -> [[field id, row side, item side], ...]: every junction row naming it (a row
    of a link between two trashed rows is kept once, by its row side)."""
    out: dict[int, list[list[int]]] = {i: [] for i in ids}
    wanted = set(ids)
    for field_id, junction, mine, other, own in _junctions(ctx, conn, model):
        pairs = _pairs(conn, junction, mine, other, mine, ids) if own else []
        if (
            not own
            or ctx.field_types.get(model.by_id[field_id].type).links_to(model.by_id[field_id])
            == model.table.id
        ):  # other rows' links to these rows
            pairs += _pairs(conn, junction, mine, other, other, ids)
        for a, b in dict.fromkeys(pairs):
            out[a if own and a in wanted else b].append([field_id, a, b])
    return out


def trash_rows(
    ctx: Ctx,
    conn: sa.Connection,
    user: User,
    model: TableModel,
    ids: list[int],
    *,
    batch: bool,
) -> None:
    """Keep rows about to be deleted (their values and junction rows) in a new trash entry.
    Called by core.rows.delete_rows in its transaction, before it deletes them."""
    table = model.table
    t = model.sql
    raw = {
        r["id"]: dict(r)
        for start in range(0, len(ids), CHUNK)
        for r in conn.execute(sa.select(t).where(t.c.id.in_(ids[start : start + CHUNK])))
        .mappings()
        .all()
    }
    # PostgreSQL: a delete from another transaction that committed since the caller saw
    # these rows (each statement reads what committed before it) lost the race for them
    gone = [i for i in ids if i not in raw]
    if gone:
        raise RowDoesNotExist(gone)
    texts = primary_texts(ctx, conn, model, ids)
    names = [(texts[i][1] if i in texts else "") or f"unnamed row {i}" for i in ids]
    e = s.trash_entries
    entry_id = trash_store.add_entry(
        conn,
        "rows" if batch else "row",
        0 if batch else ids[0],
        workspace_id=table.workspace_id,
        application_id=table.database_id,
        table_id=table.id,
        at=ctx.clock(),
        user_id=user.id,
        name=" " if batch else str(ids[0]),
        names=names,
        parent_name=table.name,
        parent_item_id=table.id,
    )
    if batch:  # a batch is found by its own number, as Baserow's TrashedRows id
        conn.execute(e.update().where(e.c.id == entry_id).values(trash_item_id=entry_id))
    links = _links_of(ctx, conn, model, ids)
    types = {f.column_name: f.type for f in model.fields}
    conn.execute(
        s.trashed_rows.insert(),
        [
            {
                "entry_id": entry_id,
                "table_id": table.id,
                "row_id": i,
                "row_values": {"values": trash_store.encode_row(raw[i]), "types": types},
                "links": links[i],
            }
            for i in ids
        ],
    )


# --- reading the trash ----------------------------------------------------------------------


def _scope(
    conn: sa.Connection, user: User, workspace_id: int, application_id: int | None
) -> sa.ColumnElement[bool]:
    """Which entries a workspace's (or one of its applications') trash holds, after
    Baserow's checks in its order: the workspace, the application, then membership."""
    workspaces.load(conn, workspace_id, trashed_too=True)
    e = s.trash_entries
    where = e.c.workspace_id == workspace_id
    if application_id is not None:
        app = core_databases.load(conn, application_id, trashed_too=True)
        if app.workspace_id != workspace_id:
            raise ApplicationNotInWorkspace(None)  # Baserow's message names no id
        where = sa.and_(where, e.c.application_id == application_id)
    workspaces.require_member(conn, user.id, workspace_id)
    return where


def check_contents(ctx: Ctx, user: User, workspace_id: int, application_id: int | None) -> None:
    """The checks of a contents request, before its paging parameters are read."""
    with ctx.db.read() as conn:
        _scope(conn, user, workspace_id, application_id)


def contents(
    ctx: Ctx,
    user: User,
    workspace_id: int,
    application_id: int | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Entry]]:
    """(count, one page of entries), newest first."""
    e, u = s.trash_entries, s.users
    with ctx.db.read() as conn:
        where = _scope(conn, user, workspace_id, application_id)
        count = s.count_rows(conn, e, where)
        rows = conn.execute(
            sa.select(e, u.c.first_name)
            .select_from(e.outerjoin(u, u.c.id == e.c.user_who_trashed_id))
            .where(where)
            .order_by(e.c.trashed_at.desc(), e.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
    return count, [
        Entry(
            r.id,
            r.first_name,
            r.trash_item_type,
            r.trash_item_id,
            r.parent_trash_item_id,
            r.trashed_at,
            r.application_id,
            r.workspace_id,
            r.name,
            list(r.names) if r.names is not None else None,
            r.parent_name,
        )
        for r in rows
    ]


def empty(ctx: Ctx, user: User, workspace_id: int, application_id: int | None) -> None:
    """Deletes the workspace's (or application's) trash for good, now."""
    with ctx.db.write() as conn:
        where = _scope(conn, user, workspace_id, application_id)
        trash_apps.purge(ctx, conn, where)
        trash_tables.purge(ctx, conn, where)
        trash_views.purge(conn, where)
        trash_store.purge(conn, where)


def application_id_param(value: str | None) -> int | None:
    """`application_id` of the query string (Baserow answers 500 for one that is not a
    number; gridbase: the application does not exist)."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApplicationDoesNotExist() from None


# --- restoring ------------------------------------------------------------------------------


def check_parent_id(item_type: str, parent_id: int | None) -> None:
    if ITEM_TYPES[item_type] and parent_id is None:
        raise ParentIdMustBeProvided()
    if not ITEM_TYPES[item_type] and parent_id is not None:
        raise ParentIdMustNotBeProvided()


def restore(ctx: Ctx, user: User, item_type: str, item_id: int, parent_id: int | None) -> None:
    check_parent_id(item_type, parent_id)
    e = s.trash_entries
    with ctx.db.write() as conn:
        found = conn.execute(
            sa.select(e.c.id, e.c.workspace_id, e.c.application_id, e.c.table_id)
            .where(
                e.c.trash_item_type == item_type,
                e.c.trash_item_id == item_id,
                e.c.parent_trash_item_id == parent_id if parent_id is not None else sa.true(),
            )
            # PostgreSQL: a concurrent restore (or emptying) of the entry waits, then finds
            # it gone; SQLite's writers are serialized already
            .with_for_update()
        ).first()
        in_table = item_type not in trash_apps.KINDS
        if found is None or item_type not in RESTORABLE or (in_table and found.table_id is None):
            raise TrashItemDoesNotExist()
        workspaces.require_member(conn, user.id, found.workspace_id)
        trash_apps.check_parents(
            conn, item_type, found.workspace_id, found.application_id, found.table_id
        )
        if not in_table:
            trash_apps.restore(conn, found.id, item_type, item_id)
        elif item_type == "view":
            trash_views.restore(ctx, conn, found.id, item_id)
        elif item_type == "field":
            trash_fields.restore(ctx, conn, found.id)
        elif item_type == "table":
            trash_tables.restore(ctx, conn, found.id, found.table_id)
        else:
            _restore_rows(ctx, conn, user, found.id, found.table_id, alone=item_type == "row")


def _restore_rows(
    ctx: Ctx, conn: sa.Connection, user: User, entry_id: int, table_id: int, *, alone: bool
) -> None:
    table = load.lock_table(conn, load.load_table(conn, table_id))
    model = load.model_for(ctx, conn, table)
    tr = s.trashed_rows
    kept = conn.execute(
        sa.select(tr.c.row_id, tr.c.row_values, tr.c.links).where(tr.c.entry_id == entry_id)
    ).all()
    # a column still there, of a field whose type did not change meanwhile (a converted
    # field's value is left empty: it was never converted)
    now = {f.column_name: f.type for f in model.fields}
    columns = {c.name for c in model.sql.columns if not c.name.startswith("field_")}
    values = [
        {
            k: v
            for k, v in trash_store.decode_row(r.row_values["values"]).items()
            if k in columns or (k in now and r.row_values["types"].get(k) == now[k])
        }
        for r in kept
    ]
    ids = [int(r.row_id) for r in kept]
    _fill_new_fields(ctx, conn, model, values)
    if values:
        conn.execute(model.sql.insert(), values)
    _relink(ctx, conn, [link for r in kept for link in r.links])
    conn.execute(tr.delete().where(tr.c.entry_id == entry_id))
    conn.execute(s.trash_entries.delete().where(s.trash_entries.c.id == entry_id))
    fields = list(model.fields)
    restored = serialize_rows(ctx, conn, model, model.rows_by_id(conn, fields, ids), fields)
    ctx.ext.search.rows_changing(ctx, conn, model, ids, created=True)(restored)
    if alone and restored and row_history.enabled(ctx):  # a batch's restore leaves none
        row_history.record_restore(ctx, conn, model, user, restored[0])
    if events.listens(ctx, conn, table, "rows.created"):
        events.emit(ctx, conn, "rows.created", table, model.fields, rows=restored)


def _fill_new_fields(
    ctx: Ctx, conn: sa.Connection, model: TableModel, values: list[dict[str, Any]]
) -> None:
    """Fields the rows had no value of (made or converted while they were in the trash) get
    what the field gave the table's rows then: server-made values (uuid, autonumber) or the
    type's default."""
    for field in model.fields:
        ft = ctx.field_types.get(field.type)
        if ft.column_type(field) is None:
            continue
        missing = [v for v in values if field.column_name not in v]
        if not missing:
            continue
        if ft.fills_new_rows:
            made = ft.new_values(conn, field, len(missing))
        else:
            made = [ft.default(field)] * len(missing)
        for row, value in zip(missing, made, strict=True):
            if value is not None:
                row[field.column_name] = value


def _relink(ctx: Ctx, conn: sa.Connection, links: list[list[int]]) -> None:
    """Writes back the junction rows of restored rows whose field and other side still
    exist; a link to a row that is in the trash itself goes to that row's trash record."""
    by_field: dict[int, list[tuple[int, int]]] = {}
    for field_id, a, b in links:
        by_field.setdefault(int(field_id), []).append((int(a), int(b)))
    if not by_field:
        return
    f = s.fields
    for row in conn.execute(sa.select(f).where(f.c.id.in_(list(by_field)))):
        field = s.field_of(row)
        ft = ctx.field_types.get(field.type)
        junction = ft.relation_table(field, sa.MetaData())
        if junction is None:
            continue  # converted into a type without a junction meanwhile
        mine, other = ft.junction_sides(field)
        pairs = by_field[field.id]
        live_a = _live_rows(conn, field.table_id, {a for a, _ in pairs})
        target = ft.links_to(field)
        if target is not None:
            live_b = _live_rows(conn, target, {b for _, b in pairs})
        else:  # select options
            o = s.select_options
            live_b = set(
                conn.execute(
                    sa.select(o.c.id).where(
                        o.c.field_id == field.id, o.c.id.in_({b for _, b in pairs})
                    )
                ).scalars()
            )
        rows = [{mine: a, other: b} for a, b in pairs if a in live_a and b in live_b]
        if rows:
            conn.execute(junction.insert(), rows)
        for a, b in pairs:
            if a not in live_a:
                _hand_over(conn, field.table_id, a, [field.id, a, b])
            elif b not in live_b and target is not None:
                _hand_over(conn, target, b, [field.id, a, b])


def _live_rows(conn: sa.Connection, table_id: int, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    try:
        load.load_table(conn, table_id)
    except TableDoesNotExist:
        return set()  # the table is gone, and its rows with it
    sql = sa.table(ddl.table_name(table_id), sa.column("id"))
    return set(conn.execute(sa.select(sql.c.id).where(sql.c.id.in_(ids))).scalars())


def _hand_over(conn: sa.Connection, table_id: int, row_id: int, link: list[int]) -> None:
    """A link of a restored row to a row still in the trash: that row brings it back."""
    tr = s.trashed_rows
    held = conn.execute(
        sa.select(tr.c.id, tr.c.links).where(tr.c.table_id == table_id, tr.c.row_id == row_id)
    ).first()
    if held is not None and link not in held.links:
        conn.execute(tr.update().where(tr.c.id == held.id).values(links=[*held.links, link]))


def purge_expired(ctx: Ctx) -> int:
    """Delete for good what was trashed GRIDBASE_TRASH_RETENTION_HOURS ago or earlier (the
    clean-up loop's); how many entries went."""
    cutoff = ctx.clock() - timedelta(hours=ctx.settings.trash_retention_hours)
    with ctx.db.write() as conn:
        old = s.trash_entries.c.trashed_at <= cutoff
        apps = trash_apps.purge(ctx, conn, old)
        tables = trash_tables.purge(ctx, conn, old) + trash_views.purge(conn, old)
        return apps + tables + trash_store.purge_older_than(conn, cutoff)
