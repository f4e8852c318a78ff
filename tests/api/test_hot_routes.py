"""Hot paths: a row list and one row's GET, PATCH and POST (a database token or a JWT) take
the hot routes (api/hot.py), whose responses are byte for byte those of the normal route
(FastAPI's, reached here without the hot routes); batch creates
go in as chunked multi-row INSERTs and keep the request's order."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from gridbase.api.cors import Cors
from gridbase.api.hot import HotRoutes
from gridbase.app import create_app
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.conftest import Api


@pytest.fixture
def table(api: Api) -> tuple[int, dict[str, str]]:
    ws = api.workspace()
    db = api.database(ws)
    other = api.table(db, "Tags", data=[["Label"], ["red"], ["blue"], ["green"]])
    table = api.table(db, "Items", data=[["Name"], ["first"], ["second"]])
    link = api.field(table, "Tags", "link_row", link_row_table_id=other)
    api.field(table, "Amount", "number", number_decimal_places=2)
    api.field(table, "Done", "boolean")
    api.field(table, "When", "date", date_include_time=True)
    api.field(table, "Pick", "single_select", select_options=[{"value": "a", "color": "blue"}])
    api.field(
        table,
        "Picks",
        "multiple_select",
        select_options=[{"value": "x", "color": "red"}, {"value": "y", "color": "red"}],
    )
    api.field(table, "Shout", "formula", formula="upper(field('Name'))")
    api.field(table, "Tag count", "count", through_field_id=link["id"])
    api.field(
        table,
        "Tag names",
        "lookup",
        through_field_id=link["id"],
        target_field_id=api.fields(other)[0]["id"],
    )
    api.ok(
        api.patch(
            f"/api/database/rows/table/{table}/1/?user_field_names=true",
            {
                "Tags": [3, 1],
                "Amount": "12.50",
                "Done": True,
                "When": "2026-01-02T03:04:05Z",
                "Pick": "a",
                "Picks": ["y", "x"],
            },
        )
    )
    key = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))["key"]
    return table, {"Authorization": f"Token {key}"}


@pytest.mark.parametrize(
    "query", ["", "?user_field_names=true", "?user_field_names", "?user_field_names=0"]
)
@pytest.mark.parametrize("row", [1, 2])
def test_hot_route_answers_like_the_normal_route(
    api: Api, table: tuple[int, dict[str, str]], query: str, row: int
) -> None:
    table_id, token = table
    path = f"/api/database/rows/table/{table_id}/{row}/{query}"
    stack = CountingStack(api.client.app)
    app_only = TestClient(Cors(stack), base_url="http://testserver")  # no hot routes
    for headers in (token, api.headers):  # a database token, a JWT
        hot, normal = api.client.get(path, headers=headers), app_only.get(path, headers=headers)
        assert hot.status_code == normal.status_code == 200
        assert hot.content == normal.content
        assert hot.headers == normal.headers
    assert len(stack.paths) == 2  # only app_only's requests reached FastAPI
    if row == 1 and "user_field_names=true" in query:
        body = hot.json()
        assert [t["value"] for t in body["Tags"]] == ["red", "green"]  # in the linked table's order
        assert (body["Amount"], body["Shout"], body["Tag count"]) == ("12.50", "FIRST", "2")


@pytest.mark.parametrize(
    "query", ["", "?user_field_names=true", "?user_field_names", "?user_field_names=0"]
)
def test_hot_list_answers_like_the_normal_route(
    api: Api, table: tuple[int, dict[str, str]], query: str
) -> None:
    table_id, token = table
    for _ in range(120):  # a second page: the `next` link
        api.ok(api.post(f"/api/database/rows/table/{table_id}/", {}))
    stack = CountingStack(api.client.app)
    # FastAPI's routing behind the same CORS layer, without the hot routes
    app_only = TestClient(Cors(stack), base_url="http://testserver")
    path = f"/api/database/rows/table/{table_id}/{query}"
    for headers in (token, api.headers):  # a database token, a JWT: both lists are hot
        hot, normal = api.client.get(path, headers=headers), app_only.get(path, headers=headers)
        assert hot.status_code == normal.status_code == 200
        assert (hot.content, hot.headers) == (normal.content, normal.headers)
    body = hot.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (122, 100, None)
    assert body["next"].startswith(f"http://testserver/api/database/rows/table/{table_id}/?page=2")
    # any query: the page the link names, linking back
    paged = api.client.get(body["next"], headers=token)
    assert paged.content == app_only.get(body["next"], headers=token).content
    assert (len(paged.json()["results"]), paged.json()["next"]) == (22, None)
    assert paged.json()["previous"].startswith("http://testserver/")
    assert "page" not in paged.json()["previous"]
    assert len(stack.paths) == 3  # only app_only's requests reached FastAPI


@pytest.mark.parametrize(
    "headers, status, error",
    [
        ({"Authorization": "Token nope"}, 401, "ERROR_TOKEN_DOES_NOT_EXIST"),
        ({"Authorization": "Token"}, 401, "ERROR_INVALID_TOKEN_HEADER"),
    ],
)
def test_a_refused_hot_list_gets_the_normal_error(
    api: Api, table: tuple[int, dict[str, str]], headers: dict[str, str], status: int, error: str
) -> None:
    table_id, _ = table
    r = api.client.get(f"/api/database/rows/table/{table_id}/", headers=headers)
    assert (r.status_code, r.json()["error"]) == (status, error)
    assert r.headers["WWW-Authenticate"] == 'JWT realm="api"'
    app_only = TestClient(Cors(CountingStack(api.client.app)), base_url="http://testserver")
    for auth in (headers, {"Authorization": "JWT nope"}, {}):
        path = f"/api/database/rows/table/{table_id}/?search=x"
        hot, normal = api.client.get(path, headers=auth), app_only.get(path, headers=auth)
        assert (hot.status_code, hot.content, hot.headers) == (
            normal.status_code,
            normal.content,
            normal.headers,
        )
    other = api.table(name="Elsewhere")
    api.ok(api.delete(f"/api/database/tables/{other}/"))
    token = table[1]
    gone = api.client.get(f"/api/database/rows/table/{other}/", headers=token)
    normal = api.client.get(f"/api/database/rows/table/{other}/", headers=api.headers)
    assert (gone.status_code, gone.content) == (normal.status_code, normal.content)
    assert gone.json()["error"] == "ERROR_TABLE_DOES_NOT_EXIST"


@pytest.mark.parametrize(
    "path, status, error",
    [
        ("99/", 404, "ERROR_ROW_DOES_NOT_EXIST"),
        ("1/?include=metadata", 400, "ERROR_CANNOT_INCLUDE_ROW_METADATA"),
        ("1/?user_field_names=true&unknown=1", 200, None),
    ],
)
def test_everything_else_goes_on_to_the_app(
    api: Api, table: tuple[int, dict[str, str]], path: str, status: int, error: str | None
) -> None:
    table_id, token = table
    r = api.client.get(f"/api/database/rows/table/{table_id}/{path}", headers=token)
    assert r.status_code == status, r.text
    assert r.json().get("error") == error


def test_a_bad_token_gets_the_normal_401(api: Api, table: tuple[int, dict[str, str]]) -> None:
    table_id, _ = table
    r = api.client.get(
        f"/api/database/rows/table/{table_id}/1/", headers={"Authorization": "Token nope"}
    )
    assert (r.status_code, r.json()["error"], r.headers["WWW-Authenticate"]) == (
        401,
        "ERROR_TOKEN_DOES_NOT_EXIST",
        'JWT realm="api"',
    )


@pytest.mark.parametrize("count", [1, 7, 200])
def test_batch_create_answers_rows_in_request_order(api: Api, count: int) -> None:
    """Batches are inserted in power-of-two chunks; every row keeps its place and values."""
    table = api.table(name="B")
    api.field(table, "Amount", "number", number_decimal_places=1)
    items = [{"Name": f"row {i}", "Amount": f"{i}.5"} for i in range(count)]
    created = api.ok(
        api.post(f"/api/database/rows/table/{table}/batch/?user_field_names=true", {"items": items})
    )["items"]
    assert [(r["Name"], r["Amount"]) for r in created] == [(i["Name"], i["Amount"]) for i in items]
    ids = [r["id"] for r in created]
    assert ids == sorted(ids) and len(set(ids)) == count
    stored = {r["id"]: r["Name"] for page in (1, 2) for r in api.rows(table, size=200, page=page)}
    assert all(stored[r["id"]] == r["Name"] for r in created)


def test_hot_writes_answer_like_the_normal_routes(
    api: Api, table: tuple[int, dict[str, str]]
) -> None:
    table_id, token = table
    body = {
        "Name": "third",
        "Tags": [2],
        "Amount": "3.25",
        "Pick": "a",
        "When": "2026-05-06T07:08:09Z",
    }
    path = f"/api/database/rows/table/{table_id}/?user_field_names=true"
    stack = CountingStack(api.client.app)
    app_only = TestClient(Cors(stack), base_url="http://testserver")  # no hot routes

    def strip(r: Any) -> dict[str, Any]:
        return {k: v for k, v in r.json().items() if k not in ("id", "order")}

    for headers in (token, api.headers):  # a database token, a JWT
        hot, normal = (
            api.client.post(path, json=body, headers=headers),
            app_only.post(path, json=body, headers=headers),
        )
        assert hot.status_code == normal.status_code == 200
        assert hot.headers["content-type"] == normal.headers["content-type"] == "application/json"
        assert strip(hot) == strip(normal) and hot.json()["id"] + 1 == normal.json()["id"]
        row = f"/api/database/rows/table/{table_id}/{hot.json()['id']}/?user_field_names=true"
        change = {"Amount": "9.50", "Tags": [1, 3], "Done": True}
        normal = app_only.patch(row, json=change, headers=headers)
        hot = api.client.patch(row, json=change, headers=headers)
        assert (hot.status_code, hot.content, hot.headers) == (
            normal.status_code,
            normal.content,
            normal.headers,
        )
        assert api.client.get(row, headers=headers).content == hot.content
    assert len(stack.paths) == 4  # only app_only's requests reached FastAPI


@pytest.mark.parametrize(
    "method, path, body, status, error",
    [
        ("POST", "", b"{not json", 400, None),  # DRF's parse error: {"detail": ...} alone
        ("POST", "", b"[1]", 400, "ERROR_REQUEST_BODY_VALIDATION"),
        ("POST", "", b'{"Amount": "x"}', 400, "ERROR_REQUEST_BODY_VALIDATION"),
        ("PATCH", "99/", b"{}", 404, "ERROR_ROW_DOES_NOT_EXIST"),
        ("PATCH", "1/", b"[]", 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ],
)
def test_refused_hot_writes_get_the_normal_errors_and_change_nothing(
    api: Api,
    table: tuple[int, dict[str, str]],
    method: str,
    path: str,
    body: bytes,
    status: int,
    error: str | None,
) -> None:
    table_id, token = table
    url = f"/api/database/rows/table/{table_id}/{path}?user_field_names=true"
    before = api.rows(table_id)
    headers = {"Content-Type": "application/json"}
    app_only = TestClient(Cors(CountingStack(api.client.app)), base_url="http://testserver")
    for auth in (token, api.headers):  # a database token, a JWT: both hot
        hot = api.client.request(method, url, content=body, headers={**auth, **headers})
        normal = app_only.request(method, url, content=body, headers={**auth, **headers})
        assert (hot.status_code, hot.content) == (normal.status_code, normal.content)
        assert (hot.status_code, hot.json().get("error")) == (status, error)
    assert api.rows(table_id) == before


@pytest.mark.unexpected_errors
def test_an_unexpected_error_gets_the_same_json_500_on_both_routes(
    api: Api, ctx: Any, backend: str, table: tuple[int, dict[str, str]]
) -> None:
    """The hot route runs in front of FastAPI's stack: an error nothing expects there (here the
    row table vanished behind the server's back) still gets the logged JSON 500."""
    table_id, token = table
    with ctx.db.write() as conn:
        conn.exec_driver_sql(
            f"DROP TABLE database_table_{int(table_id)}"
            + (" CASCADE" if backend == "postgres" else "")
        )
    client = TestClient(api.client.app, raise_server_exceptions=False)
    path = f"/api/database/rows/table/{table_id}/1/"
    for headers in (token, api.headers):  # hot route, normal route
        r = client.get(path, headers=headers)
        assert (r.status_code, r.json()) == (
            500,
            {"error": "ERROR_INTERNAL", "detail": "An unexpected error occurred."},
        )


