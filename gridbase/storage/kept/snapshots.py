"""Results remembered on one SQLite connection for as long as the data it reads stays the same.

A SQLite read transaction sees one snapshot of the file. `PRAGMA data_version` moves on when
any other connection (or process) commits, `total_changes` when this connection writes, and
`schema_version` on DDL: together they name the data a connection reads, so what it read
under one version is still true under the same version. Stores (`cached`) are per
connection and emptied whenever that version moves on. Kept here: deep-page marks and list
counts (`count`); row_values also keys the texts of computed primaries with `version`.
Metadata look-ups live longer (storage.kept.meta_clock), and so do stored primaries' texts
(storage.kept.row_counts.version). PostgreSQL, shared by several instances and with no such
counter, keeps nothing here (its counts: storage.kept.pg_counts).

A statement that reads the clock (a formula with now() or today()) can change its result
with no write at all: callers ask `reads_clock` and keep nothing for it.
Imports: sqlalchemy.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.functions import FunctionElement

from gridbase.storage.raw import sqlite_connection

T = TypeVar("T")

KEPT = 256  # entries per store and connection; the least recently used go first

# Functions whose result changes without a write (PostgreSQL names and SQL keywords).
VOLATILE_FUNCTIONS = frozenset(
    {
        "now",
        "random",
        "randomblob",
        "current_timestamp",
        "current_date",
        "current_time",
        "localtimestamp",
        "localtime",
        "clock_timestamp",
        "statement_timestamp",
        "transaction_timestamp",
        "timeofday",
        "gen_random_uuid",
    }
)
# SQLite's date and time functions read the clock only when given the string 'now'.
SQLITE_TIME_FUNCTIONS = frozenset(
    {"date", "time", "datetime", "julianday", "strftime", "unixepoch", "timediff"}
)


def version(conn: sa.Connection) -> tuple[int, int, int] | None:
    """The version of the data this SQLite connection's read transaction sees; None on
    PostgreSQL and in writing transactions. Read once per transaction (its snapshot is fixed
    once open)."""
    if conn.dialect.name != "sqlite" or conn.info.get("immediate"):
        return None  # a writing transaction (see Database.write) may yet roll back what it read
    transaction = conn.get_transaction()
    seen: tuple[sa.Transaction, tuple[int, int, int]] | None = conn.info.get("snapshot_version")
    if transaction is not None and seen is not None and seen[0] is transaction:
        return seen[1]
    raw = sqlite_connection(conn)
    # schema_version reads the file header, which opens this transaction's snapshot first:
    # data_version is only current once it is open.
    schema = raw.execute("PRAGMA schema_version").fetchone()[0]
    data = raw.execute("PRAGMA data_version").fetchone()[0]
    found = (schema, data, raw.total_changes)
    if transaction is not None:  # outside a transaction every statement has its own snapshot
        conn.info["snapshot_version"] = (transaction, found)
    return found


def _store(conn: sa.Connection, name: str) -> OrderedDict[Any, Any] | None:
    """This connection's store `name`, emptied when its data has moved on since it was filled;
    None where nothing can be kept."""
    return store(conn, "snapshot_stores", version(conn), name)


def store(conn: sa.Connection, slot: str, current: Any, name: str) -> OrderedDict[Any, Any] | None:
    """The store `name` among this connection's stores under conn.info[slot], all emptied
    when `current` (what they were read under) differs from last time; None for a None
    `current` (nothing can be kept). Shared with storage.kept.meta_clock."""
    if current is None:
        return None
    stores: tuple[Any, dict[str, OrderedDict[Any, Any]]] | None = conn.info.get(slot)
    if stores is None or stores[0] != current:
        stores = conn.info[slot] = (current, {})
    return stores[1].setdefault(name, OrderedDict())


def key(stmt: sa.Executable) -> Any:
    """A hashable key for a statement and its values: the same key reads the same rows from
    the same data. None when SQLAlchemy cannot key it (a construct without a cache key)."""
    # The cache key SQLAlchemy's compiled cache uses (memoised on the statement, so an
    # execution after this reuses it); the values are what it extracts from the statement.
    cache_key = stmt._generate_cache_key()  # type: ignore[attr-defined]  # internal (pinned minor)
    if cache_key is None:
        return None
    return cache_key.key, tuple(repr(bind.effective_value) for bind in cache_key.bindparams)


def cached(conn: sa.Connection, name: str, key: Any, read: Callable[[], T], limit: int = KEPT) -> T:
    """read(), kept in this connection's store `name` under `key` until the data moves on;
    read() every time where nothing can be kept (PostgreSQL, a writing transaction, a None
    key). Only for what depends on nothing but the data."""
    return kept(_store(conn, name) if key is not None else None, key, read, limit)


def kept(
    found: OrderedDict[Any, Any] | None, key: Any, read: Callable[[], T], limit: int = KEPT
) -> T:
    """read(), kept in the store `found` under `key` (the least recently used go beyond
    `limit`); read() every time for a None store."""
    if found is None:
        return read()
    if key in found:
        found.move_to_end(key)
        return cast(T, found[key])  # a store holds what its reader returns
    value = found[key] = read()
    if len(found) > limit:
        found.popitem(last=False)
    return value


def count(conn: sa.Connection, stmt: sa.Select[Any], *, remember: bool = True) -> int:
    """The number a `SELECT count(*) ...` statement returns. On SQLite it is kept until the
    data moves on, so the pages of one list, or a list read again, count once (an exact
    count of a million rows takes milliseconds). `remember=False` for a statement that
    reads the clock."""
    return int(
        cached(
            conn,
            "counts",
            key(stmt) if remember else None,
            lambda: conn.execute(stmt).scalar() or 0,
        )
    )


def reads_clock(expressions: Iterable[sa.ClauseElement | None]) -> bool:
    """Whether any of these expressions reads the clock or a random source."""
    for expression in expressions:
        if expression is None:
            continue
        for element in visitors.iterate(expression):
            if not isinstance(element, FunctionElement):
                continue
            name = str(getattr(element, "name", "")).lower()
            if name in VOLATILE_FUNCTIONS:
                return True
            if name in SQLITE_TIME_FUNCTIONS and any(
                isinstance(arg, sa.BindParameter)
                and isinstance(arg.effective_value, str)
                and arg.effective_value.strip().lower() == "now"
                for arg in element.clauses
            ):
                return True
    return False
