"""Row search: `compat` (Baserow's default, a per-field substring; search.compat) and
`full-text-with-count`, backed by an index per user table (SQLite FTS5, PostgreSQL
tsvector; search.index keeps it, search.query matches it).

`search_mode=full-text-with-count` (or no search_mode when GRIDBASE_DEFAULT_SEARCH_MODE is
`full-text-with-count`) uses the index. Full-text falls back to compat when the table has
no index yet or when the request limits the searched fields (include/exclude): a row's
document holds all its searchable fields. Modules: tokenize (pure words), document (row ->
words), index (sync), query (clause), compat; storage.search_index holds the SQL.
RowSearch is what core plugs in (core.extensions.Search).
Imports: filters.base, models, storage, usertable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from gridbase.filters.base import Clause
from gridbase.models import Field
from gridbase.search import compat, index
from gridbase.search import query as full_text
from gridbase.search.document import indexed_fields
from gridbase.search.index import RowsWritten
from gridbase.storage import search_index, trigrams
from gridbase.storage.kept import row_counts, snapshots
from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery
from gridbase.usertable.walk import walked

FULL_TEXT = "full-text-with-count"
# A walked row is checked field by field, a candidate too and then sorted: the walk wins
# while it visits this many times fewer rows than there are candidates.
WALK_OVER_CANDIDATES = 4
FEW_MATCHES = full_text.FEW_MATCHES


class RowSearch:
    def __init__(self, default_mode: str) -> None:
        self.default_mode = default_mode  # for requests that give no search_mode

    def clause(
        self,
        ctx: TableContext,
        model: TableModel,
        term: str,
        mode: str,
        fields: tuple[int, ...] | None,
    ) -> Clause | None:
        if self._uses_index(ctx, model, mode, fields):
            return full_text.full_text_clause(ctx.db.dialect, model, term)
        candidates = self._candidates(ctx, model.table.id)  # frequencies as plan() kept them
        return compat.search_clause(ctx, model, term, mode, fields, candidates)

    def plan(
        self, ctx: TableContext, conn: sa.Connection, model: TableModel, query: RowQuery
    ) -> full_text.SearchPlan | None:
        # default order, page or offset paging: the page may walk the order index (not for
        # page 0, `page=last`, which is known only once counted)
        walk = (
            None
            if query.order_by or query.cursor is not None or query.page < 1
            else query.page * query.size
        )
        if not self._uses_index(ctx, model, query.search_mode, query.fields):
            return self._compat_plan(ctx, conn, model, query, walk)
        return full_text.plan(conn, model, query.search, walk, ctx.kept.counts)

    def _compat_plan(
        self,
        ctx: TableContext,
        conn: sa.Connection,
        model: TableModel,
        query: RowQuery,
        walk: int | None,
    ) -> full_text.SearchPlan | None:
        """A compat search the index answers. Few matches: their ids, read once through the
        index, are the count and the page's clause (else the page reads the index again,
        or SQLite walks the order index through every row for it). SQLite first asks the
        index how many candidates there are, a count kept on the connection; PostgreSQL
        reads up to FEW_MATCHES + 1 ids, unless it kept a count of more that still holds
        (query.pg_matches). Many matches, SQLite, default order: counted through the index,
        and when they are dense the page walks the order index and checks each row (for a
        common term the first page is found in a few hundred rows, where reading every
        candidate and sorting them costs seconds at 1M rows)."""
        table_id = model.table.id
        candidates = self._candidates(ctx, table_id, conn)
        if candidates is None:
            return None
        where, term = compat.indexed_search(ctx, model, query.search, query.fields, candidates)
        if where is None or term is None:
            return None
        t = model.sql
        if conn.dialect.name != "sqlite":
            count, few = full_text.pg_matches(
                conn,
                ctx.kept.counts,
                model,
                sa.select(t.c.id).where(where),
                sa.select(sa.func.count()).select_from(t).where(where),
                remember=not model.reads_clock,
            )
            return full_text.SearchPlan(count, where if few is None else t.c.id.in_(few))
        probe = candidates(term).limit(FEW_MATCHES + 1).subquery()
        count = -1
        if snapshots.count(conn, sa.select(sa.func.count()).select_from(probe)) > FEW_MATCHES:
            if walk is None:
                return None
            count = row_counts.list_count(
                conn, table_id, t, where, model.reads_clock, ctx.kept.counts
            )
        if count <= FEW_MATCHES:
            ids = list(conn.execute(sa.select(t.c.id).where(where)).scalars())
            return full_text.SearchPlan(len(ids), t.c.id.in_(ids))
        assert walk is not None
        if walked(conn, model, count, walk) * WALK_OVER_CANDIDATES < count:
            scan = compat.search_clause(ctx, model, query.search, query.search_mode, query.fields)
            if scan is not None:
                return full_text.SearchPlan(count, scan)
        return full_text.SearchPlan(count, where)

    def rows_changing(
        self,
        ctx: TableContext,
        conn: sa.Connection,
        model: TableModel,
        row_ids: Sequence[int],
        *,
        created: bool = False,
    ) -> RowsWritten:
        return index.rows_changing(ctx, conn, model, row_ids, created=created)

    def fields_changing(
        self, ctx: TableContext, conn: sa.Connection, table_id: int
    ) -> Callable[[list[Field]], None]:
        return index.fields_changing(ctx, conn, table_id)

    def tables_filled(self, ctx: TableContext, conn: sa.Connection, table_ids: list[int]) -> None:
        for table_id in sorted(table_ids):
            index.rebuild(ctx, conn, table_id)

    def _uses_index(
        self, ctx: TableContext, model: TableModel, mode: str, fields: tuple[int, ...] | None
    ) -> bool:
        if (mode or self.default_mode) != FULL_TEXT:
            return False
        if fields is not None:  # the document holds every searchable field
            wanted = set(fields)
            if not all(f.id in wanted for f in indexed_fields(ctx, model)):
                return False
        return self._indexed(ctx, model.table.id)

    def _candidates(
        self, ctx: TableContext, table_id: int, conn: sa.Connection | None = None
    ) -> compat.Candidates | None:
        """The table's substring index as compat search asks it, when the table has one:
        on PostgreSQL for the term's rare parts (storage.trigrams), by the frequencies kept,
        read through `conn` when none are."""
        if not self._indexed(ctx, table_id):
            return None
        dialect = ctx.db.dialect
        if dialect == "sqlite":
            return lambda term: search_index.substring_ids(dialect, table_id, term)
        found, frequencies = ctx.kept.trigrams.get(table_id)
        if not found and conn is not None:
            schema = search_index.trigram_schema(conn, create=False)
            name = search_index.index_name(table_id)
            frequencies = None if schema is None else trigrams.read(conn, name, schema)
            ctx.kept.trigrams.put(table_id, frequencies)
        return lambda term: search_index.substring_ids(
            dialect, table_id, term, trigrams.rare_parts(term, frequencies)
        )

    def _indexed(self, ctx: TableContext, table_id: int) -> bool:
        indexes = ctx.kept.indexes
        if table_id in indexes.known:
            return True
        with ctx.db.read() as conn:
            return indexes.ready(conn, table_id)
