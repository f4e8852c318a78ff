"""Table services: list, create (example or imported data), get, rename, order, delete."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import databases, fields, rows, trash_tables, views, workspaces
from gridbase.core.context import Ctx
from gridbase.core.fields import MAX_FIELD_NAME_LENGTH, RESERVED_NAMES
from gridbase.core.ordering import reorder
from gridbase.errors import (
    InitialTableDataDuplicateName,
    InvalidFieldName,
    InvalidInitialTableData,
    MaxFieldNameLengthExceeded,
    ReservedFieldName,
    TableNotInDatabase,
)
from gridbase.models import Database, Table, User
from gridbase.storage import ddl
from gridbase.storage import schema as s
from gridbase.storage.kept.versions import new_version
from gridbase.usertable import load


def load_for(conn: sa.Connection, user: User, table_id: int) -> Table:
    table = load.load_table(conn, table_id)
    workspaces.require_member(conn, user.id, table.workspace_id)
    return table


def _tables(conn: sa.Connection, database_ids: list[int]) -> list[Table]:
    t, a = s.database_tables, s.applications
    stmt = (
        sa.select(
            t.c.id, t.c.database_id, a.c.workspace_id, t.c.name, t.c.order, t.c.schema_version
        )
        .join(a, a.c.id == t.c.database_id)
        .where(t.c.database_id.in_(database_ids), s.live_table(t))
        .order_by(t.c.order, t.c.id)
    )
    return [Table(*r) for r in conn.execute(stmt)]


def tables_of(ctx: Ctx, database_ids: list[int]) -> dict[int, list[Table]]:
    out: dict[int, list[Table]] = {d: [] for d in database_ids}
    with ctx.db.read() as conn:
        for table in _tables(conn, database_ids):
            out[table.database_id].append(table)
    return out


def list_tables(ctx: Ctx, user: User, database_id: int) -> list[Table]:
    with ctx.db.read() as conn:
        databases.load_for(conn, user, database_id)
        return _tables(conn, [database_id])


def get(ctx: Ctx, user: User, table_id: int) -> Table:
    with ctx.db.read() as conn:
        return load_for(conn, user, table_id)


def _initial_columns(
    data: list[list[Any]], first_row_header: bool, width: int = 0
) -> tuple[list[str], list[list[str]]]:
    """(field names, cells) as Baserow's normalize_initial_table_data reads them: every cell
    as Python's str() of it (None reads "None"); a header shorter than the widest row is
    completed with "Field <n>"; names are kept as given but checked trimmed. `width`: the
    widest row of a file read in parts (at least)."""
    width = max(width, max((len(r) for r in data), default=0))
    if width == 0:
        raise InvalidInitialTableData()
    cells = [[str(c) for c in row] for row in data]
    header = [c if c is not None else "" for c in data[0]] if first_row_header else []
    body = cells[1:] if first_row_header else cells
    names = [str(n) for n in header] + [f"Field {i + 1}" for i in range(len(header), width)]
    trimmed = {n.strip() for n in names}
    if len(trimmed) != len(names):
        raise InitialTableDataDuplicateName()
    if any(len(n) > MAX_FIELD_NAME_LENGTH for n in trimmed):
        raise MaxFieldNameLengthExceeded()
    if trimmed & RESERVED_NAMES:
        raise ReservedFieldName()
    if "" in trimmed:
        raise InvalidFieldName()
    return names, body


def create(
    ctx: Ctx,
    user: User,
    database_id: int,
    name: str,
    data: list[list[Any]] | None,
    first_row_header: bool,
) -> Table:
    with ctx.db.write() as conn:
        databases.load_for(conn, user, database_id)
        return insert_table(ctx, conn, user, database_id, name, data, first_row_header)


def insert_example_table(ctx: Ctx, conn: sa.Connection, user: User, database: Database) -> None:
    """The first table of a database created with `init_with_data` (Baserow's "Table")."""
    insert_table(ctx, conn, user, database.id, "Table", None, False)


def insert_table(
    ctx: Ctx,
    conn: sa.Connection,
    user: User,
    database_id: int,
    name: str,
    data: list[list[Any]] | None,
    first_row_header: bool,
    width: int = 0,
) -> Table:
    """A new table with its fields, rows and default grid view "Grid" (Baserow creates one
    with every table); without `data`, Baserow's example table (Name, Notes, Active and two
    empty rows)."""
    t = s.database_tables
    if data is not None:
        names, body = _initial_columns(data, first_row_header, width)
    order = s.next_order(conn, t.c.order, t.c.database_id == database_id)
    table_id = s.new_id(
        conn.execute(
            t.insert().values(
                database_id=database_id,
                name=name,
                order=order,
                schema_version=new_version(),
                created_on=ctx.clock(),
            )
        )
    )
    ddl.create_user_table(conn, table_id)
    table = load.load_table(conn, table_id)
    widths: dict[int, dict[str, Any]] = {}
    if data is None:
        primary = fields.insert_field(ctx, conn, table, "Name", "text", {}, primary=True)[0]
        # Baserow creates these as models, with the model's default (the API's is null)
        rich = {"long_text_enable_rich_text": False}
        notes = fields.insert_field(ctx, conn, table, "Notes", "long_text", rich)[0]
        active = fields.insert_field(ctx, conn, table, "Active", "boolean", {})[0]
        widths = {notes.id: {"width": 400}, active.id: {"width": 100}}
        table = load.load_table(conn, table_id)
        # Baserow's example rows hold empty texts, not nulls.
        blank = {primary.column_name: "", notes.column_name: ""}
        rows.insert_rows(ctx, conn, table, [blank, dict(blank)], by_name=False, user_id=user.id)
    else:
        created = [
            fields.insert_field(ctx, conn, table, n, "text", {}, primary=i == 0)[0]
            for i, n in enumerate(names)
        ]
        table = load.load_table(conn, table_id)
        items = [
            {f.column_name: row[i] for i, f in enumerate(created) if i < len(row)} for row in body
        ]
        rows.insert_rows(ctx, conn, table, items, by_name=False, user_id=user.id, validate=False)
    view = views.insert_view(ctx, conn, table, user, {"name": "Grid", "type": "grid"})
    views.insert_field_options(conn, view, widths)
    return load.load_table(conn, table_id)


def rename(ctx: Ctx, user: User, table_id: int, name: str) -> Table:
    with ctx.db.write() as conn:
        load_for(conn, user, table_id)
        conn.execute(
            s.database_tables.update().where(s.database_tables.c.id == table_id).values(name=name)
        )
        return load.load_table(conn, table_id)


def order(ctx: Ctx, user: User, database_id: int, table_ids: list[int]) -> None:
    t = s.database_tables
    with ctx.db.write() as conn:
        databases.load_for(conn, user, database_id)
        known = set(
            conn.execute(
                sa.select(t.c.id).where(t.c.database_id == database_id, t.c.trashed.is_(False))
            ).scalars()
        )
        if any(tid not in known for tid in table_ids):
            raise TableNotInDatabase(next(t for t in table_ids if t not in known))
        live = sa.and_(t.c.database_id == database_id, t.c.trashed.is_(False))
        reorder(conn, t, live, table_ids)


def delete(ctx: Ctx, user: User, table_id: int) -> None:
    with ctx.db.write() as conn:
        table = load.lock_table(conn, load_for(conn, user, table_id), schema=True)
        trash_tables.trash(ctx, conn, user, table)


def tables_for_token(ctx: Ctx, actor: Any) -> list[Table]:
    """Tables of the token's workspace it may use with any operation."""
    token = actor.token
    a = s.applications
    with ctx.db.read() as conn:
        workspaces.require_member(conn, actor.user.id, token.workspace_id)
        ids = list(
            conn.execute(sa.select(a.c.id).where(a.c.workspace_id == token.workspace_id)).scalars()
        )
        found = _tables(conn, ids) if ids else []
    return [
        t
        for t in found
        if any(token.allows(op, t) for op in ("create", "read", "update", "delete"))
    ]
