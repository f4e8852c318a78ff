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

PostgreSQL: the same clock, set by deferred constraint triggers when a transaction that
changed metadata commits (once per transaction, and only then is the clock row locked, so
metadata writers never deadlock on it). Reading it costs a round trip, so it is read
inside statements a request runs anyway: the row reads (`COLUMN`, next to the schema
version) and a row write's live-version check (usertable.load.lock_table) hand it to
`seen`. A look-up is kept per connection; `cached(..., optimistic=True)` (a token's look-up,
the first thing a request does) uses what was kept under the last value any connection of
the pool saw, before this request has read the clock, and the request's next reading must
then find the same value: otherwise it raises SchemaMoved and the service call runs again,
on whichever pooled connection, under the value that refused it.
A request that reads no clock along the way reads it once at its end (`settle`, called by
Database.read/write before the commit), so a revoked token still fails at once. Other
look-ups are kept only once the transaction has read the clock, and never after it wrote
to a clocked table itself (its own change moves the clock only at commit).

The triggers are made at startup (`ensure`) rather than in a migration, because Alembic's
batch mode rebuilds SQLite tables without their triggers.
Imports: storage.schema, storage.kept.snapshots (its stores), storage.raw, storage.moved,
sqlalchemy.
"""

from __future__ import annotations

import hashlib
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import Pool

from gridbase.storage import schema
from gridbase.storage.kept import snapshots
from gridbase.storage.moved import SchemaMoved
from gridbase.storage.raw import sqlite_connection

T = TypeVar("T")

CLOCK = "gridbase_meta_clock"
_READ = f"SELECT value FROM {CLOCK}"
COLUMN = "gb_meta_clock"  # what a statement that reads the clock along the way names it
CLOCK_LOCK = 0x6D636C6B  # advisory lock of the makers of the triggers at startup ("mclk")

# Every metadata table but those written by row traffic (the webhook outbox and its call
# log, row history, the change stream's log and counters, Idempotency-Key answers, deleted
# rows in the trash and the id high-water mark their deletes move), and the refresh-token
# blacklist, user files, jobs and notifications; no kept look-up reads any of them.
UNCLOCKED = frozenset(
    {
        schema.outbox.name,
        schema.webhook_calls.name,
        schema.row_history.name,
        schema.stream_events.name,
        schema.stream_sequences.name,
        schema.idempotency_keys.name,
        schema.trash_entries.name,
        schema.trashed_rows.name,
        schema.id_high_water.name,
        schema.refresh_token_blacklist.name,
        schema.user_files.name,
        schema.jobs.name,
        schema.notifications.name,
    }
)
CLOCKED = tuple(sorted(t.name for t in schema.metadata.sorted_tables if t.name not in UNCLOCKED))
# Updates that leave the clock alone: an autonumber field's counter (its only props),
# which moves at every insert into its table, and a token's last use (written at most once
# a minute per connection that looks it up; the writer forgets its look-up, see `forget`).
_QUIET_UPDATES = {
    schema.fields.name: "NOT (OLD.type = 'autonumber' AND NEW.type = 'autonumber' AND "
    + " AND ".join(
        f'NEW."{c.name}" IS OLD."{c.name}"'
        for c in schema.fields.columns
        if c.name not in ("type", "props")
    )
    + ")",
    schema.tokens.name: "NOT ("
    + " AND ".join(
        f'NEW."{c.name}" IS OLD."{c.name}"' for c in schema.tokens.columns if c.name != "last_used"
    )
    + ")",
}


def ensure(db: Any) -> None:
    """The clock and its triggers, made anew (run at every start, after the migrations, so
    tables they rebuilt get their triggers back)."""
    if not db.is_sqlite:
        with db.write() as conn:
            _ensure_pg(conn)
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
    conn: sa.Connection,
    name: str,
    key: Any,
    read: Callable[[], T],
    limit: int = snapshots.KEPT,
    *,
    optimistic: bool = False,
) -> T:
    """read(), kept in this connection's store `name` under `key` while the metadata stays the
    same. Only for what reads nothing but the clocked tables (CLOCKED) and does not read the
    time: callers check expiry themselves. `optimistic` (PostgreSQL): before this request
    has read the clock, use what was kept under the value last seen on this connection;
    the request's next reading of the clock checks it (see the module's docstring)."""
    if conn.dialect.name == "sqlite":
        current = value(conn)
    else:
        current = _current(conn, optimistic)
    return snapshots.kept(snapshots.store(conn, "meta_stores", current, name), key, read, limit)


def forget(conn: sa.Connection, name: str, key: Any) -> None:
    """Drop what this connection keeps under `key` in store `name`: the caller changed what
    it holds with a quiet update (_QUIET_UPDATES), which moves no clock."""
    stores: tuple[Any, dict[str, Any]] | None = conn.info.get("meta_stores")
    if stores is not None and name in stores[1]:
        stores[1][name].pop(key, None)


# PostgreSQL: the value the last reading on any connection of a pool found, kept as long as
# the pool, dropped when a transaction that changed metadata ends (its commit moves the
# clock). One per pool, not per connection: a run refused by a moved clock runs again on
# the next idle connection, which must not assume its own older reading (with more idle
# connections than runs left, each one refused a run: a 500).
_seen: weakref.WeakKeyDictionary[Pool, int] = weakref.WeakKeyDictionary()
# What a connection knows of the clock, in conn.info, belongs to one transaction (a read's
# autocommit one too) and holds it, so a later one ignores it: "meta_read" (transaction,
# value read in it), "meta_used" (transaction, value its optimistic look-ups assumed, until
# a reading confirms it), "meta_dirty" (transaction that wrote to a clocked table, see
# watch_writes).


def _mine(conn: sa.Connection, slot: str) -> Any:
    """The value under conn.info[slot] if it belongs to the current transaction, else None."""
    found = conn.info.get(slot)
    return found[1] if found is not None and found[0] is conn.get_transaction() else None


def _current(conn: sa.Connection, optimistic: bool) -> int | None:
    """The clock value look-ups are kept under now; None where nothing can be kept."""
    if conn.get_transaction() is None or _mine(conn, "meta_dirty"):
        return None  # this transaction changed metadata: the clock moves only at its commit
    read = _mine(conn, "meta_read")
    if read is not None or not optimistic:
        return cast(int | None, read)
    assumed = _seen.get(conn.engine.pool)
    if assumed is not None and _mine(conn, "meta_used") is None:
        conn.info["meta_used"] = (conn.get_transaction(), assumed)
    return assumed


def column() -> sa.ScalarSelect[Any]:
    """The clock as a column of another statement (PostgreSQL; label it COLUMN)."""
    return sa.select(sa.column("value")).select_from(sa.table(CLOCK)).scalar_subquery()


def seen(conn: sa.Connection, found: int) -> None:
    """A statement of the current transaction read the clock as `found`: look-ups are kept
    under it from now on. Raises SchemaMoved when the transaction's optimistic look-ups
    assumed another value (the metadata changed since they were kept)."""
    transaction = conn.get_transaction()
    assumed = _mine(conn, "meta_used")
    _seen[conn.engine.pool] = found
    conn.info["meta_read"] = (transaction, found)
    if assumed is not None:
        conn.info.pop("meta_used", None)
        if assumed != found:
            raise SchemaMoved()


def settle(conn: sa.Connection) -> None:
    """PostgreSQL, at the end of a read or before a write commits: a transaction whose
    optimistic look-ups no statement has checked yet reads the clock now (SchemaMoved if it
    moved). A transaction that changed metadata forgets the value: its commit moves it."""
    if _mine(conn, "meta_used") is not None:
        seen(conn, int(conn.exec_driver_sql(_READ).scalar_one()))
    if _mine(conn, "meta_dirty"):
        _seen.pop(conn.engine.pool, None)


def watch_writes(engine: sa.Engine) -> None:
    """PostgreSQL: note the transactions that write to a clocked table through SQLAlchemy
    (gridbase's metadata writes all do), so they keep nothing from then on."""
    clocked = frozenset(CLOCKED)

    @event.listens_for(engine, "before_cursor_execute")
    def _wrote(
        conn: sa.Connection, _cursor: Any, _sql: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if not (context.isinsert or context.isupdate or context.isdelete):
            return
        table = getattr(context.compiled.statement, "table", None)
        if getattr(table, "name", None) in clocked:
            conn.info["meta_dirty"] = (conn.get_transaction(), True)


def _ensure_pg(conn: sa.Connection) -> None:
    """PostgreSQL: the clock, its function (in the current schema, named in full so that it
    sets this clock whatever the writer's search_path) and a deferred constraint trigger
    on every clocked table; TRUNCATE, which constraint triggers cannot follow, moves it at
    once. Made only when they are not as this release makes them (a digest of their SQL in
    the clock table's comment): dropping and making triggers locks every metadata table
    until the commit, which would stall, even deadlock, the other instances or workers
    serving meanwhile. One maker at a time: concurrent CREATE OR REPLACE FUNCTION fail."""
    schema_name = str(conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one())
    clock = f"{schema_name}.{CLOCK}"
    made = _pg_statements(schema_name, clock)
    digest = hashlib.sha256("\n".join(made).encode()).hexdigest()[:32]
    have = f"SELECT obj_description(to_regclass('{clock}'), 'pg_class')"
    if conn.exec_driver_sql(have).scalar() == digest:
        return
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CLOCK_LOCK}, 0)")
    if conn.exec_driver_sql(have).scalar() == digest:  # made meanwhile by another
        return
    for statement in made:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"COMMENT ON TABLE {clock} IS '{digest}'")


