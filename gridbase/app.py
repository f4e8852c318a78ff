"""create_app(settings): the composition root — context, registries, routers, handlers."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.api import (
    account,
    handlers,
    health,
    limits,
    login_throttle,
    media,
    row_events,
    row_history,
    row_names,
    rows,
    rows_batch,
    table_import,
    tables,
    teammates,
    user_files,
    users,
    webapp,
    workspaces,
)
from gridbase.api import docs as docs_api
from gridbase.api import duplicate as duplicate_api
from gridbase.api import export as export_api
from gridbase.api import fields as fields_api
from gridbase.api import jobs as jobs_api
from gridbase.api import mcp_endpoints as mcp_endpoints_api
from gridbase.api import settings as settings_api
from gridbase.api import tokens as tokens_api
from gridbase.api import trash as trash_api
from gridbase.api import view_filters as view_filters_api
from gridbase.api import views as views_api
from gridbase.api import webhooks as webhooks_api
from gridbase.api.cors import Cors
from gridbase.api.hot import HotRoutes
from gridbase.api.middleware import BodyLimit, LongIds
from gridbase.api.responses import JSON
from gridbase.config import Settings
from gridbase.core import cleanup
from gridbase.core.context import Ctx, utcnow
from gridbase.core.duplicate_application import DuplicateApplicationJobType
from gridbase.core.duplicate_field import DuplicateFieldJobType
from gridbase.core.duplicate_table import DuplicateTableJobType
from gridbase.core.export import ExportJobType
from gridbase.core.exporters import Exporters, default_exporters
from gridbase.core.extensions import Extensions
from gridbase.core.file_import import FileImportJobType
from gridbase.core.job_runner import Runner
from gridbase.core.job_types import JobType, JobTypes
from gridbase.core.views import View
from gridbase.fields import default_field_types
from gridbase.filters import default_filter_types
from gridbase.mcp import http as mcp_http
from gridbase.models import Table
from gridbase.registry import Registry
from gridbase.search import RowSearch
from gridbase.search import index as search_index
from gridbase.storage import ddl, migrate, table_locks
from gridbase.storage.engine import Database
from gridbase.storage.files import make_storage
from gridbase.storage.kept import meta_clock, row_counts
from gridbase.webhooks import dispatcher, stream_hub
from gridbase.webhooks.event_log import EventLog, Notify
from gridbase.webhooks.outbox import Outbox, Wakeup
from gridbase.webhooks.stream_hub import StreamHub

ROUTERS = [
    users.router,
    account.router,
    health.router,
    workspaces.router,
    table_import.router,
    teammates.router,
    duplicate_api.router,
    tables.router,
    jobs_api.router,
    export_api.router,
    fields_api.router,
    rows_batch.router,
    row_history.router,
    row_events.router,
    rows.router,
    views_api.router,
    view_filters_api.router,
    webhooks_api.router,
    tokens_api.router,
    mcp_endpoints_api.router,
    docs_api.router,
    row_names.router,
    settings_api.router,
    user_files.router,
    trash_api.router,
    media.router,
    webapp.router,  # last: the app's pages never shadow an API route
]


def render_view(ctx: Ctx, view: View, table: Table) -> dict[str, Any]:
    return views_api.view_json(ctx, None, view, table)


def build_job_types(exporters: Exporters) -> JobTypes:
    types: list[JobType] = [
        ExportJobType(exporters),
        FileImportJobType(),
        DuplicateFieldJobType(),
        DuplicateTableJobType(),
        DuplicateApplicationJobType(),
    ]
    return Registry("job", types)


def build_runner(ctx: Ctx, exporters: Exporters | None = None) -> Runner:
    """The job runner of this process (started by the app's lifespan, or by the CLI)."""
    return Runner(ctx, build_job_types(exporters or default_exporters()))


def lifespan(
    ctx: Ctx, runner: Runner, mcp: mcp_http.McpHttp | None = None
) -> Callable[[Any], AbstractAsyncContextManager[dict[str, Any]]]:
    """While the app serves: the change streams' hub, the clean-ups (row history, due account
    deletions), the webhook dispatcher and the job runner, the last two unless turned off
    (GRIDBASE_WEBHOOKS_DISPATCHER, GRIDBASE_JOBS_RUNNER), and the MCP server's sessions."""
    webhooks = (
        dispatcher.lifespan(ctx, ctx.ext.wakeup) if ctx.settings.webhooks_dispatcher else None
    )

    @asynccontextmanager
    async def _lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
        async with AsyncExitStack() as stack:
            event_log = ctx.ext.event_log
            assert isinstance(event_log, EventLog)
            await stack.enter_async_context(
                stream_hub.serving(ctx.ext.stream, event_log.notify, ctx.db)
            )
            await stack.enter_async_context(cleanup.running(ctx))
            if webhooks is not None:
                await stack.enter_async_context(webhooks(app))
            if ctx.settings.jobs_runner:
                runner.start()
                stack.callback(runner.stop)
            if mcp is not None:
                await stack.enter_async_context(mcp.running())
            yield {stream_hub.SHUTDOWN_STATE_KEY: ctx.ext.stream.close}

    return _lifespan


def build_context(settings: Settings) -> Ctx:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url(), synchronous=settings.sqlite_synchronous)
    migrate.upgrade(db)
    meta_clock.ensure(db)  # before anything keeps a metadata look-up
    table_locks.ensure(db)  # before any write locks a table
    clock = utcnow
    wakeup = Wakeup()
    ctx = Ctx(
        db=db,
        settings=settings,
        secret=settings.resolved_secret_key(),
        field_types=default_field_types(),
        filter_types=default_filter_types(),
        ext=Extensions(
            events=Outbox(clock, wakeup),
            event_log=EventLog(clock, Notify()),
            search=RowSearch(settings.default_search_mode),
            render_view=render_view,
            wakeup=wakeup,
            stream=StreamHub(),
            files=make_storage(settings),
        ),
        clock=clock,
    )
    ddl.ensure_user_columns(ctx.db)  # tables from before rows kept who wrote them
    search_index.ensure_indexes(ctx)  # tables from before the index existed get theirs
    row_counts.ensure(ctx.db)  # ... and their kept row counts (SQLite)
    return ctx


