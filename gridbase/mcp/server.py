"""The SDK server (mcp.server.lowlevel.Server): tools/list and tools/call, answered for
whoever the request names (`principal_of`: the HTTP request's credential, or the token
`gridbase mcp` was started with). Imports: core, errors, mcp (access, tools)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from gridbase import __version__
from gridbase.core import mcp_access
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError
from gridbase.mcp import tools
from gridbase.mcp.access import Access, Principal, resolve

PrincipalOf = Callable[[ServerRequestContext[Any, Any]], Principal]
INSTRUCTIONS = (
    "gridbase: tables and rows of one workspace. Call list_tables first, then "
    "list_table_rows, create_row_table_<id>, update_row_table_<id> and delete_table_row. "
    "Rows are keyed by field name."
)


def build_server(ctx: Ctx, principal_of: PrincipalOf) -> Server[Any]:
    async def list_tools(
        rc: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        try:
            access = await ctx.call(resolve, ctx, principal_of(rc))
            reachable = await ctx.call(
                mcp_access.reachable_tables, ctx, access.actor, access.workspace_id
            )
        except GridbaseError as exc:
            # a listing has no error result: a refused credential is a protocol error
            # carrying Baserow's error JSON
            message = json.dumps({"error": exc.code, "detail": exc.detail})
            raise MCPError(types.INVALID_REQUEST, message) from None
        return types.ListToolsResult(tools=tools.list_tools(ctx, reachable))

    async def call_tool(
        rc: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        principal = principal_of(rc)

        def access() -> Access:
            return resolve(ctx, principal)

        return await tools.call(ctx, access, params.name, dict(params.arguments or {}))

    return Server(
        "gridbase",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
