"""Whether the process that claimed a job still runs, on any instance.

Each runner holds a lock for as long as it lives; the kernel or the database drops it when
the process dies (even by SIGKILL), so "can I take its lock?" answers "is it dead?".
- SQLite (one machine: the data dir): an flock on `<data dir>/runners/<token>.lock`.
- PostgreSQL (several machines): a session advisory lock keyed by the token, held on a
  connection of its own; another instance's pg_try_advisory_lock succeeds only once that
  session is gone.
Imports: storage.engine.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import socket
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from gridbase.storage.engine import Database


def _key(token: str) -> int:
    """A signed 64-bit advisory lock key from a runner's name."""
    return int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "big", signed=True)


class Liveness:
    def __init__(self, db: Database, data_dir: Path) -> None:
        self.db = db
        self.dir = data_dir / "runners"
        self.name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
        self._file: IO[bytes] | None = None
        self._conn: sa.Connection | None = None

    def hold(self) -> str:
        """Take this runner's lock (for the life of the process); its name."""
        if self.db.is_sqlite:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._file = open(self._path(self.name), "wb")  # noqa: SIM115 - held until release
            fcntl.flock(self._file, fcntl.LOCK_EX)
        else:
            self._conn = self.db.engine.connect()
            self._conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _key(self.name)})
            self._conn.commit()
        return self.name

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._path(self.name).unlink(missing_ok=True)
            self._file = None
        if self._conn is not None:
            # Closing only hands the session back to the pool, lock and all: unlock first.
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _key(self.name)})
            self._conn.commit()
            self._conn.close()
            self._conn = None

    def alive(self, runner: str) -> bool:
        if runner == self.name:
            return True
        if self.db.is_sqlite:
            path = self._path(runner)
            try:
                with open(path, "rb") as f:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except FileNotFoundError:
                return False
            except BlockingIOError:
                return True
            path.unlink(missing_ok=True)  # we could take it: its holder is gone
            return False
        with self.db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(runner)})
            if got.scalar():
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _key(runner)})
                conn.commit()
                return False
            conn.commit()
            return True

    def _path(self, runner: str) -> Path:
        return self.dir / (hashlib.sha256(runner.encode()).hexdigest()[:32] + ".lock")
