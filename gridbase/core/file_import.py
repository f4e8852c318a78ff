"""File import (Baserow's file_import job): rows given as lists of cells become a new table
(`database_id`, `name`, `first_row_header`) or new rows of an existing table (`table_id`),
with Baserow's report of the rows that failed and why.

All of an import is one write transaction, and the job is marked finished in it: a crash
or a cancel rolls it all back, so an import is never half visible (a staging area would
let other writers in meanwhile, but needs a second copy of every row; on SQLite the
writer is single anyway). Rows come in parts (`chunks`), so a file read by the CLI is
never all in memory.
Imports: core (context, databases, import_upsert, jobs, job_types, row_values, rows,
tables), errors,
fields.base, models, usertable.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

import sqlalchemy as sa

from gridbase.core import databases, import_upsert, jobs, rows, tables
from gridbase.core.context import Ctx
from gridbase.core.import_upsert import Upsert
from gridbase.core.job_types import JobCancelled, JobFailed, ProgressFn
from gridbase.core.row_values import RowValues, validate_row, value_context
from gridbase.errors import RequestBodyValidation
from gridbase.fields.base import FieldValueError
from gridbase.models import Field, Table, User
from gridbase.usertable import load

TYPE = "file_import"
BATCH_SIZE = 1024  # Baserow's
TOO_MANY = "Too many values in this line."
# Baserow's BASEROW_MAX_ROW_REPORT_ERROR_COUNT: more failing rows fail the whole import
MAX_REPORT_ERRORS = 30
TOO_MANY_ERRORS = "This file import has raised too many errors."
SOMETHING_WRONG = f"Something went wrong during the {TYPE} job execution."
NO_UPSERT = Upsert()


def start_new_table(
    ctx: Ctx, user: User, database_id: int, name: str, data: list[Any] | None,
    first_row_header: bool,
) -> jobs.Job:  # fmt: skip
    """A pending import into a new table; `data` None: Baserow's example table. Rows are
    checked when the job runs: one that is no list, text or object fails it, as Baserow's
    job fails (the synchronous endpoint refuses it at once)."""
    with ctx.db.write() as conn:
        databases.load_for(conn, user, database_id)
        params = {"database_id": database_id, "name": name, "table_id": None,
                  "first_row_header": first_row_header}  # fmt: skip
        return jobs.insert(ctx, conn, user, TYPE, params, max_count=1, result=_result(None),
                           payload={"data": data})  # fmt: skip


def start_into_table(
    ctx: Ctx, user: User, table_id: int, data: list[Any], upsert: Upsert = NO_UPSERT
) -> jobs.Job:
    """A pending import into a table; `upsert` is checked against the table when it runs,
    as Baserow's job does."""
    with ctx.db.write() as conn:
        tables.load_for(conn, user, table_id)
        params = {"database_id": None, "name": "", "table_id": table_id,
                  "first_row_header": False}  # fmt: skip
        payload = {"data": data, "configuration": upsert.params()}
        return jobs.insert(ctx, conn, user, TYPE, params, max_count=1, result=_result(None),
                           payload=payload)  # fmt: skip


def start_file(
    ctx: Ctx,
    user: User,
    path: str,
    *,
    database_id: int | None,
    table_id: int | None,
    name: str,
    first_row_header: bool,
    delimiter: str = ",",
    runner: str,
) -> jobs.Job:
    """An import of a CSV file on this machine (`gridbase import`), started by `runner`:
    into the table `table_id`, or a new table `name` in the database `database_id`."""
    with ctx.db.write() as conn:
        if table_id is not None:
            tables.load_for(conn, user, table_id)
        else:
            assert database_id is not None, "a database or a table"
            databases.load_for(conn, user, database_id)
        params = {"database_id": database_id, "name": name, "table_id": table_id,
                  "first_row_header": first_row_header, "data": None, "file": path,
                  "delimiter": delimiter}  # fmt: skip
        return jobs.insert(ctx, conn, user, TYPE, params, result=_result(None), runner=runner)


def _result(table_id: int | None, failing: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"table_id": table_id, "report": {"failing_rows": failing or {}}}


def _error_text(leaf: Any) -> str:
    """One error as Baserow's report shows it: the Python text of {'code', 'error'}."""
    if isinstance(leaf, dict) and "error" in leaf:
        return str({"code": leaf.get("code"), "error": leaf.get("error")})
    return str(leaf)


