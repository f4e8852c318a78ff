"""An import's `configuration` (Baserow's upsert): imported rows whose upsert values match a
row of the table update it instead of creating one.

A key is the upsert values of one row, each as the row API shows its field's value, so "1",
1 and 1.0 of a number field with one decimal place are the same key ("1.0"), as Baserow's
CAST(... AS TEXT) makes them; NULL is a key value of its own, "" another. Repeated keys pair
up in order: the n-th imported row with a key updates the n-th row of the table (by id)
with it, and the ones past the table's create rows. The table is read once in id order,
keeping only the rows whose key is wanted, so memory grows with the import, not the table.
Imports: core (context, job_types, row_values, upsert_keys), errors, fields.base, models,
usertable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import upsert_keys
from gridbase.core.context import Ctx
from gridbase.core.job_types import JobFailed
from gridbase.core.row_values import RowValues
from gridbase.errors import RequestBodyValidation
from gridbase.fields.base import FieldValueError, ValueContext
from gridbase.models import Field
from gridbase.usertable.model import TableModel

# Baserow's job error for FieldNotInTable (ERROR_FIELD_NOT_IN_TABLE's detail)
FIELD_NOT_IN_TABLE = "The provided field does not belong in the related table."
# what Baserow's job says for the errors it does not map (IncompatibleField, InvalidRowLength,
# an upsert value its field refuses)
SOMETHING_WRONG = "Something went wrong during the file_import job execution."
VALIDATED = 50.0  # where Baserow's progress is once the rows were validated


@dataclass(frozen=True, slots=True)
class Upsert:
    fields: tuple[int, ...] = ()  # upsert_fields
    values: tuple[tuple[Any, ...], ...] = ()  # upsert_values: one per imported row
    skipped: tuple[int, ...] = ()  # skipped_fields: kept as they are by an update

    @classmethod
    def from_params(cls, params: Any) -> Upsert:
        """From a job's stored params (JSON)."""
        if not isinstance(params, dict):
            return cls()
        return cls(
            tuple(params.get("upsert_fields") or ()),
            tuple(tuple(v) for v in params.get("upsert_values") or ()),
            tuple(params.get("skipped_fields") or ()),
        )

    def params(self) -> dict[str, Any]:
        return {"upsert_fields": list(self.fields), "upsert_values": [list(v) for v in self.values],
                "skipped_fields": list(self.skipped)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Plan:
    fields: list[Field]  # the upsert fields, in the configuration's order
    skipped: frozenset[int]  # ids of the fields an update leaves as they are

    def kept(self, values: RowValues) -> RowValues:
        """An update's values without the skipped fields."""
        columns = {k: v for k, v in values.columns.items() if k not in self._skipped_columns}
        relations = {k: v for k, v in values.relations.items() if k not in self.skipped}
        return RowValues(columns, relations)

    @property
    def _skipped_columns(self) -> frozenset[str]:
        return frozenset(f"field_{i}" for i in self.skipped)


def plan(ctx: Ctx, model: TableModel, upsert: Upsert) -> Plan:
    """Check the configuration against the table, before anything is read or written, in
    Baserow's order (the upsert fields, the values' lengths, the skipped fields)."""
    fields = upsert_keys.key_fields(
        ctx,
        upsert.fields,
        model.by_id.get,
        lambda _: JobFailed(FIELD_NOT_IN_TABLE),
        lambda _, __: JobFailed(SOMETHING_WRONG),
    )
    if any(len(values) != len(fields) for values in upsert.values):
        raise JobFailed(SOMETHING_WRONG)
    if any(field_id not in model.by_id for field_id in upsert.skipped):
        raise JobFailed(FIELD_NOT_IN_TABLE)
    return Plan(fields, frozenset(upsert.skipped))


def _key(ctx: Ctx, fields: list[Field], stored: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        ctx.field_types.get(f.type).serialize(f, value)
        for f, value in zip(fields, stored, strict=True)
    )


def imported_keys(
    ctx: Ctx, vc: ValueContext, fields: list[Field], upsert: Upsert
) -> list[tuple[Any, ...]]:
    """Each imported row's key; a value its field refuses fails the job (as Baserow's,
    once the rows were validated)."""
    keys = []
    for values in upsert.values:
        stored = []
        for field, value in zip(fields, values, strict=True):
            try:
                stored.append(ctx.field_types.get(field.type).upsert_value(field, value, vc))
            except (FieldValueError, RequestBodyValidation):
                raise JobFailed(SOMETHING_WRONG, progress=VALIDATED) from None
        keys.append(_key(ctx, fields, stored))
    return keys


def matches(
    ctx: Ctx, conn: sa.Connection, model: TableModel, fields: list[Field],
    keys: list[tuple[Any, ...]],
) -> dict[int, int]:  # fmt: skip
    """Imported row index -> id of the row it updates."""
    if not fields:
        return {}
    wanted: dict[tuple[Any, ...], deque[int]] = {}
    for index, key in enumerate(keys):
        wanted.setdefault(key, deque()).append(index)
    t = model.sql
    columns = []
    for f in fields:
        expression = model.expressions.get(f.id)
        assert expression is not None, f"upsert field {f.id} has a column"  # can_upsert types
        columns.append(expression.label(f.column_name))
    stmt = sa.select(t.c.id, *columns).order_by(t.c.id).execution_options(yield_per=1000)
    found: dict[int, int] = {}
    for record in conn.execute(stmt):
        waiting = wanted.get(_key(ctx, fields, record[1:]))
        if waiting:
            found[waiting.popleft()] = record.id
            if not waiting:
                del wanted[_key(ctx, fields, record[1:])]
                if not wanted:
                    break
    return found
