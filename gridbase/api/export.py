"""Export endpoints (Baserow's /api/database/export/): start a table or view export, read
an export job, and serve the exported files at /media/export_files/<name>.
Imports: api (body, deps, jobs, media), core (export, exporters, tables), errors, storage.files.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.jobs import export_json, runner
from gridbase.api.media import stored_response
from gridbase.core import export, filter_params, jobs
from gridbase.core.exporters import CHARSETS, SEPARATORS
from gridbase.errors import ExportJobDoesNotExist, JobDoesNotExist, UrlNotFound
from gridbase.storage.files import names

router = APIRouter()
EXPORT_FILE = re.compile(r"^[0-9a-f\-]{36}\.[a-z]{3,4}$")


def options(body: Any, exporter_types: list[str]) -> tuple[int | None, dict[str, Any]]:
    """(view id, exporter options) as Baserow's option serializers read them: the exporter
    type alone first, then the options of that type."""
    v = Validator(body)
    exporter_type = v.choice("exporter_type", tuple(exporter_types))
    v.done()
    view_id = v.integer("view_id", required=False, default=None, allow_null=True)
    if isinstance(view_id, int) and view_id < 0:
        v.fail("view_id", "Ensure this value is greater than or equal to 0.", "min_value")
    opts: dict[str, Any] = {"exporter_type": exporter_type}
    opts["export_charset"] = v.choice(
        "export_charset", tuple(CHARSETS), required=False, default="utf-8"
    )
    if body.get("filters") is not None:  # PublicViewFiltersSerializer, by field id
        tree, errors = filter_params.check(body["filters"], by_name=False)
        if errors:
            v.errors["filters"] = errors
        else:
            opts["filters"] = tree
    order_by = v.string("order_by", required=False, default=None, allow_blank=True, allow_null=True)
    if isinstance(order_by, str):
        opts["order_by"] = order_by
    if body.get("fields") is not None:
        opts["fields"] = v.int_list("fields")
    v.done()  # the options every exporter takes are checked before the exporter's own
    if exporter_type == "csv":
        opts["csv_column_separator"] = v.choice(
            "csv_column_separator", tuple(SEPARATORS), required=False, default=","
        )
        opts["csv_include_header"] = v.boolean("csv_include_header", default=True)
    v.done()
    return (view_id if view_id is not MISSING else None), opts


@router.post("/api/database/export/table/{table_id:int}/")
def export_table(table_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    run = runner(request)
    export.require_table(ctx, table_id)  # a missing table answers before its options
    exporter_types = request.app.state.exporters.names()
    view_id, opts = options(body, exporter_types)
    job = export.start(ctx, user, table_id, view_id, opts)
    run.wake()
    return export_json(run, job)


@router.get("/api/database/export/{job_id:int}/")
def get_export(job_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    run = runner(request)
    try:
        job = jobs.get(ctx, user, job_id, [export.TYPE])
    except JobDoesNotExist:
        raise ExportJobDoesNotExist() from None
    return export_json(run, job)


@router.get("/media/export_files/{name}")
def export_file(name: str, request: Request, ctx: CtxDep) -> Response:
    """An export file from the file storage, whichever instance wrote it."""
    stored = ctx.ext.files.open(names.export_file_path(name)) if EXPORT_FILE.match(name) else None
    if stored is None:
        raise UrlNotFound(f"URL {request.url.path} not found.")
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    return stored_response(stored, "application/octet-stream", headers)
