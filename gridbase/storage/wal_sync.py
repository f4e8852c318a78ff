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
is answered to its own writer before the sync.

Checkpoints move off the loop too: connections run with wal_autocheckpoint=0 and
journal_size_limit=0 (see engine), and once the WAL outgrows CHECKPOINT_BYTES a
checkpointer thread runs a PASSIVE checkpoint on its own connection - what SQLite's
auto-checkpoint does at the end of some commit, there with two fsyncs and megabytes of
copying on the event loop.
Imports: stdlib only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from dataclasses import dataclass, field

Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]
_datasync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync
CHECKPOINT_BYTES = 4 << 20  # SQLite's default auto-checkpoint: 1000 pages of 4 KiB


@dataclass
class WalSync:
    database: str  # the database file; its WAL is `<database>-wal`
    synced: int = 0  # the number of commits known to be on disk (for tests and stats)
    checkpoints: int = 0
    _committed: int = 0
    _waiting: list[tuple[int, Waiter]] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _checkpoint_due: threading.Event = field(default_factory=threading.Event)
    _closed: bool = False
    _asked_at: int = 0  # the WAL's size at the last checkpoint request

    @property
    def path(self) -> str:
        return f"{self.database}-wal"

    def after_commit(self, loop: asyncio.AbstractEventLoop, done: asyncio.Future[None]) -> None:
        """Resolve `done` (on its loop) once the WAL, with the commit just made, is on disk."""
        with self._cond:
            self._committed += 1
            self._waiting.append((self._committed, (loop, done)))
            self._start()
            self._cond.notify()

    def wrote(self) -> None:
        """A commit (synced by itself) was made: checkpoint if the WAL has grown enough.
        Writers truncate the WAL when they restart it (journal_size_limit=0), so its size is
        what was written since the last complete checkpoint; a checkpoint that readers kept
        from completing is tried again every quarter of CHECKPOINT_BYTES."""
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return
        if size < self._asked_at:
            self._asked_at = 0  # restarted since
        if size < max(CHECKPOINT_BYTES, self._asked_at + CHECKPOINT_BYTES // 4):
            return
        self._asked_at = size
        with self._cond:
            self._start()
        self._checkpoint_due.set()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="gridbase-wal-sync", daemon=True)
            self._thread.start()
            threading.Thread(
                target=self._checkpointer, name="gridbase-wal-checkpoint", daemon=True
            ).start()

    def sync(self) -> None:
        """fdatasync the WAL now, in this thread. No WAL file: a checkpoint moved everything
        into the database file and synced it before deleting the WAL."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            _datasync(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Stop the threads once the commits handed over are synced (Database.dispose)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._checkpoint_due.set()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closed:
                    self._cond.wait()
                if not self._waiting:
                    return
                batch, self._waiting = self._waiting, []
            error: OSError | None = None
            try:
                self.sync()  # every commit of the batch was made before this started
            except OSError as exc:
                error = exc
            if error is None:
                self.synced = batch[-1][0]  # batches are synced in commit order
            for _, (loop, done) in batch:
                with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                    loop.call_soon_threadsafe(_resolve, done, error)
            self.wrote()

    def _checkpointer(self) -> None:
        conn = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        while True:
            self._checkpoint_due.wait()
            self._checkpoint_due.clear()
            if self._closed:
                conn.close()
                return
            try:
                # never waits for readers or the writer
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                self.checkpoints += 1
            except sqlite3.Error:
                pass  # the next sync asks again


def _resolve(done: asyncio.Future[None], error: OSError | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
