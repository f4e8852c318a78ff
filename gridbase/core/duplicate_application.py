"""Database duplication (Baserow's duplicate_application job): a copy named "<name> 2"
(the first free "<name> <n>" in the workspace), last in the workspace, with every table
(same names and order) copied as core.duplicate_table copies one: fields, rows with their
ids, views. A link between two tables of the database (and a self link) links the copies;
links never leave a database, so nothing outside it changes. Webhooks and database tokens
are not copied (they belong to the original's tables and workspace), and writing the copy
emits no row events: the original's webhooks never hear of it. One transaction: nobody sees
half a database.
Imports: core (context, databases, duplicate_job, duplicate_table, jobs, job_types),
fields, models, storage, usertable.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import databases, duplicate_job, duplicate_table, jobs
from gridbase.core.context import Ctx
from gridbase.core.job_types import ProgressFn
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

    def params(conn: sa.Connection) -> dict[str, Any]:
        database = databases.load_for(conn, user, database_id)
        return {
            "application_id": database_id,
            "original_application": application_json(conn, database),
        }

    return duplicate_job.start(ctx, user, DuplicateApplicationJobType, params)


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


class DuplicateApplicationJobType(duplicate_job.DuplicateJobType):
    type = TYPE
    original_key = "original_application"
    result_key = "duplicated_application"

    def copy(
        self, ctx: Ctx, conn: sa.Connection, job: jobs.Job, progress: ProgressFn
    ) -> dict[str, Any]:
        user = jobs.owner(conn, job)
        database = databases.load_for(conn, user, int(job.params["application_id"]))
        return application_json(conn, duplicate(ctx, conn, database, progress))
