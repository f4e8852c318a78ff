"""TableModel: the sa.Table of a user table plus its fields and each field's select
expression, built from its field rows (load.model_for keeps one per schema version).

Imports: fields, models, storage, usertable.context.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.models import Field, Table
from gridbase.storage import ddl, schema
from gridbase.storage.kept import meta_clock, snapshots, statements
from gridbase.storage.kept.versions import VERSION_COLUMN
from gridbase.storage.prepared import records
from gridbase.storage.types import Id, RowOrderType, UtcDateTime
from gridbase.usertable.context import TableContext

Resolver = Callable[[Field], "sa.ColumnElement[Any] | None"]


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
    # While the model is being built: the resolver of its expressions (a table being built
    # is reached again through its links - a link to itself, a cycle of links - and answers
    # from its fields resolved so far; see resolve_expressions).
    building: list[Resolver] = dataclasses.field(default_factory=list, compare=False, repr=False)
    # PostgreSQL: row reads also read the table's schema version (VERSION_COLUMN), which
    # serialize_rows checks - a read takes no lock, so a schema change may commit between
    # reading the table and reading its rows (a retyped column would be read as the old type)
    versioned: bool = False

    def expression(self, field_id: int) -> sa.ColumnElement[Any] | None:
        if field_id in self.expressions:
            return self.expressions[field_id]
        field = self.by_id.get(field_id)
        return self.building[0](field) if self.building and field is not None else None

    @functools.cached_property
    def by_id(self) -> dict[int, Field]:
        return {f.id: f for f in self.fields}

    def statement(self, key: Any, build: Callable[[], Any]) -> Any:
        """A statement built once per model (the model is rebuilt on every schema change):
        reusing the construct skips SQLAlchemy's per-execution build and cache-key work."""
        return statements.on_table(self.sql, "gridbase_statements", key, build)

    def records(
        self, conn: sa.Connection, key: Any, build: Callable[[], Any], params: dict[str, Any]
    ) -> list[Any]:
        """The result rows of statement(key, build) with these parameters (see records())."""
        return records(self.sql, conn, key, build, params)

    def columns(self, fields: list[Field]) -> list[sa.ColumnElement[Any]]:
        """What a row select reads: id, order and each field's expression, labelled
        `field_<id>` (junction-table fields are read apart)."""
        t = self.sql
        columns: list[sa.ColumnElement[Any]] = [t.c.id, t.c.order]
        for f in fields:
            expr = self.expressions.get(f.id)
            if expr is not None:
                columns.append(expr.label(f.column_name))
        if self.versioned:
            tables = schema.database_tables
            columns.append(
                sa.select(tables.c.schema_version)
                .where(tables.c.id == self.table.id)
                .scalar_subquery()
                .label(VERSION_COLUMN)
            )
            columns.append(meta_clock.column().label(meta_clock.COLUMN))
        return columns

    def rows_by_id(
        self,
        conn: sa.Connection,
        fields: list[Field],
        ids: list[int],
        more: tuple[Any, list[sa.ColumnElement[Any]]] = ((), []),
    ) -> list[Any]:
        """The records of these rows (those that exist, in no order), read as `columns` reads
        them, and `more` columns (a key naming them, the columns) after them (one prepared
        statement per set of fields and key)."""
        t = self.sql
        key, columns = more
        return self.records(
            conn,
            ("by_id", tuple(f.id for f in fields), key),
            lambda: sa.select(*self.columns(fields), *columns).where(
                t.c.id.in_(sa.bindparam("ids", expanding=True))
            ),
            {"ids": ids},
        )

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
            return True  # every text is ""
        column = self.sql.c.get(primary.column_name)
        return (
            column is not None
            and primary.id not in self.relations
            and self.expressions.get(primary.id) is column
        )


def build(
    ctx: TableContext, table: Table, fields: list[Field], conn: sa.Connection | None = None
) -> TableModel:
    """The table's model with every expression resolved."""
    model = skeleton(ctx, table, fields)
    resolve_expressions(ctx, conn, model)
    return model


def skeleton(ctx: TableContext, table: Table, fields: list[Field]) -> TableModel:
    """The model's tables (its own and its junction tables), its expressions not resolved."""
    md = sa.MetaData()
    columns: list[sa.Column[Any]] = [
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("order", RowOrderType(40, 20), nullable=False),
        sa.Column("created_on", UtcDateTime(), nullable=False),
        sa.Column("updated_on", UtcDateTime(), nullable=False),
        *(sa.Column(name, Id, nullable=True) for name in ddl.USER_COLUMNS),
    ]
    relations: dict[int, sa.Table] = {}
    for field in fields:
        ft = ctx.field_types.get(field.type)
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
    return TableModel(table, sql, tuple(fields), relations, versioned=not ctx.db.is_sqlite)


def resolve_expressions(ctx: TableContext, conn: sa.Connection | None, model: TableModel) -> None:
    """Each field's select expression; computed types build theirs from the fields they use
    (`FieldType.expression(ctx, conn, field, by_name, resolve, sql)`), depth first, and from
    other tables' models - which may reach this one again (model.building)."""
    by_name = {f.name: f for f in model.fields}
    out = model.expressions
    busy: set[int] = set()

    def resolve(field: Field) -> sa.ColumnElement[Any] | None:
        if field.id in out:
            return out[field.id]
        if field.id in busy:  # a cycle of computed fields (through links too): reads as NULL
            return sa.null()
        busy.add(field.id)
        try:
            ft = ctx.field_types.get(field.type)
            out[field.id] = ft.expression(ctx, conn, field, by_name, resolve, model.sql)
        finally:
            busy.discard(field.id)
        return out[field.id]

    model.building.append(resolve)
    try:
        for field in model.fields:
            resolve(field)
    finally:
        model.building.clear()
