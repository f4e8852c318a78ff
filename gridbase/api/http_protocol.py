"""uvicorn's httptools protocol, writing each response's head and body to the socket at once,
and bounding what a request's head may cost.

uvicorn writes the head when the app sends `http.response.start` and the body when it
sends `http.response.body`: two send() calls and two TCP segments per response (the socket
has TCP_NODELAY), which the client also reads as two. Here a head is held until the next
write - the body, sent in the same event-loop step by every Response - or, at the latest,
the next step (a HEAD response or a 100 Continue has no body write). The bytes and their
order on the wire are unchanged.

Request heads: httptools buffers a head of any size (a 64 MiB header, 100,000 headers) and
waits for one forever (a client that sends a byte a second, or nothing). Here a head larger
than `head_limit` bytes is answered 431 and a head not complete `head_timeout` seconds after
its connection opened or its first byte arrived is answered 408; both close the connection.
A slow body is no such cost: it holds a coroutine awaiting bytes, never a worker thread or
the SQLite writer (bodies are read before any service runs). A stopping server first ends the
change streams (webhooks.stream_hub). Imports: uvicorn, webhooks.stream_hub.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gridbase.webhooks.stream_hub import SHUTDOWN_STATE_KEY


class _OneWrite:
    """A transport that joins a response head with the write after it."""

    __slots__ = ("_head", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._head: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._head is not None:
            data, self._head = self._head + data, None
        elif data.startswith(b"HTTP/") and data.endswith(b"\r\n\r\n"):
            self._head = data
            self._loop.call_soon(self.flush)
            return
        self._transport.write(data)

    def writelines(self, lines: Iterable[bytes]) -> None:
        self.write(b"".join(lines))

    def flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


HEAD_LIMIT = 64 * 1024
HEAD_TIMEOUT = 30.0


class OneWriteHttpTools(HttpToolsProtocol):
    """uvicorn builds one per connection: pass the limits with functools.partial."""

    def __init__(
        self,
        *args: Any,
        head_limit: int = HEAD_LIMIT,
        head_timeout: float = HEAD_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.head_limit = head_limit
        self.head_timeout = head_timeout
        self.in_head = True  # bytes arriving now belong to a request head
        self.head_bytes = 0
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False  # answered 431/408: whatever else arrives is ignored

    # uvicorn declares the transport as asyncio.Transport; the wrapper forwards everything else
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # narrower in uvicorn
        super().connection_made(_OneWrite(transport, self.loop))  # type: ignore[arg-type]  # a Transport in all but name
        self._arm()

    def shutdown(self) -> None:
        """The server stops: endless responses (change streams) are told to finish first, or
        the graceful stop would wait for their clients to hang up."""
        close = self.app_state.get(SHUTDOWN_STATE_KEY)
        if callable(close):
            close()
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self.in_head:
            self.head_bytes += len(data)
        super().data_received(data)
        # counted bytes may include a body only when the same chunk also ended the head,
        # and then the head is no longer being read
        if self.in_head and self.head_bytes > self.head_limit and not self.transport.is_closing():
            self._refuse(431, "Request header fields too large.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head = True
        self.head_bytes = 0
        self._arm()  # a head must be complete this long after its first byte

    def on_headers_complete(self) -> None:
        self.in_head = False
        self._disarm()
        # a whole head can arrive in one read: measure what the parser kept
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.head_limit:
            self._refuse(431, "Request header fields too large.")
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self.refused:
            return
        super().on_message_complete()
        self.in_head = True  # a pipelined or keep-alive request may follow
        self.head_bytes = 0

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.in_head and not self.transport.is_closing():
            self._refuse(408, "Request timeout.")

    def _refuse(self, status: int, detail: str) -> None:
        """Answer a request whose head was never read, and close its connection."""
        self._disarm()
        self.refused = True
        body = json.dumps({"detail": detail}).encode()
        reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()