def _pg_statements(schema_name: str, clock: str) -> list[str]:
    new_value = "(floor(random() * 9007199254740991))::bigint"
    out = [
        f"CREATE TABLE IF NOT EXISTS {clock} "
        "(id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)",
        f"INSERT INTO {clock} (id, value) VALUES (1, {new_value}) ON CONFLICT (id) DO NOTHING",
    ]
    for function, body in (
        # once per transaction: the setting is the transaction's own
        (
            "gridbase_meta_clocked",
            "IF current_setting('gridbase.meta_clocked', true) IS DISTINCT FROM '1' THEN "
            "PERFORM set_config('gridbase.meta_clocked', '1', true); "
            f"UPDATE {clock} SET value = {new_value}; END IF;",
        ),
        ("gridbase_meta_clocked_now", f"UPDATE {clock} SET value = {new_value};"),
    ):
        out.append(
            f"CREATE OR REPLACE FUNCTION {schema_name}.{function}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )
    for table in sorted(UNCLOCKED):
        for suffix in ("clocked", "clocked_update", "clocked_truncate"):
            out.append(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
    for table in CLOCKED:
        for suffix in ("clocked", "clocked_update"):  # constraint triggers have no OR REPLACE
            out.append(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
        quiet = _PG_QUIET_UPDATES.get(table)
        for suffix, events, when in (
            ("clocked", "INSERT OR DELETE" if quiet else "INSERT OR UPDATE OR DELETE", ""),
            *((("clocked_update", "UPDATE", f" WHEN ({quiet})"),) if quiet else ()),
        ):
            out.append(
                f"CREATE CONSTRAINT TRIGGER {table}_{suffix} AFTER {events} ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} "
                f"EXECUTE FUNCTION {schema_name}.gridbase_meta_clocked()"
            )
        out.append(
            f"CREATE OR REPLACE TRIGGER {table}_clocked_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {schema_name}.gridbase_meta_clocked_now()"
        )
    return out


# _QUIET_UPDATES for PostgreSQL (rows compare as jsonb: JSON columns have no equality)
_PG_QUIET_UPDATES = {
    schema.fields.name: "NOT (OLD.type = 'autonumber' AND NEW.type = 'autonumber' AND "
    "to_jsonb(NEW) - 'props' = to_jsonb(OLD) - 'props')",
    schema.tokens.name: "NOT (to_jsonb(NEW) - 'last_used' = to_jsonb(OLD) - 'last_used')",
}
