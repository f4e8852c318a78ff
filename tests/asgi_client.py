"""Starlette's TestClient with one hop to the app's event loop per request.

Starlette's transport streams each response: it crosses from the test's thread to the
event loop's eight times per request (events, a memory stream, the app's task, every body
chunk), about 2.5 ms of a test's request here, where the app itself takes 0.1-1 ms. This
one runs the whole request in a single call on the loop and hands back the whole body,
which is all a test of a JSON API needs. The scope and the lifespan are Starlette's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import anyio
from fastapi.testclient import TestClient as _TestClient
from starlette.testclient import _TestClientTransport, httpx  # httpx or httpx2, as Starlette


class _WholeResponses(_TestClientTransport):
    def handle_request(self, request: Any) -> Any:
        url = request.url
        if url.scheme not in ("http", "https"):
            return super().handle_request(request)
        headers = [(k.lower().encode(), v.encode()) for k, v in request.headers.multi_items()]
        server = [url.raw_host.decode("ascii"), url.port or (443 if url.scheme == "https" else 80)]
        raw_path = url.raw_path.split(b"?", 1)[0]
        status, headers_out, content = self.call(
            request.method, unquote(url.path), raw_path, url.query, headers, request.read(),
            url.scheme, server,
        )  # fmt: skip
        return httpx.Response(
            status,
            headers=headers_out,
            content=b"" if request.method == "HEAD" else content,
            request=request,
        )

    def call(
        self,
        method: str,
        path: str,
        raw_path: bytes,
        query: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        scheme: str = "http",
        server: list[Any] | None = None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request to the app, on its event loop: (status, headers, whole body). `path`
        decoded, `raw_path` as sent, `headers` lower-cased."""
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "path": path,
            "raw_path": raw_path,
            "root_path": self.root_path,
            "scheme": scheme,
            "query_string": query,
            "headers": headers,
            "client": self.client,
            "server": server or ["testserver", 80],
            "extensions": {"http.response.debug": {}},
            "state": self.app_state.copy(),
        }
        answer: dict[str, Any] = {"headers": [], "body": []}

        async def run() -> None:
            done = anyio.Event()
            sent = False

            async def receive() -> dict[str, Any]:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                await done.wait()
                return {"type": "http.disconnect"}

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    answer["status_code"] = message["status"]
                    answer["headers"] = [
                        (k.decode(), v.decode()) for k, v in message.get("headers", [])
                    ]
                elif message["type"] == "http.response.body":
                    answer["body"].append(bytes(message.get("body", b"")))
                    if not message.get("more_body", False):
                        done.set()

            try:
                await self.app(scope, receive, send)
            finally:
                done.set()

        try:
            with self.portal_factory() as portal:
                portal.call(run)
        except Exception:
            if self.raise_server_exceptions:
                raise
            answer.setdefault("status_code", 500)
        if "status_code" not in answer:
            raise AssertionError("the app sent no response")
        return answer["status_code"], answer["headers"], b"".join(answer["body"])


class TestClient(_TestClient):
    __test__ = False

    def __init__(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(app, *args, **kwargs)
        inner: _TestClientTransport = self._transport  # type: ignore[assignment]
        self._transport = _WholeResponses(
            self.app,
            portal_factory=self._portal_factory,
            raise_server_exceptions=inner.raise_server_exceptions,
            root_path=inner.root_path,
            app_state=self.app_state,
            client=inner.client,
        )

    def call(self, *args: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request without httpx's request building (see _WholeResponses.call)."""
        return self._transport.call(*args)  # type: ignore[attr-defined,no-any-return]
