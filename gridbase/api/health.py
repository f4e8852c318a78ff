"""Health checks for load balancers and admins (Baserow's /api/_health/).

`GET /api/_health/` answers `OK` (text) to anyone, as Baserow's; gridbase also pings the
database first and answers 503 when it cannot reach it, so a load balancer stops sending
requests to an instance that cannot serve them. `GET /api/_health/full/` (staff only, as
Baserow's IsAdminUser) reports each check and whether all critical ones pass.
Imports: core.health, errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api.deps import CtxDep, UserDep
from gridbase.core import health
from gridbase.errors import NotStaff

router = APIRouter(prefix="/api/_health")


@router.get("/")
async def public_health_check(ctx: CtxDep) -> Response:
    if not await ctx.call(health.database_ok, ctx):
        return Response("Database unavailable", status_code=503, media_type="text/plain")
    return Response("OK", media_type="text/html; charset=utf-8")


@router.get("/full/")
async def full_health_check(request: Request, ctx: CtxDep, user: UserDep) -> Any:
    if not user.is_staff:
        raise NotStaff()
    checks = await ctx.call(health.run_checks, ctx, request.app.state.files)
    return {
        "checks": checks.checks,
        "passing": checks.passing,
        "celery_queue_size": 0,  # no task queue: background work runs in the server
        "celery_export_queue_size": 0,
    }
