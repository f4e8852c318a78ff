"""API documentation: the global OpenAPI spec, the per-database spec (JWT or database token;
only the tables the caller may see), and offline Swagger UI pages whose assets ship in the
package. Specs are built on every request from the routes and current metadata: no cache."""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts

from gridbase import __version__
from gridbase.api.deps import ActorDep, CtxDep, any_actor, any_caller, jwt_user, token_actor
from gridbase.core import databases
from gridbase.core import tables as tables_core
from gridbase.core.permissions import OPERATIONS
from gridbase.errors import NoPermissionToTable, UrlNotFound
from gridbase.openapi.database import build_database_spec
from gridbase.openapi.spec import RouteInfo, build_spec
from gridbase.usertable import load

router = APIRouter()

ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "application/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css"),
    "favicon-32x32.png": ("swagger-ui/favicon-32x32.png", "image/png"),
    "LICENSE": ("swagger-ui/LICENSE", "text/plain"),
    "api-docs.js": ("api-docs.js", "application/javascript"),
}
AUTH_DEPENDENCIES = {jwt_user: "jwt", any_actor: "any", any_caller: "any", token_actor: "token"}


def _auth_of(dependant: Any) -> str:
    for dep in dependant.dependencies:
        if dep.call in AUTH_DEPENDENCIES:
            return AUTH_DEPENDENCIES[dep.call]
        found = _auth_of(dep)
        if found != "none":
            return found
    return "none"


def flat_routes(routes: list[Any]) -> list[tuple[str, APIRoute]]:
    """(served path, route) of every API route, also of routers included in FastAPI's way."""
    out = []
    for context in iter_route_contexts(routes):
        if isinstance(context.original_route, APIRoute) and context.path:
            out.append((str(context.path), context.original_route))
    return out


def route_infos(routes: list[Any]) -> list[RouteInfo]:
    """What the global spec needs to know about each served endpoint."""
    out = []
    for path, route in flat_routes(routes):
        if not route.include_in_schema or not path.startswith("/api/"):
            continue
        doc = (route.endpoint.__doc__ or "").strip()
        for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append(RouteInfo(method.lower(), path, route.name, doc, _auth_of(route.dependant)))
    return out


@router.get("/api/schema.json")
def global_spec(request: Request) -> Any:
    """The OpenAPI document of every endpoint this server answers."""
    return build_spec(route_infos(request.app.routes), version=__version__)


@router.get("/api/database/{database_id:int}/openapi.json")
def database_spec(database_id: int, ctx: CtxDep, actor: ActorDep) -> Any:
    """The OpenAPI document of one database's row endpoints, typed from its current fields."""
    database = databases.get(ctx, actor.user, database_id)
    visible = tables_core.tables_of(ctx, [database_id])[database_id]
    if actor.token is not None:
        token = actor.token
        if token.workspace_id != database.workspace_id:
            raise NoPermissionToTable()
        visible = [t for t in visible if any(token.allows(op, t) for op in OPERATIONS)]
    with ctx.db.read() as conn:
        fields = load.load_fields(conn, [t.id for t in visible]) if visible else {}
    return build_database_spec(
        database,
        visible,
        fields,
        ctx.field_types,
        ctx.filter_types,
        page_size_limit=ctx.settings.row_page_size_limit,
        batch_limit=ctx.settings.batch_rows_size_limit,
        version=__version__,
    )


def _page(title: str, spec_url: str, spec_name: str, needs_auth: bool) -> Response:
    template = (
        resources.files("gridbase")
        .joinpath("web", "templates", "api_docs.html")
        .read_text(encoding="utf-8")
    )
    values = {
        "title": html.escape(title),
        "spec_url": html.escape(spec_url),
        "spec_name": html.escape(spec_name),
        "needs_auth": "true" if needs_auth else "false",
        "button": "Load" if needs_auth else "Authorize requests",
    }
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return Response(template, media_type="text/html; charset=utf-8")


@router.get("/api-docs/", include_in_schema=False)
def docs_page() -> Response:
    return _page("gridbase API", "/api/schema.json", "schema.json", needs_auth=False)


@router.get("/api-docs/database/{database_id:int}", include_in_schema=False)
@router.get("/api-docs/database/{database_id:int}/", include_in_schema=False)
def database_docs_page(database_id: int) -> Response:
    url = f"/api/database/{database_id}/openapi.json"
    return _page(f"gridbase database {database_id} API", url, "openapi.json", needs_auth=True)


@router.get("/api-docs/static/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise UrlNotFound(f"URL /api-docs/static/{name} not found.")
    path, media_type = ASSETS[name]
    data = resources.files("gridbase").joinpath("web", "static", *path.split("/")).read_bytes()
    return Response(data, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
