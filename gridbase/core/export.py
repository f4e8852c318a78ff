"""Table and view export (Baserow's ExportHandler): a job that streams the rows, a page at a
time in keyset order, through an exporter into the file storage (GRIDBASE_FILES_STORAGE) at
`export_files/<uuid>.<ext>`, Baserow's path, served at /media/export_files/ by whichever
instance is asked.

The rows are streamed to a local temporary file (memory stays flat however many rows),
which is moved into the storage when complete (a rename on local storage, an upload on S3),
and the job is marked finished (with the file name) afterwards, so a finished job always
names a whole stored file. Starting an export cancels the user's unfinished ones (Baserow
does the same). Imports: core (context, jobs, job_types, exporters, order_by, permissions,
row_filters, rows, tables, view_rows, views), errors, models, storage, usertable.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gridbase.core import jobs, row_filters, rows, tables, view_rows, views
from gridbase.core.context import Ctx
from gridbase.core.exporters import Exporters, export_value
from gridbase.core.job_types import JobCancelled, ProgressFn
from gridbase.core.order_by import order_by
from gridbase.core.permissions import Actor
from gridbase.errors import ViewNotInTable, ViewUnsupportedForExportType
from gridbase.models import Field, User
from gridbase.storage import schema as s
from gridbase.storage.files import names
from gridbase.usertable import load
from gridbase.usertable.query import RowQuery, Sort, Where

TYPE = "export"
PAGE_SIZE = 1000
USER_TYPES = ("created_by", "last_modified_by", "multiple_collaborators")
TEMP_DIR = "tmp"


def temp_dir(ctx: Ctx) -> Path:
    """Where exports are written before they are stored: under the data directory, so on
    local storage (data_dir/media) moving one in is a rename, not a copy."""
    return ctx.settings.data_dir / TEMP_DIR


def start(
    ctx: Ctx, user: User, table_id: int, view_id: int | None, options: dict[str, Any]
) -> jobs.Job:
    """A pending export of the table (or of its grid view `view_id`)."""
    with ctx.db.read() as conn:
        tables.load_for(conn, user, table_id)
        if view_id:
            view = views.load_view(conn, view_id)  # ERROR_VIEW_DOES_NOT_EXIST
            tables.load_for(conn, user, view.table_id)
            if view.table_id != table_id:
                raise ViewNotInTable(None)  # Baserow raises it without an id
            if view.type != "grid":
                raise ViewUnsupportedForExportType()
    params = {"table_id": table_id, "view_id": view_id or None, **options}
    _narrowing(ctx, user, table_id, view_id, params)  # checked now: its errors answer here
    with ctx.db.write() as conn:
        j = s.jobs
        conn.execute(
            j.update()
            .where((j.c.user_id == user.id) & (j.c.type == TYPE) & j.c.state.in_(jobs.RUNNING))
            .values(state=jobs.CANCELLED, updated_on=ctx.clock())
        )
        return jobs.insert(ctx, conn, user, TYPE, params, result={"exported_file_name": None})


def _fields(ctx: Ctx, user: User, table_id: int, view_id: int | None) -> list[Field]:
    """The exported fields in order: a view's visible ones in its order, else all."""
    with ctx.db.read() as conn:
        table = tables.load_for(conn, user, table_id)
        model = load.model_for(ctx, conn, table)
        if not view_id:
            return list(model.fields)
        view = views.load_view(conn, view_id)
        options = views.field_options(conn, ctx, view, table)
    shown = [f for f in model.fields if not options[str(f.id)].get("hidden")]
    return sorted(shown, key=lambda f: (options[str(f.id)].get("order", 32767), f.id))


def _narrowing(
    ctx: Ctx, user: User, table_id: int, view_id: int | None, params: dict[str, Any]
) -> tuple[Where | None, tuple[Sort, ...] | None]:
    """The export's own `filters` and `order_by` (None: none given) as a row list reads
    them, limited to the view's visible fields when it has a view (Baserow's
    only_by_field_ids); FilterFieldNotFound, OrderByFieldNotFound and the like."""
    tree, text = params.get("filters"), params.get("order_by")
    if tree is None and text is None:
        return None, None
    with ctx.db.read() as conn:
        model = load.model_for(ctx, conn, tables.load_for(conn, user, table_id))
    seen = tuple(f.id for f in _fields(ctx, user, table_id, view_id)) if view_id else None
    where = row_filters.tree_where(ctx, model, tree, seen) if tree is not None else None
    sorts = order_by(model, ctx.field_types, text, False, seen) if text is not None else None
    return where, sorts


