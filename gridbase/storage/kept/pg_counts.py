"""Filtered and searched list counts kept per app on PostgreSQL, under a version of every
table the count reads, read in the database with the count.

Counting the rows a filter or a search matches reads every match: 0.3 s for 41,000 of
100,000 rows, seconds at a million. Every statement that changes a row table, its search
documents or a junction table (insert, update, delete, truncate; gridbase, another instance
or any other program) adds a row to `gridbase_row_count_deltas` under the table's key
(storage.kept.row_counts.versioned) in the writer's transaction. The delta rows a snapshot
sees are exactly the committed statements that changed those tables (a fold replaces some
with a new one, in one transaction), so the transaction ids that wrote them (their `xmin`),
with the metadata clock, name the data a count reads: two snapshots that see the same ones
see the same rows. _VERSION is that set, hashed; it is read in one statement with the count
(reads are autocommit: each statement has its own snapshot), so a count is always kept
under the version it was counted at; later requests read the version alone and use the kept
count when it matches. A table without its trigger (made by an older gridbase, until this
one's startup gives it one) reads NULL: nothing is kept.
Imports: storage.kept (meta_clock, row_counts, snapshots, statements), sqlalchemy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from gridbase.storage import raw
from gridbase.storage.kept import meta_clock, row_counts, snapshots, statements

KEPT = 512  # counts per app; the least recently used go first
# The version of some tables' rows and of the metadata: the clock and the transaction ids of
# their delta rows, hashed; NULL unless every table has its trigger (a table with no delta
# rows has not changed since its trigger was made).
_VERSION = sa.text(
    "SELECT CASE WHEN (SELECT count(*) FROM pg_trigger "
    "WHERE tgname = ANY(CAST(:gb_triggers AS text[])) "
    "AND tgrelid = ANY(CAST(:gb_names AS regclass[]))) = :gb_n "
    f"THEN md5((SELECT value FROM {meta_clock.CLOCK})::text || '|' || "
    "coalesce(string_agg(d.table_id || ':' || d.xmin, ',' ORDER BY d.table_id, d.xmin::text), "
    "'')) END "
    f"FROM {row_counts.DELTAS} d WHERE d.table_id = ANY(CAST(:gb_keys AS integer[]))"
)


class KeptCounts:
    """Counts by statement (its shape and values), each with the version it was counted at."""

    def __init__(self, limit: int = KEPT) -> None:
        self._limit = limit
        self._lock = threading.Lock()  # requests run on several threads
        self._found: OrderedDict[Any, tuple[str, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._found)

    def get(self, key: Any) -> tuple[str, int] | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: Any, version: str, count: int) -> None:
        with self._lock:
            self._found[key] = (version, count)
            self._found.move_to_end(key)
            if len(self._found) > self._limit:
                self._found.popitem(last=False)


def count(
    conn: sa.Connection, kept: KeptCounts, key: Any, table: sa.Table, stmt: sa.Select[Any]
) -> int:
    """What `stmt` (a SELECT count(*); `key`: snapshots.key of it) returns, kept under the
    version of the tables it reads when every one of them is versioned and this is a read
    (autocommit: a writing transaction may yet roll back what it sees, and metadata it
    changes moves the clock only at its commit)."""
    names = _keepable(conn, key, table, stmt)
    if names is None:
        return int(conn.execute(stmt).scalar() or 0)
    held = _held(conn, kept, key, names)
    if held is not None:
        return held
    found, counted = conn.execute(sa.select(_version(names), stmt.scalar_subquery())).one()
    if found is not None:
        kept.put(key, found, int(counted or 0))
    return int(counted or 0)


def peek(
    conn: sa.Connection, kept: KeptCounts, table: sa.Table, stmt: sa.Select[Any]
) -> int | None:
    """What count() would return when it is kept and still holds (one small statement),
    else None: nothing is counted."""
    key = snapshots.key(stmt)
    names = None if key is None else _keepable(conn, key, table, stmt)
    return None if names is None else _held(conn, kept, key, names)


def _keepable(
    conn: sa.Connection, key: Any, table: sa.Table, stmt: sa.Select[Any]
) -> tuple[str, ...] | None:
    """The tables `stmt` reads when its count can be kept (all versioned, and a read)."""
    if not raw.autocommit_read(conn):
        return None
    return _tables(stmt, key[0], table)


def _held(conn: sa.Connection, kept: KeptCounts, key: Any, names: tuple[str, ...]) -> int | None:
    """The kept count under `key` when the version it was kept at still holds, else None."""
    known = kept.get(key)
    if known is None or conn.execute(sa.select(_version(names))).scalar() != known[0]:
        return None
    return known[1]


def _tables(stmt: sa.Select[Any], shape: Any, table: sa.Table) -> tuple[str, ...] | None:
    """The names of the tables `stmt` reads when all are versioned (row, search and
    junction tables), else None; remembered per statement shape on the row table `table` (the walk
    costs ~50 us)."""

    def walk() -> tuple[str, ...] | None:
        found = find_tables(stmt, include_aliases=True, check_columns=True, include_crud=True)
        # a subquery's tables are found too: the subquery itself reads nothing more
        read = [
            getattr(t, "element", t)
            for t in found
            if t is not None and not isinstance(getattr(t, "element", t), sa.Select)
        ]
        if not read or not all(isinstance(t, sa.TableClause) for t in read):
            return None
        names = tuple(sorted({t.name for t in read}))
        return names if all(row_counts.versioned(n) is not None for n in names) else None

    return statements.on_table(table, "gridbase_versioned_reads", shape, walk)


def _version(names: tuple[str, ...]) -> sa.ScalarSelect[Any]:
    keys, triggers = zip(*(row_counts.versioned(n) for n in names), strict=True)
    return (
        _VERSION.bindparams(
            gb_n=len(names), gb_keys=list(keys), gb_triggers=list(triggers), gb_names=list(names)
        )
        .columns(sa.column("version", sa.Text))
        .scalar_subquery()
    )
