"""A scenario's view of a server: HTTP calls that are recorded as normalised steps.

The same scenario code runs against the real Baserow (recording a transcript, record.py)
and against gridbase (replaying it, test_compat.py); only the transport differs. Each call
is one step: {"step", "request": {method, path, query, body, auth}, "response": {status,
body}}, with run-specific values normalised (normalize.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.testclient import httpx  # httpx or httpx2, as Starlette

from tests.compat.normalize import Normaliser, keyed_by_table

JOB_ENDED = ("finished", "failed", "cancelled", "expired")
HOST_PART = re.compile(r"^https?://[^/]+")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    content: bytes = b""  # the raw body (a downloaded file)


# (method, path, query, json body or None, raw bytes or None, headers) -> answer
Transport = Callable[[str, str, dict[str, Any] | None, Any, bytes | None, dict[str, str]], Answer]


def requests_transport(base_url: str, media_root: str | None = None) -> Transport:
    """A live server (recording from Baserow). `media_root`: where that Baserow writes its
    media. Baserow's own web server (Caddy) serves /media/ in production; a development
    Baserow serves none, so a file its API names is read from there instead."""
    import requests

    http = requests.Session()

    def send(method: str, path: str, query: Any, body: Any, raw: Any, headers: Any) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if raw is None and body is not None:
            headers = {"Content-Type": "application/json", **headers}
        r = http.request(method, base_url.rstrip("/") + path, params=query, data=data,
                         headers=headers, timeout=120)  # fmt: skip
        if r.status_code == 404 and media_root and path.startswith("/media/"):
            from pathlib import Path

            local = Path(media_root) / path.removeprefix("/media/")
            if ".." not in path and local.is_file():
                content = local.read_bytes()
                return Answer(200, _body(content), {}, content)
        headers_out = {k.lower(): v for k, v in r.headers.items()}
        return Answer(r.status_code, _body(r.content), headers_out, r.content)

    return send


def client_transport(client: Any) -> Transport:
    """An in-process app (tests.asgi_client.TestClient: replaying against gridbase), called
    directly with the headers a client sends: ~10 % of a replay's CPU went to building
    httpx requests."""

    def send(method: str, path: str, query: Any, body: Any, raw: Any, headers: Any) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        if raw is None and body is not None:
            headers = {"Content-Type": "application/json", **headers}
        sent = [(b"host", b"testserver"), (b"accept", b"*/*"), (b"user-agent", b"testclient")]
        sent += [(k.lower().encode(), str(v).encode()) for k, v in headers.items()]
        if data or method in ("POST", "PUT", "PATCH"):
            sent.append((b"content-length", str(len(data)).encode()))
        qs = str(httpx.QueryParams(query or {})).encode()
        status, headers_out, content = client.call(
            method, unquote(path), path.encode(), qs, sent, data
        )
        # a repeated header once, its values joined
        merged = {k.lower(): v for k, v in httpx.Headers(headers_out).items()}
        return Answer(status, _body(content), merged, content)

    return send


def _body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return {"_text": content.decode("utf-8", "replace")[:300]}


class Session:
    """`now`: when the run happens as far as the server knows (a replay runs gridbase with
    its clock set to the recording's time, so dates relative to today mean the same days)."""

    def __init__(
        self, transport: Transport, tag: str | None = None, now: dt.datetime | None = None
    ) -> None:
        self.send = transport
        self.tag = tag or secrets.token_hex(4)
        self.now = now or dt.datetime.now(dt.UTC)
        self.today = self.now.date()
        self.norm = Normaliser(self.tag, self.today)
        self.steps: list[dict[str, Any]] = []
        self.auth: dict[str, str] = {}
        self.user_id = 0
        self._names: dict[str, int] = {}

    # --- calls -----------------------------------------------------------------------------
    def call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        auth: str = "jwt",
        headers: dict[str, str] | None = None,
        keep_headers: tuple[str, ...] = (),
        record: bool = True,
    ) -> Any:
        """One request; its JSON answer (also when it is an error). `keep_headers`: response
        headers that are part of the step. Baserow refuses a change while its own background
        work holds the table (409 ERROR_FAILED_TO_LOCK_...), which a recording cannot
        control; such a call is sent again (gridbase never answers that)."""
        sent = {"Authorization": self.auth[auth]} if auth in self.auth else {}
        if raw is not None:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        answer = self.send(method, path, query, body, raw, sent)
        for _ in range(120):
            if not (answer.status == 409 and "LOCK" in str((answer.body or {}).get("error"))):
                break
            time.sleep(0.5)  # recording only: gridbase never answers a lock conflict
            answer = self.send(method, path, query, body, raw, sent)
        if record:
            shown = body if raw is None else {"_raw": raw.decode("utf-8", "replace")[:300]}
            request = {"method": method, "path": path, "query": query, "body": shown, "auth": auth}
            if headers:
                request["headers"] = headers
            self._record(step, request, answer, keep_headers)
        return answer.body

    def _record(
        self, step: str, request: dict[str, Any], answer: Answer, keep_headers: tuple[str, ...]
    ) -> None:
        n = self._names[step] = self._names.get(step, 0) + 1
        norm = self.norm
        request.update(
            path=norm.path(request["path"]),
            query=norm.query(request["query"]),
            body=norm.json(request["body"]),
        )
        body = norm.json(answer.body)
        if request["path"].endswith("/rows/names/"):
            body = keyed_by_table(norm, body)
        response: dict[str, Any] = {"status": answer.status, "body": body}
        if keep_headers:
            response["headers"] = {h: answer.headers.get(h.lower()) for h in keep_headers}
        name = step if n == 1 else f"{step}#{n}"
        self.steps.append({"step": name, "request": request, "response": response})

    def wait(
        self,
        step: str,
        path: str,
        ended: tuple[str, ...] = JOB_ENDED,
        timeout: float = 120.0,
        record: bool = True,
    ) -> Any:
        """Poll a job (unrecorded) until its state is one of `ended`, then read it once,
        recorded unless `record` is false: a transcript holds the end, never the moments in
        between."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.call(step, "GET", path, record=False)
            if not isinstance(answer, dict) or answer.get("state") in ended:
                break
            time.sleep(0.1)
        return self.get(step, path, record=record)

    def download(self, step: str, url: str) -> bytes:
        """A file the API named by URL (its host left out): recorded as its status and text
        (bytes that are not UTF-8 as \\x escapes)."""
        path = HOST_PART.sub("", url)
        sent = {}
        answer = self.send("GET", path, None, None, None, sent)
        text = answer.content.decode("utf-8", "backslashreplace")
        shown = self.norm.text(path)  # the file's name is a uuid
        request = {"method": "GET", "path": shown, "query": None, "body": None, "auth": "none"}
        self._record(step, request, Answer(answer.status, {"_file": text}, {}), ())
        return answer.content

    def get(self, step: str, path: str, **kw: Any) -> Any:
        return self.call(step, "GET", path, **kw)

    def post(self, step: str, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call(step, "POST", path, body=body, **kw)

    def patch(self, step: str, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call(step, "PATCH", path, body=body, **kw)

    def delete(self, step: str, path: str, **kw: Any) -> Any:
        return self.call(step, "DELETE", path, **kw)

    # --- set-up helpers --------------------------------------------------------------------
    def sign_up(self) -> None:
        """A user of our own (after a throw-away one: the first user of an instance is staff,
        which shows in some answers), signed in as `jwt`."""
        for who, record in (("first", False), ("user", True)):
            body = {"name": "Compat", "email": f"{who}-{self.tag}@example.com",
                    "password": "password123", "authenticate": True}  # fmt: skip
            answer = self.post("sign_up", "/api/user/", body, auth="none", record=record)
        self.auth["jwt"] = f"JWT {answer['access_token']}"
        self.user_id = int(answer["user"]["id"])

    def workspace(self) -> int:
        return int(self.post("workspace", "/api/workspaces/", {"name": "WS"})["id"])

    def database(self, workspace: int | None = None) -> int:
        ws = workspace or self.workspace()
        body = {"name": "DB", "type": "database"}
        return int(self.post("database", f"/api/applications/workspace/{ws}/", body)["id"])

    def table(self, database: int, name: str, data: list[list[Any]]) -> int:
        body = {"name": name, "data": data, "first_row_header": True}
        return int(self.post("table", f"/api/database/tables/database/{database}/", body)["id"])

    def field(self, table: int, name: str, type_: str, **props: Any) -> dict[str, Any]:
        body = {"name": name, "type": type_, **props}
        answer: dict[str, Any] = self.post(
            f"field_{type_}", f"/api/database/fields/table/{table}/", body
        )
        return answer

    def fields(self, table: int) -> dict[str, dict[str, Any]]:
        listed = self.get("fields", f"/api/database/fields/table/{table}/", record=False)
        return {f["name"]: f for f in listed}

    def rows(self, step: str, table: int, record: bool = True, **query: Any) -> Any:
        return self.get(step, f"/api/database/rows/table/{table}/", query=query, record=record)

    def batch(self, table: int, items: list[dict[str, Any]]) -> Any:
        path = f"/api/database/rows/table/{table}/batch/"
        return self.post("batch", path, {"items": items}, query={"user_field_names": "true"})

    def token(self, workspace: int, label: str = "token") -> int:
        answer = self.post(label, "/api/database/tokens/", {"name": label, "workspace": workspace})
        self.auth[label] = f"Token {answer['key']}"
        return int(answer["id"])
