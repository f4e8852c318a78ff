"""Rows through a grid view: the view's filters and sorts applied to a row query.

`with_view` serves `view_id` on the rows list endpoint (ad-hoc filters are AND-ed with the
view's, `order_by` replaces its sorts); `list_grid` serves GET /views/grid/{id}/ (ad-hoc
filters replace the view's). Imports: core (row_query, views), errors, filters, models,
storage.kept, usertable.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import views
from gridbase.core.context import Ctx
from gridbase.core.row_query import filter_clause
from gridbase.errors import GridDoesNotExist, ViewDoesNotExist
from gridbase.filters.base import Clause
from gridbase.models import User
from gridbase.storage.kept import row_counts
from gridbase.usertable import load
from gridbase.usertable.filtering import where_for
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery, Sort, Where, order_clauses
from gridbase.usertable.read import serialize_rows


def _and(first: Any, second: Any) -> Any:
    if first is None:
        return second
    if second is None:
        return first

    def both(model: TableModel) -> Clause | None:
        parts = [p for p in (first(model), second(model)) if p is not None]
        return sa.and_(*parts) if parts else None

    return both


@dataclass(frozen=True)
class ViewQuery:
    """What a view adds to a row list: its saved filters and sorts."""

    where: Where | None
    sorts: tuple[Sort, ...]


def view_query(ctx: Ctx, model: TableModel, view_id: int | None) -> ViewQuery | None:
    """The view `view_id` of the model's table (None for none: 0 too, as Baserow reads it);
    ERROR_VIEW_DOES_NOT_EXIST when it is unknown or of another table."""
    if not view_id:
        return None
    with ctx.db.read() as conn:
        view = views.load_view(conn, view_id)
        if view.table_id != model.table.id:
            raise ViewDoesNotExist()
        group = views.view_tree(conn, view, model)
        sorts = views.view_sorts(conn, view, model)
        return ViewQuery(where_for(ctx, model, group, conn), sorts)


def with_view(query: RowQuery, view: ViewQuery | None, *, has_order_by: bool) -> RowQuery:
    """`query` restricted by the view's saved filters (ad-hoc filters are AND-ed with them),
    sorted by its sorts unless order_by was given."""
    if view is None:
        return query
    return dataclasses.replace(
        query,
        where=_and(view.where, query.where),
        order_by=query.order_by if has_order_by else view.sorts,
    )


@dataclass(frozen=True)
class GridPage:
    count: int
    rows: list[dict[str, Any]]
    field_options: dict[str, dict[str, Any]] | None
    page: int = 1  # the page served (page/size paging)


def list_grid(
    ctx: Ctx,
    user: User | None,
    view_id: int,
    build: Any,
    *,
    window: tuple[int, int] | None,
    count_only: bool,
    with_options: bool,
    has_filters: bool,
    has_order_by: bool,
) -> GridPage:
    """`build(model) -> RowQuery` parses the request; the view fills in what it leaves out.
    `window`: (offset, limit) for limit/offset paging; None pages by the query's page and
    size (page 0 is the last page)."""
    with ctx.db.read() as conn:
        view, table = views.open_view(conn, user, view_id, GridDoesNotExist)
        if view.type != "grid":
            raise GridDoesNotExist()
        model = load.model_for(ctx, conn, table)
        query: RowQuery = build(model)
        if not has_filters:
            query = dataclasses.replace(
                query,
                where=where_for(ctx, model, views.view_tree(conn, view, model), conn),
            )
        if not has_order_by:
            query = dataclasses.replace(query, order_by=views.view_sorts(conn, view, model))
        where = filter_clause(ctx, model, query)
        count = row_counts.list_count(
            conn, model.table.id, model.sql, where, model.reads_clock, ctx.kept.counts
        )
        if count_only:
            return GridPage(count, [], None)
        page = query.page if query.page >= 1 else max(1, math.ceil(count / query.size))
        offset, limit = window or ((page - 1) * query.size, query.size)
        fields = [f for f in model.fields if query.fields is None or f.id in query.fields]
        rows: list[dict[str, Any]] = []
        if not offset or offset < count:  # else past the last row (maybe past SQL's OFFSET)
            stmt = sa.select(*model.columns(fields))
            if where is not None:
                stmt = stmt.where(where)
            stmt = (
                stmt.order_by(*order_clauses(ctx, conn, model, query.order_by))
                .limit(limit)
                .offset(offset)
            )
            rows = serialize_rows(ctx, conn, model, list(conn.execute(stmt)), fields)
        options = views.field_options(conn, ctx, view, table) if with_options else None
        return GridPage(count, rows, options, page)
