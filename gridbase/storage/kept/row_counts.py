"""Exact row counts of SQLite row tables, kept by triggers, so a list without filters or
search reads its `count` from one row instead of counting the table; and a version of each
table's rows, so what depends on nothing but one table's rows can be kept until they change.

SQLite counts a table by reading every page of its smallest index: 0.4 ms for 2.7M rows
while those pages are in the connection's cache, 18 ms after any other connection commits
(SQLite then drops the cache). An AFTER INSERT and an AFTER DELETE trigger on each row
table move its number in `gridbase_row_counts` in the same transaction as the row, so it is
exact for every writer - gridbase, another instance, or any other program - and rolls back
with it. (A trigger also turns off SQLite's truncate shortcut for `DELETE FROM t`, so no
delete goes uncounted.) The same triggers and an AFTER UPDATE one set the table's `version`
to a new random value (random, so a write that rolled back never leaves its value to come
back). Tables from before get theirs at startup (ensure). PostgreSQL counts the table as
before and has no versions. Every name is built from an integer id we issued.
Imports: storage.schema, storage.kept (meta_clock, snapshots), storage.ddl (in functions: ddl
imports this module), sqlalchemy.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from gridbase.storage import schema
from gridbase.storage.kept import meta_clock, snapshots, statements
from gridbase.storage.raw import sqlite_connection

COUNTS = "gridbase_row_counts"


def create(conn: sa.Connection, table_id: int) -> None:
    """SQLite: the triggers of a row table, and its number as it stands (in the caller's
    write transaction, so no row comes or goes in between)."""
    if conn.dialect.name != "sqlite":
        return
    from gridbase.storage.ddl import table_name  # (ddl calls this module when it makes a table)

    tid, name = int(table_id), table_name(table_id)
    _create_counts(conn)
    for event, step in (
        ("INSERT", "rows = rows + 1, "),
        ("DELETE", "rows = rows - 1, "),
        ("UPDATE", ""),
    ):
        trigger = f"{name}_counted_{event.lower()}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")  # (one from before versions)
        conn.exec_driver_sql(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {name} "
            f"BEGIN UPDATE {COUNTS} SET {step}version = random() WHERE table_id = {tid}; END"
        )
    conn.exec_driver_sql(
        f"INSERT OR REPLACE INTO {COUNTS} (table_id, rows, version) "
        f"VALUES ({tid}, (SELECT count(*) FROM {name}), random())"
    )


def _create_counts(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {COUNTS} "
        "(table_id INTEGER PRIMARY KEY, rows INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 0)"
    )
    if "version" not in _columns(conn):  # made before versions
        conn.exec_driver_sql(f"ALTER TABLE {COUNTS} ADD COLUMN version INTEGER NOT NULL DEFAULT 0")


def _columns(conn: sa.Connection) -> set[str]:
    return {r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({COUNTS})")}


def drop(conn: sa.Connection, table_id: int) -> None:
    """Forget a dropped table's number (its triggers went with it)."""
    if conn.dialect.name == "sqlite" and sa.inspect(conn).has_table(COUNTS):
        conn.exec_driver_sql(f"DELETE FROM {COUNTS} WHERE table_id = {int(table_id)}")


def rows(conn: sa.Connection, table_id: int) -> int | None:
    """The number of rows of a table; None where it is not kept (PostgreSQL, a table whose
    triggers are not there yet)."""
    return _kept(conn, "rows", table_id)


def version(conn: sa.Connection, table_id: int) -> int | None:
    """The version of a table's rows as this connection's transaction sees them: it changes
    with every insert, update and delete. None where it is not kept."""
    return _kept(conn, "version", table_id)


def list_count(
    conn: sa.Connection,
    table_id: int,
    table: sa.Table,
    where: sa.ColumnElement[bool] | None,
    reads_clock: bool,
) -> int:
    """The number of rows of `table` (the row table of `table_id`) that `where` matches, from
    the best kept source: the triggers' number for a whole table, else a count kept on the
    connection (see count). `reads_clock`: the table has a field that reads the clock, so
    what its rows match can change with no write."""
    if where is None:
        kept = rows(conn, table_id)
        if kept is not None:
            return kept
    stmt = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        stmt = stmt.where(where)
    return count(conn, table_id, table, stmt, remember=not reads_clock)


