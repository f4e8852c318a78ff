"""Concurrency end to end (issue 21): 16 clients with mixed writes to the same rows and table
while its fields change, against real `gridbase serve` processes - one instance, `--workers
2` on one SQLite file, and two instances on one PostgreSQL (one secret key) - with an exact
final state (tests/reliability/workload.py says what "exact" means and which 4xx are
legitimate). Across instances and worker processes: a session or database token issued by
one works on the other, a revoked token is refused by the other at the very next request, a
field change is seen by the other at the next request, webhooks go out once, and the
concurrency limit is shared through Redis.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import PG_URL
from tests.helpers import eventually
from tests.reliability import final_state, workload
from tests.reliability.servers import Logged, one_per_worker
from tests.server import Server, pg_schema, redis_server
from tests.test_workers import workers
from tests.webhooks.receiver import Receiver

SECRET = "concurrency-secret-" + "k" * 32
FINAL_SCHEMA = [("Name", "text"), ("A", "text"), ("B", "text"), ("Score", "number")]
LIMIT = 3  # GRIDBASE_MAX_CONCURRENT_REQUESTS of the two instances


def sign_up(base: str, email: str = "ada@example.com") -> tuple[dict[str, str], int]:
    r = requests.post(
        f"{base}/api/user/",
        json={"name": "Ada", "email": email, "password": "password123", "authenticate": True},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"JWT {r.json()['access_token']}"}, int(r.json()["user"]["id"])


def call(base: str, headers: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    r = requests.request(method, base + path, json=body, headers=headers, timeout=30)
    assert r.status_code in (200, 204), r.text
    return r.json() if r.content else None


def workspace(base: str, headers: dict[str, str]) -> int:
    return int(call(base, headers, "POST", "/api/workspaces/", {"name": "W"})["id"])


def run_and_check(
    bases: list[str], headers: dict[str, str], hook_url: str | None = None
) -> workload.Run:
    plan = workload.Plan()
    result = workload.run(bases, headers, workspace(bases[0], headers), plan, hook_url)
    problems = final_state.check(result, bases, headers)
    assert not problems, "\n".join(problems)
    for base in bases:
        assert final_state.schema(base, headers, result.table.id) == FINAL_SCHEMA
    count, slowest = final_state.latencies(result)
    print(f"\n{count} requests in {result.seconds:.1f} s, slowest {slowest:.2f} s")
    return result


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Logged]:
    s = Logged(
        Server(tmp_path / "data", env={"GRIDBASE_SECRET_KEY": SECRET}, database_url=database_url)
    )
    yield s
    s.stop()
    assert not s.errors(), s.errors()


def test_sixteen_clients_one_instance(server: Logged) -> None:
    run_and_check([server.url], sign_up(server.url)[0])


# --- what two processes must agree on ---------------------------------------------------


def check_agreement(write: Any, read: Any, headers: dict[str, str]) -> None:
    """`write` and `read` are (method, path, body) -> (status, json) on two different
    processes: a session made by one works on the other, and a database token made, a
    field created, renamed or deleted, or a token revoked on `write` holds on `read` at the
    very next request."""
    status, ws = write("POST", "/api/workspaces/", {"name": "agree"}, headers)
    assert status == 200
    status, db = read(
        "POST",
        f"/api/applications/workspace/{ws['id']}/",
        {"name": "D", "type": "database"},
        headers,
    )
    assert status == 200  # the session works on the other one
    status, table = write(
        "POST",
        f"/api/database/tables/database/{db['id']}/",
        {"name": "T", "data": [["Name"], ["x"]], "first_row_header": True},
        headers,
    )
    rows = f"/api/database/rows/table/{table['id']}/?user_field_names=true"
    status, token = write(
        "POST", "/api/database/tokens/", {"name": "k", "workspace": ws["id"]}, headers
    )
    key = {"Authorization": f"Token {token['key']}"}
    assert read("GET", rows, None, key)[0] == 200  # kept by the reader from now on
    assert read("GET", "/api/database/tokens/check/", None, key) == (200, {"token": "OK"})

    status, made = write(
        "POST",
        f"/api/database/fields/table/{table['id']}/",
        {"name": "New", "type": "text"},
        headers,
    )
    assert status == 200
    assert read("GET", rows, None, key)[1]["results"][0].keys() == {"id", "order", "Name", "New"}
    write("PATCH", f"/api/database/fields/{made['id']}/", {"name": "Renamed"}, headers)
    assert "Renamed" in read("GET", rows, None, key)[1]["results"][0]
    status, created = read("POST", rows, {"Renamed": "typed"}, key)
    assert (status, created["Renamed"]) == (200, "typed")
    write("DELETE", f"/api/database/fields/{made['id']}/", None, headers)
    assert "Renamed" not in read("GET", rows, None, key)[1]["results"][0]

    write(
        "PATCH",
        f"/api/database/tokens/{token['id']}/",
        {"permissions": {"create": False, "read": False, "update": False, "delete": False}},
        headers,
    )
    status, body = read("GET", rows, None, key)
    assert (status, body["error"]) == (401, "ERROR_NO_PERMISSION_TO_TABLE")
    write("DELETE", f"/api/database/tokens/{token['id']}/", None, headers)
    status, body = read("GET", rows, None, key)  # the reader had the token's grants kept
    assert (status, body["error"]) == (401, "ERROR_TOKEN_DOES_NOT_EXIST")
    status, body = read("GET", "/api/database/tokens/check/", None, key)
    assert (status, body["error"]) == (403, "ERROR_TOKEN_DOES_NOT_EXIST")  # as Baserow


def on(base: str) -> Any:
    def request(method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
        r = requests.request(method, base + path, json=body, headers=headers, timeout=30)
        return r.status_code, (r.json() if r.content else None)

    return request


# --- SQLite, several worker processes -----------------------------------------------------


@pytest.fixture
def sqlite_workers(tmp_path: Path) -> Iterator[Logged]:
    s = Logged(
        Server(tmp_path / "data", env={"GRIDBASE_SECRET_KEY": SECRET}, args=("--workers", "2"))
    )
    assert s.server.process is not None
    eventually(lambda: len(workers(s.server.process.pid)) == 2 or None, timeout=30)
    yield s
    s.stop()
    assert not s.errors(), s.errors()


def test_sqlite_worker_processes_write_as_one(sqlite_workers: Logged) -> None:
    base = sqlite_workers.url
    headers = sign_up(base)[0]
    run_and_check([base], headers)
    assert sqlite_workers.server.process is not None
    pids = workers(sqlite_workers.server.process.pid)
    first, second = one_per_worker(sqlite_workers.server.port, pids)[:2]
    check_agreement(
        lambda m, p, b, h: first.request(m, p, h, b),
        lambda m, p, b, h: second.request(m, p, h, b),
        headers,
    )
    check_agreement(
        lambda m, p, b, h: second.request(m, p, h, b),
        lambda m, p, b, h: first.request(m, p, h, b),
        headers,
    )


# --- two instances on one PostgreSQL -------------------------------------------------------


@dataclass
class Pair:
    a: Logged
    b: Logged
    staff: dict[str, str]
    redis_url: str | None


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two instances on one fresh PostgreSQL schema, with one secret key, the webhook
    dispatcher running in both, and (when redis-server is installed) a concurrency limit
    of LIMIT per user shared through Redis."""
    if not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    tmp = tmp_path_factory.mktemp("pair")
    with ExitStack() as stack:
        url = stack.enter_context(pg_schema(PG_URL))
        redis_url = stack.enter_context(redis_server(tmp))
        env = {"GRIDBASE_SECRET_KEY": SECRET}
        if redis_url is not None:
            env |= {"GRIDBASE_REDIS_URL": redis_url, "GRIDBASE_MAX_CONCURRENT_REQUESTS": str(LIMIT)}
        a = Logged(Server(tmp / "a", env=env, database_url=url))
        stack.callback(a.stop)
        b = Logged(Server(tmp / "b", env=env, database_url=url))
        stack.callback(b.stop)
        yield Pair(a, b, sign_up(a.url)[0], redis_url)  # the first user is staff: never throttled
    for s in (a, b):
        assert not s.errors(), s.errors()