class CountingStack:
    """The app behind the hot routes, counting the requests that reach it."""

    def __init__(self, app: Any) -> None:
        self.app, self.paths = app, []  # type: ignore[var-annotated]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await FastAPI.__call__(self.app, scope, receive, send)


@pytest.mark.parametrize(
    "method, path, body, token",
    [
        ("GET", "99/", None, "valid"),  # no such row
        ("PATCH", "1/?user_field_names=true", {"Amount": "abc"}, "valid"),  # a bad value
        ("PATCH", "1/", [1, 2], "valid"),  # not an object
        ("POST", "", {"Name": "x"}, "read-only"),  # no permission to create
        ("GET", "1/", None, "unknown"),  # no such token: 401 with WWW-Authenticate
    ],
)
def test_a_service_error_is_answered_by_the_hot_route_as_the_app_would(
    api: Api,
    ctx: Ctx,
    table: tuple[int, dict[str, str]],
    method: str,
    path: str,
    body: Any,
    token: str,
) -> None:
    """Nothing a service started runs twice: the hot route answers its errors itself, with
    what the app answers for the same request (sent there with a parameter the hot route
    does not take)."""
    table_id, valid = table
    headers = {
        "valid": valid,
        "read-only": {"Authorization": f"Token {read_only_token(api)}"},
        "unknown": {"Authorization": "Token nope"},
    }[token]
    url = f"/api/database/rows/table/{table_id}/{path}"
    stack = CountingStack(api.client.app)
    hot = TestClient(Cors(HotRoutes(stack, ctx))).request(method, url, json=body, headers=headers)
    assert stack.paths == []
    normal_url = url + ("&" if "?" in url else "?") + "unknown=1"
    normal = api.client.request(method, normal_url, json=body, headers=headers)
    assert hot.status_code == normal.status_code >= 400
    assert (hot.content, hot.headers) == (normal.content, normal.headers)


