"""Hot routes: `GET /api/database/rows/table/<t>/<r>/` with a database token, answered
without FastAPI's routing and dependency resolution (about 40 % of that request's CPU).

It is the same service call and the same response class as api/rows.get_row, so the
bytes are the same. Anything else - another method or query parameter, a JWT, a malformed
header, any error - goes on to the app, which answers it the normal way (a refused read
changes nothing, so running it twice is harmless). Installed as the innermost middleware,
so request limits still apply.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.api.deps import TRUTHY
from gridbase.api.responses import JSON
from gridbase.api.rows import rename_keys
from gridbase.core import rows, tokens
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError

ROW_PATH = re.compile(r"/api/database/rows/table/([0-9]{1,18})/([0-9]{1,18})/")


def _user_field_names(query: bytes) -> bool | None:
    """The user_field_names flag when it is the only parameter; None for anything else."""
    if not query:
        return False
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if len(pairs) != 1 or pairs[0][0] != "user_field_names":
        return None
    value = pairs[0][1].strip().lower()
    return value == "" or value in TRUTHY


def _token_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            parts = value.decode("latin-1").split()
            return parts[1] if len(parts) == 2 and parts[0].lower() == "token" else None
    return None


class HotRoutes:
    def __init__(self, app: ASGIApp, ctx: Ctx) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = ROW_PATH.fullmatch(scope["path"])
            if match is not None:
                response = await self._get_row(scope, int(match[1]), int(match[2]))
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _get_row(self, scope: Scope, table_id: int, row_id: int) -> JSON | None:
        by_name = _user_field_names(scope.get("query_string", b""))
        key = _token_key(scope)
        if by_name is None or key is None:
            return None
        try:
            row, model = await self.ctx.call(rows.get_row, self.ctx, tokens.TokenKey(key), table_id, row_id)
        except GridbaseError:
            return None
        return JSON(rename_keys(model, [row], by_name)[0])
