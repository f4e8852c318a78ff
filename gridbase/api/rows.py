"""Row endpoints: list, get, create, update, move, delete (JWT or database token)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request, Response

from gridbase.api import conditional, idempotent, params
from gridbase.api.body import MISSING, NO_DATA, NULL_PARTIAL, Validator, parse_body
from gridbase.api.deps import ActorDep, CallerDep, CtxDep, flag, with_www
from gridbase.api.responses import JSON
from gridbase.api.urls import cursor_url, page_url
from gridbase.core import row_etags, row_joins, rows, tokens, view_rows
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import (
    GridbaseError,
    QueryParameterValidation,
    RequestBodyValidation,
    RowDoesNotExist,
    field_error,
)
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery

router = APIRouter(prefix="/api/database/rows")
T = TypeVar("T")


def rename_keys(
    model: TableModel, items: list[dict[str, Any]], by_name: bool
) -> list[dict[str, Any]]:
    """Rows keyed by field name instead of `field_<id>` when user_field_names is on."""
    if not by_name:
        return items
    names = {f.column_name: f.name for f in model.fields}
    return [{names.get(k, k): v for k, v in row.items()} for row in items]


def int_param(request: Request, name: str) -> int | None:
    """An optional integer query parameter, read as DRF's IntegerField reads it ("" is not
    an integer); 0 is None, as Baserow's `if before_id:` reads it."""
    v = Validator(dict(request.query_params), error=QueryParameterValidation)
    value = v.integer(name, required=False, default=MISSING)
    v.done()
    return None if value is MISSING or value == 0 else int(value)


async def checked(ctx: Ctx, caller: Any, check: Callable[[], T]) -> T:
    """A query parameter check Baserow makes right after authentication: when it fails, a
    database token key is authenticated first (a bad key answers 401, not 400)."""
    try:
        return check()
    except GridbaseError:
        if isinstance(caller, tokens.TokenKey):
            await with_www(ctx.call(tokens.authenticate, ctx, caller.key))
        raise


@router.get("/table/{table_id:int}/")
async def list_rows(table_id: int, request: Request, ctx: CtxDep, caller: CallerDep) -> Any:
    by_name = flag(request, "user_field_names")
    qp = request.query_params
    listing = await checked(ctx, caller, lambda: params.list_params(qp))
    joins: list[row_joins.Join] = []

    def parse(model: TableModel) -> RowQuery:
        """In Baserow's order: joins, the view, filters, order_by, the page size."""
        requested = params.requested_fields(model, listing, by_name)
        seen = requested if requested is not None else model.fields
        links = [f for f in seen if ctx.field_types.get(f.type).links_to(f) is not None]
        joins.extend(row_joins.parse(ctx, qp.multi_items(), links, by_name))
        view = view_rows.view_query(ctx, model, listing.view_id)
        query = params.row_query(ctx, model, qp, listing, by_name, whole_table=view is not None)
        query = view_rows.with_view(query, view, has_order_by=bool(listing.order_by))
        # rows that joins add to need dicts; otherwise they may come as JSON text
        return query if joins else dataclasses.replace(query, json_keys=by_name)

    page = await with_www(ctx.call(rows.list_rows, ctx, caller, table_id, RowQuery(), parse=parse))
    if joins:
        await ctx.call(row_joins.attach, ctx, joins, page.rows)
    results: Any = (
        orjson.Fragment(page.json)
        if page.json is not None
        else rename_keys(page.model, page.rows, by_name)
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
                "results": results,
            }
        )
    _, size = params.page_and_size(qp, ctx.settings.row_page_size_limit)
    number = page.page
    last = max(1, -(-page.count // size))
    return JSON(
        {
            "count": page.count,
            "next": page_url(request, number + 1) if number < last else None,
            "previous": (page_url(request, number - 1 if number > 2 else None))
            if number > 1
            else None,
            "results": results,
        }
    )


@router.get("/table/{table_id:int}/{row_id:int}/")
async def get_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, caller: CallerDep
) -> Any:
    includes = (request.query_params.get("include") or "").split(",")
    metadata = "metadata" in includes
    row, model = await with_www(
        ctx.call(rows.get_row, ctx, caller, table_id, row_id, metadata=metadata)
    )
    tag = row_etags.etag(row)
    seen = conditional.if_none_match(request)
    if seen is not None and (tag in seen or row_etags.ANY in seen):
        return Response(status_code=304, headers={"ETag": tag})
    body = rename_keys(model, [row], flag(request, "user_field_names"))[0]
    if metadata:
        body["metadata"] = {}  # row comment settings and the like: premium in Baserow
    return JSON(body, headers={"ETag": tag})


def one_row(model: TableModel, row: dict[str, Any], request: Request) -> JSON:
    """A written row's answer, with the ETag its next If-Match names."""
    body = rename_keys(model, [row], flag(request, "user_field_names"))[0]
    return JSON(body, headers={"ETag": row_etags.etag(row)})


def row_body(raw: bytes, content_type: str, null_error: list[Any] = NO_DATA) -> Any:
    """The request body parsed as {} when empty; called by the service after authentication."""
    body = parse_body(raw, content_type, null_error)
    return body if body is not None else {}


def _body(request: Request, raw: bytes, null_error: list[Any] = NO_DATA) -> Any:
    return row_body(raw, request.headers.get("content-type", ""), null_error)


@router.post("/table/{table_id:int}/")
async def create_row(table_id: int, request: Request, ctx: CtxDep, caller: CallerDep) -> Any:
    by_name = flag(request, "user_field_names")
    before = await checked(ctx, caller, lambda: int_param(request, "before"))
    raw = await request.body()

    def produce(caller: rows.Caller) -> Response:
        created, model = rows.create_rows(
            ctx,
            caller,
            table_id,
            lambda: [_body(request, raw)],
            by_name=by_name,
            before_id=before,
            send_events=_send(request),
        )
        return one_row(model, created[0], request)

    return await idempotent.respond(request, ctx, caller, produce)


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

    def produce(caller: rows.Caller) -> Response:
        updated, model = rows.update_rows(
            ctx,
            caller,
            table_id,
            lambda: [dict(as_object(_body(request, raw, NULL_PARTIAL)), id=row_id)],
            by_name=by_name,
            send_events=_send(request),
            versions=conditional.if_match(request, row_id),
        )
        return one_row(model, updated[0], request)

    return await idempotent.respond(request, ctx, caller, produce)


@router.patch("/table/{table_id:int}/{row_id:int}/move/")
async def move_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, actor: ActorDep
) -> Any:
    before = int_param(request, "before_id")

    def produce(caller: rows.Caller) -> Response:
        assert isinstance(caller, Actor)  # an ActorDep endpoint
        moved, model = rows.move_row(
            ctx,
            caller,
            table_id,
            row_id,
            before,
            send_events=_send(request),
            versions=conditional.if_match(request, row_id),
        )
        return one_row(model, moved, request)

    return await idempotent.respond(request, ctx, actor, produce)


@router.delete("/table/{table_id:int}/{row_id:int}/")
async def delete_row(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, actor: ActorDep
) -> Response:
    def produce(caller: rows.Caller) -> Response:
        assert isinstance(caller, Actor)  # an ActorDep endpoint
        try:
            rows.delete_rows(
                ctx,
                caller,
                table_id,
                [row_id],
                send_events=_send(request),
                batch=False,
                versions=conditional.if_match(request, row_id),
            )
        except RowDoesNotExist:
            raise RowDoesNotExist([str(row_id)]) from None  # Baserow quotes the URL's id
        return Response(status_code=204)

    return await idempotent.respond(request, ctx, actor, produce)
