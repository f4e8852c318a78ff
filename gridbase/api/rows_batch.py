"""Batch row endpoints: up to `batch_rows_size_limit` rows per request, all-or-nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api.deps import ActorDep, BodyDep, CtxDep, flag
from gridbase.api.responses import JSON
from gridbase.api.rows import _send, int_param, rename_keys
from gridbase.core import rows
from gridbase.core.context import Ctx
from gridbase.errors import RequestBodyValidation, field_error

router = APIRouter(prefix="/api/database/rows")


def items_of(ctx: Ctx, body: Any) -> list[Any]:
    if not isinstance(body, dict):
        kind = "list" if isinstance(body, list) else type(body).__name__
        raise RequestBodyValidation(
            {
                "non_field_errors": field_error(
                    f"Invalid data. Expected a dictionary, but got {kind}."
                )
            }
        )
    if "items" not in body:
        raise RequestBodyValidation({"items": field_error("This field is required.")})
    items = body["items"]
    if not isinstance(items, list):
        raise RequestBodyValidation(
            {
                "items": field_error(
                    f'Expected a list of items but got type "{type(items).__name__}".', "not_a_list"
                )
            }
        )
    limit = ctx.settings.batch_rows_size_limit
    if not items:
        raise RequestBodyValidation(
            {"items": field_error("Ensure this field has at least 1 elements.", "min_length")}
        )
    if len(items) > limit:
        raise RequestBodyValidation(
            {
                "items": field_error(
                    f"Ensure this field has no more than {limit} elements.", "max_length"
                )
            }
        )
    return items


def _row_id(item: Any) -> int | None:
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@router.post("/table/{table_id:int}/batch/")
async def batch_create(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Any:
    by_name = flag(request, "user_field_names")
    items = items_of(ctx, body)
    created, model = await ctx.call(
        rows.create_rows,
        ctx,
        actor,
        table_id,
        items,
        by_name=by_name,
        before_id=int_param(request, "before"),
        send_events=_send(request),
        batch=True,
    )
    return JSON({"items": rename_keys(model, created, by_name)})


@router.patch("/table/{table_id:int}/batch/")
async def batch_update(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Any:
    by_name = flag(request, "user_field_names")
    items = items_of(ctx, body)
    errors = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors[str(index)] = {
                "non_field_errors": field_error(
                    f"Invalid data. Expected a dictionary, but got {type(item).__name__}."
                )
            }
        elif "id" not in item:
            errors[str(index)] = {"id": field_error("This field is required.")}
        elif _row_id(item) is None:
            errors[str(index)] = {"id": field_error("A valid integer is required.")}
    if errors:
        raise RequestBodyValidation({"items": errors})
    prepared = [dict(item, id=_row_id(item)) for item in items]
    updated, model = await ctx.call(
        rows.update_rows,
        ctx,
        actor,
        table_id,
        prepared,
        by_name=by_name,
        send_events=_send(request),
        batch=True,
    )
    return JSON({"items": rename_keys(model, updated, by_name)})


@router.post("/table/{table_id:int}/batch-delete/")
async def batch_delete(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Response:
    items = items_of(ctx, body)
    ids = []
    for index, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, (int, str)) or not str(item).isdigit():
            raise RequestBodyValidation(
                {"items": {str(index): field_error("A valid integer is required.")}}
            )
        ids.append(int(item))
    await ctx.call(rows.delete_rows, ctx, actor, table_id, ids, send_events=_send(request))
    return Response(status_code=204)
