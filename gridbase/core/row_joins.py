"""Look-ups through link fields on the row list: `<link field>__join=<field>,<field>` adds
those fields of each linked row to its `{"id", "value", "order"}` item (Baserow's
extract_link_row_joins_from_request), keyed as the row is (`field_<id>` or the name).

Imports: core.context, errors, models, usertable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import FieldDoesNotExist, IncompatibleFieldType, InvalidJoinParameter
from gridbase.models import Field
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel
from gridbase.usertable.read import serialize_rows

SUFFIX = "__join"


@dataclass(frozen=True)
class Join:
    link: Field
    table_id: int  # the linked table
    targets: tuple[Field, ...]  # fields of the linked table, in the order asked
    keys: tuple[str, ...]  # their keys in a linked item


def _ref(field: Field, by_name: bool) -> str:
    return field.name if by_name else field.column_name


def parse(
    ctx: Ctx,
    items: Sequence[tuple[str, str]],
    links: Iterable[Field],
    by_name: bool,
) -> list[Join]:
    """The joins asked for by the query `items` (key, value), among the link fields `links`
    the request can see. A key naming no such field, or a target the linked table lacks, is
    ERROR_FIELD_DOES_NOT_EXIST; a repeated key or target ERROR_INVALID_JOIN_PARAMETER; a link
    target ERROR_INCOMPATIBLE_FIELD_TYPE."""
    asked = list(dict.fromkeys(k.removesuffix(SUFFIX) for k, _ in items if k.endswith(SUFFIX)))
    if not asked:
        return []
    by_ref = {_ref(f, by_name): f for f in links}
    if not all(ref in by_ref for ref in asked):
        raise FieldDoesNotExist()
    joins = []
    with ctx.db.read() as conn:
        for ref in asked:
            values = [v for k, v in items if k == ref + SUFFIX]
            if len(values) != 1:
                raise InvalidJoinParameter()
            wanted = values[0].split(",")
            if len(wanted) != len(set(wanted)):
                raise InvalidJoinParameter()
            link = by_ref[ref]
            table_id = ctx.field_types.get(link.type).links_to(link)
            linked = model_of(ctx, conn, table_id) if table_id is not None else None
            targets = [_target(ctx, linked, name, by_name) for name in wanted]
            keys = tuple(_ref(t, by_name) for t in targets)
            joins.append(Join(link, table_id or 0, tuple(targets), keys))
    return joins


def _target(ctx: Ctx, linked: TableModel | None, ref: str, by_name: bool) -> Field:
    fields = linked.fields if linked is not None else ()
    found = next((f for f in fields if _ref(f, by_name) == ref), None)
    if found is None:
        raise FieldDoesNotExist()
    if ctx.field_types.get(found.type).links_to(found) is not None:
        raise IncompatibleFieldType()
    return found


def attach(ctx: Ctx, joins: Sequence[Join], rows: list[dict[str, Any]]) -> None:
    """Adds the joined fields to the linked items of `rows` (keyed `field_<id>`), in place.
    Read after the rows themselves: a link changed in between shows its new values."""
    if not joins or not rows:
        return
    with ctx.db.read() as conn:
        for join in joins:
            cells = [row.get(join.link.column_name) or [] for row in rows]
            ids = list(dict.fromkeys(item["id"] for cell in cells for item in cell))
            values = _linked_values(ctx, conn, join, ids) if ids else {}
            for cell in cells:
                for item in cell:
                    found = values.get(item["id"], {})
                    for target, key in zip(join.targets, join.keys, strict=True):
                        item[key] = found.get(target.column_name)


def _linked_values(
    ctx: Ctx, conn: sa.Connection, join: Join, ids: list[int]
) -> dict[int, dict[str, Any]]:
    model = model_of(ctx, conn, join.table_id)
    targets = [f for f in model.fields if f.id in {t.id for t in join.targets}]
    records = model.rows_by_id(conn, targets, ids)
    return {row["id"]: row for row in serialize_rows(ctx, conn, model, records, targets)}
