"""How many rows a page walks in the default order, and EXISTS tested row by row on
PostgreSQL when that walk is short.

A page in the default order walks the (order, id) index and tests each row until it has
enough. PostgreSQL plans a correlated EXISTS that it cannot turn into a join (one under an
OR: a search over a link field, an OR filter group) both ways - row by row, or as a hash
of every row the subquery can return - and picks by the rows it expects to test: all of
the table's, as it costs a LIMIT's early stop only above the subplan. The first page of a
common search term at 1M rows tests ~250 rows, yet it hashed all 64,031 junction rows of a
matching tag first (55 ms of the 57 ms page). An OFFSET in the subquery leaves PostgreSQL
one way, row by row (~3 us a row). That wins while the walk is short: hashing costs ~1 us
per junction row it holds, whose number no statistic gives, and almost nothing when the
subquery matches nothing; so only walks of up to PER_ROW_WALK rows (~6 ms at worst) go row
by row.
Imports: usertable.model, sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import Exists

from gridbase.usertable.model import TableModel

PER_ROW_WALK = 2_000


def walked(conn: sa.Connection, model: TableModel, count: int, walk: int) -> float:
    """Rows the order walk visits to find `walk` matches, if matches are spread evenly
    (the highest id stands for the row count: deletions only make this overestimate)."""
    t = model.sql
    highest = model.records(
        conn, ("max_id",), lambda: sa.select(sa.func.max(t.c.id).label("highest")), {}
    )[0].highest
    return walk * (highest or 0) / max(count, 1)


def per_row(clause: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """`clause` with every EXISTS in it carrying OFFSET 0 (PostgreSQL tests it row by row)."""

    def fenced(element: Any, **_kw: Any) -> Any:
        if isinstance(element, Exists):
            select = element.element.element  # Exists(ScalarSelect(Select))
            return sa.exists(select.offset(0))
        return None

    return visitors.replacement_traverse(clause, {}, fenced)


def short_walk(
    conn: sa.Connection,
    model: TableModel,
    where: sa.ColumnElement[bool] | None,
    count: int,
    walk: int,
) -> sa.ColumnElement[bool] | None:
    """The page's clause: `where`, its EXISTS tested row by row on PostgreSQL when the page
    (the default order, `walk` rows from the start, `count` matches) walks few rows."""
    if where is None or conn.dialect.name == "sqlite" or count < 1:
        return where
    if not any(isinstance(element, Exists) for element in visitors.iterate(where)):
        return where  # (walked reads the highest id: a round trip)
    if walked(conn, model, count, walk) > PER_ROW_WALK:
        return where
    return per_row(where)
