"""The MCP server over streamable HTTP (/mcp), driven by the SDK's own client against a
real server: which tools a token sees, what each tool does to the table (read back through
REST), refusals as tool errors with Baserow's codes, revocation mid-session, and MCP
endpoint keys (/api/mcp/endpoints/)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
import requests
from mcp.shared.exceptions import MCPError

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.mcp.conftest import Live, mcp_session, only_text, tool_names

NONE = {"create": False, "read": False, "update": False, "delete": False}


def token(api: Api, workspace: int, **grants: Any) -> dict[str, Any]:
    created = api.ok(api.post("/api/database/tokens/", {"name": "agent", "workspace": workspace}))
    if grants:
        body = {"permissions": {**NONE, **grants}}
        api.ok(api.patch(f"/api/database/tokens/{created['id']}/", body))
    return dict(created)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


def setup_tables(api: Api) -> tuple[int, int, int, dict[str, Any]]:
    """A workspace with two tables: Tasks (Name, Done, Status with two options) and Notes."""
    ws = api.workspace()
    db = api.database(ws)
    tasks = api.table(db, "Tasks", [["Name"], ["write docs"]])
    api.field(tasks, "Done", "boolean")
    status = api.field(
        tasks,
        "Status",
        "single_select",
        select_options=[{"value": "Open", "color": "blue"}, {"value": "Closed", "color": "red"}],
    )
    notes = api.table(db, "Notes", [["Text"], ["hello"]])
    return ws, tasks, notes, status


def run(coro: Any) -> Any:
    return anyio.run(coro)


def test_the_tools_follow_the_tokens_grants(live: Live, api: Api) -> None:
    ws, tasks, notes, status = setup_tables(api)
    full = token(api, ws)
    partial = token(api, ws, create=[["table", tasks]], read=[["table", notes]])
    reader = token(api, ws, read=True)

    async def check() -> None:
        async with mcp_session(live.url + "/mcp", auth(full["key"])) as s:
            listed = await s.list_tools()
            assert tool_names(listed) == [
                "list_tables",
                "list_table_rows",
                f"create_row_table_{tasks}",
                f"create_row_table_{notes}",
                f"update_row_table_{tasks}",
                f"update_row_table_{notes}",
                "delete_table_row",
            ]
            create = next(t for t in listed.tools if t.name == f"create_row_table_{tasks}")
            row = create.input_schema["properties"]["row"]
            assert sorted(row["properties"]) == ["Done", "Name", "Status"]
            assert {"type": "boolean"} in row["properties"]["Done"]["anyOf"]
            assert row["properties"]["Done"]["x-field-type"] == "boolean"
            options = json.dumps(row["properties"]["Status"])
            for option in status["select_options"]:  # the field's options, by id and value
                assert str(option["id"]) in options and option["value"] in options
        async with mcp_session(live.url + "/mcp", auth(partial["key"])) as s:
            listed = await s.list_tools()
            assert tool_names(listed) == [
                "list_tables",
                "list_table_rows",
                f"create_row_table_{tasks}",
            ]
            table_id = listed.tools[1].input_schema["properties"]["table_id"]
            assert table_id["enum"] == [notes]  # only the table it may read
        async with mcp_session(live.url + "/mcp", auth(reader["key"])) as s:
            assert tool_names(await s.list_tools()) == ["list_tables", "list_table_rows"]

    run(check)


def test_each_tool_changes_the_table_as_rest_reads_it(live: Live, api: Api) -> None:
    ws, tasks, notes, status = setup_tables(api)
    key = token(api, ws)["key"]
    closed = status["select_options"][1]["id"]

    async def check() -> None:
        async with mcp_session(live.url + "/mcp", auth(key)) as s:
            tables = json.loads(only_text(await s.call_tool("list_tables", {})))
            assert [(t["id"], t["name"]) for t in tables] == [(tasks, "Tasks"), (notes, "Notes")]

            created = await s.call_tool(
                f"create_row_table_{tasks}", {"row": {"Name": "ship", "Status": "Open"}}
            )
            assert not created.is_error
            row = json.loads(only_text(created))
            assert api.rows(tasks) == [
                {"id": 1, "order": "1.00000000000000000000", "Name": "write docs",
                 "Done": False, "Status": None},
                {"id": row["id"], "order": row["order"], "Name": "ship", "Done": False,
                 "Status": row["Status"]},
            ]  # fmt: skip
            assert row["Status"]["value"] == "Open"

            updated = await s.call_tool(
                f"update_row_table_{tasks}",
                {"id": row["id"], "row": {"Done": True, "Status": closed}},
            )
            assert not updated.is_error
            read_back = api.rows(tasks)[1]
            assert (read_back["Done"], read_back["Status"]["id"]) == (True, closed)
            assert json.loads(only_text(updated)) == read_back

            listed = json.loads(
                only_text(await s.call_tool("list_table_rows", {"table_id": tasks, "size": 1}))
            )
            assert listed == {
                "count": 2, "next": 2, "previous": None, "results": [api.rows(tasks)[0]]
            }  # fmt: skip
            found = json.loads(
                only_text(
                    await s.call_tool("list_table_rows", {"table_id": tasks, "search": "ship"})
                )
            )
            assert [r["Name"] for r in found["results"]] == ["ship"]

            deleted = await s.call_tool("delete_table_row", {"table_id": tasks, "id": row["id"]})
            assert (deleted.is_error, only_text(deleted)) == (False, "successfully deleted")
            assert [r["Name"] for r in api.rows(tasks)] == ["write docs"]

    run(check)


def error_of(result: Any) -> tuple[str, Any]:
    assert result.is_error
    body = json.loads(only_text(result))
    return body["error"], body["detail"]


def test_a_refused_call_is_a_tool_error_with_baserows_code_and_writes_nothing(
    live: Live, api: Api
) -> None:
    ws, tasks, notes, _ = setup_tables(api)
    key = token(api, ws, create=[["table", tasks]], read=[["table", notes]])["key"]

    async def check() -> None:
        async with mcp_session(live.url + "/mcp", auth(key)) as s:
            # tools it was not offered are refused as REST refuses the same token
            for name, args in (
                (f"create_row_table_{notes}", {"row": {"Text": "x"}}),
                (f"update_row_table_{tasks}", {"id": 1, "row": {"Name": "x"}}),
                ("delete_table_row", {"table_id": tasks, "id": 1}),
                ("list_table_rows", {"table_id": tasks}),
            ):
                code, _ = error_of(await s.call_tool(name, args))
                assert code == "ERROR_NO_PERMISSION_TO_TABLE", name
            # bad arguments and values: Baserow's validation errors
            code, detail = error_of(
                await s.call_tool(f"create_row_table_{tasks}", {"row": {"Done": "maybe"}})
            )
            assert code == "ERROR_REQUEST_BODY_VALIDATION" and "Done" in json.dumps(detail)
            code, _ = error_of(await s.call_tool(f"create_row_table_{tasks}", {"row": "text"}))
            assert code == "ERROR_REQUEST_BODY_VALIDATION"
            code, detail = error_of(await s.call_tool("list_table_rows", {"table_id": "abc"}))
            assert code == "ERROR_REQUEST_BODY_VALIDATION" and "table_id" in detail
            code, detail = error_of(
                await s.call_tool("list_table_rows", {"table_id": notes, "page": 2**70})
            )
            assert code == "ERROR_REQUEST_BODY_VALIDATION" and "page" in detail
            code, _ = error_of(await s.call_tool("create_row_table_999999", {"row": {}}))
            assert code == "ERROR_TABLE_DOES_NOT_EXIST"
            unknown = await s.call_tool("drop_everything", {})
            assert unknown.is_error and "not found" in only_text(unknown)

    run(check)
    assert [r["Name"] for r in api.rows(tasks)] == ["write docs"]
    assert [r["Text"] for r in api.rows(notes)] == ["hello"]


def test_a_token_revoked_or_narrowed_mid_session_is_refused(live: Live, api: Api) -> None:
    ws, tasks, _, _ = setup_tables(api)
    created = token(api, ws)

    async def check() -> None:
        async with mcp_session(live.url + "/mcp", auth(created["key"])) as s:
            assert not (await s.call_tool("list_table_rows", {"table_id": tasks})).is_error
            narrowed = {"permissions": {**NONE, "read": True}}
            api.ok(api.patch(f"/api/database/tokens/{created['id']}/", narrowed))
            assert tool_names(await s.list_tools()) == ["list_tables", "list_table_rows"]
            code, _ = error_of(
                await s.call_tool(f"create_row_table_{tasks}", {"row": {"Name": "late"}})
            )
            assert code == "ERROR_NO_PERMISSION_TO_TABLE"

            api.ok(api.delete(f"/api/database/tokens/{created['id']}/"))
            code, _ = error_of(await s.call_tool("list_table_rows", {"table_id": tasks}))
            assert code == "ERROR_TOKEN_DOES_NOT_EXIST"
            with pytest.raises(MCPError, match="ERROR_TOKEN_DOES_NOT_EXIST"):
                await s.list_tools()

    run(check)
    assert [r["Name"] for r in api.rows(tasks)] == ["write docs"]


def test_an_mcp_endpoint_key_acts_as_its_owner_in_its_workspace_only(live: Live, api: Api) -> None:
    ws, tasks, _, _ = setup_tables(api)
    elsewhere = api.table(api.database(api.workspace("Other")), "Elsewhere", [["A"], ["b"]])
    endpoint = api.ok(api.post("/api/mcp/endpoints/", {"name": "Claude", "workspace_id": ws}))
    url = f"{live.url}/mcp/{endpoint['key']}/"

    async def check() -> None:
        async with mcp_session(url) as s:
            names = tool_names(await s.list_tools())
            assert f"create_row_table_{tasks}" in names
            assert f"create_row_table_{elsewhere}" not in names
            created = await s.call_tool(f"create_row_table_{tasks}", {"row": {"Name": "agent"}})
            assert not created.is_error
            code, _ = error_of(
                await s.call_tool(f"create_row_table_{elsewhere}", {"row": {"A": "x"}})
            )
            assert code == "ERROR_TABLE_DOES_NOT_EXIST"
            api.ok(api.delete(f"/api/mcp/endpoint/{endpoint['id']}/"))
            code, _ = error_of(await s.call_tool("list_tables", {}))
            assert code == "ERROR_MCP_ENDPOINT_DOES_NOT_EXIST"

    run(check)
    assert [r["Name"] for r in api.rows(tasks)] == ["write docs", "agent"]
    assert [r["A"] for r in api.rows(elsewhere)] == ["b"]


def test_a_request_without_credentials_is_refused_before_the_protocol(live: Live) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "JWT abc"}, {"Authorization": "Token"}):
        r = requests.post(live.url + "/mcp", json=body, headers=headers, timeout=30)
        assert r.status_code == 401, headers
    r = requests.post(live.url + "/mcp", json=body, timeout=30)
    assert r.json() == {"detail": "Authentication credentials were not provided."}
    # stateless: no server-initiated stream to open, so GET is refused rather than held open
    r = requests.get(live.url + "/mcp", headers={"Authorization": "Token x"}, timeout=30)
    assert (r.status_code, r.json()) == (405, {"detail": 'Method "GET" not allowed.'})


def test_the_mcp_server_can_be_turned_off(settings: Settings, ctx: Ctx) -> None:
    settings.mcp_server = False
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    with TestClient(create_app(settings, ctx)) as client:
        r = client.post("/mcp", json=body, headers={"Authorization": "Token x"})
    assert r.status_code == 404
