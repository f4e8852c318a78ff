"""`gridbase backup` / `gridbase restore`: a consistent copy of an SQLite data directory (the
database, the secret key, uploaded files) taken while the server runs.

The database is copied with SQLite's online backup API, a batch of pages per step, inside
one read transaction held on the source connection: in WAL mode writers go on meanwhile,
and the copy is the database as of that transaction's start (every write acknowledged
before the backup began is in it; none that committed later is, even partly). On
PostgreSQL, pg_dump is the tool (the README says how). Imports: nothing of ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

DB_NAME = "gridbase.db"
SECRET_NAME = "secret.key"
MEDIA_NAME = "media"
PAGES_PER_STEP = 1024
# SQLite's unix VFS: every connection to a WAL database holds a shared lock on this byte of
# the -shm file while it is open (UNIX_SHM_DMS)
SHM_DMS_OFFSET = 128

Progress = Callable[[int, int], None]  # (done, total): pages, then bytes of files


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (the message says why)."""


def copy_database(source: Path, target: Path, progress: Progress | None = None) -> None:
    """Online copy of the SQLite database `source` to a new file `target`."""
    if target.exists():
        target.unlink()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        # one read transaction for the whole copy: a snapshot writers do not disturb
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def step(status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=PAGES_PER_STEP, progress=step)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        src.close()
        dst.close()


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    finally:
        conn.close()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in sorted(root.rglob("*")) if p.is_file())


def copy_media(source: Path, target: Path, progress: Progress | None = None) -> int:
    """Copy the uploaded files under `source` to `target`; how many were copied."""
    files = list(_files(source))
    total = sum(p.stat().st_size for p in files)
    done = 0
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        done += path.stat().st_size
        if progress is not None:
            progress(done, total)
    return len(files)


def in_use(database: Path) -> bool:
    """Whether a process (a running server) has the SQLite database open: it holds its
    shared lock on the -shm file, so an exclusive lock on that byte cannot be had."""
    shm = database.with_name(database.name + "-shm")
    if not shm.exists():
        return False
    with open(shm, "rb+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_OFFSET)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN, 1, SHM_DMS_OFFSET)
    return False


def backup(
    data_dir: Path,
    dest: Path,
    *,
    force: bool = False,
    on_pages: Progress | None = None,
    on_bytes: Progress | None = None,
) -> None:
    database = data_dir / DB_NAME
    if not database.is_file():
        raise BackupError(f"no gridbase database in {data_dir}")
    if dest.exists() and any(dest.iterdir()) and not force:
        raise BackupError(f"{dest} is not empty (use --force to overwrite)")
    dest.mkdir(parents=True, exist_ok=True)
    copy_database(database, dest / DB_NAME, on_pages)
    if (data_dir / SECRET_NAME).is_file():
        shutil.copy2(data_dir / SECRET_NAME, dest / SECRET_NAME)
        os.chmod(dest / SECRET_NAME, 0o600)
    copy_media(data_dir / MEDIA_NAME, dest / MEDIA_NAME, on_bytes)


def restore(
    source: Path,
    data_dir: Path,
    *,
    force: bool = False,
    on_pages: Progress | None = None,
    on_bytes: Progress | None = None,
) -> None:
    backup_db = source / DB_NAME
    if not backup_db.is_file():
        raise BackupError(f"{source} holds no gridbase backup ({DB_NAME} is missing)")
    if not integrity_ok(backup_db):
        raise BackupError(f"{backup_db} fails PRAGMA integrity_check")
    database = data_dir / DB_NAME
    if in_use(database):
        raise BackupError(f"{database} is in use (stop the server first)")
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(f"{data_dir} is not empty (use --force to replace its contents)")
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (database.with_name(DB_NAME + "-wal"), database.with_name(DB_NAME + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    copy_database(backup_db, database, on_pages)
    if (source / SECRET_NAME).is_file():
        shutil.copy2(source / SECRET_NAME, data_dir / SECRET_NAME)
        os.chmod(data_dir / SECRET_NAME, 0o600)
    if (data_dir / MEDIA_NAME).exists():
        shutil.rmtree(data_dir / MEDIA_NAME)
    copy_media(source / MEDIA_NAME, data_dir / MEDIA_NAME, on_bytes)
