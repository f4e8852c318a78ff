"""File import endpoints (Baserow's async table creation and import): the rows go to a
file_import job; the answer is the pending job. Imports: api (body, deps,
import_configuration, jobs), core.file_import.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api import import_configuration
from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.jobs import job_json, runner, started
from gridbase.core import file_import

router = APIRouter(prefix="/api/database/tables")


@router.post("/database/{database_id:int}/async/")
def create_table_async(
    database_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep
) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=255)
    data = v.items("data", required=False, default=None, min_length=1)
    first_row_header = v.boolean("first_row_header", default=False)
    v.done()
    job = file_import.start_new_table(ctx, user, database_id, name, data, first_row_header is True)
    if data is None:  # Baserow's example table: made at once (its job runs synchronously)
        run = runner(request)
        return job_json(run, run.run_now(job))
    return started(request, job)


@router.post("/{table_id:int}/import/async/")
def import_async(table_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    data = v.items("data", min_length=1)
    upsert, errors = import_configuration.read(body)
    v.errors.update(errors)
    v.done()
    import_configuration.check_lengths(upsert, data)
    job = file_import.start_into_table(ctx, user, table_id, data, upsert or file_import.NO_UPSERT)
    return started(request, job)
