"""A real HTTP receiver on 127.0.0.1 that records every request it gets.

`responses` decides each answer: a status (int), or "hold" to keep the request open
until `release()` (for timeouts and kill-and-restart); when it runs out, 200. With `tls`
(certificate and key files) it answers HTTPS.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw) if self.raw else None


class Receiver:
    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.received: list[Received] = []
        self.responses: list[int | str] = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            server_version = "test-receiver/1"
            sys_version = ""

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if len(raw) < length:
                    return  # cut off mid-body (a killed sender): no call, it is sent again
                with receiver.lock:
                    answer = receiver.responses.pop(0) if receiver.responses else 200
                    receiver.received.append(
                        Received(self.command, self.path, dict(self.headers.items()), raw)
                    )
                if answer == "hold":
                    receiver.released.wait(30)
                    answer = 200
                body = b'{"ok": true}'
                try:
                    self.send_response(int(answer))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the caller gave up (timeout, killed server)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "hook") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/{path}"

    def calls(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def bodies(self) -> list[Any]:
        return [r.body for r in self.calls()]

    def count(self, n: int) -> list[Received] | None:
        """The calls once there are at least n (for eventually())."""
        calls = self.calls()
        return calls if len(calls) >= n else None

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(tls: tuple[Path, Path] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(tls)
    try:
        yield receiver
    finally:
        receiver.close()
