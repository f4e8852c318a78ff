"""Durability for grouped SQLite commits off the event loop: the group commits with
`synchronous=NORMAL` (the WAL frames reach the OS, ~30 us), then this syncer's thread
fdatasyncs the WAL file and only then resolves the group's future - so a write is still
on disk before it is acknowledged, but the ~1 ms disk wait no longer stalls the loop: the
next requests run (and commit) while the previous group's sync is in flight, and one
sync covers every group committed before it started.

Why that is as durable as FULL: in WAL mode a commit appends its frames (ending in a
commit frame) to the -wal file; recovery replays every checksummed commit found there.
FULL only adds an fsync of that file at commit. A checkpoint syncs the WAL and the
database itself (NORMAL does too), so frames a checkpoint moved are on disk as well.
Other connections may read a grouped commit during its sync window (< 2 ms); nothing
is answered to its own writer before the sync. Imports: stdlib only.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass, field

Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


@dataclass
class WalSync:
    path: str  # the -wal file
    synced: int = 0  # the number of commits known to be on disk (for tests and stats)
    _committed: int = 0
    _waiting: list[tuple[int, Waiter]] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None

    def after_commit(self, loop: asyncio.AbstractEventLoop, done: asyncio.Future[None]) -> None:
        """Resolve `done` (on its loop) once the WAL, with the commit just made, is on disk."""
        with self._cond:
            self._committed += 1
            self._waiting.append((self._committed, (loop, done)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gridbase-wal-sync", daemon=True)
                self._thread.start()
            self._cond.notify()

    def sync(self) -> None:
        """fdatasync the WAL now, in this thread. No WAL file: a checkpoint moved everything
        into the database file and synced it before deleting the WAL."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fdatasync(fd) if hasattr(os, "fdatasync") else os.fsync(fd)
        finally:
            os.close(fd)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                batch, self._waiting = self._waiting, []
            error: OSError | None = None
            try:
                self.sync()  # every commit of the batch was made before this started
            except OSError as exc:
                error = exc
            with self._cond:
                self.synced = max(self.synced, batch[-1][0]) if error is None else self.synced
            for _, (loop, done) in batch:
                try:
                    loop.call_soon_threadsafe(_resolve, done, error)
                except RuntimeError:  # that loop is closed: nobody waits any more
                    pass


def _resolve(done: asyncio.Future[None], error: OSError | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
