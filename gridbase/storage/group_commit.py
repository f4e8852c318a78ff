"""Group commit for SQLite: row writes of requests that are ready at the same moment share
one transaction and one fsync, each in its own SAVEPOINT.

With `synchronous=FULL` every commit waits for the disk (~1 ms here), and SQLite has one
writer, so committing each request alone caps writes at the fsync rate. Instead the first
grouped write of an event-loop turn opens the transaction (holding the process's write
lock, so other threads queue behind it) and schedules the commit with `call_soon`; writes
of other requests that run before that callback join it. A request's savepoint is
released when its block ends (rolled back, alone, when it raises). Its caller
(Ctx.call) awaits the group's commit before answering, so nothing is acknowledged before
it is on disk - and a failed commit fails every request of the group.

With a WalSync (synchronous=FULL on a file), the group commits with NORMAL and the WAL is
synced off the loop before the futures resolve (see wal_sync). Only code that opts in
(`Database.write(group=True)` under `awaiting()`) joins a group; everything else commits on
its own as before. Imports: sqlalchemy, storage.wal_sync.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from gridbase.storage.raw import sqlite_connection
from gridbase.storage.wal_sync import WalSync

# Commits the current call must await before it answers; None outside Ctx.call.
_PENDING: contextvars.ContextVar[list[asyncio.Future[None]] | None] = contextvars.ContextVar(
    "gridbase_commits", default=None
)
_DEFERRED = "gridbase_deferred"  # conn.info key: the current member's deferred work

Work = Callable[[sa.Connection], None]
WRITER_CACHE_KB = 8000


def defer(conn: sa.Connection, work: Work) -> bool:
    """Run `work` just before the group's commit instead of now, when `conn` is in a group
    (dropped if this member rolls back). False outside a group: the caller runs it now.
    For writes nothing reads back before the commit, e.g. FTS5 documents: FTS5 writes its
    pending changes to disk at every SAVEPOINT, which doubled their cost per member."""
    member: list[Work] | None = conn.info.get(_DEFERRED)
    if member is None:
        return False
    member.append(work)
    return True


@contextmanager
def savepoint(conn: sa.Connection) -> Iterator[None]:
    """A savepoint inside a write transaction: when the block raises, what it wrote is rolled
    back alone (with the work it deferred), and the transaction goes on."""
    if conn.dialect.name == "sqlite":
        run: Callable[[str], object] = sqlite_connection(conn).execute
    else:
        run = conn.exec_driver_sql
    deferred: list[Work] | None = conn.info.get(_DEFERRED)
    mark = len(deferred) if deferred is not None else 0
    run("SAVEPOINT gridbase_inner")
    try:
        yield
    except BaseException:
        run("ROLLBACK TO SAVEPOINT gridbase_inner")
        run("RELEASE SAVEPOINT gridbase_inner")
        if deferred is not None:
            del deferred[mark:]
        raise
    run("RELEASE SAVEPOINT gridbase_inner")


@dataclass
class _Group:
    conn: sa.Connection
    transaction: sa.RootTransaction
    done: asyncio.Future[None]
    owner: int  # the thread whose event loop runs the group
    members: int = field(default=0)
    broken: BaseException | None = None  # a member's error ended the whole transaction
    deferred: list[Work] = field(default_factory=list)
    ended: bool = False


class GroupCommit:
    def __init__(
        self, engine: sa.Engine, lock: threading.Lock, syncer: WalSync | None = None
    ) -> None:
        self.engine = engine
        self.lock = lock
        self.syncer = syncer
        self._group: _Group | None = None
        # Every group runs on this one connection (one group at a time: the lock), kept out of
        # the pool: a checkout and its events cost ~50 us per group.
        self._conn: sa.Connection | None = None

    @staticmethod
    def enabled() -> bool:
        """Whether this call awaits grouped commits (set by awaiting())."""
        if _PENDING.get() is None:
            return False
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def flush(self) -> None:
        """Commit this thread's open group now: a write outside the group is about to take
        the lock the group holds."""
        group = self._group
        if group is not None and group.owner == threading.get_ident():
            self._commit(group)

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        group = self._group
        if group is None or group.owner != threading.get_ident():
            group = self._open()  # (another thread's group: wait for its commit first)
        # On the driver's connection: SQLAlchemy's nested transactions cost ~0.1 ms each.
        raw = sqlite_connection(group.conn)
        raw.execute("SAVEPOINT gridbase_member")
        member: list[Work] = []
        group.conn.info[_DEFERRED] = member
        try:
            yield group.conn
        except BaseException as exc:
            try:
                raw.execute("ROLLBACK TO gridbase_member")
                raw.execute("RELEASE gridbase_member")
            except Exception:  # SQLite ended the transaction: the group fails
                group.broken = exc
            raise
        finally:
            group.conn.info.pop(_DEFERRED, None)
        raw.execute("RELEASE gridbase_member")
        group.deferred.extend(member)
        group.members += 1
        pending = _PENDING.get()
        if pending is not None and group.done not in pending:
            pending.append(group.done)

    def _open(self) -> _Group:
        loop = asyncio.get_running_loop()
        self.lock.acquire()  # released by _commit: the group is this process's writer
        try:
            conn = self._conn
            if conn is None or conn.invalidated:
                conn = self._conn = self.engine.connect()
                raw = sqlite_connection(conn)
                if self.syncer is not None:  # the commit only writes the WAL; the syncer syncs it
                    raw.execute("PRAGMA synchronous=NORMAL")
                # One connection writes every group: a cache larger than the readers' keeps the
                # index paths and the table's end that consecutive groups touch again.
                raw.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KB}")
                conn.info["immediate"] = True
            transaction = conn.begin()
        except BaseException:
            self.close()
            self.lock.release()
            raise
        group = self._group = _Group(conn, transaction, loop.create_future(), threading.get_ident())
        loop.call_soon(self._commit, group)
        return group

    def _commit(self, group: _Group) -> None:
        if group.ended:
            return  # flushed early
        group.ended = True
        self._group = None
        synced = False
        try:
            if group.broken is not None:
                raise group.broken
            if group.members:
                for work in group.deferred:
                    work(group.conn)
                group.transaction.commit()
                if self.syncer is not None:
                    self.syncer.after_commit(group.done.get_loop(), group.done)
                    synced = True
            else:
                group.transaction.rollback()
            if not synced:
                group.done.set_result(None)
        except BaseException as exc:  # handed on: every member's request fails with the commit
            group.done.set_exception(exc)
            self.close()  # a fresh connection for the next group
        finally:
            self.lock.release()

    def close(self) -> None:
        """Drop the group connection; never back into the pool (it runs with NORMAL)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.invalidate()
            conn.close()


@contextmanager
def awaiting() -> Iterator[list[asyncio.Future[None]]]:
    """Within this block, grouped writes add their group's commit to the yielded list."""
    pending: list[asyncio.Future[None]] = []
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)
