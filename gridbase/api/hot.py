"""Hot routes: reading, creating or updating one row (`GET|PATCH
/api/database/rows/table/<t>/<r>/`, `POST /api/database/rows/table/<t>/`) and listing a
table's rows (`GET /api/database/rows/table/<t>/`), answered without FastAPI's routing and
dependency resolution (30-40 % of those requests' CPU).

A database token with no query but `user_field_names` reading or writing one row calls
the services here, with the same arguments, response class and error renderer
(api.handlers.render_error, 401s with WWW-Authenticate) as api/rows.py, so the bytes are
the same; a client gone mid-body goes on to the app with the body replayed. Any other
request of these (a list, a JWT, another query) calls the route's own function after its
caller dependency, as FastAPI would. A request with an extension's header
(Idempotency-Key, If-Match, If-None-Match) goes on to the app. Nothing a service started
is ever run again: its error is answered here, so a write is never attempted twice.

They are the innermost of the layers in front of FastAPI (app.front_layers), so every
layer there - request limits, the body limit, the 500 handler - applies to them as to any
route; FastAPI's own middleware would not, which is why app.App refuses add_middleware.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridbase.api import rows as rows_api
from gridbase.api.body import NO_DATA, NULL_PARTIAL
from gridbase.api.deps import TRUTHY, any_caller, get_ctx, www
from gridbase.api.handlers import render_error
from gridbase.api.responses import JSON
from gridbase.api.rows import as_object, rename_keys, row_body
from gridbase.core import row_etags, rows, tokens
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError

ROW_PATH = re.compile(r"/api/database/rows/table/([0-9]{1,18})/([0-9]{1,18})/")
TABLE_PATH = re.compile(r"/api/database/rows/table/([0-9]{1,18})/")


def _user_field_names(query: bytes) -> bool | None:
    """The user_field_names flag when it is the only parameter; None for anything else."""
    if not query:
        return False
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if len(pairs) != 1 or pairs[0][0] != "user_field_names":
        return None
    value = pairs[0][1].strip().lower()
    return value == "" or value in TRUTHY


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


# the extensions' headers (api.idempotent, api.conditional) take the app's routes
EXTENSION_HEADERS = frozenset({b"idempotency-key", b"if-match", b"if-none-match"})


def _extended(scope: Scope) -> bool:
    return any(name in EXTENSION_HEADERS for name, _ in scope["headers"])


def _token_key(scope: Scope) -> str | None:
    parts = (_header(scope, b"authorization") or "").split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "token" else None


async def _read(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and the messages it came in (to replay them to the app)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request"), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    queue = list(messages)

    async def again() -> Message:
        return queue.pop(0) if queue else await receive()

    return again


class HotRoutes:
    def __init__(self, app: ASGIApp, ctx: Ctx, owner: Any = None) -> None:
        self.app = app
        self.ctx = ctx
        # the FastAPI app, as a route's request knows it (request.app: the settings of the
        # list's next/previous links); without it lists go on to the app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            method, path = scope["method"], scope["path"]
            match = (
                ROW_PATH.fullmatch(path)
                if method in ("GET", "PATCH")
                else (TABLE_PATH.fullmatch(path) if method == "POST" else None)
            )
            if match is None and method == "GET":
                match = TABLE_PATH.fullmatch(path)
            if match is not None and not _extended(scope):
                by_name = _user_field_names(scope.get("query_string", b""))
                key = _token_key(scope)
                listing = method == "GET" and match.re is TABLE_PATH
                if by_name is not None and key is not None and not listing:
                    response, receive = await self._answer(
                        scope, receive, match, by_name, tokens.TokenKey(key)
                    )
                    if response is not None:
                        await response(scope, receive, send)
                        return
                elif self.owner is not None:
                    await (await self._route(scope, receive, match))(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, match: re.Match[str]) -> Any:
        """Any other credentials (a JWT) or query: the route's function itself, after the
        dependency FastAPI would resolve (any_caller, whose errors carry their headers),
        with the request FastAPI would give it (the route reads the body); errors rendered
        as the app's handler renders them."""
        request = Request({**scope, "app": self.owner}, receive)
        ctx, table_id = await get_ctx(request), int(match[1])  # as FastAPI resolves it
        try:
            caller = await any_caller(request, ctx)
            if match.re is TABLE_PATH:
                if scope["method"] == "GET":
                    return await rows_api.list_rows(table_id, request, ctx, caller)
                return await rows_api.create_row(table_id, request, ctx, caller)
            row_id = int(match[2])
            if scope["method"] == "GET":
                return await rows_api.get_row(table_id, row_id, request, ctx, caller)
            return await rows_api.update_row(table_id, row_id, request, ctx, caller)
        except GridbaseError as exc:
            return render_error(exc)

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        match: re.Match[str],
        by_name: bool,
        key: tokens.TokenKey,
    ) -> tuple[JSON | None, Receive]:
        """The response, or None to let the app answer (with the body replayed): only before
        the service runs."""
        ctx, table_id = self.ctx, int(match[1])
        call: Callable[[], Any]
        if scope["method"] == "GET":
            row_id = int(match[2])

            def call() -> Any:
                return rows.get_row(ctx, key, table_id, row_id)
        else:
            raw, messages = await _read(receive)  # a body over the limit raises here, for BodyLimit
            receive = _replay(messages, receive)
            if messages[-1]["type"] != "http.request":  # the client went away mid-body
                return None, receive
            ctype = _header(scope, b"content-type") or ""

            def body(null_error: list[Any] = NO_DATA) -> Any:  # after authentication, as
                return row_body(raw, ctype, null_error)  # the app's route parses it

            if scope["method"] == "POST":

                def call() -> Any:
                    created, model = rows.create_rows(
                        ctx, key, table_id, lambda: [body()], by_name=by_name
                    )
                    return created[0], model
            else:
                row_id = int(match[2])

                def call() -> Any:
                    updated, model = rows.update_rows(
                        ctx,
                        key,
                        table_id,
                        lambda: [dict(as_object(body(NULL_PARTIAL)), id=row_id)],
                        by_name=by_name,
                    )
                    return updated[0], model

        try:
            row, model = await ctx.call(call)
        except GridbaseError as exc:
            return render_error(www(exc)), receive
        return JSON(
            rename_keys(model, [row], by_name)[0], headers={"ETag": row_etags.etag(row)}
        ), receive
