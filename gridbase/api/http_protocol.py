"""uvicorn's httptools protocol, writing each response's head and body to the socket at once.

uvicorn writes the head when the app sends `http.response.start` and the body when it
sends `http.response.body`: two send() calls and two TCP segments per response (the socket
has TCP_NODELAY), which the client also reads as two. Here a head is held until the next
write - the body, sent in the same event-loop step by every Response - or, at the latest,
the next step (a HEAD response or a 100 Continue has no body write). The bytes and their
order on the wire are unchanged. Imports: uvicorn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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


class OneWriteHttpTools(HttpToolsProtocol):
    # uvicorn declares the transport as asyncio.Transport; the wrapper forwards everything else
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # narrower in uvicorn
        super().connection_made(_OneWrite(transport, self.loop))  # type: ignore[arg-type]  # a Transport in all but name
