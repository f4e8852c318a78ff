"""TableModel: the sa.Table of a user table plus its fields, cached per schema version.

The version lives in `database_tables.schema_version` and is read with the table row on
every request, so a schema change made by any instance invalidates every cache.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import TableDoesNotExist
from gridbase.fields.base import FieldType
from gridbase.models import Field, SelectOption, Table
from gridbase.storage import ddl, snapshots
from gridbase.storage import schema as s
from gridbase.storage.prepared import records
from gridbase.storage.types import DecimalType, Id, UtcDateTime


@dataclass(frozen=True)
class TableModel:
    table: Table
    sql: sa.Table
    fields: tuple[Field, ...]  # primary first, then by order, id
    relations: dict[int, sa.Table]  # field id -> junction table
    # field id -> what a select reads for it: its column, or a computed SQL expression
    # (formulas); None for junction-table fields.
    expressions: dict[int, sa.ColumnElement[Any] | None] = dataclasses.field(default_factory=dict)
    # Lookups derived from the schema, built on first use by the modules that need them.
    memo: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def expression(self, field_id: int) -> sa.ColumnElement[Any] | None:
        return self.expressions.get(field_id)

    @functools.cached_property
    def by_id(self) -> dict[int, Field]:
        return {f.id: f for f in self.fields}

    def statement(self, key: Any, build: Callable[[], Any]) -> Any:
        """A statement built once per model (the model is rebuilt on every schema change):
        reusing the construct skips SQLAlchemy's per-execution build and cache-key work."""
        return statement(self.sql, key, build)

    def records(
        self, conn: sa.Connection, key: Any, build: Callable[[], Any], params: dict[str, Any]
    ) -> list[Any]:
        """The result rows of statement(key, build) with these parameters (see records())."""
        return records(self.sql, conn, key, build, params)

    def field_by_name(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @functools.cached_property
    def reads_clock(self) -> bool:
        """Whether a field's expression reads the clock (a formula with now() or today()):
        what reads it can change with no write, so nothing read through it is kept."""
        return snapshots.reads_clock(self.expressions.values())

    @functools.cached_property
    def primary(self) -> Field | None:
        return next((f for f in self.fields if f.primary), None)

    @functools.cached_property
    def primary_stored(self) -> bool:
        """Whether the primary's value is a column of the row itself (not a formula, lookup or
        junction-table field): its text then depends on this table's rows and schema only."""
        primary = self.primary
        if primary is None:
            return True  # "unnamed row N"
        column = self.sql.c.get(primary.column_name)
        return (
            column is not None
            and primary.id not in self.relations
            and self.expressions.get(primary.id) is column
        )


STATEMENT_CACHE_SIZE = 64


def statement(table: sa.Table, key: Any, build: Callable[[], Any]) -> Any:
    """A statement memoised on an sa.Table object (a model's table or a junction table)."""
    cache = table.info.setdefault("gridbase_statements", {})
    found = cache.get(key)
    if found is None:
        if len(cache) >= STATEMENT_CACHE_SIZE:  # e.g. many include/exclude combinations
            cache.clear()
        found = cache[key] = build()
    return found


def _load_table_statement() -> sa.Select[Any]:
    t, a = s.database_tables, s.applications
    return (
        sa.select(
            t.c.id, t.c.database_id, a.c.workspace_id, t.c.name, t.c.order, t.c.schema_version
        )
        .join(a, a.c.id == t.c.database_id)
        .where(t.c.id == sa.bindparam("table_id"))
    )


def load_table(conn: sa.Connection, table_id: int) -> Table:
    found = records(
        s.database_tables, conn, "load_table", _load_table_statement, {"table_id": table_id}
    )
    if not found:
        raise TableDoesNotExist()
    row = found[0]
    return Table(row.id, row.database_id, row.workspace_id, row.name, row.order, row.schema_version)


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
        out[r.table_id].append(
            Field(
                r.id,
                r.table_id,
                r.name,
                r.order,
                r.type,
                r.primary,
                r.description,
                r.db_index,
                dict(r.props or {}),
                tuple(options[r.id]),
            )
        )
    return out


def build(
    ctx: Ctx, table: Table, fields: list[Field], conn: sa.Connection | None = None
) -> TableModel:
    md = sa.MetaData()
    columns: list[sa.Column[Any]] = [
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("order", DecimalType(40, 20), nullable=False),
        sa.Column("created_on", UtcDateTime(), nullable=False),
        sa.Column("updated_on", UtcDateTime(), nullable=False),
    ]
    relations: dict[int, sa.Table] = {}
    for field in fields:
        ft: FieldType = ctx.field_types.get(field.type)
        type_ = ft.column_type(field)
        if type_ is not None:
            columns.append(sa.Column(field.column_name, type_, nullable=True))
    # the version names this schema in PostgreSQL prepared statements (storage.prepared)
    sql = sa.Table(
        ddl.table_name(table.id), md, *columns, info={"schema_version": table.schema_version}
    )
    for field in fields:
        junction = ctx.field_types.get(field.type).relation_table(field, md)
        if junction is not None:
            relations[field.id] = junction
    return TableModel(table, sql, tuple(fields), relations, expressions(ctx, conn, fields, sql))


def expressions(
    ctx: Ctx, conn: sa.Connection | None, fields: list[Field], sql: sa.Table
) -> dict[int, sa.ColumnElement[Any] | None]:
    """Each field's select expression; computed types build theirs from the fields they use
    (`FieldType.expression(ctx, conn, field, by_name, resolve, sql)`), resolved depth-first."""
    by_name = {f.name: f for f in fields}
    out: dict[int, sa.ColumnElement[Any] | None] = {}
    busy: set[int] = set()

    def resolve(field: Field) -> sa.ColumnElement[Any] | None:
        if field.id in out:
            return out[field.id]
        if field.id in busy:  # a cycle the formula checks let through: read as NULL
            return sa.null()
        busy.add(field.id)
        ft = ctx.field_types.get(field.type)
        out[field.id] = ft.expression(ctx, conn, field, by_name, resolve, sql)
        busy.discard(field.id)
        return out[field.id]

    for field in fields:
        resolve(field)
    return out


def model_for(ctx: Ctx, conn: sa.Connection, table: Table) -> TableModel:
    cached = ctx.models.get(table.id)
    if cached is not None and cached[0] == table.schema_version:
        return cached[1]  # type: ignore[no-any-return]  # cache holds (version, TableModel)
    fields = load_fields(conn, [table.id]).get(table.id, [])
    model = build(ctx, table, fields, conn)
    ctx.models[table.id] = (table.schema_version, model)
    return model


def bump_version(conn: sa.Connection, table_id: int) -> None:
    """Give the table a new schema version. Random rather than +1: a model cached inside a
    transaction that then rolled back must never match a version committed later."""
    t = s.database_tables
    conn.execute(t.update().where(t.c.id == table_id).values(schema_version=secrets.randbits(31)))
