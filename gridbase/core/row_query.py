"""RowQuery and select_rows: a pure query builder from a query value to an sa.Select."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.core.table_model import TableModel
from gridbase.models import Field


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
    where: Any = None  # a callable (model) -> sa.ColumnElement[bool], from the filter layer
    search: str = ""
    search_mode: str = ""
    fields: tuple[int, ...] | None = None  # None: all fields
    # the `cursor` extension: keyset paging after this cursor ("" = start)
    cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def selected_columns(
    ctx: Ctx, model: TableModel, fields: list[Field]
) -> list[sa.ColumnElement[Any]]:
    t = model.sql
    columns: list[sa.ColumnElement[Any]] = [t.c.id, t.c.order]
    for f in fields:
        expr = model.expression(f.id)
        if expr is not None:
            columns.append(expr.label(f.column_name))
    return columns


def sort_parts(
    ctx: Ctx, model: TableModel, sorts: tuple[Sort, ...]
) -> list[tuple[sa.ColumnElement[Any], bool]]:
    """(expression, descending) for every sort key, ending with the unique (order, id)."""
    t = model.sql
    parts: list[tuple[sa.ColumnElement[Any], bool]] = []
    by_id = model.by_id
    for sort in sorts:
        f = by_id[sort.field_id]
        ft = ctx.field_types.get(f.type)
        selected = model.expression(f.id)
        expr = ft.sort_expression(f, selected if selected is not None else t.c.id)
        for part in list(expr) if isinstance(expr, (list, tuple)) else [expr]:
            parts.append((part, sort.descending))
    return [*parts, (t.c.order, False), (t.c.id, False)]


def order_clauses(
    ctx: Ctx, model: TableModel, sorts: tuple[Sort, ...]
) -> list[sa.ColumnElement[Any]]:
    parts = sort_parts(ctx, model, sorts)
    # Baserow sorts NULLs first ascending and last descending.
    clauses = [
        part.desc().nulls_last() if descending else part.asc().nulls_first()
        for part, descending in parts[:-2]
    ]
    t = model.sql
    return [*clauses, t.c.order.asc(), t.c.id.asc()]


@dataclass(frozen=True)
class SearchPlan:
    """What a search index can tell a list alone: the match count and a clause for the page."""

    count: int
    where: sa.ColumnElement[bool]


def search_plan(
    ctx: Ctx, conn: sa.Connection, model: TableModel, query: RowQuery
) -> SearchPlan | None:
    """The index's plan when the search is the list's only condition (ctx.hooks["search_plan"])."""
    hook = ctx.hooks.get("search_plan")
    if hook is None or query.where is not None or not query.search:
        return None
    return hook(ctx, conn, model, query)  # type: ignore[no-any-return]  # hooks hold Any


def filter_clause(ctx: Ctx, model: TableModel, query: RowQuery) -> sa.ColumnElement[bool] | None:
    parts = []
    if query.where is not None:
        parts.append(query.where(model))
    if query.search:
        search = ctx.hooks.get("search")
        if search is not None:
            parts.append(search(ctx, model, query.search, query.search_mode, query.fields))
    parts = [p for p in parts if p is not None]
    return sa.and_(*parts) if parts else None
