"""What narrows a list's rows: its filters (compiled by usertable.filtering) and its search
(core.extensions.Search: compat or the full-text index).

Imports: core.context, search (SearchPlan), usertable.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.search.query import SearchPlan
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery


def search_plan(
    ctx: Ctx, conn: sa.Connection, model: TableModel, query: RowQuery
) -> SearchPlan | None:
    """The index's count and page clause, when the search is the list's only condition."""
    if query.where is not None or not query.search:
        return None
    return ctx.ext.search.plan(ctx, conn, model, query)


def filter_clause(ctx: Ctx, model: TableModel, query: RowQuery) -> sa.ColumnElement[bool] | None:
    """The list's filters and search as one clause; None when nothing narrows it."""
    parts = []
    if query.where is not None:
        parts.append(query.where(model))
    if query.search:
        search = ctx.ext.search
        parts.append(search.clause(ctx, model, query.search, query.search_mode, query.fields))
    found = [p for p in parts if p is not None]
    return sa.and_(*found) if found else None
