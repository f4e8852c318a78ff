"""Concurrency end to end (issue 21): 16 clients with mixed writes to the same rows and
table while its fields change, against real `gridbase serve` processes - one instance,
`--workers 2` on one SQLite file, and two instances on one PostgreSQL - with an exact final
state (tests/reliability/workload.py says what "exact" means and which 4xx are legitimate).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.reliability import workload
from tests.server import Server

SECRET = "concurrency-secret-" + "k" * 32
FINAL_SCHEMA = [("Name", "text"), ("A", "text"), ("B", "text"), ("Score", "number")]


def sign_up(base: str, email: str = "ada@example.com") -> dict[str, str]:
    r = requests.post(
        f"{base}/api/user/",
        json={"name": "Ada", "email": email, "password": "password123", "authenticate": True},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"JWT {r.json()['access_token']}"}


def workspace(base: str, headers: dict[str, str]) -> int:
    r = requests.post(f"{base}/api/workspaces/", json={"name": "W"}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


def run_and_check(bases: list[str], headers: dict[str, str]) -> workload.Run:
    result = workload.run(bases, headers, workspace(bases[0], headers), workload.Plan())
    problems = workload.check(result, bases, headers)
    assert not problems, "\n".join(problems)
    for base in bases:
        assert workload.schema(base, headers, result.table.id) == FINAL_SCHEMA
    count, slowest = workload.latencies(result)
    print(f"\n{count} requests in {result.seconds:.1f} s, slowest {slowest:.2f} s")
    return result


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
        """The last line of each logged traceback (the exception), one per line."""
        found, inside = [], False
        for line in self.lines:
            if line.startswith("Traceback"):
                inside = True
            elif inside and not line.startswith(" "):
                found.append(line.rstrip())
                inside = False
        return "\n".join(found)

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Logged]:
    s = Logged(
        Server(tmp_path / "data", env={"GRIDBASE_SECRET_KEY": SECRET}, database_url=database_url)
    )
    yield s
    s.stop()
    assert not s.errors(), s.errors()


def test_sixteen_clients_one_instance(server: Logged) -> None:
    run_and_check([server.url], sign_up(server.url))
