"""gridbase.mcp.tools without a transport: what a bug in a tool call looks like."""

from __future__ import annotations

import json

import anyio
import pytest

from gridbase.core.context import Ctx
from gridbase.mcp import tools
from gridbase.mcp.access import Access


@pytest.mark.unexpected_errors
def test_a_bug_in_a_tool_is_a_logged_internal_error_not_a_protocol_failure(
    ctx: Ctx, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> Access:
        raise RuntimeError("a bug")

    result = anyio.run(tools.call, ctx, broken, "list_tables", {})
    assert result.is_error
    assert json.loads(result.content[0].text) == {  # type: ignore[union-attr]
        "error": "ERROR_INTERNAL",
        "detail": "An unexpected error occurred.",
    }
    assert any("unhandled error in MCP tool list_tables" in r.message for r in caplog.records)
