"""A Server-Sent Events client for tests: a thread reads one stream with httpx and keeps
every frame it parsed, so a test polls what arrived (tests.helpers.eventually)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import requests

from tests.helpers import eventually


@dataclass(frozen=True)
class Frame:
    id: int | None
    event: str
    data: Any
    at: float  # time.monotonic() when it arrived


class Stream:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.frames: list[Frame] = []
        self.comments: list[str] = []
        self.status: int | None = None
        self.ended = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=60))
        self._response: httpx.Response | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        eventually(lambda: self.status, timeout=10)

    def _read(self) -> None:
        try:
            with self._client.stream("GET", self.url, headers=self.headers) as response:
                self._response = response
                self.status = response.status_code
                fields: dict[str, str] = {}
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.comments.append(line[1:].strip())
                    elif line:
                        name, _, value = line.partition(":")
                        fields[name] = value[1:] if value.startswith(" ") else value
                    elif fields:
                        self.frames.append(
                            Frame(
                                int(fields["id"]) if "id" in fields else None,
                                fields.get("event", "message"),
                                json.loads(fields["data"]),
                                time.monotonic(),
                            )
                        )
                        fields = {}
        except (httpx.HTTPError, RuntimeError):
            pass  # closed by the test, or the server went away
        finally:
            if self.status is None:
                self.status = -1
            self.ended.set()

    def events(self, count: int, timeout: float = 10) -> list[Frame]:
        """The first `count` frames, once they arrived."""
        return eventually(
            lambda: self.frames[:count] if len(self.frames) >= count else None, timeout
        )

    def close(self) -> None:
        """Ends the stream at once: closing the client would not wake the reader's blocked
        read (it would wait for the next heartbeat or its 60 s read timeout), a shut down
        socket does."""
        stream = self._response.extensions.get("network_stream") if self._response else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
        self._client.close()


class Client:
    """A signed-up user on a running server (requests, JWT)."""

    def __init__(self, url: str, email: str = "ada@example.com") -> None:
        self.url = url
        r = requests.post(
            url + "/api/user/",
            json={"name": "Ada", "email": email, "password": "password123", "authenticate": True},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        self.jwt = {"Authorization": "JWT " + r.json()["access_token"]}

    def call(self, method: str, path: str, body: Any = None, headers: Any = None) -> Any:
        r = requests.request(
            method, self.url + path, json=body, headers=headers or self.jwt, timeout=10
        )
        assert r.status_code in (200, 204), r.text
        return r.json() if r.content else None

    def table(self) -> tuple[int, int, int]:
        """(workspace, database, table) with a text field "Name"."""
        workspace = self.call("POST", "/api/workspaces/", {"name": "W"})["id"]
        database = self.call(
            "POST", f"/api/applications/workspace/{workspace}/", {"name": "D", "type": "database"}
        )["id"]
        table = self.call(
            "POST",
            f"/api/database/tables/database/{database}/",
            {"name": "T", "data": [["Name"]], "first_row_header": True},
        )["id"]
        return int(workspace), int(database), int(table)

    def token(self, workspace: int) -> tuple[int, dict[str, str]]:
        token = self.call("POST", "/api/database/tokens/", {"name": "t", "workspace": workspace})
        return int(token["id"]), {"Authorization": "Token " + token["key"]}

    def stream(self, table: int, query: str = "", headers: Any = None) -> Stream:
        url = f"{self.url}/api/database/rows/table/{table}/events/{query}"
        return Stream(url, dict(headers or self.jwt))

    def create(self, table: int, name: str) -> int:
        r = self.call(
            "POST", f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": name}
        )
        return int(r["id"])
