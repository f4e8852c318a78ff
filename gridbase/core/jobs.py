"""Background jobs (Baserow's core/jobs): create, list, get, cancel, and what a runner does
with one — claim, report progress, finish, fail, and fail the jobs of runners that died.

A job is a row of `jobs`: its state (pending -> started -> finished | failed | cancelled)
and progress live in the metadata database, so every instance sees the same and a job
outlives the process that runs it. Claiming is one UPDATE ... WHERE state = 'pending':
whoever's UPDATE changes the row runs it, on SQLite and PostgreSQL alike.
Imports: core.context, errors, models, storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gridbase.core import users
from gridbase.core.context import Ctx
from gridbase.errors import JobDoesNotExist, JobNotCancellable, MaxJobCountExceeded
from gridbase.models import User
from gridbase.storage import schema as s

PENDING, STARTED, FINISHED, FAILED, CANCELLED = (
    "pending",
    "started",
    "finished",
    "failed",
    "cancelled",
)
RUNNING = (PENDING, STARTED)
ENDED = (FINISHED, FAILED, CANCELLED)
# Baserow's ListJobQuerySerializer: `started` cannot be asked for
LISTABLE_STATES = (PENDING, FINISHED, FAILED, CANCELLED)
INTERRUPTED = "The job was interrupted: the server running it stopped before it ended."


@dataclass(frozen=True)
class Job:
    id: int
    user_id: int
    type: str
    state: str
    progress_percentage: float
    human_readable_error: str
    params: dict[str, Any]
    result: dict[str, Any]
    created_on: datetime
    updated_on: datetime


def _job(row: Any) -> Job:
    return Job(
        row.id,
        row.user_id,
        row.type,
        row.state,
        float(row.progress_percentage),
        row.human_readable_error or "",
        dict(row.params or {}),
        dict(row.result or {}),
        row.created_on,
        row.updated_on,
    )


def _select() -> sa.Select[Any]:
    j = s.jobs
    return sa.select(
        j.c.id,
        j.c.user_id,
        j.c.type,
        j.c.state,
        j.c.progress_percentage,
        j.c.human_readable_error,
        j.c.params,
        j.c.result,
        j.c.created_on,
        j.c.updated_on,
    )


def check_count(conn: sa.Connection, user: User, job_type: str, max_count: int) -> None:
    """ERROR_MAX_JOB_COUNT_EXCEEDED when the user already has `max_count` jobs of this type
    pending or running. Baserow checks it before it looks at the job's values (a missing
    table while a job runs is this error, not a 404)."""
    j = s.jobs
    running = s.count_rows(
        conn, j, (j.c.user_id == user.id) & (j.c.type == job_type) & j.c.state.in_(RUNNING)
    )
    if running >= max_count:
        raise MaxJobCountExceeded()


def insert(
    ctx: Ctx,
    conn: sa.Connection,
    user: User,
    job_type: str,
    params: dict[str, Any],
    *,
    max_count: int | None = None,
    result: dict[str, Any] | None = None,
    runner: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Job:
    """A new pending job; ERROR_MAX_JOB_COUNT_EXCEEDED when the user already has
    `max_count` jobs of this type pending or running (Baserow's JobType.max_count).
    `runner`: started by that runner at once (no other runner may claim it). `payload`:
    what it works on that no answer shows (an import's rows), read with `payload`."""
    j = s.jobs
    if max_count is not None:
        check_count(conn, user, job_type, max_count)
    now = ctx.clock()
    job_id = s.new_id(
        conn.execute(
            j.insert().values(
                user_id=user.id,
                type=job_type,
                state=PENDING if runner is None else STARTED,
                runner=runner,
                progress_percentage=0.0,
                human_readable_error="",
                params=params,
                result=result or {},
                payload=payload,
                created_on=now,
                updated_on=now,
            )
        )
    )
    return load(conn, job_id)


def load(conn: sa.Connection, job_id: int) -> Job:
    row = conn.execute(_select().where(s.jobs.c.id == job_id)).first()
    if row is None:
        raise JobDoesNotExist()
    return _job(row)


def payload(conn: sa.Connection, job_id: int) -> dict[str, Any]:
    """What the job was given to work on (empty once it ended)."""
    stmt = sa.select(s.jobs.c.payload).where(s.jobs.c.id == job_id)
    return dict(conn.execute(stmt).scalar() or {})


def get(ctx: Ctx, user: User, job_id: int, types: Iterable[str]) -> Job:
    """The user's job `job_id` if it is one of `types`; ERROR_JOB_DOES_NOT_EXIST otherwise
    (also for another user's job)."""
    with ctx.db.read() as conn:
        job = load(conn, job_id)
    if job.user_id != user.id or job.type not in set(types):
        raise JobDoesNotExist()
    return job


def list_jobs(
    ctx: Ctx,
    user: User,
    types: Iterable[str],
    states: Sequence[str] | None,
    ids: Sequence[int] | None,
) -> list[Job]:
    """The user's jobs of `types`, most recently updated first. `states`: Baserow's filter,
    folded left to right as it folds its Q objects: "x" ORs state = x onto what came
    before, "!x" ANDs state != x onto it."""
    j = s.jobs
    stmt = _select().where((j.c.user_id == user.id) & j.c.type.in_(list(types)))
    clause: sa.ColumnElement[bool] | None = None
    for st in states or ():
        if st.startswith("!"):
            part = j.c.state != st[1:]
            clause = part if clause is None else sa.and_(clause, part)
        else:
            part = j.c.state == st
            clause = part if clause is None else sa.or_(clause, part)
    if clause is not None:
        stmt = stmt.where(clause)
    if ids:
        stmt = stmt.where(j.c.id.in_(list(ids)))
    with ctx.db.read() as conn:
        return [_job(r) for r in conn.execute(stmt.order_by(j.c.updated_on.desc(), j.c.id.desc()))]


def cancel(ctx: Ctx, user: User, job_id: int, types: Iterable[str]) -> Job:
    """Cancel a pending or running job (its runner notices at its next progress report);
    ERROR_JOB_NOT_CANCELLABLE once it ended."""
    get(ctx, user, job_id, types)
    j = s.jobs
    with ctx.db.write() as conn:
        changed = conn.execute(
            j.update()
            .where((j.c.id == job_id) & j.c.state.in_(RUNNING))
            .values(state=CANCELLED, updated_on=ctx.clock())
        ).rowcount
        if not changed:
            raise JobNotCancellable()
        return load(conn, job_id)


# --- what a runner does ---------------------------------------------------------------


def claim(ctx: Ctx, runner: str, types: Iterable[str]) -> Job | None:
    """The oldest pending job of `types`, now started by `runner`; None when there is none
    (or others claimed them first)."""
    j = s.jobs
    with ctx.db.read() as conn:
        ids = list(
            conn.execute(
                sa.select(j.c.id)
                .where((j.c.state == PENDING) & j.c.type.in_(list(types)))
                .order_by(j.c.id)
                .limit(5)
            ).scalars()
        )
    for job_id in ids:
        claimed = claim_one(ctx, runner, job_id)
        if claimed is not None:
            return claimed
    return None


def claim_one(ctx: Ctx, runner: str, job_id: int) -> Job | None:
    """The job, now started by `runner`, if it was still pending."""
    j = s.jobs
    with ctx.db.write() as conn:
        won = conn.execute(
            j.update()
            .where((j.c.id == job_id) & (j.c.state == PENDING))
            .values(state=STARTED, runner=runner, updated_on=ctx.clock())
        ).rowcount
        return load(conn, job_id) if won else None


def progress(ctx: Ctx, job_id: int, percentage: float) -> bool:
    """Record a running job's progress; False when it is no longer running (cancelled)."""
    j = s.jobs
    with ctx.db.write() as conn:
        return bool(
            conn.execute(
                j.update()
                .where((j.c.id == job_id) & (j.c.state == STARTED))
                .values(progress_percentage=min(100.0, percentage), updated_on=ctx.clock())
            ).rowcount
        )


def finish(
    ctx: Ctx,
    conn: sa.Connection,
    job_id: int,
    result: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> bool:
    """Mark the job finished with its result, in the caller's transaction (so an import's
    rows and its job's end commit together); False when it was cancelled meanwhile.
    `params`: what to keep of them. Its payload goes."""
    j = s.jobs
    values: dict[str, Any] = {
        "state": FINISHED,
        "progress_percentage": 100.0,
        "result": result,
        "payload": None,
    }
    if params is not None:
        values["params"] = params
    return bool(
        conn.execute(
            j.update()
            .where((j.c.id == job_id) & (j.c.state == STARTED))
            .values(updated_on=ctx.clock(), **values)
        ).rowcount
    )


def owner(conn: sa.Connection, job: Job) -> User:
    """The job's user (a job goes with its user: the foreign key cascades)."""
    user = users.get_user(conn, job.user_id)
    if user is None:
        raise JobDoesNotExist()
    return user


def _without_rows(conn: sa.Connection, job_id: int) -> dict[str, Any]:
    """The job's params without the rows it was given (an import's, and its upsert values)
    in its params, where jobs made before `payload` hold them: an ended job keeps no copy."""
    stmt = sa.select(s.jobs.c.params).where(s.jobs.c.id == job_id)
    params = dict(conn.execute(stmt).scalar() or {})
    for rows in ("data", "configuration"):  # an import's upsert values are rows too
        if params.get(rows) is not None:
            params[rows] = None
    return params


def fail(
    ctx: Ctx,
    job_id: int,
    message: str,
    result: dict[str, Any] | None = None,
    progress: float | None = None,
) -> None:
    j = s.jobs
    values: dict[str, Any] = {"state": FAILED, "human_readable_error": message, "payload": None}
    if result is not None:
        values["result"] = result
    if progress is not None:
        values["progress_percentage"] = progress
    with ctx.db.write() as conn:
        values["params"] = _without_rows(conn, job_id)
        conn.execute(
            j.update()
            .where((j.c.id == job_id) & j.c.state.in_(RUNNING))
            .values(updated_on=ctx.clock(), **values)
        )


def reap(ctx: Ctx, alive: Callable[[str], bool]) -> list[int]:
    """Fail every started job whose runner is gone (a crash, a SIGKILL): never left
    `started` for ever. Its work was one transaction that never committed, or an export
    file nobody was told of, so failing it shows the truth. The ids it failed."""
    j = s.jobs
    with ctx.db.read() as conn:
        started = list(conn.execute(sa.select(j.c.id, j.c.runner).where(j.c.state == STARTED)))
    dead = [r.id for r in started if not r.runner or not alive(r.runner)]
    for job_id in dead:
        with ctx.db.write() as conn:
            conn.execute(
                j.update()
                .where((j.c.id == job_id) & (j.c.state == STARTED))
                .values(
                    state=FAILED,
                    human_readable_error=INTERRUPTED,
                    updated_on=ctx.clock(),
                    params=_without_rows(conn, job_id),
                    payload=None,
                )
            )
    return dead
