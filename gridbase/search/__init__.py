"""Full-text row search backed by an index per user table (SQLite FTS5, PostgreSQL tsvector).

`search_mode=full-text-with-count` (or no search_mode when GRIDBASE_DEFAULT_SEARCH_MODE is
`full-text-with-count`) uses the index; `compat` stays core.search's per-field contains.
Full-text falls back to compat when the table has no index yet or when the request limits
the searched fields (include/exclude): a row's document holds all its searchable fields.
Modules: tokenize (pure words), document (row -> words), index (sync), query (clause);
storage.search_index holds the SQL. install() wires the hooks. Imports: core, storage.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.core.row_query import RowQuery, SearchPlan
from gridbase.core.table_model import TableModel
from gridbase.filters.base import Clause
from gridbase.search import index
from gridbase.search import query as full_text
from gridbase.search.document import indexed_fields

FULL_TEXT = "full-text-with-count"


def install(ctx: Ctx) -> None:
    """Wrap the compat search hook (installed first) and subscribe to row and field writes."""
    compat = ctx.hooks["search"]

    def search(
        ctx_: Ctx, model: TableModel, term: str, mode: str, fields: Any = None
    ) -> Clause | None:
        if _uses_index(ctx_, model, mode, fields):
            return full_text.full_text_clause(ctx_.db.dialect, model, term)
        return compat(ctx_, model, term, mode, fields)  # type: ignore[no-any-return]  # hooks hold Any

    def plan(
        ctx_: Ctx, conn: sa.Connection, model: TableModel, query: RowQuery
    ) -> SearchPlan | None:
        if _uses_index(ctx_, model, query.search_mode, query.fields):
            # default order, page or offset paging: the page may walk the order index
            walk = None if query.order_by or query.cursor is not None else query.page * query.size
            return full_text.plan(conn, model, query.search, walk)
        return None

    ctx.hooks["search"] = search
    ctx.hooks["search_plan"] = plan
    ctx.hooks["rows_changing"] = index.rows_changing
    ctx.hooks["fields_changing"] = index.fields_changing


def _uses_index(ctx: Ctx, model: TableModel, mode: str, fields: tuple[int, ...] | None) -> bool:
    mode = mode or ctx.settings.default_search_mode
    return mode == FULL_TEXT and _covers(ctx, model, fields) and _ready(ctx, model.table.id)


def _covers(ctx: Ctx, model: TableModel, fields: tuple[int, ...] | None) -> bool:
    if fields is None:
        return True
    wanted = set(fields)
    return all(f.id in wanted for f in indexed_fields(ctx, model))


def _ready(ctx: Ctx, table_id: int) -> bool:
    state = index.readiness(ctx)
    if table_id in state.known:
        return True
    with ctx.db.read() as conn:
        return state.ready(conn, table_id)
