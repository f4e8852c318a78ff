"""Database: one SQLAlchemy engine plus read/write transaction helpers.

SQLite runs in WAL mode with a busy timeout; write transactions start with
BEGIN IMMEDIATE and are serialised by an in-process lock, so concurrent writers
queue instead of failing with SQLITE_BUSY. PostgreSQL uses a plain pool.
Imports: errors (FieldDataConstraint, GridbaseError), jsontext (dumps, the JSON columns' writer);
nothing from gridbase above storage.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from gridbase import jsontext
from gridbase.errors import FieldDataConstraint, GridbaseError
from gridbase.storage import raw, sqlite_functions, unique
from gridbase.storage.group_commit import GroupCommit
from gridbase.storage.kept import meta_clock
from gridbase.storage.moved import SchemaMoved
from gridbase.storage.prepared import tagged
from gridbase.storage.raw import sqlite_connection
from gridbase.storage.wal_sync import WalSync

SQLITE_BUSY_TIMEOUT_MS = 30_000
# per connection; the group-commit writer sets its own (group_commit.WRITER_CACHE_KB)
READER_CACHE_KB = 2000
PING_AFTER_IDLE_SECONDS = 10.0  # PostgreSQL: pooled connections idle this long are pinged first
SYNCHRONOUS = ("FULL", "NORMAL")


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, synchronous: str = "full") -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._write_lock = threading.Lock()
        self.syncer: WalSync | None = None
        self._local = threading.local()  # SQLite: this thread's reader (see read())
        self._readers: list[sa.Connection] = []
        if self.is_sqlite:
            self.engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                pool_size=pool_size,
                max_overflow=20,
                pool_use_lifo=True,  # reuse the warm connection: one hot page cache, not ten
                json_serializer=jsontext.dumps,
            )
            path = self.engine.url.database  # a file, or None / ":memory:"
            self.syncer = (
                WalSync(path)
                if synchronous.upper() == "FULL" and path and path != ":memory:"
                else None
            )
            _configure_sqlite(self.engine, synchronous, checkpoints=self.syncer is None)
            self.groups = GroupCommit(self.engine, self._write_lock, self.syncer)
        else:
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            self.engine = sa.create_engine(
                url, pool_size=pool_size, max_overflow=20, json_serializer=jsontext.dumps
            )
            _no_jit(self.engine)
            _tag_versions(self.engine)
            meta_clock.watch_writes(self.engine)
            _ping_when_idle(self.engine)
        self.dialect = self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reads; SQLite WAL readers never block the writer. On SQLite an
        event-loop thread keeps one reader out of the pool (a checkout costs ~50 us, the
        whole read of one row ~400); a read inside a read, or another thread, checks out."""
        reader = self._reader() if self.is_sqlite else None
        if reader is None:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    # One snapshot for every statement, also those run on the raw cursor (Prepared).
                    conn.begin()
                    yield conn
                else:
                    # READ COMMITTED takes a snapshot per statement inside a transaction too,
                    # so BEGIN and ROLLBACK would only add two round trips to every read.
                    with raw.autocommit(conn):
                        conn.begin()  # no BEGIN is sent; meta_clock tells requests apart by it
                        with _settled(conn):
                            yield conn
                conn.rollback()
            return
        self._local.busy = True
        try:
            reader.begin()
            yield reader
        finally:
            try:
                reader.rollback()
            except Exception:  # a broken connection: the next read makes a new one
                self._local.reader = None
                self._readers.remove(reader)
                reader.invalidate()
            self._local.busy = False

    def _reader(self) -> sa.Connection | None:
        local = self._local
        if getattr(local, "busy", False):
            return None
        reader: sa.Connection | None = getattr(local, "reader", None)
        if reader is None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return None  # a short-lived thread would leak it
            reader = local.reader = self.engine.connect()
            self._readers.append(reader)
        return reader

    @contextmanager
    def write(self, *, group: bool = False) -> Iterator[sa.Connection]:
        """One write transaction: committed on normal exit, rolled back on an exception.
        `group=True` (SQLite, inside Ctx.call): a savepoint in the group commit of this
        event-loop turn instead; the caller awaits the commit (see group_commit).
        A write the database refuses for a field constraint's unique index (storage.unique)
        raises FieldDataConstraint, once it is rolled back."""
        try:
            joined: sa.Connection | None = getattr(self._local, "joined", None)
            if joined is not None:
                yield joined  # inside joined(): the enclosing write's transaction
            elif self.is_sqlite and group and self.groups.enabled():
                with self.groups.write() as conn:
                    yield conn
            elif self.is_sqlite:
                self.groups.flush()  # this thread's open group holds the write lock
                with self._write_lock, self.engine.connect() as conn:
                    conn.info["immediate"] = True
                    try:
                        with conn.begin():
                            yield conn
                    finally:
                        conn.info.pop("immediate", None)
                if self.syncer is not None:
                    self.syncer.wrote()
            else:
                with self.engine.begin() as conn, _settled(conn):
                    yield conn
        except Exception as exc:
            if unique.is_violation(exc):
                raise FieldDataConstraint() from exc
            raise

    @contextmanager
    def joined(self, conn: sa.Connection) -> Iterator[None]:
        """Inside the block, this thread's write() runs in `conn`'s open write transaction
        instead of one of its own: a service that opens its own write then shares the
        transaction of the caller (an Idempotency-Key's row is written with the write)."""
        self._local.joined = conn
        try:
            yield
        finally:
            self._local.joined = None

    def dispose(self) -> None:
        if self.is_sqlite:
            self.groups.close()
            for reader in self._readers:
                reader.invalidate()
            self._readers.clear()
        if self.syncer is not None:
            self.syncer.close()
        self.engine.dispose()


