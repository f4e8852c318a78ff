"""Errors -> Baserow error bodies, in one place: GridbaseError, routing 404/405, path
parameter mismatches, and the 500 fallback (logged; a bug to fix)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

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


async def on_unexpected(request: Request, exc: Exception) -> JSON:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSON(
        {"error": "ERROR_INTERNAL", "detail": "An unexpected error occurred."}, status_code=500
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(GridbaseError, on_gridbase_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
