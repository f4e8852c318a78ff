"""ASGI middleware: the request body limit (413 before the rest of the body is read), and
ids no route can read (LongIds).

File uploads (UPLOAD_PATHS) have their own, larger limit: the file size limit plus room for
the multipart envelope, answered with Baserow's ERROR_FILE_SIZE_TOO_LARGE."""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridbase.api.responses import JSON
from gridbase.errors import FileSizeTooLarge, GridbaseError, RequestBodyTooLarge, UrlNotFound

UPLOAD_PATHS = frozenset({"/api/user-files/upload-file/"})
MULTIPART_ROOM = 1024 * 1024  # part headers and boundaries around the file


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.normal = Limited(app, max_bytes, None)
        self.uploads = (
            Limited(app, upload_max_bytes + MULTIPART_ROOM, upload_max_bytes)
            if upload_max_bytes is not None
            else self.normal
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limited = self.uploads if scope["path"] in UPLOAD_PATHS else self.normal
        await limited(scope, receive, send)


class Limited:
    """One request under a byte limit; `file_limit`: the request is a file upload."""

    def __init__(self, app: ASGIApp, max_bytes: int, file_limit: int | None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.file_limit = file_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        # past 18 digits it is over any limit (and int() would refuse past 4,300)
        if (
            length is not None
            and length.isdigit()
            and (len(length) > 18 or int(length) > self.max_bytes)
        ):
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # A GridbaseError, so the app's handler renders the 413 itself.
                    raise self._error()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except (RequestBodyTooLarge, FileSizeTooLarge):
            if not started:
                await self._reject(send)

    def _error(self) -> GridbaseError:
        if self.file_limit is not None:
            return FileSizeTooLarge(self.file_limit)
        return RequestBodyTooLarge(
            f"The request body is larger than the limit of {self.max_bytes} bytes."
        )

    async def _reject(self, send: Send) -> None:
        exc = self._error()
        body = orjson.dumps(exc.body())
        await send(
            {
                "type": "http.response.start",
                "status": exc.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


LONG_ID = re.compile(r"/[0-9]{4001,}(?=/|$)")


class LongIds:
    """A path segment of more than 4,000 digits names no id (Python's int() stops at 4,300
    digits, so the router's int convertor would raise): the URL matches no route, 404
    URL_NOT_FOUND as for any other. Shorter ones reach the routes, which answer that the
    object does not exist."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 4000 and LONG_ID.search(path):
            error = UrlNotFound(f"URL {path} not found.")
            await JSON(error.body(), status_code=error.status)(scope, receive, send)
            return
        await self.app(scope, receive, send)