def delivered(receiver: Receiver) -> Counter[int]:
    """How many times each row id arrived in a rows.created delivery."""
    return Counter(
        item["id"]
        for call in receiver.calls()
        if call.body["event_type"] == "rows.created"
        for item in call.body["items"]
    )


@pytest.mark.postgres
def test_two_instances_write_as_one(pair: Pair) -> None:
    """Half the clients on each instance; both run the webhook dispatcher."""
    receiver = Receiver()
    try:
        result = run_and_check([pair.a.url, pair.b.url], pair.staff, hook_url=receiver.url())
        created = set(result.log.created) | set(result.table.shared) | set(result.table.pool)
        eventually(lambda: delivered(receiver).keys() >= created or None, timeout=60)
        counts = delivered(receiver)
        assert counts.keys() == created and set(counts.values()) == {1}  # each row once
        events = Counter(
            {k.lower(): v for k, v in call.headers.items()}["webhook-id"]
            for call in receiver.calls()
        )
        assert [e for e, n in events.items() if n > 1] == []  # no event delivered twice
    finally:
        receiver.close()


@pytest.mark.postgres
def test_two_instances_agree_at_the_next_request(pair: Pair) -> None:
    check_agreement(on(pair.a.url), on(pair.b.url), pair.staff)
    check_agreement(on(pair.b.url), on(pair.a.url), pair.staff)


