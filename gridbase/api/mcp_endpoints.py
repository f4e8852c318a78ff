"""MCP endpoint management (JWT only): /api/mcp/endpoints/ (list, create) and
/api/mcp/endpoint/{id}/ (get, rename, delete), as Baserow 1.35.3 answers them. The MCP
server an endpoint's key opens is gridbase.mcp. Imports: core.mcp_endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api.body import Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.render import iso
from gridbase.core import mcp_endpoints
from gridbase.core.mcp_endpoints import Endpoint

router = APIRouter(prefix="/api/mcp")


def render_endpoint(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "name": endpoint.name,
        "key": endpoint.key,
        "workspace_id": endpoint.workspace_id,
        "workspace_name": endpoint.workspace_name,
        "created": iso(endpoint.created_on),
    }


@router.get("/endpoints/")
def list_endpoints(ctx: CtxDep, user: UserDep) -> Any:
    return [render_endpoint(e) for e in mcp_endpoints.list_endpoints(ctx, user)]


@router.post("/endpoints/")
def create_endpoint(ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=100)
    workspace_id = v.integer("workspace_id")
    v.done()
    return render_endpoint(mcp_endpoints.create(ctx, user, workspace_id, name))


@router.get("/endpoint/{endpoint_id:int}/")
def get_endpoint(endpoint_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return render_endpoint(mcp_endpoints.get(ctx, user, endpoint_id))


@router.patch("/endpoint/{endpoint_id:int}/")
def rename_endpoint(endpoint_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    name = v.string("name", max_length=100)
    v.done()
    return render_endpoint(mcp_endpoints.rename(ctx, user, endpoint_id, name))


@router.delete("/endpoint/{endpoint_id:int}/")
def delete_endpoint(endpoint_id: int, ctx: CtxDep, user: UserDep) -> Response:
    mcp_endpoints.delete(ctx, user, endpoint_id)
    return Response(status_code=204)
