"""Duplicate endpoints (Baserow's .../duplicate/async/): the answer is the pending job,
which /api/jobs/ then shows.
Imports: api (body, deps, jobs), core (duplicate_application, duplicate_field,
duplicate_table).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.jobs import started
from gridbase.core import duplicate_application, duplicate_field, duplicate_table

router = APIRouter()


@router.post("/api/database/fields/{field_id:int}/duplicate/async/", status_code=202)
def duplicate_field_async(
    field_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep
) -> Any:
    v = Validator(body)
    duplicate_data = v.boolean("duplicate_data", default=False)
    v.done()
    job = duplicate_field.start(ctx, user, field_id, duplicate_data is True)
    return started(request, job)


@router.post("/api/database/tables/{table_id:int}/duplicate/async/", status_code=202)
def duplicate_table_async(table_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    job = duplicate_table.start(ctx, user, table_id)
    return started(request, job)


@router.post("/api/applications/{application_id:int}/duplicate/async/", status_code=202)
def duplicate_application_async(
    application_id: int, request: Request, ctx: CtxDep, user: UserDep
) -> Any:
    """Baserow reads no body here: whatever is sent is ignored."""
    job = duplicate_application.start(ctx, user, application_id)
    return started(request, job)
