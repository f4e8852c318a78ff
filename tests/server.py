"""A real `gridbase serve` process on a free loopback port, for end-to-end tests.

The server runs in its own session (process group), so every process it starts (uvicorn's
workers with --workers N, multiprocessing's helpers) can be found and checked for: `kill()`
and `stop()` return only once none of them is left and the port is free (Linux: /proc).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from tests.helpers import eventually


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(
        self,
        data_dir: Path,
        env: Mapping[str, str] | None = None,
        database_url: str = "",
        args: tuple[str, ...] = (),
        log: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            GRIDBASE_DATA_DIR=str(data_dir),
            GRIDBASE_DATABASE_URL=database_url,
            GRIDBASE_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true",
            **(env or {}),
        )
        self.args = args
        self.log = log  # the server's stderr is appended here (else kept in a pipe)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        stderr: Any = subprocess.PIPE
        if self.log is not None:
            stderr = self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gridbase", "serve", "--port", str(self.port), *self.args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        finally:
            if self.log is not None:
                stderr.close()  # the child has its own copy
        eventually(self._ready, timeout=30)
        return self

    def _ready(self) -> bool | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                "server exited: "
                f"{self.process.stderr.read().decode() if self.process.stderr else ''}"
            )
        try:
            requests.get(self.url + "/api/workspaces/", timeout=1)
            return True
        except requests.ConnectionError:
            return None

    def processes(self) -> list[int]:
        """Every live process of the server's session (the server, its workers and helpers;
        exited ones that nobody reaped yet do not count)."""
        if self.process is None:
            return []
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue  # exited meanwhile
            state, _ppid, pgrp = text.rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == self.process.pid and state not in ("Z", "X"):
                found.append(int(stat.parent.name))
        return found

    def port_free(self) -> bool:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            try:
                s.bind(("127.0.0.1", self.port))
            except OSError:
                return False
            return True

    def kill(self, everything: bool = False) -> None:
        """SIGKILL the server process, or with `everything` every process of its session at
        once; either way return once none is left and the port is free (with --workers N,
        the workers must end by themselves when only the supervisor is killed)."""
        if self.process is None:
            return
        if everything:
            with contextlib.suppress(ProcessLookupError):  # all gone already
                os.killpg(self.process.pid, signal.SIGKILL)
        elif self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.wait_gone()

    def wait_gone(self, timeout: float = 40) -> None:
        eventually(lambda: (not self.processes() and self.port_free()) or None, timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill(everything=True)
            self.wait_gone()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()


@contextlib.contextmanager
def redis_server(tmp: Path) -> Iterator[str | None]:
    """A redis-server of our own on a free port, or None when it is not installed."""
    binary = shutil.which("redis-server")
    try:
        import redis
    except ImportError:
        binary = None
    if binary is None:
        yield None
        return
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def ready() -> bool | None:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return None

    try:
        eventually(ready, timeout=10)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def _admin(pg_url: str, **options: Any) -> sa.Engine:
    return sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1), **options)


@contextlib.contextmanager
def pg_database(pg_url: str, template: str | None = None) -> Iterator[str]:
    """The URL of a fresh database on `pg_url`'s server, a copy of the database `template`
    when given (it must have no open connection), dropped afterwards even while connected."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE DATABASE {name}"
            + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else "")
        )
    try:
        yield sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


@contextlib.contextmanager
def pg_schema(pg_url: str) -> Iterator[str]:
    """The database URL of a fresh schema on `pg_url`'s server, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
