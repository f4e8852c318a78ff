"""Routing and body errors in Baserow's shapes."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def test_unknown_paths_and_trailing_slash(client) -> None:
    body = assert_error(client.get("/api/nothing/"), 404, "URL_NOT_FOUND")
    assert body["detail"] == "URL /api/nothing/ not found."
    body = assert_error(client.get("/api/workspaces"), 404, "URL_TRAILING_SLASH_MISSING")
    assert body["detail"].endswith("redirect requests to /api/workspaces/")
    assert_error(client.get("/api/database/tables/abc/"), 404, "URL_NOT_FOUND")


def test_method_not_allowed(client) -> None:
    r = client.put("/api/workspaces/")
    assert (r.status_code, r.json()) == (405, {"detail": 'Method "PUT" not allowed.'})


def test_malformed_json_and_media_type(api: Api) -> None:
    r = api.client.post(
        "/api/workspaces/",
        content=b'{"name": "x",',
        headers={**api.headers, "content-type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["detail"].startswith("JSON parse error - ")
    r = api.client.post(
        "/api/workspaces/", content=b"name", headers={**api.headers, "content-type": "text/plain"}
    )
    assert (r.status_code, r.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )
    r = api.post("/api/workspaces/", [1, 2])
    assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_body_over_limit_is_413(client, settings, api: Api) -> None:
    big = b'{"name": "' + b"x" * (settings.max_request_bytes + 10) + b'"}'
    r = api.client.post(
        "/api/workspaces/", content=big, headers={**api.headers, "content-type": "application/json"}
    )
    assert_error(r, 413, "ERROR_REQUEST_BODY_TOO_LARGE")
    assert api.ok(api.get("/api/workspaces/")) == []
