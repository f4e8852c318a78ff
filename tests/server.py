"""A real `gridbase serve` process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import requests

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
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gridbase", "serve", "--port", str(self.port), *self.args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
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

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
