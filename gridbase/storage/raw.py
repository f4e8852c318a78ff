"""The sqlite3 connection under a SQLAlchemy connection, for the few statements run on it
directly (pragmas, savepoints of the group commit, kept values' cheap reads).
Imports: sqlalchemy.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa


def sqlite_connection(conn: sa.Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection), "not a SQLite connection"
    return raw
