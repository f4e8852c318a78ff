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

Only code that opts in (`Database.write(group=True)` under `awaiting()`) joins a group;
everything else commits on its own as before. Imports: sqlalchemy only.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

# Commits the current call must await before it answers; None outside Ctx.call.
_PENDING: contextvars.ContextVar[list[asyncio.Future[None]] | None] = contextvars.ContextVar("gridbase_commits", default=None)


@dataclass
class _Group:
    conn: sa.Connection
    transaction: sa.RootTransaction
    done: asyncio.Future[None]
    owner: int  # the thread whose event loop runs the group
    members: int = field(default=0)


class GroupCommit:
    def __init__(self, engine: sa.Engine, lock: threading.Lock) -> None:
        self.engine = engine
        self.lock = lock
        self._group: _Group | None = None

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
        savepoint = group.conn.begin_nested()
        try:
            yield group.conn
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
        group.members += 1
        pending = _PENDING.get()
        if pending is not None and group.done not in pending:
            pending.append(group.done)

    def _open(self) -> _Group:
        loop = asyncio.get_running_loop()
        self.lock.acquire()  # released by _commit: the group is this process's writer
        try:
            conn = self.engine.connect()
            conn.info["immediate"] = True
            transaction = conn.begin()
        except BaseException:
            self.lock.release()
            raise
        group = self._group = _Group(conn, transaction, loop.create_future(), threading.get_ident())
        loop.call_soon(self._commit, group)
        return group

    def _commit(self, group: _Group) -> None:
        if group.done.done():
            return  # flushed early
        self._group = None
        try:
            if group.members:
                group.transaction.commit()
            else:
                group.transaction.rollback()
            group.done.set_result(None)
        except BaseException as exc:  # noqa: BLE001  # handed on: every member's request fails with the commit
            group.done.set_exception(exc)
        finally:
            group.conn.info.pop("immediate", None)
            group.conn.close()
            self.lock.release()


@contextmanager
def awaiting() -> Iterator[list[asyncio.Future[None]]]:
    """Within this block, grouped writes add their group's commit to the yielded list."""
    pending: list[asyncio.Future[None]] = []
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)
