"""Database duplication (Baserow's duplicate_application job): a copy named "<name> 2"
(the first free "<name> <n>" in the workspace), last in the workspace, with every table
(same names and order) copied as core.duplicate_table copies one: fields, rows with their
ids, views. A link between two tables of the database (and a self link) links the copies;
links never leave a database, so nothing outside it changes. Webhooks and database tokens
are not copied (they belong to the original's tables and workspace), and writing the copy
emits no row events: the original's webhooks never hear of it. One transaction: nobody sees
half a database.
Imports: core (context, databases, duplicate_table, jobs, job_types), fields,
models, storage, usertable.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import databases, duplicate_table, jobs
from gridbase.core.context import Ctx
from gridbase.core.job_types import JobCancelled, ProgressFn
from gridbase.fields.names import first_free
from gridbase.models import Database, Table, User
from gridbase.storage import schema as s
from gridbase.usertable import load

TYPE = "duplicate_application"
NAME_LENGTH = 160  # applications.name


def _tables(conn: sa.Connection, database_id: int) -> list[Table]:
    t = s.database_tables
    live = sa.and_(t.c.database_id == database_id, t.c.trashed.is_(False))  # not the trash's
    ids = sa.select(t.c.id).where(live).order_by(t.c.order, t.c.id)
    return [load.load_table(conn, table_id) for table_id in conn.execute(ids).scalars()]


def application_json(conn: sa.Connection, database: Database) -> dict[str, Any]:
    """Baserow's ApplicationSerializer for a database (with its tables), as the job shows it."""
    w = s.workspaces
    workspace = conn.execute(sa.select(w.c.name).where(w.c.id == database.workspace_id)).scalar()
    return {
        "id": database.id,
        "name": database.name,
        "order": database.order,
        "type": database.type,
        "workspace": {
            "id": database.workspace_id,
            "name": workspace,
            "generative_ai_models_enabled": {},
        },
        "created_on": database.created_on.isoformat().replace("+00:00", "Z"),
        "tables": [duplicate_table.table_json(t) for t in _tables(conn, database.id)],
    }


def start(ctx: Ctx, user: User, database_id: int) -> jobs.Job:
    """A pending duplication; ERROR_APPLICATION_DOES_NOT_EXIST, ERROR_USER_NOT_IN_GROUP, or
    ERROR_MAX_JOB_COUNT_EXCEEDED while another one runs (Baserow allows one a user)."""
    with ctx.db.write() as conn:
        jobs.check_count(conn, user, TYPE, 1)  # first, as in Baserow
        database = databases.load_for(conn, user, database_id)
        params = {
            "application_id": database_id,
            "original_application": application_json(conn, database),
        }
        result = {"duplicated_application": None}
        return jobs.insert(ctx, conn, user, TYPE, params, max_count=1, result=result)


def unused_application_name(conn: sa.Connection, workspace_id: int, name: str) -> str:
    a = s.applications
    taken = set(conn.execute(sa.select(a.c.name).where(a.c.workspace_id == workspace_id)).scalars())
    return first_free(taken, [name], max_length=NAME_LENGTH)


def duplicate(ctx: Ctx, conn: sa.Connection, database: Database, progress: ProgressFn) -> Database:
    """The copy of `database`, inside the caller's transaction."""
    a = s.applications
    originals = [
        load.lock_table(conn, t, schema=True)
        for t in sorted(_tables(conn, database.id), key=lambda t: t.id)  # one lock order
    ]
    originals.sort(key=lambda t: (t.order, t.id))
    order = s.next_order(conn, a.c.order, a.c.workspace_id == database.workspace_id)
    inserted = a.insert().values(
        workspace_id=database.workspace_id,
        name=unused_application_name(conn, database.workspace_id, database.name),
        order=order,
        type=database.type,
        created_on=ctx.clock(),
    )
    copy_id = s.new_id(conn.execute(inserted))
    by_table = load.load_fields(conn, [t.id for t in originals])
    pairs: list[duplicate_table.Pair] = [
        (t, duplicate_table.new_table(ctx, conn, copy_id, t.name, t.order), by_table.get(t.id, []))
        for t in originals
    ]
    progress(10.0)
    duplicate_table.copy_tables(ctx, conn, pairs, progress)
    # search documents: links into the copies come from the copies only, so each once
    ctx.ext.search.tables_filled(ctx, conn, [new.id for _, new, _ in pairs])
    return databases.load(conn, copy_id)


class DuplicateApplicationJobType:
    type = TYPE
    max_count: int | None = 1
    listed = True
    writes_progress = False  # one transaction

    def run(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        with ctx.db.write() as conn:
            user = jobs.owner(conn, job)
            database = databases.load_for(conn, user, int(job.params["application_id"]))
            copy = duplicate(ctx, conn, database, progress)
            result = {"duplicated_application": application_json(conn, copy)}
            if not jobs.finish(ctx, conn, job.id, result):
                raise JobCancelled()  # rolls the copy back

    def periodic(self, ctx: Ctx) -> None:
        pass

    def json(self, job: jobs.Job) -> dict[str, Any]:
        return {
            "original_application": job.params.get("original_application"),
            "duplicated_application": job.result.get("duplicated_application"),
        }