def read_only_token(api: Api) -> str:
    ws = api.client.get("/api/workspaces/", headers=api.headers).json()[0]["id"]
    key = str(api.ok(api.post("/api/database/tokens/", {"name": "r", "workspace": ws}))["key"])
    token_id = next(t["id"] for t in api.ok(api.get("/api/database/tokens/")) if t["key"] == key)
    api.ok(
        api.patch(
            f"/api/database/tokens/{token_id}/",
            {"permissions": {"create": False, "read": True, "update": False, "delete": False}},
        )
    )
    return key


def test_fastapi_middleware_is_refused_because_hot_routes_would_skip_it(api: Api) -> None:
    with pytest.raises(TypeError, match="front_layers"):
        api.client.app.add_middleware(GZipMiddleware)


@pytest.mark.unexpected_errors
def test_hot_routes_sit_behind_every_front_layer(
    api: Api, ctx: Ctx, table: tuple[int, dict[str, str]]
) -> None:
    """The body limit and the 500 handler apply to a hot request as to any other."""
    table_id, token = table
    url = f"/api/database/rows/table/{table_id}/"
    ctx.settings = ctx.settings.model_copy(update={"max_request_bytes": 64})
    small = create_app(ctx.settings, ctx)
    with TestClient(small, raise_server_exceptions=False) as client:
        r = client.post(url, content=b"{" + b" " * 100 + b"}", headers=token)
        assert (r.status_code, r.json()["error"]) == (413, "ERROR_REQUEST_BODY_TOO_LARGE")
        with ctx.db.write() as conn:  # a table gone behind gridbase's back: a bug, not input
            conn.exec_driver_sql(f"DROP TABLE database_table_{table_id}")
        r = client.get(url + "1/", headers=token)
        assert (r.status_code, r.json()["error"]) == (500, "ERROR_INTERNAL")
