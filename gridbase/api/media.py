"""Serving user files and their thumbnails: GET /media/user_files/<name> and
/media/thumbnails/<size>/<name>, as Baserow's media URLs name them (no authentication: the
names are unguessable). Each answer has the file's own Content-Type and
`X-Content-Type-Options: nosniff`, and anything a browser could run (HTML, SVG, scripts, any
type not known to be passive) is sent as an attachment, never shown inline, under a
sandboxing Content-Security-Policy. Imports: api.deps, config, core.user_files,
errors, storage.files.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.api.deps import CtxDep
from gridbase.config import Settings
from gridbase.core import user_files
from gridbase.errors import UrlNotFound
from gridbase.storage.files import Stored, names

router = APIRouter(prefix="/media")

# passive types a browser may show inline: it runs nothing in them
INLINE = frozenset(
    {
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif",
        "image/tiff", "image/x-icon", "image/vnd.microsoft.icon",
        "text/plain", "application/pdf",
    }
)  # fmt: skip
INLINE_PREFIXES = ("audio/", "video/")
SAFETY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=31536000, immutable",  # a name's bytes never change
}


def stored_response(stored: Stored, media_type: str, headers: dict[str, str]) -> Response:
    """A file from the file storage: a local one sent by path, else its bytes streamed with
    their length (user files here, export files in api.export)."""
    if stored.local_path is not None:
        return FileResponse(stored.local_path, media_type=media_type, headers=headers)
    assert stored.chunks is not None
    headers = {**headers, "Content-Length": str(stored.size)}
    return StreamingResponse(stored.chunks, media_type=media_type, headers=headers)


def _not_found(request: Request) -> UrlNotFound:
    return UrlNotFound(f"URL {request.url.path} not found.")


def _serve(request: Request, ctx: CtxDep, path: str, name: str) -> Response:
    if not names.SERVED_NAME.match(name):
        raise _not_found(request)
    record = user_files.by_names(ctx, [name]).get(name)
    stored = ctx.ext.files.open(path) if record is not None else None
    if record is None or stored is None:
        raise _not_found(request)
    mime = record.mime_type or user_files.MIME_TYPE_UNKNOWN
    inline = mime in INLINE or mime.startswith(INLINE_PREFIXES)
    headers = dict(SAFETY)
    if not inline:
        filename = quote(record.original_name, safe="")
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return stored_response(stored, mime, headers)


@router.get("/user_files/{name}")
def user_file(name: str, request: Request, ctx: CtxDep) -> Response:
    return _serve(request, ctx, names.user_file_path(name), name)


@router.get("/thumbnails/{size}/{name}")
def thumbnail(size: str, name: str, request: Request, ctx: CtxDep) -> Response:
    if size not in names.THUMBNAILS:
        raise _not_found(request)
    return _serve(request, ctx, names.thumbnail_path(size, name), name)


class MediaBase:
    """A front layer: file URLs built while a request is handled (upload answers, rows with
    file fields, webhook payloads of its writes) start with this request's media base.
    Worked out only when a URL is built, so other requests pay one context-variable set."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.trust_proxy = settings.trust_proxy
        self.fixed = (
            settings.media_url.rstrip("/") + "/"
            if settings.media_url
            else settings.public_url.rstrip("/") + "/media/"
            if settings.public_url
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = names.set_media_base(self.fixed or (lambda: self.from_request(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            names.reset_media_base(token)

    def from_request(self, scope: Scope) -> str:
        headers = dict(scope["headers"])
        scheme = scope.get("scheme", "http")
        if self.trust_proxy and b"x-forwarded-proto" in headers:
            scheme = headers[b"x-forwarded-proto"].decode("latin-1").split(",")[0].strip()
        host = headers.get(b"host", b"").decode("latin-1")
        if not host:
            server = scope.get("server") or ("localhost", 80)
            host = f"{server[0]}:{server[1]}"
        return f"{scheme}://{host}/media/"
