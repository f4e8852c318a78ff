"""Row history endpoint (JWT only, as Baserow's): a row's change entries, newest first,
paged with limit/offset as DRF's LimitOffsetPagination. Imports: core.row_history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api.deps import CtxDep, UserDep
from gridbase.api.render import iso
from gridbase.api.urls import offset_url
from gridbase.core import row_history

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