def _people(conn: sa.Connection, workspace_id: int) -> dict[int, tuple[str, str]]:
    """The workspace's users by id: (name, e-mail), what an export writes of a user."""
    u, w = s.users, s.workspace_users
    stmt = (
        sa.select(u.c.id, u.c.first_name, u.c.email)
        .join(w, w.c.user_id == u.c.id)
        .where(w.c.workspace_id == workspace_id)
    )
    return {r.id: (r.first_name, r.email) for r in conn.execute(stmt)}


def write_export(
    ctx: Ctx, user: User, params: dict[str, Any], exporters: Exporters, out: Any,
    progress: ProgressFn,
) -> int:  # fmt: skip
    """Stream the rows `params` asks for into `out`; the number of rows written."""
    table_id, view_id = int(params["table_id"]), params.get("view_id")
    exporter = type(exporters.get(str(params["exporter_type"])))()
    fields = _fields(ctx, user, table_id, view_id)
    wanted = params.get("fields")
    if wanted and view_id:  # Baserow reads `fields` only with a view
        by_id = {f.id: f for f in fields}
        fields = [by_id[i] for i in wanted if i in by_id]
    types = [ctx.field_types.get(f.type) for f in fields]
    with ctx.db.read() as conn:
        table = tables.load_for(conn, user, table_id)
        model = load.model_for(ctx, conn, table)
        named = any(f.type in USER_TYPES for f in fields)
        people = _people(conn, table.workspace_id) if named else {}
    shown = view_rows.view_query(ctx, model, view_id) if view_id else None
    where, sorts = _narrowing(ctx, user, table_id, view_id, params)

    def parse(_model: Any) -> RowQuery:
        query = RowQuery(
            size=PAGE_SIZE,
            fields=tuple(f.id for f in fields),
            cursor=cursor,
            where=where,
            order_by=sorts or (),
        )
        return view_rows.with_view(query, shown, has_order_by=sorts is not None)

    exporter.start(out, [f.name for f in fields], params)
    cursor: str | None = ""
    written = 0
    while cursor is not None:
        page = rows.list_rows(ctx, Actor(user), table_id, RowQuery(), parse=parse)
        exporter.rows(
            [
                (
                    row["id"],
                    [
                        (
                            f.name,
                            export_value(
                                ft, f, row.get(f.column_name), rich=exporter.rich, people=people
                            ),
                        )
                        for f, ft in zip(fields, types, strict=True)
                    ],
                )
                for row in page.rows
            ]
        )
        written += len(page.rows)
        cursor = page.next_cursor
        progress(written / page.count * 100 if page.count else 100.0)
    exporter.end()
    return written


class ExportJobType:
    type = TYPE
    max_count: int | None = None
    listed = False
    writes_progress = True

    def __init__(self, exporters: Exporters) -> None:
        self.exporters = exporters

    def run(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        with ctx.db.read() as conn:
            user = jobs.owner(conn, job)
        exporter = self.exporters.get(str(job.params["exporter_type"]))
        name = f"{uuid.uuid4()}{exporter.extension}"
        folder = temp_dir(ctx)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"export-{name}.part"
        stored = names.export_file_path(name)
        try:
            with open(partial, "wb") as out:
                write_export(ctx, user, job.params, self.exporters, out, progress)
                out.flush()
                os.fsync(out.fileno())
            ctx.ext.files.move_in(stored, partial)  # consumes the temporary file
        finally:
            partial.unlink(missing_ok=True)  # cancelled or failed (stored: gone already)
        with ctx.db.write() as conn:
            finished = jobs.finish(ctx, conn, job.id, {"exported_file_name": name})
        if not finished:
            ctx.ext.files.delete(stored)  # cancelled meanwhile
            raise JobCancelled()

    def json(self, job: jobs.Job) -> dict[str, Any]:
        return {}

    def periodic(self, ctx: Ctx) -> None:
        expire(ctx)


def expire(ctx: Ctx) -> int:
    """Delete the export jobs started longer than GRIDBASE_EXPORT_FILE_EXPIRE_MINUTES ago,
    and their files (Baserow's clean_up_old_jobs); how many."""
    j = s.jobs
    cutoff = ctx.clock() - timedelta(minutes=ctx.settings.export_file_expire_minutes)
    old = (j.c.type == TYPE) & (j.c.created_on < cutoff)
    with ctx.db.write() as conn:
        found = list(conn.execute(sa.select(j.c.id, j.c.result).where(old)))
        if found:
            conn.execute(j.delete().where(j.c.id.in_([r.id for r in found])))
    for row in found:  # after the commit: a file is never gone while its job still shows
        name = (row.result or {}).get("exported_file_name")
        if name:
            ctx.ext.files.delete(names.export_file_path(str(name)))
    return len(found)


def require_table(ctx: Ctx, table_id: int) -> None:
    """ERROR_TABLE_DOES_NOT_EXIST for an unknown table (before membership: Baserow's order)."""
    with ctx.db.read() as conn:
        load.load_table(conn, table_id)
