"""Loading a user table's metadata (its table row and fields) and its model, kept per
schema version (storage.kept.versions: a schema change by anyone drops it).

Imports: errors, models, storage, usertable.model, usertable.context.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from gridbase.errors import TableDoesNotExist
from gridbase.models import Field, SelectOption, Table
from gridbase.storage import schema as s
from gridbase.storage import table_locks
from gridbase.storage.kept import meta_clock
from gridbase.storage.prepared import records
from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel, resolve_expressions, skeleton

BUILDING = "gridbase_models_building"  # conn.info: models being built in this call


def _load_table_statement(in_trash_too: bool = False) -> sa.Select[Any]:
    t, a = s.database_tables, s.applications
    stmt = (
        sa.select(
            t.c.id, t.c.database_id, a.c.workspace_id, t.c.name, t.c.order, t.c.schema_version
        )
        .join(a, a.c.id == t.c.database_id)
        .where(t.c.id == sa.bindparam("table_id"))
    )
    return stmt if in_trash_too else stmt.where(s.live_table(t))


def load_table(conn: sa.Connection, table_id: int) -> Table:
    found = records(
        s.database_tables, conn, "load_table", _load_table_statement, {"table_id": table_id}
    )
    if not found:
        raise TableDoesNotExist()
    row = found[0]
    return Table(row.id, row.database_id, row.workspace_id, row.name, row.order, row.schema_version)


def load_table_in_trash_too(conn: sa.Connection, table_id: int) -> Table:
    """The table also while it is in the trash (core.trash_tables): for what Baserow still
    reaches by its own id then (webhooks, the links of a restored table into it), and for
    deleting it for good."""
    found = records(
        s.database_tables,
        conn,
        "load_table_in_trash_too",
        lambda: _load_table_statement(in_trash_too=True),
        {"table_id": table_id},
    )
    if not found:
        raise TableDoesNotExist()
    row = found[0]
    return Table(row.id, row.database_id, row.workspace_id, row.name, row.order, row.schema_version)


SCHEMA_LOCK = 0x73636865  # first key of the advisory locks on a table's schema ("sche")


def lock_table(conn: sa.Connection, table: Table, *, schema: bool = False) -> Table:
    """PostgreSQL: no schema change of the table runs between reading its fields and the
    end of this transaction. Row writes share a lock on the table; a schema change holds it
    alone, and takes it before it reads the fields it changes. Advisory locks, because
    PostgreSQL queues them fairly: a schema change waits for the row writes in flight, and
    row writes that come after it wait for it (a shared row lock would let a steady stream
    of row writes starve it). Returns the table as it is once locked: a schema change that
    committed while this waited has given it a new version. SQLite: the writer holds the
    database's write lock already, so nothing changes under it."""
    if conn.dialect.name == "sqlite":
        return table
    # the lock, then the live version and the metadata clock, in one call: what the request
    # looked up before (its token) is checked here, and look-ups after it are kept
    params = {"key": SCHEMA_LOCK, "table_id": table.id, "shared": not schema}
    found = records(s.database_tables, conn, "lock_table", table_locks.statement, params)
    if not found:
        raise TableDoesNotExist()
    meta_clock.seen(conn, found[0].clock)
    version = found[0].schema_version
    return table if version == table.schema_version else load_table(conn, table.id)


ORDER_LOCK = 0x6F726472  # first key of the advisory locks on a table's row orders ("ordr")


def lock_orders(conn: sa.Connection, table_id: int) -> None:
    """PostgreSQL: settle new row orders of a table one transaction at a time, until it
    ends. A new order is read from the rows' current orders (the highest, or a row's
    neighbour), so two transactions picking at once would give two rows the same order:
    a row placed before another or moved picks under this lock, an append checks its pick
    under it at the end of its transaction (core.rows._settle_appended). SQLite: writes
    are serialised already."""
    if conn.dialect.name != "sqlite":
        records(s.database_tables, conn, "order_lock", _order_lock, {"table_id": table_id})


def load_fields(conn: sa.Connection, table_ids: list[int]) -> dict[int, list[Field]]:
    f, o = s.fields, s.select_options
    rows = list(conn.execute(sa.select(f).where(f.c.table_id.in_(table_ids))))
    options: dict[int, list[SelectOption]] = defaultdict(list)
    if rows:
        for r in conn.execute(
            sa.select(o).where(o.c.field_id.in_([r.id for r in rows])).order_by(o.c.order, o.c.id)
        ):
            options[r.field_id].append(SelectOption(r.id, r.value, r.color))
    out: dict[int, list[Field]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (not r.primary, r.order, r.id)):
        out[r.table_id].append(s.field_of(r, tuple(options[r.id])))
    return out


def model_for(ctx: TableContext, conn: sa.Connection, table: Table) -> TableModel:
    """The table's model for the schema version `table` was read with. A table reached
    again through its links while its model is being built gets that model as built so far
    (it resolves the rest on demand), so links to itself and cycles of links end."""
    model = ctx.kept.models.get(table.id, table.schema_version)
    if model is not None:
        return model
    building: dict[tuple[int, int], TableModel] = conn.info.setdefault(BUILDING, {})
    key = (table.id, table.schema_version)
    if key in building:
        return building[key]
    model = skeleton(ctx, table, load_fields(conn, [table.id]).get(table.id, []))
    building[key] = model
    try:
        resolve_expressions(ctx, conn, model)
    finally:
        del building[key]
    ctx.kept.models.put(table.id, table.schema_version, model)
    return model


def model_of(ctx: TableContext, conn: sa.Connection, table_id: int) -> TableModel:
    """The current model of a linked table, also while it is in the trash: a table restored
    before the one it links to reads and writes its links as in Baserow
    (TableDoesNotExist when it is gone for good)."""
    return model_for(ctx, conn, load_table_in_trash_too(conn, table_id))


def _order_lock() -> sa.Select[Any]:
    """The transaction-level advisory lock on (ORDER_LOCK, table id), built once."""
    table = sa.bindparam("table_id", type_=sa.Integer)
    return sa.select(sa.func.pg_advisory_xact_lock(ORDER_LOCK, table).label("locked"))