def _report_entry(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {"non_field_errors": [_error_text(detail)]}
    return {
        key: [_error_text(e) for e in value] if isinstance(value, list) else [str(value)]
        for key, value in detail.items()
    }


def _field_errors(ctx: Ctx, fields: list[Field], raw: dict[str, Any], vc: Any) -> dict[str, Any]:
    """Each field's own error, for a row whose write was refused as a whole (a select
    option that does not exist): Baserow's report names the field."""
    errors: dict[str, Any] = {}
    for field in fields:
        value = raw[f"field_{field.id}"]
        try:
            ctx.field_types.get(field.type).validate(field, value, vc)
        except (RequestBodyValidation, FieldValueError) as exc:
            message = exc.detail if isinstance(exc.detail, str) else str(exc)
            code = "invalid"
            if "option" in message:  # an import words a missing option as Baserow's does
                message, code = (
                    f"The provided value {value} is not a valid option.",
                    "invalid_option",
                )
            errors[f"field_{field.id}"] = [{"error": message, "code": code}]
    return errors


def into_table(
    ctx: Ctx,
    conn: sa.Connection,
    user: User,
    table: Table,
    chunks: Iterable[list[list[Any]]],
    progress: ProgressFn,
    total: int,
    upsert: Upsert = NO_UPSERT,
) -> dict[str, Any]:
    """Validate and insert the rows of `chunks` into `table` (each cell to the writable
    field at its position, in field order); the failing rows by index, as Baserow reports
    them. Rows that fail are left out. With an `upsert` configuration, a row whose upsert
    values match a row of the table updates it instead (import_upsert)."""
    model = load.model_for(ctx, conn, table)
    writable = sorted(
        (f for f in model.fields if not ctx.field_types.get(f.type).read_only),
        key=lambda f: (f.order, f.id),
    )
    failing: dict[str, Any] = {}
    vc = value_context(ctx, conn)
    upserts = import_upsert.plan(ctx, model, upsert)
    keys = import_upsert.imported_keys(ctx, vc, upserts.fields, upsert)
    targets = import_upsert.matches(ctx, conn, model, upserts.fields, keys)
    index = done = 0

    def fails(error: dict[str, Any]) -> None:
        # Baserow's RowErrorReport: the error past the limit fails the import, reporting
        # the ones before it
        if len(failing) >= MAX_REPORT_ERRORS:
            raise JobFailed(TOO_MANY_ERRORS, _result(table.id, failing))
        failing[str(index)] = error

    for chunk in chunks:
        good: list[RowValues] = []
        updates: list[tuple[int, RowValues]] = []
        for row in chunk:
            if len(row) > len(writable):
                fails({"non_field_errors": [TOO_MANY]})
            else:
                raw = {f"field_{f.id}": v for f, v in zip(writable, row, strict=False)}
                raw.update({f"field_{f.id}": None for f in writable[len(row) :]})
                try:
                    values = validate_row(ctx, conn, model, raw, False, creating=True, vc=vc)
                    target = targets.get(index)
                    if target is None:
                        good.append(values)
                    else:
                        updates.append((target, upserts.kept(values)))
                except RequestBodyValidation as exc:
                    detail = exc.detail
                    if not isinstance(detail, dict):  # a type that refuses the whole write
                        detail = _field_errors(ctx, writable, raw, vc)
                    fails(_report_entry(detail))
            index += 1
        if good:
            rows.insert_rows(ctx, conn, table, [], by_name=False, user_id=user.id, values=good)
        if updates:
            rows.update_prepared(ctx, conn, model, user.id, updates)
        done += len(chunk)
        progress(done / total * 100 if total else 100.0)
    return failing


def new_table(
    ctx: Ctx,
    conn: sa.Connection,
    user: User,
    database_id: int,
    name: str,
    chunks: Iterable[list[list[Any]]],
    first_row_header: bool,
    progress: ProgressFn,
    total: int,
    width: int = 0,
) -> Table:
    """A new table of text fields named by the first row (or "Field n"), holding the rows
    of `chunks`; the first chunk names the fields, so `width` (the widest row) is needed
    when the rows come in parts."""
    parts = iter(chunks)
    first = next(parts, [])
    databases.load_for(conn, user, database_id)
    table = tables.insert_table(ctx, conn, user, database_id, name, first, first_row_header, width)
    done = len(first)
    progress(done / total * 100 if total else 100.0)
    model = load.model_for(ctx, conn, table)
    columns = [f.column_name for f in sorted(model.fields, key=lambda f: (f.order, f.id))]
    for chunk in parts:
        items = [{c: str(v) for c, v in zip(columns, row, strict=False)} for row in chunk]
        rows.insert_rows(ctx, conn, table, items, by_name=False, user_id=user.id, validate=False)
        done += len(chunk)
        progress(done / total * 100 if total else 100.0)
    return table


def _cells(row: Any) -> list[Any]:
    """A row's cells as Baserow iterates it: a list, a text (its characters) or an object
    (its keys); anything else fails the job (Baserow: "Something went wrong")."""
    if isinstance(row, (list, str, dict)):
        return list(row)
    raise JobFailed(SOMETHING_WRONG)


def _reader(f: IO[str], delimiter: str) -> Iterator[list[str]]:
    return csv.reader(f, delimiter=delimiter)


def csv_shape(path: str, delimiter: str = ",") -> tuple[int, int]:
    """(rows, widest row) of a CSV file, read once without keeping it."""
    total = width = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in _reader(f, delimiter):
            total += 1
            width = max(width, len(row))
    return total, width


def csv_batches(
    path: str, delimiter: str = ",", size: int = BATCH_SIZE, skip_header: bool = False
) -> Iterator[list[list[Any]]]:
    """The rows of a CSV file (UTF-8, with or without a BOM), `size` at a time."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = _reader(f, delimiter)
        if skip_header:
            next(reader, None)
        batch: list[list[Any]] = []
        for row in reader:
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


def batches(data: list[list[Any]], size: int = BATCH_SIZE) -> Iterator[list[list[Any]]]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class FileImportJobType:
    type = TYPE
    max_count: int | None = 1
    listed = True
    writes_progress = False  # one transaction: progress is kept in memory

    def run(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        p = job.params
        if p.get("file"):  # `gridbase import`: a CSV file read in parts
            self.run_file(ctx, job, progress)
            return
        with ctx.db.read() as conn:
            # (a job made before jobs.payload holds its rows in its params)
            given_all = jobs.payload(conn, job.id) or p
        given = given_all.get("data")
        data = [_cells(row) for row in given or []]
        with ctx.db.write() as conn:
            user = jobs.owner(conn, job)
            if p.get("table_id") is None and given is None:
                databases.load_for(conn, user, int(p["database_id"]))
                table = tables.insert_table(
                    ctx, conn, user, int(p["database_id"]), str(p["name"]), None, False
                )
                result = _result(table.id)
            elif p.get("table_id") is None:
                table = new_table(ctx, conn, user, int(p["database_id"]), str(p["name"]),
                                  batches(data), bool(p.get("first_row_header")), progress,
                                  len(data))  # fmt: skip
                result = _result(table.id)
            else:
                table = tables.load_for(conn, user, int(p["table_id"]))
                upsert = Upsert.from_params(given_all.get("configuration"))
                failing = into_table(ctx, conn, user, table, batches(data), progress, len(data),
                                     upsert)  # fmt: skip
                result = _result(table.id, failing)
            done = {**p, "data": None, "configuration": None} if "data" in p else None
            if not jobs.finish(ctx, conn, job.id, result, params=done):
                raise JobCancelled()  # rolls the whole import back

    def run_file(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        p = job.params
        path, delimiter = str(p["file"]), str(p.get("delimiter") or ",")
        total, width = csv_shape(path, delimiter)
        header = bool(p.get("first_row_header"))
        with ctx.db.write() as conn:
            user = jobs.owner(conn, job)
            if p.get("table_id") is None:
                table = new_table(ctx, conn, user, int(p["database_id"]), str(p["name"]),
                                  csv_batches(path, delimiter), header, progress, total,
                                  width)  # fmt: skip
                result = _result(table.id)
            else:
                table = tables.load_for(conn, user, int(p["table_id"]))
                chunks = csv_batches(path, delimiter, skip_header=header)
                failing = into_table(ctx, conn, user, table, chunks, progress, total)
                result = _result(table.id, failing)
            if not jobs.finish(ctx, conn, job.id, result):
                raise JobCancelled()

    def periodic(self, ctx: Ctx) -> None:
        pass

    def json(self, job: jobs.Job) -> dict[str, Any]:
        p, r = job.params, job.result
        return {
            "database_id": p.get("database_id"),
            "name": p.get("name") or "",
            "table_id": r.get("table_id") if r.get("table_id") is not None else p.get("table_id"),
            "first_row_header": bool(p.get("first_row_header")),
            "report": r.get("report") or {"failing_rows": {}},
        }
