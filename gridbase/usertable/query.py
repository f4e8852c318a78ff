"""RowQuery, what a row list asks for, and the order it reads rows in: pure builders over a
table model, tested without a server.

Imports: fields.base (the registry), usertable.model, usertable.context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel

Where = Callable[[TableModel], "sa.ColumnElement[bool] | None"]


@dataclass(frozen=True, slots=True)
class Sort:
    field_id: int
    descending: bool = False
    sort_type: str = "default"


@dataclass(frozen=True)
class RowQuery:
    page: int = 1
    size: int = 100
    order_by: tuple[Sort, ...] = ()
    where: Where | None = None  # the filters, compiled against the model they read
    search: str = ""
    search_mode: str = ""
    fields: tuple[int, ...] | None = None  # None: all fields
    # the `cursor` extension: keyset paging after this cursor ("" = start)
    cursor: str | None = None
    # set: the rows may come back as JSON text (Page.json), keyed by field name when True
    json_keys: bool | None = None


def sort_parts(
    ctx: TableContext, conn: sa.Connection | None, model: TableModel, sorts: tuple[Sort, ...]
) -> list[tuple[sa.ColumnElement[Any], bool]]:
    """(expression, descending) for every sort key, ending with the unique (order, id)."""
    t = model.sql
    parts: list[tuple[sa.ColumnElement[Any], bool]] = []
    by_id = model.by_id
    for sort in sorts:
        f = by_id[sort.field_id]
        ft = ctx.field_types.get(f.type)
        selected = model.expression(f.id)
        column = selected if selected is not None else t.c.id
        for key in ft.sort_keys(ctx, conn, f, column, t, sort.sort_type):
            parts.append((key.expr, sort.descending and key.follows))
    return [*parts, (t.c.order, False), (t.c.id, False)]


def order_clauses(
    ctx: TableContext, conn: sa.Connection | None, model: TableModel, sorts: tuple[Sort, ...]
) -> list[sa.ColumnElement[Any]]:
    parts = sort_parts(ctx, conn, model, sorts)
    # Baserow sorts NULLs first ascending and last descending.
    clauses = [
        part.desc().nulls_last() if descending else part.asc().nulls_first()
        for part, descending in parts[:-2]
    ]
    t = model.sql
    return [*clauses, t.c.order.asc(), t.c.id.asc()]
