"""Hostile connections against a real `gridbase serve`, on SQLite and PostgreSQL: errors keep
the keep-alive connection, oversized and slow request heads are answered 431 and 408, and a
client sending its body a byte at a time holds no worker and no writer while others write,
and leaves consistent data whether it finishes or walks away.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from gridbase.api.handlers import Unexpected
from tests.helpers import eventually
from tests.server import Server

HEAD_LIMIT = 16 * 1024
BODY_LIMIT = 64 * 1024


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    env = {
        "GRIDBASE_MAX_REQUEST_HEAD_BYTES": str(HEAD_LIMIT),
        "GRIDBASE_REQUEST_HEAD_TIMEOUT_SECONDS": "2",
        "GRIDBASE_MAX_REQUEST_BYTES": str(BODY_LIMIT),
    }
    running = Server(tmp_path / "data", env=env, database_url=database_url).start()
    yield running
    running.stop()


class Wire:
    """One keep-alive connection, read response by response."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"closed before a response: {self.buffer!r}"
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:])
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            assert self._fill(), "closed mid-body"
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), headers, body

    def closed(self) -> bool:
        try:
            return not self._fill()
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


def request(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PATCH"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def setup(url: str, email: str = "ada@example.com") -> dict[str, Any]:
    signup = {"name": "Ada", "email": email, "password": "password123"}
    r = requests.post(f"{url}/api/user/", json={**signup, "authenticate": True}, timeout=30)
    jwt = {"Authorization": f"JWT {r.json()['access_token']}"}
    ws = requests.post(f"{url}/api/workspaces/", json={"name": "W"}, headers=jwt, timeout=30)
    db = requests.post(
        f"{url}/api/applications/workspace/{ws.json()['id']}/",
        json={"name": "D", "type": "database"},
        headers=jwt,
        timeout=30,
    ).json()["id"]
    table = requests.post(
        f"{url}/api/database/tables/database/{db}/", json={"name": "T"}, headers=jwt, timeout=30
    ).json()["id"]
    token = requests.post(
        f"{url}/api/database/tokens/",
        json={"name": "t", "workspace": ws.json()["id"]},
        headers=jwt,
        timeout=30,
    ).json()["key"]
    return {"jwt": jwt, "token": {"Authorization": f"Token {token}"}, "table": table}


def names(url: str, world: dict[str, Any]) -> list[Any]:
    rows = requests.get(
        f"{url}/api/database/rows/table/{world['table']}/?user_field_names=true&size=200",
        headers=world["jwt"],
        timeout=30,
    )
    return [row["Name"] for row in rows.json()["results"]]


def test_the_wire(server: Server) -> None:
    """One server for every case (a server start costs more than all of them)."""
    errors_keep_the_connection_and_heads_are_bounded(server, setup(server.url))
    a_slow_body_holds_no_writer(server, setup(server.url, "bob@example.com"))


def errors_keep_the_connection_and_heads_are_bounded(server: Server, world: dict[str, Any]) -> None:
    rows = f"/api/database/rows/table/{world['table']}/"
    auth = world["jwt"]
    wire = Wire(server.port)
    # every refused request is answered on the same connection, which stays usable
    for raw, status in [
        (request("POST", rows, b"{", auth), 400),
        (request("POST", rows, b'{"Name": NaN}', auth), 400),
        (request("POST", rows, b"[" * 200 + b"]" * 200, auth), 400),
        (request("POST", rows, b'{"a": "\\ud800"}', auth), 400),
        (request("GET", rows + "?page=9223372036854775808", b"", auth), 200),
        (request("GET", "/api/nowhere/", b"", auth), 404),
        (request("POST", "/api/user/token-auth/", b"null"), 400),
    ]:
        wire.send(raw)
        got, headers, body = wire.response()
        assert got == status, body
        assert headers.get("connection") != "close"
        assert set(orjson.loads(body)) <= {
            "error",
            "detail",
            "count",
            "next",
            "previous",
            "results",
            "non_field_errors",
        }
    wire.send(request("GET", "/api/settings/"))
    assert wire.response()[0] == 200
    wire.close()
    # heads over the limit: 431, and the connection is closed
    for flood in [
        b"GET /api/settings/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n",
        b"GET /api/settings/ HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: a\r\n" % i for i in range(20_000))
        + b"\r\n",
        b"GET /api/settings/?" + b"a" * (HEAD_LIMIT * 2) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ]:
        wire = Wire(server.port)
        try:
            wire.send(flood)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: also a refusal
        else:
            status, headers, body = wire.response()
            assert (status, headers.get("connection")) == (431, "close"), (status, headers, body)
            assert orjson.loads(body) == {"detail": "Request header fields too large."}
            assert wire.closed()
        wire.close()
    # a head that never completes: others are served meanwhile, then it gets 408
    slow = Wire(server.port)
    slow.send(b"GET /api/settings/ HTTP/1.1\r\nHo")
    assert requests.get(f"{server.url}/api/settings/", timeout=30).status_code == 200
    status, headers, body = slow.response()  # blocks until the server answers
    assert (status, headers["connection"], orjson.loads(body)) == (
        408,
        "close",
        {"detail": "Request timeout."},
    )
    slow.close()
    # a body over the limit: 413, connection closed (the rest of the body is not read)
    wire = Wire(server.port)
    big = b'{"Name": "' + b"x" * BODY_LIMIT + b'"}'
    wire.send(request("POST", rows, big, auth))
    status, headers, body = wire.response()
    assert (status, orjson.loads(body)["error"]) == (413, "ERROR_REQUEST_BODY_TOO_LARGE")
    wire.close()
    assert names(server.url, world) == ["", ""]  # nothing above wrote a row


