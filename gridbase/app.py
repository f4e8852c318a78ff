"""create_app(settings): the composition root — context, registries, routers, handlers."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase import search
from gridbase.api import docs as docs_api
from gridbase.api import fields as fields_api
from gridbase.api import (
    handlers,
    limits,
    render,
    row_names,
    rows,
    rows_batch,
    tables,
    users,
    workspaces,
)
from gridbase.api import tokens as tokens_api
from gridbase.api import views as views_api
from gridbase.api import webhooks as webhooks_api
from gridbase.api.hot import HotRoutes
from gridbase.api.middleware import BodyLimit
from gridbase.api.responses import JSON
from gridbase.config import Settings
from gridbase.core import row_filters
from gridbase.core import webhooks as core_webhooks
from gridbase.core.context import Ctx
from gridbase.fields import default_field_types
from gridbase.storage import meta_clock, migrate, row_counts
from gridbase.storage.engine import Database
from gridbase.webhooks import dispatcher

ROUTERS = [
    users.router,
    workspaces.router,
    tables.router,
    fields_api.router,
    rows_batch.router,
    rows.router,
    views_api.router,
    webhooks_api.router,
    tokens_api.router,
    docs_api.router,
    row_names.router,
]


def build_context(settings: Settings) -> Ctx:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url(), synchronous=settings.sqlite_synchronous)
    migrate.upgrade(db)
    meta_clock.ensure(db)  # before anything keeps a metadata look-up
    ctx = Ctx(
        db=db,
        settings=settings,
        secret=settings.resolved_secret_key(),
        field_types=default_field_types(),
    )
    row_filters.install(ctx)
    search.install(ctx)  # full-text index: wraps the compat search hook, syncs on writes
    core_webhooks.install(
        ctx,
        render_field=render.field,
        render_view=lambda c, view, table: views_api.view_json(c, None, view, table),
    )
    search.index.ensure_indexes(ctx)  # tables from before the index existed get theirs
    row_counts.ensure(ctx.db)  # ... and their kept row counts (SQLite)
    return ctx


class App(FastAPI):
    """FastAPI behind our own ASGI layers: request limits, the body limit and the hot
    routes see every request first, so a hot request (a token reading or writing one row)
    also skips FastAPI's own layers (~15 us of the ~340 us a row read costs)."""

    front: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.front(scope, receive, send)


def create_app(settings: Settings | None = None, ctx: Ctx | None = None) -> App:
    settings = settings or Settings()
    ctx = ctx or build_context(settings)
    app = App(
        title="gridbase",
        default_response_class=JSON,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=dispatcher.lifespan(ctx) if ctx.settings.webhooks_dispatcher else None,
    )
    app.state.ctx = ctx
    for router in ROUTERS:
        app.include_router(router)
    handlers.install(app)

    async def stack(scope: Scope, receive: Receive, send: Send) -> None:
        await FastAPI.__call__(app, scope, receive, send)

    # hot routes innermost: limits and the body limit apply to them too; an unexpected error
    # in these layers gets the same logged JSON 500 as one inside FastAPI's stack
    layers = limits.wrap(
        BodyLimit(HotRoutes(stack, ctx), max_bytes=settings.max_request_bytes), ctx
    )
    app.front = ServerErrorMiddleware(layers, handler=handlers.on_unexpected)
    return app
