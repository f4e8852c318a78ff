"""The MCP tools, named and described as Baserow 1.35.3 names them: `list_tables`,
`list_table_rows`, `create_row_table_{id}`, `update_row_table_{id}`, `delete_table_row`.

Which tools a caller sees follows its grants, table by table: a create (update) tool only
for a table it may create (update) rows in, `list_table_rows` and `delete_table_row` only
when some table allows reading (deleting), their `table_id` limited to those tables. A row
tool's input schema is the per-database OpenAPI document's write schema of that table
(openapi.row_schemas), keyed by field name. Every call runs the same core service as the
REST endpoint, with the same credential, so it is refused exactly when REST would refuse
it; a refusal is a tool error whose text is Baserow's error JSON. Imports: api (render,
rows, params), core, errors, openapi, usertable.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

import mcp_types as types
import orjson
from starlette.datastructures import QueryParams

from gridbase.api import params, render
from gridbase.api.rows import as_object, rename_keys
from gridbase.core import mcp_access, rows
from gridbase.core.context import Ctx
from gridbase.core.mcp_access import ToolTable
from gridbase.errors import GridbaseError, RequestBodyValidation, field_error
from gridbase.mcp.access import Access
from gridbase.openapi import row_schemas
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery

CREATE = re.compile(r"^create_row_table_(\d+)$")
UPDATE = re.compile(r"^update_row_table_(\d+)$")
INT64 = 2**63
log = logging.getLogger("gridbase")


def _table_id(description: str, ids: list[int]) -> dict[str, Any]:
    return {"type": "integer", "description": description, "enum": ids}


def _row_schema(ctx: Ctx, t: ToolTable) -> dict[str, Any]:
    docs = row_schemas.field_docs(t.fields, ctx.field_types, ctx.filter_types)
    return row_schemas.named_write_schema(t.table, docs)


def list_tools(ctx: Ctx, reachable: list[ToolTable]) -> list[types.Tool]:
    """The tools a caller reaching `reachable` (core.mcp_access) may use, in Baserow's order."""
    tools = [
        types.Tool(
            name="list_tables",
            description="Lists all the tables.",
            input_schema={"type": "object", "properties": {}},
        )
    ]
    readable = [t.table.id for t in reachable if "read" in t.operations]
    if readable:
        tools.append(
            types.Tool(
                name="list_table_rows",
                description="Lists the rows/records of the provided `table_id`.",
                input_schema={
                    "type": "object",
                    "properties": {
                        "table_id": _table_id(
                            "The ID of the table where to list the rows from.", readable
                        ),
                        "search": {
                            "type": "string",
                            "description": "Optionally search in the whole table.",
                        },
                        "page": {
                            "type": "integer",
                            "default": 1,
                            "description": "Rows/records are paginated. Provide if a "
                            "different page should be fetched.",
                        },
                        "size": {
                            "type": "integer",
                            "default": 100,
                            "description": "Maximum rows/records that must be returned.",
                        },
                    },
                    "required": ["table_id"],
                },
            )
        )
    for t in reachable:
        if "create" in t.operations:
            tools.append(
                types.Tool(
                    name=f"create_row_table_{t.table.id}",
                    description=f"Create a new row/record in table with id {t.table.id}, "
                    f'named "{t.table.name}".',
                    input_schema={
                        "type": "object",
                        "properties": {"row": _row_schema(ctx, t)},
                        "required": ["row"],
                    },
                )
            )
    for t in reachable:
        if "update" in t.operations:
            tools.append(
                types.Tool(
                    name=f"update_row_table_{t.table.id}",
                    description=f"Updates an existing row/record in table with id "
                    f'{t.table.id}, named "{t.table.name}".',
                    input_schema={
                        "type": "object",
                        "properties": {
                            "id": {
                                "type": "integer",
                                "description": "The row/record ID that must be updated.",
                            },
                            "row": _row_schema(ctx, t),
                        },
                        "required": ["id", "row"],
                    },
                )
            )
    deletable = [t.table.id for t in reachable if "delete" in t.operations]
    if deletable:
        tools.append(
            types.Tool(
                name="delete_table_row",
                description="Delete an existing row/record from the table of the provided "
                "`table_id`.",
                input_schema={
                    "type": "object",
                    "properties": {
                        "table_id": _table_id(
                            "The ID of the table where to delete the row/record from.",
                            deletable,
                        ),
                        "id": {
                            "type": "integer",
                            "description": "The ID of the row that must be deleted.",
                        },
                    },
                    "required": ["table_id", "id"],
                },
            )
        )
    return tools


# --- calls ------------------------------------------------------------------------------


