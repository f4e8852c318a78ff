"""Deep pages of a row list (`page` far from 1) on SQLite: seek from a remembered position
instead of skipping every row before the page.

OFFSET reads and discards each row before the page: page 5000 (size 100) of the default
order walks 500,000 entries of the (order, id) index, ~13 ms on a 2.5M-row table, and a
client that walks every page pays that for each one. A *mark* is the sort key of the row
just before a position: the rows after that key (keyset.after, an index seek) start
at that position. A deep page seeks from the nearest mark at or before its offset and
skips only the rest; it leaves marks at its own start and end, so the same page again,
and the next page, seek straight to their first row.

Marks describe the data they were read from, so they live in a store of storage.kept.snapshots:
one SQLite connection's, emptied by any write from anywhere. A page then skips rows as
OFFSET would. PostgreSQL (shared by several instances, no such counter) keeps OFFSET, and
so do orders whose first key is descending (see page_ids) and tables with a formula that
reads the clock.
Imports: core.context, storage.kept.snapshots, usertable (keyset, query), sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage.kept import snapshots
from gridbase.usertable import keyset
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery, order_clauses, sort_parts

MARKS_FROM = 1_000  # offsets below this skip their rows: cheaper than keying the query
QUERIES_KEPT = 32  # per connection: list queries (filters, search, order) with marks
MARKS_KEPT = 64  # per query; the oldest go first (a walk through the pages needs the last)

Marks = dict[int, tuple[Any, ...]]  # position -> sort key of the row before it


def _marks(conn: sa.Connection, query: sa.Select[Any]) -> Marks:
    """This connection's marks for this query (its SQL and values), emptied when the data
    moved on since they were read."""
    marks: Marks = snapshots.cached(
        conn, "deep_page_marks", snapshots.key(query), dict, QUERIES_KEPT
    )
    return marks


def _remember(marks: Marks, position: int, key: tuple[Any, ...]) -> None:
    marks.pop(position, None)
    marks[position] = key
    if len(marks) > MARKS_KEPT:
        del marks[next(iter(marks))]


def page_ids(
    ctx: Ctx, conn: sa.Connection, model: TableModel, query: RowQuery, where: Any, offset: int
) -> list[int]:
    """The ids of the page at `offset` (rows of the list in its order), seeking from the
    nearest mark. Only for SQLite and offsets >= MARKS_FROM (see use())."""
    t = model.sql
    parts = sort_parts(ctx, conn, model, query.order_by)
    keys = [expr.label(f"_key{i}") for i, (expr, _) in enumerate(parts)]
    listed = sa.select(t.c.id, *keys)
    if where is not None:
        listed = listed.where(where)
    order = order_clauses(ctx, conn, model, query.order_by)
    # A mark seeks with one clause of after() only when the first key part is ascending and
    # the mark's value is not NULL; with two clauses, skipping past the end of the first
    # would need its rows counted.
    marks = (
        _marks(conn, listed.order_by(*order)) if not parts[0][1] and not model.reads_clock else {}
    )
    start = max((p for p, key in marks.items() if p <= offset and key[0] is not None), default=0)
    stmt = listed.where(*keyset.after(parts, marks[start])) if start else listed
    skip = offset - start
    # From one row before the page: its key marks where the page starts.
    stmt = (
        stmt.order_by(*order).offset(skip - 1).limit(query.size + 1)
        if skip
        else stmt.order_by(*order).limit(query.size)
    )
    rows = conn.execute(stmt).all()
    if skip and rows:
        _remember(marks, offset, tuple(rows[0][1:]))
        rows = rows[1:]
    if len(rows) == query.size:
        _remember(marks, offset + query.size, tuple(rows[-1][1:]))
    return [row.id for row in rows]


def use(conn: sa.Connection, offset: int) -> bool:
    return offset >= MARKS_FROM and conn.dialect.name == "sqlite"
