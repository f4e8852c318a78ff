"""Row values: client JSON -> validated column/junction values, and stored rows -> JSON.

Imports: fields (types), models.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.core.table_model import TableModel
from gridbase.errors import RequestBodyValidation, field_error
from gridbase.fields.base import FieldValueError, ValueContext
from gridbase.models import Field

FIELD_KEY = re.compile(r"^(?:field_)?(\d+)$")


@dataclass
class RowValues:
    columns: dict[str, Any]  # column name -> value for the row table
    relations: dict[int, Any]  # field id -> value for its junction table


def format_order(order: Any) -> str:
    return f"{Decimal(str(order)):.20f}"


def resolve_keys(model: TableModel, raw: Mapping[str, Any], by_name: bool) -> list[tuple[Field, str, Any]]:
    """(field, key as sent, value) for every key that names a field; other keys are ignored."""
    out = []
    if by_name:
        names = {f.name: f for f in model.fields}
        for key, value in raw.items():
            if key in names:
                out.append((names[key], key, value))
        return out
    by_id = model.by_id
    for key, value in raw.items():
        match = FIELD_KEY.match(str(key))
        if match and int(match.group(1)) in by_id:
            out.append((by_id[int(match.group(1))], key, value))
    return out


def validate_row(ctx: Ctx, conn: sa.Connection, model: TableModel, raw: Mapping[str, Any], by_name: bool, *, creating: bool) -> RowValues:
    """Validate every given value; raise one RequestBodyValidation listing all bad fields."""
    if not isinstance(raw, Mapping):
        kind = "list" if isinstance(raw, list) else type(raw).__name__
        raise RequestBodyValidation(
            {"non_field_errors": field_error(f"Invalid data. Expected a dictionary, but got {kind}.")}
        )
    vc = ValueContext(conn, ctx.hooks.get("resolve"))
    values = RowValues({}, {})
    errors: dict[str, Any] = {}
    given = resolve_keys(model, raw, by_name)
    for field, key, value in given:
        ft = ctx.field_types.get(field.type)
        if ft.read_only:
            raise RequestBodyValidation(f"Field of type {field.type} is read only and should not be set manually.")
        try:
            clean = ft.validate(field, value, vc)
        except FieldValueError as exc:
            errors[key] = field_error(exc.message, exc.code)
            continue
        if ft.column_type(field) is None:
            values.relations[field.id] = clean
        else:
            values.columns[field.column_name] = clean
    if errors:
        raise RequestBodyValidation(errors)
    if creating:
        seen = {f.id for f, _, _ in given}
        for field in model.fields:
            if field.id not in seen:
                ft = ctx.field_types.get(field.type)
                default = ft.default(field)
                if ft.column_type(field) is not None:
                    if default is not None:
                        values.columns[field.column_name] = default
                elif default is not None:
                    values.relations[field.id] = default
    return values


def serialize_rows(
    ctx: Ctx, conn: sa.Connection, model: TableModel, records: list[Any], fields: list[Field]
) -> list[dict[str, Any]]:
    """Stored rows -> Baserow row JSON keyed `field_<id>` (api renames keys for names)."""
    ids = [r.id for r in records]
    relation_values: dict[int, dict[int, Any]] = {}
    for field in fields:
        junction = model.relations.get(field.id)
        if junction is not None and ids:
            ft = ctx.field_types.get(field.type)
            relation_values[field.id] = ft.load_relation(conn, field, junction, ids)
    plan = [(f, ctx.field_types.get(f.type), f.column_name) for f in fields]
    out = []
    for record in records:
        mapping = record._mapping
        row: dict[str, Any] = {"id": record.id, "order": format_order(record.order)}
        for field, ft, name in plan:
            if field.id in relation_values:
                row[name] = ft.serialize(field, relation_values[field.id].get(record.id))
            elif name in mapping:
                row[name] = ft.serialize(field, mapping[name])
            else:
                row[name] = ft.serialize(field, None)
        out.append(row)
    return out