def _integer(args: dict[str, Any], key: str, default: int | None = None) -> int:
    """An integer argument (a JSON number without fraction), or Baserow's validation error."""
    value = args.get(key, default)
    if value is None and key not in args and default is None:
        raise RequestBodyValidation({key: field_error("This field is required.", "required")})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not -INT64 <= value < INT64:
        # beyond 64 bits no table, row or page exists (nor could the answer be encoded)
        raise RequestBodyValidation({key: field_error("A valid integer is required.")})
    return value


def text(value: Any) -> types.CallToolResult:
    # the bytes the REST endpoint would answer (orjson, as api.responses.JSON)
    body = (
        value
        if isinstance(value, str)
        else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    )
    return types.CallToolResult(content=[types.TextContent(text=body)])


def error(exc: GridbaseError) -> types.CallToolResult:
    body = json.dumps({"error": exc.code, "detail": exc.detail})
    return types.CallToolResult(content=[types.TextContent(text=body)], is_error=True)


async def call(
    ctx: Ctx, resolve: Callable[[], Access], name: str, args: dict[str, Any]
) -> types.CallToolResult:
    """Run one tool; a GridbaseError (from the credential, the arguments or the service)
    becomes a tool error. `resolve` authenticates the caller (access.resolve)."""
    try:
        access = await ctx.call(resolve)
        return await _call(ctx, access, name, args)
    except GridbaseError as exc:
        return error(exc)
    except Exception:
        # a bug, as a REST 500 is: logged with its traceback, the agent told no more
        log.exception("unhandled error in MCP tool %s", name)
        body = json.dumps({"error": "ERROR_INTERNAL", "detail": "An unexpected error occurred."})
        return types.CallToolResult(content=[types.TextContent(text=body)], is_error=True)


async def _in_scope(ctx: Ctx, access: Access, table_id: int) -> None:
    if access.endpoint:
        await ctx.call(mcp_access.require_in_workspace, ctx, table_id, access.workspace_id)


async def _call(ctx: Ctx, access: Access, name: str, args: dict[str, Any]) -> types.CallToolResult:
    if name == "list_tables":
        reachable = await ctx.call(
            mcp_access.reachable_tables, ctx, access.actor, access.workspace_id
        )
        return text([render.table(t.table, data_sync=False) for t in reachable])
    if name == "list_table_rows":
        table_id = _integer(args, "table_id")
        await _in_scope(ctx, access, table_id)
        return text(await _list_rows(ctx, access, table_id, args))
    if match := CREATE.match(name):
        table_id = int(match.group(1))
        await _in_scope(ctx, access, table_id)
        row = args.get("row")
        created, model = await ctx.call(
            rows.create_rows, ctx, access.caller, table_id, lambda: [as_object(row)], by_name=True
        )
        return text(rename_keys(model, created, True)[0])
    if match := UPDATE.match(name):
        table_id = int(match.group(1))
        await _in_scope(ctx, access, table_id)
        row_id = _integer(args, "id")
        row = args.get("row")
        updated, model = await ctx.call(
            rows.update_rows,
            ctx,
            access.caller,
            table_id,
            lambda: [dict(as_object(row), id=row_id)],
            by_name=True,
        )
        return text(rename_keys(model, updated, True)[0])
    if name == "delete_table_row":
        table_id = _integer(args, "table_id")
        row_id = _integer(args, "id")
        await _in_scope(ctx, access, table_id)
        await ctx.call(rows.delete_rows, ctx, access.actor, table_id, [row_id], batch=False)
        return text("successfully deleted")
    return types.CallToolResult(
        content=[types.TextContent(text=f"Tool '{name}' not found.")], is_error=True
    )


async def _list_rows(ctx: Ctx, access: Access, table_id: int, args: dict[str, Any]) -> Any:
    """One page, as the REST list answers it with user_field_names=true; `next` and
    `previous` are page numbers (an agent asks for a page, not a URL)."""
    page_number = _integer(args, "page", 1)
    size = _integer(args, "size", 100)
    raw = {"user_field_names": "true", "page": str(page_number), "size": str(size)}
    search = args.get("search")
    if search not in (None, ""):
        raw["search"] = str(search)
    qp = QueryParams(raw)
    listing = params.list_params(qp)

    def parse(model: TableModel) -> RowQuery:
        return params.row_query(ctx, model, qp, listing, True)

    page = await ctx.call(rows.list_rows, ctx, access.caller, table_id, RowQuery(), parse=parse)
    _, size = params.page_and_size(qp, ctx.settings.row_page_size_limit)
    last = max(1, -(-page.count // size))
    return {
        "count": page.count,
        "next": page.page + 1 if page.page < last else None,
        "previous": page.page - 1 if page.page > 1 else None,
        "results": rename_keys(page.model, page.rows, True),
    }