@contextmanager
def _settled(conn: sa.Connection) -> Iterator[None]:
    """PostgreSQL: the end of a read or write transaction checks the metadata look-ups it
    used (storage.kept.meta_clock.settle): on success, and on a refusal (a GridbaseError,
    which may stem from them) - a refusal from a stale look-up becomes SchemaMoved, so the
    service call runs again. Other errors roll back whatever was used."""
    try:
        yield
    except GridbaseError as exc:
        try:
            meta_clock.settle(conn)
        except SchemaMoved:
            raise SchemaMoved() from exc
        raise
    meta_clock.settle(conn)


# PostgreSQL errors after which a whole service call may run again (it was rolled back):
# a deadlock or serialization failure, and a statement built from a table's schema that a
# concurrent schema change replaced (a column or junction table gone, an operator that no
# longer fits the column's new type, a COLLATE on a column now numeric, a prepared plan
# whose result type changed).
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "42703", "42P01", "42883", "42804", "0A000"})
RETRIES = 3


def retryable(exc: BaseException) -> str | None:
    """The SQLSTATE of `exc` when it is one of RETRYABLE_SQLSTATES (or SchemaMoved),
    else None (always None
    on SQLite, whose writers are serialised and whose readers see one snapshot, schema
    included)."""
    if isinstance(exc, SchemaMoved):
        return "schema moved"
    # SQLAlchemy wraps the driver's error; statements run on the raw cursor (Prepared) raise
    # it as it is
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate if sqlstate in RETRYABLE_SQLSTATES else None


def _no_jit(engine: sa.Engine) -> None:
    """PostgreSQL: no JIT compilation. Its threshold is a plan's estimated cost, which a
    search or filter over a large table passes: a compat search counting 41k matches in a
    100k-row table spent 0.94 s compiling and 1.1 s running."""

    @event.listens_for(engine, "connect")
    def _connected(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.commit()


def _tag_versions(engine: sa.Engine) -> None:
    """PostgreSQL: statements through SQLAlchemy carry the schema versions of the user
    tables they read, as Prepared ones do (see storage.prepared.tagged); worked out once
    per compiled statement (SQLAlchemy caches those)."""
    tags: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _tag(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool
    ) -> tuple[str, Any]:
        compiled = getattr(context, "compiled", None)
        if compiled is None or compiled.statement is None:
            return statement, parameters
        prefix = tags.get(compiled)
        if prefix is None:
            prefix = tags[compiled] = tagged("", compiled.statement)
        return prefix + statement, parameters


def _ping_when_idle(engine: sa.Engine) -> None:
    """PostgreSQL: check a pooled connection before use only when it sat idle for
    PING_AFTER_IDLE_SECONDS. pool_pre_ping pings at every checkout: one round trip of the
    six a token's read of one row took. A connection back in use within seconds is alive
    unless the server went away in between, and then that request fails like any other
    on a lost connection; after a restart, idle connections are replaced unnoticed."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("used_at", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # the pool connects anew
            raise sa.exc.DisconnectionError("the pooled connection is gone") from exc


def _configure_sqlite(engine: sa.Engine, synchronous: str, *, checkpoints: bool) -> None:
    """`checkpoints=False`: commits never checkpoint; a WalSync thread does (see wal_sync)."""
    if synchronous.upper() not in SYNCHRONOUS:
        raise ValueError(
            f"synchronous must be one of {', '.join(SYNCHRONOUS)}, not {synchronous!r}"
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer locking).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it is acknowledged (WAL fsync); NORMAL may lose the
        # last commits on power loss (never on a crash of gridbase alone).
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        if not checkpoints:  # a restarted WAL is truncated, so its size says what is new
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.execute("PRAGMA journal_size_limit=0")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Memory stays flat with the table's size: SQLite's default 2 MB page cache per
        # connection (the OS caches the file), and sorts or IN-lists too big for it spill to a
        # temp file. Larger caches were slower on a 1M-row table (scans churn through them:
        # select filter 93 ms at 2 MB, 117 ms at 32 MB) and cost ~30 MB of server memory.
        cur.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
        cur.execute("PRAGMA temp_store=FILE")
        cur.close()
        sqlite_functions.register(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front, so they never fail mid-transaction with BUSY.
        # On the driver's connection: exec_driver_sql would cost ~0.15 ms of bookkeeping.
        sqlite_connection(conn).execute(
            "BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN"
        )
