"""Errors -> Baserow error bodies, in one place: GridbaseError, routing 404/405, path
parameter mismatches, and the 500 fallback (logged; a bug to fix)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridbase.api.responses import JSON
from gridbase.errors import GridbaseError, MethodNotAllowed, UrlNotFound, UrlTrailingSlashMissing

log = logging.getLogger("gridbase")


def render_error(exc: GridbaseError) -> JSON:
    return JSON(exc.body(), status_code=exc.status, headers=exc.headers or None)


def _not_found(request: Request) -> GridbaseError:
    path = request.url.path
    if not path.endswith("/"):
        scope = dict(request.scope, path=path + "/")
        for route in request.app.router.routes:
            if route.matches(scope)[0] != Match.NONE:
                return UrlTrailingSlashMissing(
                    "A valid URL must end with a trailing slash. "
                    f"Please, redirect requests to {path}/"
                )
    return UrlNotFound(f"URL {path} not found.")


async def on_gridbase_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, GridbaseError)
    return render_error(exc)


async def on_http_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        return render_error(MethodNotAllowed(f'Method "{request.method}" not allowed.'))
    if exc.status_code == 404:
        return render_error(_not_found(request))
    return JSON({"detail": exc.detail}, status_code=exc.status_code)


async def on_validation_error(request: Request, exc: Exception) -> JSON:
    # Only path parameters are declared with types: a non-integer id matches no Baserow route.
    return render_error(_not_found(request))


LOGGED = "gridbase.logged_error"  # scope key: the exception on_unexpected already logged


async def on_unexpected(request: Request, exc: Exception) -> JSON:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    request.scope[LOGGED] = exc
    return JSON(
        {"error": "ERROR_INTERNAL", "detail": "An unexpected error occurred."}, status_code=500
    )


class Unexpected:
    """The outermost error layer: an exception nobody handled is the logged JSON 500 of
    on_unexpected, and the keep-alive connection stays usable.

    Starlette's ServerErrorMiddleware (also the one inside FastAPI) answers and then
    re-raises, so that the server logs the error; uvicorn then closes the connection
    without `Connection: close`, and the client's next request on it fails with a reset.
    Here the exception ends once the answer is complete. An answer that broke off midway
    still closes the connection: the client could not tell where it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = complete = False

        async def tracking(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if complete:
                if scope.get(LOGGED) is not exc:
                    log.error("error after answering %s", scope.get("path"), exc_info=exc)
                return
            if started:
                raise
            response = await on_unexpected(Request(scope), exc)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(GridbaseError, on_gridbase_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
