"""`gridbase mcp --token KEY`: the same tools over stdin/stdout, driven by the SDK's stdio
client (which starts the process as a desktop assistant does); read back through REST."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from gridbase.config import Settings
from tests.conftest import Api
from tests.mcp.conftest import only_text, tool_names

ROOT = Path(__file__).resolve().parents[2]


def env_for(settings: Settings) -> dict[str, str]:
    return {
        "GRIDBASE_DATA_DIR": str(settings.data_dir),
        "GRIDBASE_DATABASE_URL": settings.database_url,
        "GRIDBASE_SECRET_KEY": settings.secret_key,
        "PYTHONPATH": str(ROOT),  # this checkout's gridbase
    }


def test_stdio_tools_follow_the_token_and_write_through_core(api: Api, settings: Settings) -> None:
    ws = api.workspace()
    tasks = api.table(api.database(ws), "Tasks", [["Name"], ["first"]])
    created = api.ok(api.post("/api/database/tokens/", {"name": "desk", "workspace": ws}))
    grants = {"create": True, "read": True, "update": False, "delete": False}
    api.ok(api.patch(f"/api/database/tokens/{created['id']}/", {"permissions": grants}))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "gridbase", "mcp", "--token", created["key"]],
        env=env_for(settings),
        cwd=str(ROOT),
    )

    async def check() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
            await s.initialize()
            assert tool_names(await s.list_tools()) == [
                "list_tables",
                "list_table_rows",
                f"create_row_table_{tasks}",
            ]
            result = await s.call_tool(f"create_row_table_{tasks}", {"row": {"Name": "desk"}})
            assert not result.is_error
            assert json.loads(only_text(result))["Name"] == "desk"
            assert [r["Name"] for r in api.rows(tasks)] == ["first", "desk"]
            refused = await s.call_tool("delete_table_row", {"table_id": tasks, "id": 1})
            assert refused.is_error
            assert json.loads(only_text(refused))["error"] == "ERROR_NO_PERMISSION_TO_TABLE"

            api.ok(api.delete(f"/api/database/tokens/{created['id']}/"))  # revoked
            gone = await s.call_tool("list_table_rows", {"table_id": tasks})
            assert json.loads(only_text(gone))["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
            with pytest.raises(MCPError, match="ERROR_TOKEN_DOES_NOT_EXIST"):
                await s.list_tools()

    anyio.run(check)
    assert [r["Name"] for r in api.rows(tasks)] == ["first", "desk"]


def test_stdio_refuses_to_start_with_an_unknown_token(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gridbase", "mcp", "--token", "x" * 32],
        env={**os.environ, **env_for(settings)},
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == b""  # stdout is the protocol's: nothing else is written there
    assert b"ERROR_TOKEN_DOES_NOT_EXIST" in done.stderr
