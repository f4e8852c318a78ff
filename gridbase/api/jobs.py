"""Jobs (Baserow's /api/jobs/): list, get and cancel a user's background jobs, plus how a
job and an export job render.
Imports: api (deps, render), core (jobs, job_runner, job_types), errors, storage.files.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gridbase.api.deps import CtxDep, UserDep
from gridbase.api.render import iso
from gridbase.core import jobs
from gridbase.core.job_runner import Runner
from gridbase.core.job_types import JobTypes
from gridbase.errors import QueryParameterValidation, field_error
from gridbase.storage.files import names

router = APIRouter(prefix="/api/jobs")


def runner(request: Request) -> Runner:
    found: Runner = request.app.state.jobs
    return found


def listed_types(types: JobTypes) -> list[str]:
    return [t.type for t in types if t.listed]


def job_json(run: Runner, job: jobs.Job) -> dict[str, Any]:
    """Baserow's JobSerializer plus the type's own fields."""
    return {
        "id": job.id,
        "type": job.type,
        "progress_percentage": int(run.progress_of(job)),
        "state": job.state,
        "human_readable_error": job.human_readable_error,
        **run.types.get(job.type).json(job),
    }


def started(request: Request, job: jobs.Job) -> dict[str, Any]:
    """The answer to the request that made the pending `job`, once the runner is woken."""
    run = runner(request)
    run.wake()
    return job_json(run, job)


def export_json(run: Runner, job: jobs.Job) -> dict[str, Any]:
    """Baserow's ExportJobSerializer: a running export is "exporting"."""
    state = "exporting" if job.state == jobs.STARTED else job.state
    name = job.result.get("exported_file_name")
    return {
        "id": job.id,
        "table": job.params.get("table_id"),
        "view": job.params.get("view_id"),
        "exporter_type": job.params.get("exporter_type"),
        "state": state,
        "status": state,
        "exported_file_name": name,
        "created_at": iso(job.created_on),
        "progress_percentage": float(run.progress_of(job)),
        "url": names.url(names.export_file_path(name)) if name else None,
    }


def _blank(name: str) -> QueryParameterValidation:
    return QueryParameterValidation({name: field_error("This field may not be blank.", "blank")})


def _states(value: str | None) -> list[str] | None:
    if value is None:
        return None
    if not value.strip():
        raise _blank("states")
    states = value.split(",")
    for state in states:
        bare = state[1:] if state.startswith("!") else state
        if bare not in jobs.LISTABLE_STATES:
            message = (
                f"State {bare} is not a valid state. Valid states are: "
                f"{', '.join(jobs.LISTABLE_STATES)}."
            )
            raise QueryParameterValidation({"states": field_error(message)})
    return states


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    if not value.strip():
        raise _blank("job_ids")
    out = []
    for item in value.split(","):
        try:
            out.append(int(item))
        except ValueError:
            message = f"Job id {item} is not a valid integer."
            raise QueryParameterValidation({"job_ids": field_error(message)}) from None
    return out


@router.get("/")
def list_jobs(request: Request, ctx: CtxDep, user: UserDep) -> Any:
    run = runner(request)
    states = _states(request.query_params.get("states"))
    ids = _ids(request.query_params.get("job_ids"))
    found = jobs.list_jobs(ctx, user, listed_types(run.types), states, ids)
    return {"jobs": [job_json(run, j) for j in found]}


@router.get("/{job_id:int}/")
def get_job(job_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    run = runner(request)
    return job_json(run, jobs.get(ctx, user, job_id, listed_types(run.types)))


@router.post("/{job_id:int}/cancel/")
def cancel_job(job_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    run = runner(request)
    return job_json(run, jobs.cancel(ctx, user, job_id, listed_types(run.types)))
