"""`GET /api/database/rows/names/?table__<id>=1,2,3`: primary values of rows as text. Every
parameter must be `table__<id>` with a list of integer row ids (Baserow's messages)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api.deps import ActorDep, CtxDep
from gridbase.core import row_names as names
from gridbase.errors import QueryParameterValidation

router = APIRouter(prefix="/api/database/rows")
PREFIX = "table__"


def parse(key: str, value: str) -> tuple[int, list[int]]:
    """(table id, row ids) of one parameter, with Baserow's errors (read with Python's int(),
    as Baserow does: " 2" and "-1" are integers)."""
    if not key.startswith(PREFIX):
        raise QueryParameterValidation(
            'Only table Id prefixed by "table__" are allowed as parameter.'
        )
    try:
        table_id = int(key[len(PREFIX) :])
    except ValueError:
        raise QueryParameterValidation(f'Failed to parse table id in "{key}".') from None
    try:
        return table_id, [int(part) for part in value.split(",")]
    except ValueError:
        raise QueryParameterValidation(
            f'Failed to parse row ids in "{value}" for "{PREFIX}{table_id}" parameter.'
        ) from None


@router.get("/names/")
def row_names(request: Request, ctx: CtxDep, actor: ActorDep) -> Any:
    qp = request.query_params
    # each name once, with its last value (Django's QueryDict.items())
    params = [(key, qp[key]) for key in dict.fromkeys(qp.keys())]
    return names.row_names(ctx, actor, params, parse)
