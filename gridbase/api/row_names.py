"""`GET /api/database/rows/names/?table__<id>=1,2,3`: primary values of rows as text."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api.deps import ActorDep, CtxDep
from gridbase.core import rows
from gridbase.errors import QueryParameterValidation, field_error

router = APIRouter(prefix="/api/database/rows")


def wanted_rows(request: Request) -> dict[int, list[int]]:
    wanted: dict[int, list[int]] = {}
    for key, value in request.query_params.multi_items():
        if not key.startswith("table__"):
            continue
        table = key[len("table__") :]
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not table.isdigit() or not all(p.isdigit() for p in parts):
            raise QueryParameterValidation({key: field_error("A valid integer is required.")})
        wanted.setdefault(int(table), []).extend(int(p) for p in parts)
    return wanted


@router.get("/names/")
def row_names(request: Request, ctx: CtxDep, actor: ActorDep) -> Any:
    return rows.row_names(ctx, actor, wanted_rows(request))
