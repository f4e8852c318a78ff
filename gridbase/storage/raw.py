"""The driver's connection under a SQLAlchemy connection: SQLite's, for the few statements
run on it directly (pragmas, savepoints of the group commit, kept values' cheap reads);
PostgreSQL's autocommit, set directly for a read.
Imports: sqlalchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


def sqlite_connection(conn: sa.Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection), "not a SQLite connection"
    return raw


AUTOCOMMIT_READ = "gridbase_autocommit_read"  # conn.info: this checkout is in autocommit()


def autocommit_read(conn: sa.Connection) -> bool:
    """Whether `conn` is a PostgreSQL read: autocommit, each statement its own snapshot."""
    return bool(conn.info.get(AUTOCOMMIT_READ))


@contextmanager
def autocommit(conn: sa.Connection) -> Iterator[None]:
    """PostgreSQL: the pooled connection in autocommit for the block, set on the driver's
    connection: SQLAlchemy's isolation_level option does the same through its dialect, and
    resets it on the way back to the pool, ~40 us of a read's CPU."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.autocommit = True
    conn.info[AUTOCOMMIT_READ] = True
    try:
        yield
    finally:
        # an invalidated connection (SQLAlchemy saw it break) is gone with its info
        if not conn.invalidated:
            conn.info.pop(AUTOCOMMIT_READ, None)
            try:
                raw.autocommit = False
            except Exception:  # broken under a raw cursor: the pool connects anew
                conn.invalidate()
