"""The web app's page and assets (gridbase/api/webapp.py): served at / and the app's own
client routes, never in place of an API, docs or media path."""

from __future__ import annotations

import re
from pathlib import Path

from tests.asgi_client import TestClient
from tests.helpers import assert_error

APP = Path(__file__).parents[2] / "gridbase" / "web" / "app"


def test_the_page_is_served_at_root_and_at_each_client_route(client: TestClient) -> None:
    index = (APP / "index.html").read_text()
    for path in ("/", "/login", "/signup", "/tokens", "/table/7", "/table/7/webhooks"):
        r = client.get(path)
        assert (r.status_code, r.text) == (200, index), path
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert r.headers["cache-control"] == "no-cache"


def test_api_docs_and_unknown_paths_keep_their_own_answers(client: TestClient) -> None:
    assert_error(client.get("/api/nothing/"), 404, "URL_NOT_FOUND")
    assert_error(client.get("/login/"), 404, "URL_NOT_FOUND")
    assert_error(client.get("/table/x"), 404, "URL_NOT_FOUND")
    assert_error(client.get("/media/user_files/nothing.png"), 404, "URL_NOT_FOUND")
    assert client.get("/api-docs/").text.startswith("<!")


def test_the_assets_the_page_names_are_served_and_nothing_else(client: TestClient) -> None:
    names = re.findall(r'"/_app/([^"]+)"', (APP / "index.html").read_text())
    assert {n.rsplit(".", 1)[1] for n in names} == {"js", "css"}
    for name in names:
        r = client.get(f"/_app/{name}")
        assert r.content == (APP / "_app" / name).read_bytes()
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/_app/{names[0]}").headers["content-type"].startswith("text/")
    for bad in ("/_app/..%2Findex.html", "/_app/nothing.js", "/_app/index.html"):
        assert_error(client.get(bad), 404, "URL_NOT_FOUND")
