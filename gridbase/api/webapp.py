"""The web app: its built assets (gridbase/web/app/, built from web/ at the repo root) at
/_app/<name>, and its index page at / and at each of the app's own client routes, listed
here one by one so the app never shadows /api/, /api-docs/, /media/ or a future path.
Imports: errors.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable

from fastapi import APIRouter, Request, Response

from gridbase.errors import UrlNotFound

router = APIRouter(include_in_schema=False)

# the paths the app routes itself (web/src/routes.ts): a reload on any of them gets the app
CLIENT_ROUTES = (
    "/",
    "/login",
    "/signup",
    "/tokens",
    "/table/{table_id:int}",
    "/table/{table_id:int}/webhooks",
)
ASSET_NAME = re.compile(r"[A-Za-z0-9_.-]+")  # what Vite names its output; no slashes, no ".."
ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}
HEADERS = {"X-Content-Type-Options": "nosniff"}


def _app_dir() -> Traversable:
    return resources.files("gridbase").joinpath("web", "app")


def _index() -> Response:
    index = _app_dir().joinpath("index.html")
    if not index.is_file():
        return Response(
            "The web app is not built: run `npm --prefix web ci && npm --prefix web run build`.",
            status_code=503,
            media_type="text/plain; charset=utf-8",
        )
    # the page names hashed assets, so it must be fetched fresh to pick up a new build
    headers = dict(HEADERS, **{"Cache-Control": "no-cache"})
    return Response(index.read_bytes(), media_type="text/html; charset=utf-8", headers=headers)


async def index_page() -> Response:
    return _index()


for _path in CLIENT_ROUTES:
    router.add_api_route(_path, index_page, methods=["GET"])


@router.get("/_app/{name}")
def asset(name: str, request: Request) -> Response:
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    target = _app_dir().joinpath("_app", name)
    if not ASSET_NAME.fullmatch(name) or suffix not in ASSET_TYPES or not target.is_file():
        raise UrlNotFound(f"URL {request.url.path} not found.")
    # names carry a content hash: a name's bytes never change
    headers = dict(HEADERS, **{"Cache-Control": "public, max-age=31536000, immutable"})
    return Response(target.read_bytes(), media_type=ASSET_TYPES[suffix], headers=headers)
