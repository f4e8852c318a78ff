"""Health checks for load balancers and admins (Baserow's /api/_health/).

`GET /api/_health/` answers `OK` (text) to anyone, as Baserow's; gridbase also pings the
database first and answers 503 when it cannot reach it, so a load balancer stops sending
requests to an instance that cannot serve them. `GET /api/_health/full/` (staff only, as
Baserow's IsAdminUser) reports each check and whether all critical ones pass,
`POST /api/_health/email/` sends a test e-mail, `GET /api/_health/celery-queue/` says
whether the job queues are short. Imports: api (body, deps, responses), core.health, errors.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.responses import JSON
from gridbase.core import health
from gridbase.errors import NotStaff

router = APIRouter(prefix="/api/_health")
MAX_HEALTHY_QUEUE_SIZE = 10  # Baserow's BASEROW_MAX_HEALTHY_CELERY_QUEUE_SIZE default


@router.get("/")
async def public_health_check(ctx: CtxDep) -> Response:
    if not await ctx.call(health.database_ok, ctx):
        return Response("Database unavailable", status_code=503, media_type="text/plain")
    return Response("OK", media_type="text/html; charset=utf-8")


@router.get("/full/")
async def full_health_check(request: Request, ctx: CtxDep, user: UserDep) -> Any:
    if not user.is_staff:
        raise NotStaff()
    alive = request.app.state.jobs.alive()
    checks = await ctx.call(health.run_checks, ctx, alive)
    queued, exports = await ctx.call(health.queue_sizes, ctx)
    return {
        "checks": checks.checks,
        "passing": checks.passing,
        "celery_queue_size": queued,  # pending jobs: gridbase's queue is its jobs table
        "celery_export_queue_size": exports,
    }


@router.post("/email/")
def email_tester(ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    if not user.is_staff:
        raise NotStaff()
    v = Validator(body)
    target = v.email("target_email")
    v.done()
    return health.send_test_email(ctx, str(target))


@router.get("/celery-queue/")
def queue_size_check(ctx: CtxDep, queue: Annotated[list[str] | None, Query()] = None) -> Any:
    """200 "ok" while every queue named has fewer pending jobs than Baserow's default
    BASEROW_MAX_HEALTHY_CELERY_QUEUE_SIZE, else 503 "not ok" (answers are JSON strings)."""
    if not queue:
        return JSON("no queue provided", status_code=400)
    sizes = dict(zip(("celery", "export"), health.queue_sizes(ctx), strict=True))
    for name in queue:
        if name not in sizes:
            return JSON(f"queue {name} not found", status_code=404)
        if sizes[name] >= MAX_HEALTHY_QUEUE_SIZE:
            return JSON("not ok", status_code=503)
    return JSON("ok")
