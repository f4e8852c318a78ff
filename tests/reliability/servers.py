"""Live servers for the reliability suites: a `gridbase serve` whose log is read as it
comes, HTTP connections pinned to one worker process, and a redis-server of our own."""

from __future__ import annotations

import http.client
import json
import os
import threading
from pathlib import Path
from typing import Any

from tests.helpers import eventually
from tests.server import Server


class Logged:
    """A started Server whose stderr is read as it comes (tests/server.py leaves it in a pipe:
    a server that logs more than the pipe holds would block on its next log line)."""

    def __init__(self, server: Server) -> None:
        self.server = server.start()
        self.url = server.url
        self.lines: list[str] = []
        assert server.process is not None and server.process.stderr is not None
        stream = server.process.stderr
        self.thread = threading.Thread(
            target=lambda: self.lines.extend(line.decode(errors="replace") for line in stream),
            daemon=True,
        )
        self.thread.start()

    def errors(self) -> str:
        """Each logged traceback, whole (so that a failing test shows where it was raised)."""
        found: list[str] = []
        inside = False
        for line in list(self.lines):
            if line.startswith("Traceback"):
                inside = True
            if inside:
                found.append(line.rstrip())
                inside = line.startswith(" ") or line.startswith("Traceback")
        return "\n".join(found)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


class Pinned:
    """One kept-alive HTTP connection, and the worker process that accepted it."""

    def __init__(self, port: int, pids: list[int]) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.http.connect()
        assert self.http.sock is not None
        self.pid = eventually(lambda: _owner(self.http.sock.getsockname()[1], port, pids))

    def request(self, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        data = None if body is None else json.dumps(body)
        self.http.request(
            method, path, body=data, headers={**headers, "Content-Type": "application/json"}
        )
        r = self.http.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)


def _owner(client_port: int, server_port: int, pids: list[int]) -> int | None:
    """The process (of `pids`) holding the server side of the connection from client_port."""
    wanted = f"0100007F:{server_port:04X} 0100007F:{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if f"{parts[1]} {parts[2]}" == wanted:
            inode = parts[9]
    if inode is None:
        return None
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def one_per_worker(port: int, pids: list[int]) -> list[Pinned]:
    """Connections until every worker holds one (the kernel picks the worker)."""
    found: dict[int, Pinned] = {}

    def more() -> list[Pinned] | None:
        c = Pinned(port, pids)
        found.setdefault(c.pid, c)
        return list(found.values()) if len(found) == len(pids) else None

    return eventually(more, timeout=30)
