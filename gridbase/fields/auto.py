"""Server-filled field types: autonumber (a per-field counter, never reused) and uuid.

Both fill existing rows when created (`fill_existing`) and every new row (`new_values`,
called by core once per insert batch). Imports: fields (base, number), models, storage.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from gridbase.fields.base import SORTABLE, FieldContext, FieldType, FieldValueError, ValueContext
from gridbase.models import Field, Table
from gridbase.storage import ddl
from gridbase.storage import schema as s
from gridbase.storage.types import DecimalType

CHUNK = 1000
COUNTER = "autonumber_next"  # hidden prop: the next number to hand out


def _update_each(
    conn: sa.Connection,
    table: Table,
    field: Field,
    type_: sa.types.TypeEngine[Any],
    values: list[dict[str, Any]],
) -> None:
    t = sa.table(
        ddl.table_name(table.id), sa.column("id", sa.Integer), sa.column(field.column_name, type_)
    )
    stmt = (
        t.update()
        .where(t.c.id == sa.bindparam("rid"))
        .values({field.column_name: sa.bindparam("v")})
    )
    for start in range(0, len(values), CHUNK):
        conn.execute(stmt, values[start : start + CHUNK])


class AutonumberFieldType(FieldType):
    type = "autonumber"
    can_have_db_index = True  # as in Baserow 1.35.3 (asked)
    kind = "int"
    formula_kind = "number"
    formula_nullable = False
    sort_types = SORTABLE
    read_only = True
    fills_new_rows = True

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Integer()

    def props_json(self, field: Field) -> dict[str, Any]:
        return {}

    def clean_props(self, raw: Any, current: Any) -> dict[str, Any]:
        return {COUNTER: (current or {}).get(COUNTER, 1)}

    def fill_existing(
        self, ctx: FieldContext, conn: sa.Connection, table: Table, field: Field
    ) -> bool:
        """Number the existing rows 1..n in their (order, id) order."""
        t = sa.table(
            ddl.table_name(table.id),
            sa.column("id", sa.Integer),
            sa.column("order", DecimalType(40, 20)),
        )
        ids = list(conn.execute(sa.select(t.c.id).order_by(t.c.order, t.c.id)).scalars())
        _update_each(
            conn,
            table,
            field,
            sa.Integer(),
            [{"rid": rid, "v": n} for n, rid in enumerate(ids, start=1)],
        )
        conn.execute(
            s.fields.update()
            .where(s.fields.c.id == field.id)
            .values(props=dict(field.props, **{COUNTER: len(ids) + 1}))
        )
        return True

    def new_values(self, conn: sa.Connection, field: Field, count: int) -> list[Any]:
        """The next `count` numbers; the counter row is locked on PostgreSQL (SQLite writes
        are serialized already)."""
        f = s.fields
        props = (
            conn.execute(sa.select(f.c.props).where(f.c.id == field.id).with_for_update()).scalar()
            or {}
        )
        start = int(props.get(COUNTER, 1))
        conn.execute(
            f.update()
            .where(f.c.id == field.id)
            .values(props=dict(props, **{COUNTER: start + count}))
        )
        return list(range(start, start + count))

    def serialize(self, field: Field, stored: Any) -> Any:
        return stored

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": ["integer", "null"],
            "example": 1,
            "description": "A number the server gives each new row.",
        }


class UuidFieldType(FieldType):
    type = "uuid"
    can_have_db_index = True
    kind = "text"
    formula_kind = "text"
    search_by_text = True  # Baserow's contains_query: its text, though the filter refuses it
    sort_types = SORTABLE
    stores_text = True
    read_only = True
    fills_new_rows = True

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """DRF's UUIDField reads a written value before the field refuses it as read-only
        (Baserow answers "Must be a valid UUID." first)."""
        try:
            if isinstance(raw, int):
                uuid.UUID(int=raw)
            elif isinstance(raw, str):
                uuid.UUID(hex=raw)
            elif raw is not None:
                raise ValueError(raw)
        except ValueError:
            raise FieldValueError("Must be a valid UUID.") from None
        return raw

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.String(36)

    def fill_existing(
        self, ctx: FieldContext, conn: sa.Connection, table: Table, field: Field
    ) -> bool:
        t = sa.table(ddl.table_name(table.id), sa.column("id", sa.Integer))
        ids = list(conn.execute(sa.select(t.c.id)).scalars())
        _update_each(
            conn, table, field, sa.String(36), [{"rid": rid, "v": str(uuid.uuid4())} for rid in ids]
        )
        return True

    def new_values(self, conn: sa.Connection, field: Field, count: int) -> list[Any]:
        return [str(uuid.uuid4()) for _ in range(count)]

    def sample_value(self, field: Field) -> Any:
        return str(uuid.uuid4())

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": ["string", "null"],
            "format": "uuid",
            "example": "b7a1c6de-93b4-4c3f-9d8f-3c5f2f3f1a10",
        }