class App(FastAPI):
    """FastAPI behind our own ASGI layers (front_layers), which see every request first, so a
    hot request (a token reading or writing one row) skips FastAPI's own layers (~15 us of the
    ~340 us a row read costs) and still passes every one of ours."""

    front: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.front(scope, receive, send)

    def add_middleware(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "FastAPI middleware would not see the hot routes (api/hot.py): add an ASGI layer "
            "in gridbase.app.front_layers instead"
        )


def front_layers(app: ASGIApp, ctx: Ctx, owner: Any = None) -> ASGIApp:
    """Every layer in front of the app, outermost first: CORS, the 500 handler (an unexpected
    error anywhere gets the same logged JSON 500), the HTTPS and concurrency limits
    (limits.wrap), the log-in throttle (login_throttle.wrap), the body limit, ids too long
    for any route (LongIds), the media base of file URLs, then the hot routes, which hand
    everything else to FastAPI. Add a layer here, never as FastAPI middleware: hot requests
    never reach FastAPI's."""
    body_limit = BodyLimit(
        LongIds(media.MediaBase(HotRoutes(app, ctx, owner), ctx.settings)),
        max_bytes=ctx.settings.max_request_bytes,
        upload_max_bytes=ctx.settings.file_upload_size_limit_bytes,
    )
    layers = limits.wrap(login_throttle.wrap(body_limit, ctx), ctx)
    # CORS outermost: a 500 reaches a browser as a 500, not as a CORS failure
    return Cors(handlers.Unexpected(layers))


class QuickRoute(APIRoute):
    """An API route that turns a request away on its path alone: FastAPI's `matches` builds
    the route's context before it looks at the path (~15 µs here), for each of the up to
    ~130 routes a request tries in order. The answer is the same: a route whose path does
    not match is Match.NONE either way."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and not scope.get("root_path")
            and self.path_regex.match(scope["path"]) is None
        ):
            return Match.NONE, {}
        return super().matches(scope)


@functools.cache
def api_routes() -> list[BaseRoute]:
    """Every route of ROUTERS, in order, as one flat list that every app of this process
    shares. FastAPI keeps an included router as a lazy wrapper that each request walks, with
    scope bookkeeping per route tried (~0.5 ms a request here), and that builds its routes'
    handlers again for every app on its first requests (~40 ms a test); a flat route is one
    regex match, built once."""
    flat = APIRouter(default_response_class=JSON, route_class=QuickRoute)
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            flat.add_api_route(
                route.path,  # (the router's prefix included)
                route.endpoint,
                methods=sorted(route.methods or ()),
                status_code=route.status_code,
                include_in_schema=route.include_in_schema,
                name=route.name,
            )
    return flat.routes


def create_app(settings: Settings | None = None, ctx: Ctx | None = None) -> App:
    settings = settings or Settings()
    ctx = ctx or build_context(settings)
    exporters = default_exporters()
    runner = build_runner(ctx, exporters)
    mcp = mcp_http.McpHttp(ctx) if settings.mcp_server else None
    app = App(
        title="gridbase",
        default_response_class=JSON,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan(ctx, runner, mcp),
    )
    app.state.ctx = ctx
    app.state.jobs = runner  # background jobs (exports, imports) of this process
    app.state.exporters = exporters  # the exporter types an export may ask for
    app.router.routes.extend(api_routes())
    handlers.install(app)

    async def stack(scope: Scope, receive: Receive, send: Send) -> None:
        if mcp is not None and scope["type"] == "http" and mcp_http.matches(scope["path"]):
            await mcp(scope, receive, send)  # behind every front layer, as an API route
            return
        await FastAPI.__call__(app, scope, receive, send)

    app.front = front_layers(stack, ctx, app)
    return app