def count(
    conn: sa.Connection,
    table_id: int,
    table: sa.Table,
    stmt: sa.Select[Any],
    *,
    remember: bool = True,
) -> int:
    """The number a `SELECT count(*) ...` of a filtered list returns. When `stmt` reads no
    table but the row table `table`, it is kept on this read connection while that table's
    version and the metadata clock hold, so writes to other tables leave it; otherwise it is
    kept until any write (snapshots.count). `remember=False` for a statement that reads the
    clock."""
    if remember and snapshots.version(conn) is not None:  # (None on PostgreSQL: nothing is kept)
        key = snapshots.key(stmt)
        held = (
            rows_key(conn, table_id)
            if key is not None and _reads_only(stmt, key[0], table)
            else None
        )
        if held is not None:
            kept: Any = conn.info.setdefault("table_counts", OrderedDict())
            return int(
                snapshots.kept(
                    kept, (key, table_id, *held), lambda: conn.execute(stmt).scalar() or 0
                )
            )
    return snapshots.count(conn, stmt, remember=remember)


def rows_key(conn: sa.Connection, table_id: int) -> tuple[int, int] | None:
    """What a result that reads nothing but this table's rows (and the metadata) is valid
    for, on any SQLite connection: the table's version and the metadata clock, as this
    connection's transaction sees them. None where either is not kept."""
    rows, meta = version(conn, table_id), meta_clock.value(conn)
    return None if rows is None or meta is None else (rows, meta)


def _reads_only(stmt: sa.Select[Any], shape: Any, table: sa.Table) -> bool:
    """Whether `table` is the only table `stmt` reads (in any subquery or alias; a column of
    no table, such as a literal, reads none). Remembered per statement shape (`shape`: its
    SQLAlchemy cache key without values) on the table: the walk costs ~50 us."""

    def walk() -> bool:
        return all(
            read is None or getattr(read, "element", read) is table
            for read in find_tables(
                stmt, include_aliases=True, check_columns=True, include_crud=True
            )
        )

    return statements.on_table(table, "gridbase_reads_only", shape, walk)


def _kept(conn: sa.Connection, column: str, table_id: int) -> int | None:
    if conn.dialect.name != "sqlite":
        return None
    raw = sqlite_connection(conn)
    try:
        found = raw.execute(
            f"SELECT {column} FROM {COUNTS} WHERE table_id = ?", (int(table_id),)
        ).fetchone()
    except sqlite3.OperationalError:
        # no counts table (or column) yet: an older gridbase made this file and still serves it
        return None
    return None if found is None else int(found[0])


def missing(conn: sa.Connection, table_ids: list[int]) -> list[int]:
    """Of these tables, those without a kept number or without the version trigger (SQLite)."""
    if conn.dialect.name != "sqlite":
        return []
    if not sa.inspect(conn).has_table(COUNTS) or "version" not in _columns(conn):
        return list(table_ids)
    from gridbase.storage.ddl import table_name

    kept = set(conn.exec_driver_sql(f"SELECT table_id FROM {COUNTS}").scalars())
    triggers = set(
        conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
    )
    return [
        t for t in table_ids if t not in kept or f"{table_name(t)}_counted_update" not in triggers
    ]


def ensure(db: Any) -> None:
    """Give every row table without a kept number (or version) its triggers and number (at
    startup, one write per table; several instances starting together do the same work
    harmlessly)."""
    if not db.is_sqlite:
        return
    from gridbase.storage.ddl import table_name

    with db.read() as conn:
        todo = missing(conn, list(conn.execute(sa.select(schema.database_tables.c.id)).scalars()))
    for table_id in todo:
        with db.write() as conn:
            if sa.inspect(conn).has_table(table_name(table_id)):
                create(conn, table_id)
