"""Row endpoints: list, get, create, update, move, delete (JWT or database token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import params
from gridbase.api.body import parse_body
from gridbase.api.deps import ActorDep, CallerDep, CtxDep, flag, with_www
from gridbase.api.responses import JSON
from gridbase.api.urls import cursor_url, page_url
from gridbase.core import rows, tokens, view_rows
from gridbase.core.permissions import Actor
from gridbase.errors import (
    CannotIncludeRowMetadata,
    QueryParameterValidation,
    RequestBodyValidation,
    RowDoesNotExist,
    field_error,
)
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery

router = APIRouter(prefix="/api/database/rows")


def rename_keys(
    model: TableModel, items: list[dict[str, Any]], by_name: bool
) -> list[dict[str, Any]]:
    """Rows keyed by field name instead of `field_<id>` when user_field_names is on."""
    if not by_name:
        return items
    names = {f.column_name: f.name for f in model.fields}
    return [{names.get(k, k): v for k, v in row.items()} for row in items]


def int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise QueryParameterValidation(
            {name: field_error("A valid integer is required.")}
        ) from None


@router.get("/table/{table_id:int}/")
async def list_rows(table_id: int, request: Request, ctx: CtxDep, caller: CallerDep) -> Any:
    by_name = flag(request, "user_field_names")
    qp = request.query_params
    page = await with_www(
        ctx.call(
            rows.list_rows,
            ctx,
            caller,
            table_id,
            RowQuery(),
            parse=lambda model: view_rows.with_view(
                ctx,
                model,
                params.row_query(ctx, model, qp, by_name),
                qp.get("view_id"),
                has_order_by=bool(qp.get("order_by")),
            ),
        )
    )
    if "cursor" in qp:  # the keyset extension: page/next/previous follow the cursor
        return JSON(
            {
                "count": page.count,
                "next": cursor_url(request, page.next_cursor)
                if page.next_cursor is not None
                else None,
                "previous": None,
                "next_cursor": page.next_cursor,
                "results": rename_keys(page.model, page.rows, by_name),
            }
        )
    query_page, size = params.page_and_size(qp, ctx.settings.row_page_size_limit)
    last = max(1, -(-page.count // size))
    return JSON(
        {
            "count": page.count,
            "next": page_url(request, query_page + 1) if query_page < last else None,
            "previous": (
                page_url(request, query_page - 1 if query_page > 2 else None)
                if query_page > 1
                else None
            ),
            "results": rename_keys(page.model, page.rows, by_name),
        }
    )


@router.get("/table/{table_id:int}/{row_id:int}/")
async def get_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, caller: CallerDep
) -> Any:
    if not isinstance(caller, Actor) and "metadata" in request.query_params.get(
        "include", ""
    ).split(","):
        # an unknown token answers 401 first
        await with_www(ctx.call(tokens.authenticate, ctx, caller.key))
        raise CannotIncludeRowMetadata()
    row, model = await with_www(ctx.call(rows.get_row, ctx, caller, table_id, row_id))
    return JSON(rename_keys(model, [row], flag(request, "user_field_names"))[0])


def row_body(raw: bytes, content_type: str) -> Any:
    """The request body parsed as {} when empty; called by the service after authentication."""
    body = parse_body(raw, content_type)
    return body if body is not None else {}


def _body(request: Request, raw: bytes) -> Any:
    return row_body(raw, request.headers.get("content-type", ""))


@router.post("/table/{table_id:int}/")
async def create_row(table_id: int, request: Request, ctx: CtxDep, caller: CallerDep) -> Any:
    by_name = flag(request, "user_field_names")
    raw = await request.body()
    created, model = await with_www(
        ctx.call(
            rows.create_rows,
            ctx,
            caller,
            table_id,
            lambda: [_body(request, raw)],
            by_name=by_name,
            before_id=lambda: int_param(request, "before"),
            send_events=_send(request),
        )
    )
    return JSON(rename_keys(model, created, by_name)[0])


def _send(request: Request) -> bool:
    return "send_webhook_events" not in request.query_params or flag(request, "send_webhook_events")


def as_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        kind = "list" if isinstance(body, list) else type(body).__name__
        raise RequestBodyValidation(
            {
                "non_field_errors": field_error(
                    f"Invalid data. Expected types are: dict, but got {kind}."
                )
            }
        )
    return body


@router.patch("/table/{table_id:int}/{row_id:int}/")
async def update_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, caller: CallerDep
) -> Any:
    by_name = flag(request, "user_field_names")
    raw = await request.body()
    updated, model = await with_www(
        ctx.call(
            rows.update_rows,
            ctx,
            caller,
            table_id,
            lambda: [dict(as_object(_body(request, raw)), id=row_id)],
            by_name=by_name,
            send_events=_send(request),
        )
    )
    return JSON(rename_keys(model, updated, by_name)[0])


@router.patch("/table/{table_id:int}/{row_id:int}/move/")
async def move_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, actor: ActorDep
) -> Any:
    moved, model = await ctx.call(
        rows.move_row,
        ctx,
        actor,
        table_id,
        row_id,
        int_param(request, "before_id"),
        send_events=_send(request),
    )
    return JSON(rename_keys(model, [moved], flag(request, "user_field_names"))[0])


@router.delete("/table/{table_id:int}/{row_id:int}/")
async def delete_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, actor: ActorDep
) -> Response:
    try:
        await ctx.call(rows.delete_rows, ctx, actor, table_id, [row_id], send_events=_send(request))
    except RowDoesNotExist:
        raise RowDoesNotExist([str(row_id)]) from None  # type: ignore[list-item]  # Baserow quotes the id from the URL here
    return Response(status_code=204)
