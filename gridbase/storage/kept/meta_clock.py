"""A value that changes whenever gridbase's metadata changes, so look-ups of metadata (a
token's grants, the link fields into a table, a table's webhooks) can be kept on a SQLite
connection across row writes - including on the writer, inside its write transaction.

`storage.kept.snapshots` keeps results only until any commit, and never in a writing
transaction. The metadata a row write looks up changes far more rarely than rows, so
triggers on the metadata tables set `gridbase_meta_clock` to a new random value on every
insert, update and delete, in the writer's own transaction: for any writer, gridbase,
another instance or another program. A value read in a transaction names the metadata
that transaction sees, so what was read under the same value is still true. Random values
(not a counter) because a write that rolls back must never leave its value to come back:
a counter would return to a number that an uncommitted write had already used.

Safe for writes: the writer reads the value inside its write transaction (SQLite's write
lock is held), so a revocation committed before it is seen exactly as a fresh look-up
would see it. Read the value before what is kept (`cached` does).

PostgreSQL keeps nothing. The triggers are made at startup (`ensure`) rather than in a
migration, because Alembic's batch mode rebuilds SQLite tables without their triggers.
Imports: storage.schema, storage.kept.snapshots (its stores), sqlalchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from gridbase.storage import schema
from gridbase.storage.kept import snapshots
from gridbase.storage.raw import sqlite_connection

T = TypeVar("T")

CLOCK = "gridbase_meta_clock"
_READ = f"SELECT value FROM {CLOCK}"

# Every metadata table but those written by row traffic (the webhook outbox and its call
# log, row history, the change stream's log and counters), and the refresh-token blacklist
# and user files, which nothing kept reads.
UNCLOCKED = frozenset(
    {
        schema.outbox.name,
        schema.webhook_calls.name,
        schema.row_history.name,
        schema.stream_events.name,
        schema.stream_sequences.name,
        schema.refresh_token_blacklist.name,
        schema.user_files.name,
    }
)
CLOCKED = tuple(sorted(t.name for t in schema.metadata.sorted_tables if t.name not in UNCLOCKED))
# An autonumber field's counter (its only props) moves at every insert into its table: an
# update that changes nothing else of the field leaves the clock alone.
_QUIET_UPDATES = {
    schema.fields.name: "NOT (OLD.type = 'autonumber' AND NEW.type = 'autonumber' AND "
    + " AND ".join(
        f'NEW."{c.name}" IS OLD."{c.name}"'
        for c in schema.fields.columns
        if c.name not in ("type", "props")
    )
    + ")"
}


def ensure(db: Any) -> None:
    """SQLite: the clock and its triggers, made anew (run at every start, after the
    migrations, so tables they rebuilt get their triggers back)."""
    if not db.is_sqlite:
        return
    with db.write() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {CLOCK} "
            "(id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)"
        )
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO {CLOCK} (id, value) VALUES (1, random())")
        for table in UNCLOCKED:  # a table that was clocked once no longer is
            for event in ("insert", "update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_clocked_{event}")
        for table in CLOCKED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                when = (
                    f" WHEN {_QUIET_UPDATES[table]}"
                    if event == "UPDATE" and table in _QUIET_UPDATES
                    else ""
                )
                trigger = f"{table}_clocked_{event.lower()}"
                # made anew at every start, so a release that changes a trigger replaces it
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {trigger} AFTER {event} ON {table}{when} "
                    f"BEGIN UPDATE {CLOCK} SET value = random(); END"
                )


def value(conn: sa.Connection) -> int | None:
    """The clock as this connection's transaction sees it; None on PostgreSQL or in a file
    whose clock is not made yet (an older gridbase serves it)."""
    if conn.dialect.name != "sqlite":
        return None
    try:
        found = sqlite_connection(conn).execute(_READ).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if found is None else int(found[0])


def cached(
    conn: sa.Connection, name: str, key: Any, read: Callable[[], T], limit: int = snapshots.KEPT
) -> T:
    """read(), kept in this connection's store `name` under `key` while the metadata stays the
    same. Only for what reads nothing but the clocked tables (CLOCKED) and does not read the
    time: callers check expiry themselves."""
    return snapshots.kept(snapshots.store(conn, "meta_stores", value(conn), name), key, read, limit)