def a_slow_body_holds_no_writer(server: Server, world: dict[str, Any]) -> None:
    rows = f"/api/database/rows/table/{world['table']}/?user_field_names=true"
    body = b'{"Name": "slow"}'
    # a token request (the hot route) and a JWT one, each stopped halfway through its body
    slow = Wire(server.port)
    slow.send(request("POST", rows, body, world["token"])[: -len(body) // 2])
    gone = Wire(server.port)
    gone.send(request("POST", rows, body, world["jwt"])[: -len(body) // 2])
    # meanwhile others write, one after the other, each answered (no writer is held)
    for n in range(5):
        fast = requests.post(
            f"{server.url}{rows}", json={"Name": f"fast {n}"}, headers=world["token"], timeout=30
        )
        assert fast.status_code == 200, fast.text
    # one walks away; the other sends the rest a byte at a time and is answered
    gone.close()
    for byte in body[len(body) - len(body) // 2 :]:
        slow.send(bytes([byte]))
    status, _, answer = slow.response()
    assert (status, orjson.loads(answer)["Name"]) == (200, "slow")
    slow.close()
    expected = ["", "", *(f"fast {n}" for n in range(5)), "slow"]
    assert eventually(lambda: names(server.url, world) == expected or None, timeout=30)


@pytest.mark.unexpected_errors
def test_an_unexpected_error_is_a_500_that_keeps_the_connection() -> None:
    """handlers.Unexpected: a bug raised before the answer is the logged JSON 500, one raised
    after a complete answer changes nothing; neither reaches uvicorn, which would close the
    keep-alive connection without `Connection: close`. One raised mid-answer still does (the
    client could not tell where the answer ends)."""

    async def run(app: Any) -> tuple[list[dict[str, Any]], BaseException | None]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
        try:
            await Unexpected(app)(scope, receive, send)
        except Exception as exc:  # what escapes is what the test checks
            return sent, exc
        return sent, None

    async def before(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a bug")

    async def after(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})
        raise RuntimeError("a bug after answering")

    async def midway(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise RuntimeError("a bug midway")

    sent, escaped = asyncio.run(run(before))
    assert escaped is None and sent[0]["status"] == 500
    assert orjson.loads(sent[1]["body"]) == {
        "error": "ERROR_INTERNAL",
        "detail": "An unexpected error occurred.",
    }
    sent, escaped = asyncio.run(run(after))
    assert escaped is None and [m["type"] for m in sent] == [
        "http.response.start",
        "http.response.body",
    ]
    sent, escaped = asyncio.run(run(midway))
    assert isinstance(escaped, RuntimeError)