class Held:
    """A row create whose body is still on its way: it holds a concurrency slot (taken
    before the body is read) until `finish`, or is refused at once."""

    def __init__(self, base: str, table: int, headers: dict[str, str]) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.body = json.dumps({"Name": "held"}).encode()
        head = (
            f"POST /api/database/rows/table/{table}/?user_field_names=true HTTP/1.1\r\n"
            f"Host: {host}\r\nAuthorization: {headers['Authorization']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n\r\n"
        )
        self.sock.sendall(head.encode() + self.body[:3])

    def status(self) -> int:
        """The status line's code, waiting for it (up to the socket's timeout)."""
        got = b""
        while b"\r\n" not in got:
            chunk = self.sock.recv(1024)
            assert chunk, "the server closed the connection without an answer"
            got += chunk
        return int(got.split(b" ")[1])

    def finish(self) -> int:
        self.sock.sendall(self.body[3:])
        return self.status()

    def close(self) -> None:
        self.sock.close()


@pytest.mark.postgres
def test_two_instances_share_the_concurrency_limit(pair: Pair) -> None:
    if pair.redis_url is None:
        pytest.skip("redis-server is not installed")
    import redis

    headers, user_id = sign_up(pair.a.url, "limited@example.com")
    ws = workspace(pair.a.url, headers)
    db = call(
        pair.a.url,
        headers,
        "POST",
        f"/api/applications/workspace/{ws}/",
        {"name": "D", "type": "database"},
    )
    table = call(
        pair.a.url, headers, "POST", f"/api/database/tables/database/{db['id']}/", {"name": "T"}
    )["id"]
    slots = redis.Redis.from_url(pair.redis_url)
    key = f"gridbase:concurrent_user_requests:{user_id}"
    held: list[Held] = []
    try:
        for i, base in enumerate([pair.a.url, pair.b.url, pair.a.url][:LIMIT]):
            held.append(Held(base, table, headers))
            eventually(lambda n=i + 1: slots.zcard(key) == n or None)  # the slot is taken
        # the excess, on both instances: refused at once while the others hold every slot
        for base in (pair.a.url, pair.b.url, pair.b.url):
            extra = Held(base, table, headers)
            assert extra.status() == 429
            extra.close()
        for base in (pair.a.url, pair.b.url):
            r = requests.get(
                f"{base}/api/database/rows/table/{table}/", headers=headers, timeout=30
            )
            # counts down from the oldest held slot's 30 s
            assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 30
        assert [h.finish() for h in held] == [200] * LIMIT  # the held requests complete
        eventually(lambda: slots.zcard(key) == 0 or None)
        for base in (pair.a.url, pair.b.url):
            r = requests.get(
                f"{base}/api/database/rows/table/{table}/", headers=headers, timeout=30
            )
            assert r.status_code == 200
            assert r.json()["count"] == 2 + LIMIT  # a new table's two rows and the held ones
    finally:
        for h in held:
            h.close()
        slots.close()
