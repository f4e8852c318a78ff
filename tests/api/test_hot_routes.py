"""Hot paths: GET one row with a database token takes the hot route (api/hot.py), whose
responses are byte for byte those of the normal route, which a JWT request still takes;
batch creates go in as chunked multi-row INSERTs and keep the request's order."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

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
    hot, normal = api.client.get(path, headers=token), api.client.get(path, headers=api.headers)
    assert hot.status_code == normal.status_code == 200
    assert hot.content == normal.content
    assert hot.headers == normal.headers
    if row == 1 and "user_field_names=true" in query:
        body = hot.json()
        assert [t["value"] for t in body["Tags"]] == ["red", "green"]  # in the linked table's order
        assert (body["Amount"], body["Shout"], body["Tag count"]) == ("12.50", "FIRST", "2")


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
    hot, normal = (
        api.client.post(path, json=body, headers=token),
        api.client.post(path, json=body, headers=api.headers),
    )
    assert hot.status_code == normal.status_code == 200
    assert hot.headers["content-type"] == normal.headers["content-type"] == "application/json"

    def strip(r: Any) -> dict[str, Any]:
        return {k: v for k, v in r.json().items() if k not in ("id", "order")}

    assert strip(hot) == strip(normal) and hot.json()["id"] + 1 == normal.json()["id"]
    row = f"/api/database/rows/table/{table_id}/{hot.json()['id']}/?user_field_names=true"
    change = {"Amount": "9.50", "Tags": [1, 3], "Done": True}
    normal = api.client.patch(row, json=change, headers=api.headers)
    hot = api.client.patch(row, json=change, headers=token)
    assert (hot.status_code, hot.content, hot.headers) == (
        normal.status_code,
        normal.content,
        normal.headers,
    )
    assert api.client.get(row, headers=token).content == hot.content


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
    hot = api.client.request(method, url, content=body, headers={**token, **headers})
    normal = api.client.request(method, url, content=body, headers={**api.headers, **headers})
    assert (hot.status_code, hot.content) == (normal.status_code, normal.content)
    assert (hot.status_code, hot.json().get("error")) == (status, error)
    assert api.rows(table_id) == before


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
