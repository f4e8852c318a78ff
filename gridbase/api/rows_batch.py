"""Batch row endpoints: up to `batch_rows_size_limit` rows per request, all-or-nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import conditional, idempotent
from gridbase.api.deps import ActorDep, BodyDep, CtxDep, flag
from gridbase.api.params import upsert_refs
from gridbase.api.responses import JSON
from gridbase.api.rows import _send, int_param, rename_keys
from gridbase.core import drf_fields, row_etags, rows, upsert
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import RequestBodyValidation, field_error

router = APIRouter(prefix="/api/database/rows")


def items_of(ctx: Ctx, body: Any, required_code: str = "invalid") -> list[Any]:
    """The `items` list of a batch body, with DRF's errors (an empty body reads as {}; a
    missing list is "required" with the code Baserow's serializer gives it)."""
    if body is None:
        body = {}
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
        raise RequestBodyValidation(
            {"items": field_error("This field is required.", required_code)}
        )
    items = body["items"]
    if items is None:
        raise RequestBodyValidation({"items": field_error("This field may not be null.", "null")})
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


def _id_error(value: Any) -> list[dict[str, str]] | None:
    """DRF's IntegerField error for a row id, None when it is one."""
    if value is None:
        return field_error("This field may not be null.", "null")
    if drf_fields.integer(value) is None:
        return field_error("A valid integer is required.")
    return None


def update_items(ctx: Ctx, body: Any) -> list[dict[str, Any]]:
    """The items of a batch update, each an object with an integer `id`."""
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
        elif (error := _id_error(item["id"])) is not None:
            errors[str(index)] = {"id": error}
    if errors:
        raise RequestBodyValidation({"items": errors})
    return [dict(item, id=drf_fields.integer(item["id"])) for item in items]


def versions_of(body: Any) -> row_etags.Versions | None:
    """The batch extension `"if_match": {"<row id>": "<ETag>", ...}` beside `items` (None
    when absent): each named row must still have that version, or the whole batch is 412."""
    if not isinstance(body, dict) or "if_match" not in body:
        return None
    given = body["if_match"]
    if not isinstance(given, dict) or not all(
        isinstance(k, str) and k.isdigit() and isinstance(v, str) for k, v in given.items()
    ):
        raise RequestBodyValidation(
            {
                "if_match": field_error(
                    'Expected an object mapping row ids to ETags, e.g. {"1": "\\"3f...\\""}.'
                )
            }
        )
    versions: dict[int, frozenset[str]] = {}
    for row_id, tag in given.items():
        accepted = conditional.tags(tag, weak=False) or frozenset()
        # a bare ETag without its quotes is read as the quoted one
        versions[int(row_id)] = frozenset(
            t if t == row_etags.ANY or t.startswith('"') else f'"{t}"' for t in accepted
        )
    return versions


@router.post("/table/{table_id:int}/batch/")
async def batch_create(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Any:
    by_name = flag(request, "user_field_names")
    before = int_param(request, "before")
    upsert_on = request.query_params.get("upsert_on")

    def produce(caller: rows.Caller) -> Response:
        if upsert_on is not None:
            return _upsert(ctx, caller, table_id, request, body, upsert_on, by_name, before)
        created, model = rows.create_rows(
            ctx,
            caller,
            table_id,
            lambda: items_of(ctx, body),  # read once the token's grant is checked
            by_name=by_name,
            before_id=before,
            send_events=_send(request),
            batch=True,
        )
        return JSON({"items": rename_keys(model, created, by_name)})

    return await idempotent.respond(request, ctx, actor, produce)


def _upsert(
    ctx: Ctx,
    caller: rows.Caller,
    table_id: int,
    request: Request,
    body: Any,
    upsert_on: str,
    by_name: bool,
    before: int | None,
) -> Response:
    """gridbase's `upsert_on`: Baserow's batch answer plus which rows were created and which
    updated."""
    done = upsert.upsert_rows(
        ctx,
        caller,
        table_id,
        lambda: items_of(ctx, body),
        upsert_on=upsert_refs(upsert_on, by_name),
        by_name=by_name,
        before_id=before,
        send_events=_send(request),
    )
    return JSON(
        {
            "items": rename_keys(done.model, done.rows, by_name),
            "upserted": {"created": done.created, "updated": done.updated},
        }
    )


@router.patch("/table/{table_id:int}/batch/")
async def batch_update(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Any:
    by_name = flag(request, "user_field_names")

    def produce(caller: rows.Caller) -> Response:
        updated, model = rows.update_rows(
            ctx,
            caller,
            table_id,
            lambda: update_items(ctx, body),  # read once the token's grant is checked
            by_name=by_name,
            send_events=_send(request),
            batch=True,
            versions=versions_of(body),
        )
        return JSON({"items": rename_keys(model, updated, by_name)})

    return await idempotent.respond(request, ctx, actor, produce)


@router.post("/table/{table_id:int}/batch-delete/")
async def batch_delete(
    table_id: int, request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep
) -> Response:
    items = items_of(ctx, body, required_code="required")
    errors = {str(i): e for i, item in enumerate(items) if (e := _id_error(item)) is not None}
    if errors:
        raise RequestBodyValidation({"items": errors})
    ids = [int(i) for i in (drf_fields.integer(item) for item in items) if i is not None]

    def produce(caller: rows.Caller) -> Response:
        assert isinstance(caller, Actor)  # an ActorDep endpoint
        rows.delete_rows(
            ctx, caller, table_id, ids, send_events=_send(request), versions=versions_of(body)
        )
        return Response(status_code=204)

    return await idempotent.respond(request, ctx, actor, produce)
