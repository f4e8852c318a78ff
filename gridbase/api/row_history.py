"""A row's history and its adjacent rows (JWT only, as Baserow's): the change entries,
newest first, paged with limit/offset as DRF's LimitOffsetPagination; the next or previous
row in a view's order. Imports: core.row_history, core.rows_adjacent, errors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import params
from gridbase.api.body import Validator
from gridbase.api.deps import CtxDep, UserDep, flag
from gridbase.api.render import iso
from gridbase.api.rows import rename_keys
from gridbase.api.urls import offset_url
from gridbase.core import row_history, rows_adjacent
from gridbase.errors import QueryParameterValidation

router = APIRouter(prefix="/api/database/rows")


def positive(value: str | None, default: int, *, strict: bool) -> int:
    """DRF's _positive_int: a non-negative integer (positive with `strict`), else `default`."""
    try:
        number = int(value) if value is not None else -1
    except ValueError:
        return default
    return number if number > 0 or (number == 0 and not strict) else default


@router.get("/table/{table_id:int}/{row_id:int}/history/")
def row_history_list(
    table_id: int, row_id: int, request: Request, ctx: CtxDep, user: UserDep
) -> Any:
    qp = request.query_params
    most = ctx.settings.row_page_size_limit
    limit = min(positive(qp.get("limit"), most, strict=True), most)
    offset = positive(qp.get("offset"), 0, strict=False)
    page = row_history.read_history(ctx, user, table_id, row_id, limit, offset)
    return {
        "count": page.count,
        "next": offset_url(request, offset + limit, limit) if offset + limit < page.count else None,
        "previous": offset_url(request, max(0, offset - limit), limit) if offset > 0 else None,
        "results": [dict(e, timestamp=iso(e["timestamp"])) for e in page.entries],
    }


@router.get("/table/{table_id:int}/{row_id:int}/adjacent/")
def adjacent_row(table_id: int, row_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    v = Validator(dict(request.query_params), error=QueryParameterValidation)
    previous = v.boolean("previous", default=False)
    view_id = v.integer("view_id", required=False, default=None)
    search = v.string("search", required=False, allow_blank=True, default=None)
    mode = v.choice("search_mode", params.SEARCH_MODES, required=False, default="")
    v.done()
    row, model = rows_adjacent.adjacent_row(
        ctx,
        user,
        table_id,
        row_id,
        previous=previous is True,
        view_id=view_id,
        search=search,
        search_mode=mode,
    )
    if row is None:
        return Response(status_code=204)  # no row past either end: not an error
    return rename_keys(model, [row], flag(request, "user_field_names"))[0]
