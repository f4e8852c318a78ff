"""Rows through a grid view: the view's filters and sorts applied to a row query.

`with_view` serves `view_id` on the rows list endpoint (ad-hoc filters are AND-ed with the
view's, `order_by` replaces its sorts); `list_grid` serves GET /views/grid/{id}/ (ad-hoc
filters replace the view's). Imports: core (row_query, views), errors, filters, models,
storage.kept, usertable.
"""

from __future__ import annotations

import dataclasses
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
from gridbase.usertable.query import RowQuery, order_clauses
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


def with_view(
    ctx: Ctx, model: TableModel, query: RowQuery, view_id: str | None, *, has_order_by: bool
) -> RowQuery:
    """`query` restricted by the view's saved filters, sorted by its sorts unless order_by was
    given."""
    if view_id is None or view_id == "":
        return query
    try:
        wanted = int(view_id)
    except ValueError:
        raise ViewDoesNotExist() from None
    with ctx.db.read() as conn:
        view = views.load_view(conn, wanted)
        if view.table_id != model.table.id:
            raise ViewDoesNotExist()
        group = views.view_tree(conn, view, model)
        sorts = views.view_sorts(conn, view, model)
        where = where_for(ctx, model, group, conn)
    return dataclasses.replace(
        query, where=_and(where, query.where), order_by=query.order_by if has_order_by else sorts
    )


@dataclass(frozen=True)
class GridPage:
    count: int
    rows: list[dict[str, Any]]
    field_options: dict[str, dict[str, Any]] | None


def list_grid(
    ctx: Ctx,
    user: User,
    view_id: int,
    build: Any,
    *,
    offset: int,
    limit: int,
    count_only: bool,
    with_options: bool,
    has_filters: bool,
    has_order_by: bool,
) -> GridPage:
    """`build(model) -> RowQuery` parses the request; the view fills in what it leaves out."""
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
        count = row_counts.list_count(conn, model.table.id, model.sql, where, model.reads_clock)
        if count_only:
            return GridPage(count, [], None)
        fields = [f for f in model.fields if query.fields is None or f.id in query.fields]
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
        return GridPage(count, rows, options)
