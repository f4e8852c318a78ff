"""MCP over streamable HTTP at /mcp (mounted in front of FastAPI by app.py).

`/mcp` with `Authorization: Token <database token>` acts as that token (the `Token` scheme
only, so the per-token concurrency limit and GRIDBASE_REQUIRE_HTTPS apply as on REST);
`/mcp/<endpoint key>/` acts as an MCP endpoint made with /api/mcp/endpoints/. Stateless:
every request carries its credential and is answered by whichever instance receives it (no
session to pin to one process), with a JSON body. Imports: api (handlers), core, errors, mcp.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from gridbase.api.handlers import render_error
from gridbase.core.context import Ctx
from gridbase.errors import InvalidTokenHeader, MethodNotAllowed, NotAuthenticated
from gridbase.mcp.access import Principal
from gridbase.mcp.server import build_server

PREFIX = "/mcp"


def matches(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def principal(path: str, authorization: str | None) -> Principal:
    """The credential of a request to /mcp…; raises the REST error for a missing or
    malformed one (checked before the SDK sees the request)."""
    rest = path[len(PREFIX) :].strip("/")
    if rest:
        return Principal("endpoint", rest)
    parts = (authorization or "").split()
    if not parts or parts[0].lower() != "token":
        raise NotAuthenticated()
    if len(parts) != 2:
        raise InvalidTokenHeader("Invalid token header. No token provided.")
    return Principal("token", parts[1])


def _principal_of(rc: object) -> Principal:
    request = getattr(rc, "request", None)
    assert isinstance(request, Request)  # the HTTP transport attaches it to every message
    return principal(request.url.path, request.headers.get("authorization"))


class McpHttp:
    """The ASGI app; `running()` must be entered for as long as the app serves (lifespan)."""

    def __init__(self, ctx: Ctx) -> None:
        self.server = build_server(ctx, _principal_of)
        self.manager = self._new_manager()

    def _new_manager(self) -> StreamableHTTPSessionManager:
        return StreamableHTTPSessionManager(app=self.server, stateless=True, json_response=True)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        # the SDK's manager runs once per instance: an app served again (tests, a reload)
        # gets a fresh one
        self.manager = self._new_manager()
        async with self.manager.run():
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        if scope["method"] == "GET":
            # stateless: no stream of server-initiated messages to open (the SDK would hold
            # the connection open with nothing to send); the spec's answer is 405
            await render_error(MethodNotAllowed('Method "GET" not allowed.'))(scope, receive, send)
            return
        try:
            principal(scope["path"], request.headers.get("authorization"))
        except (NotAuthenticated, InvalidTokenHeader) as exc:
            await render_error(exc)(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)
