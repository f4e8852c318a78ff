"""MCP over stdin/stdout for desktop assistants (`gridbase mcp --token KEY`): the same
tools as /mcp, for the one database token the process was started with (checked again at
every call: a revoked token stops working at once). Imports: core, mcp."""

from __future__ import annotations

from mcp.server.stdio import stdio_server

from gridbase.core.context import Ctx
from gridbase.mcp.access import Principal, resolve
from gridbase.mcp.server import build_server


def check(ctx: Ctx, key: str) -> None:
    """Raises the REST error for a key that cannot be used (before anything is served)."""
    resolve(ctx, Principal("token", key))


async def serve(ctx: Ctx, key: str) -> None:
    principal = Principal("token", key)
    server = build_server(ctx, lambda rc: principal)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
