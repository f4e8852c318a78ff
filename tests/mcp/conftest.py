"""A real gridbase on a loopback port (uvicorn in a thread of the test process, so the
`gridbase` ERROR guard of tests/conftest.py sees its logs) and the SDK's own clients."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import mcp_types as types
import pytest
import uvicorn
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.helpers import eventually
from tests.server import free_port


@dataclass
class Live:
    url: str


@pytest.fixture
def live(ctx: Ctx, settings: Settings) -> Iterator[Live]:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, ctx), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started or None, timeout=30)
    yield Live(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=30)


@asynccontextmanager
async def mcp_session(
    url: str, headers: dict[str, str] | None = None
) -> AsyncIterator[ClientSession]:
    """An initialised SDK session over streamable HTTP."""
    async with (
        httpx2.AsyncClient(headers=headers or {}, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def tool_names(result: types.ListToolsResult) -> list[str]:
    return [t.name for t in result.tools]


def only_text(result: Any) -> str:
    assert len(result.content) == 1
    return str(result.content[0].text)
