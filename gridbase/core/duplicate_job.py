"""The shell the duplicate_field, duplicate_table and duplicate_application job types share
(Baserow's duplicate jobs behave alike around the copy): one a user at a time, the copy
made in one transaction that a cancelled job rolls back, no housekeeping, and a JSON of
the original (kept when the job starts) and of the copy (null until it is done).
Imports: core (context, jobs, job_types), models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gridbase.core import jobs
from gridbase.core.context import Ctx
from gridbase.core.job_types import JobCancelled, ProgressFn
from gridbase.models import User

MAX_COUNT = 1  # Baserow allows one duplication a user


def start(
    ctx: Ctx,
    user: User,
    job_type: type[DuplicateJobType],
    params: Callable[[sa.Connection], dict[str, Any]],
) -> jobs.Job:
    """A pending duplication with `params(conn)` (which checks the original and describes
    it); ERROR_MAX_JOB_COUNT_EXCEEDED while another one runs, checked first as in Baserow."""
    with ctx.db.write() as conn:
        jobs.check_count(conn, user, job_type.type, MAX_COUNT)
        result = {job_type.result_key: None}
        return jobs.insert(
            ctx, conn, user, job_type.type, params(conn), max_count=MAX_COUNT, result=result
        )


class DuplicateJobType:
    """Subclasses name the type and keys and make the copy (`copy`)."""

    type: str
    original_key: str  # the original's JSON in the job's params
    result_key: str  # the copy's JSON in the job's result
    max_count: int | None = MAX_COUNT
    listed = True
    writes_progress = False  # one transaction

    def copy(
        self, ctx: Ctx, conn: sa.Connection, job: jobs.Job, progress: ProgressFn
    ) -> dict[str, Any]:
        """Make the copy inside the job's transaction; its JSON."""
        raise NotImplementedError

    def run(self, ctx: Ctx, job: jobs.Job, progress: ProgressFn) -> None:
        with ctx.db.write() as conn:
            result = {self.result_key: self.copy(ctx, conn, job, progress)}
            if not jobs.finish(ctx, conn, job.id, result):
                raise JobCancelled()  # rolls the copy back

    def periodic(self, ctx: Ctx) -> None:
        pass

    def json(self, job: jobs.Job) -> dict[str, Any]:
        return {
            self.original_key: job.params.get(self.original_key),
            self.result_key: job.result.get(self.result_key),
        }
