"""Idempotency-Key on every row write (core.idempotency): a repeat replays the first answer
without writing or firing webhooks again, a different request with the key is 422, and the
key row commits with the write (so 16 concurrent requests with one key write one row)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import cleanup
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.conftest import Api


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def with_key(api: Api, k: dict[str, str]) -> dict[str, str]:
    return {**api.headers, **k}


def table_with_name(api: Api) -> int:
    return api.table(data=[["Name"], ["a"], ["b"]])


def test_a_create_repeated_with_its_key_replays_the_first_answer(api: Api) -> None:
    table = table_with_name(api)
    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/?user_field_names=true"
    first = api.post(url, {"Name": "c"}, headers=k)
    again = api.post(url, {"Name": "c"}, headers=k)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert [r["Name"] for r in api.rows(table)] == ["a", "b", "c"]


def test_a_request_without_the_header_is_unchanged(api: Api) -> None:
    table = table_with_name(api)
    url = f"/api/database/rows/table/{table}/?user_field_names=true"
    r = api.post(url, {"Name": "c"})
    assert r.status_code == 200
    assert "Idempotent-Replayed" not in r.headers
    api.post(url, {"Name": "c"})
    assert [r["Name"] for r in api.rows(table)] == ["a", "b", "c", "c"]


def test_the_same_key_with_another_body_path_or_method_is_422(api: Api) -> None:
    table = table_with_name(api)
    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/?user_field_names=true"
    api.ok(api.post(url, {"Name": "c"}, headers=k))
    other_body = api.post(url, {"Name": "d"}, headers=k)
    other_path = api.post(f"/api/database/rows/table/{table}/", {"Name": "c"}, headers=k)
    row = api.rows(table)[0]["id"]
    other_method = api.patch(
        f"/api/database/rows/table/{table}/{row}/?user_field_names=true", {"Name": "c"}, headers=k
    )
    for r in (other_body, other_path, other_method):
        assert r.status_code == 422, r.text
        assert r.json() == {
            "error": "ERROR_IDEMPOTENCY_KEY_REUSED",
            "detail": "This Idempotency-Key was already used for a different request "
            "(method, path or body).",
        }
    assert [r["Name"] for r in api.rows(table)] == ["a", "b", "c"]


def test_keys_belong_to_their_user_or_token(api: Api, client: Any) -> None:
    database = api.database()
    table = api.table(database, data=[["Name"], ["a"]])
    workspace = api.ok(api.get(f"/api/applications/{database}/"))["workspace"]["id"]
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": workspace}))
    k = key()
    url = f"/api/database/rows/table/{table}/?user_field_names=true"
    api.ok(api.post(url, {"Name": "c"}, headers=with_key(api, k)))
    # the user's token has keys of its own: the same key writes anew
    by_token = api.post(url, {"Name": "c"}, headers={"Authorization": f"Token {token['key']}", **k})
    assert by_token.status_code == 200
    assert "Idempotent-Replayed" not in by_token.headers
    # a token's repeat is replayed (it does not take the hot route, api/hot.py)
    token_again = api.post(
        url, {"Name": "c"}, headers={"Authorization": f"Token {token['key']}", **k}
    )
    assert (token_again.status_code, token_again.content) == (200, by_token.content)
    assert token_again.headers["Idempotent-Replayed"] == "true"
    # and another user is answered for themselves, never with Ada's answer
    other = Api(client, email="bob@example.com", name="Bob")
    r = other.post(url, {"Name": "c"}, headers=with_key(other, k))
    assert r.status_code == 400
    assert r.json()["error"] == "ERROR_USER_NOT_IN_GROUP"
    assert [r["Name"] for r in api.rows(table)] == ["a", "c", "c"]


def test_an_empty_or_too_long_key_is_400(api: Api) -> None:
    table = table_with_name(api)
    url = f"/api/database/rows/table/{table}/"
    for bad in ("", "k" * 256):
        r = api.post(url, {}, headers={**api.headers, "Idempotency-Key": bad})
        assert r.status_code == 400
        assert r.json() == {
            "error": "ERROR_INVALID_IDEMPOTENCY_KEY",
            "detail": "The Idempotency-Key header must be between 1 and 255 characters long.",
        }
    ok = api.post(url, {}, headers={**api.headers, "Idempotency-Key": "k" * 255})
    assert ok.status_code == 200
    assert len(api.rows(table)) == 3


def test_every_row_write_replays(api: Api) -> None:
    table = table_with_name(api)
    a, b = (r["id"] for r in api.rows(table))
    base = f"/api/database/rows/table/{table}"
    calls: list[tuple[str, str, Any]] = [
        ("PATCH", f"{base}/{a}/?user_field_names=true", {"Name": "A"}),
        ("PATCH", f"{base}/{b}/move/?before_id={a}", None),
        ("POST", f"{base}/batch/?user_field_names=true", {"items": [{"Name": "x"}]}),
        ("PATCH", f"{base}/batch/?user_field_names=true", {"items": [{"id": b, "Name": "B"}]}),
        ("POST", f"{base}/batch-delete/", {"items": [b]}),
        ("DELETE", f"{base}/{a}/", None),
    ]
    for method, url, body in calls:
        k = with_key(api, key())
        first = api.client.request(method, url, json=body, headers=k)
        before = api.rows(table)
        again = api.client.request(method, url, json=body, headers=k)
        assert first.status_code in (200, 204), (url, first.text)
        assert (again.status_code, again.content) == (first.status_code, first.content), url
        assert again.headers["Idempotent-Replayed"] == "true"
        assert api.rows(table) == before, url  # nothing written again
    assert [r["Name"] for r in api.rows(table)] == ["x"]


def test_an_error_answer_is_kept_and_replayed(api: Api) -> None:
    table = table_with_name(api)
    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/999/"
    first = api.patch(url, {}, headers=k)
    assert first.status_code == 404
    assert first.json()["error"] == "ERROR_ROW_DOES_NOT_EXIST"
    again = api.patch(url, {}, headers=k)
    assert (again.status_code, again.content) == (404, first.content)
    assert again.headers["Idempotent-Replayed"] == "true"


def test_a_replay_fires_no_webhook_again(api: Api, ctx: Ctx) -> None:
    table = table_with_name(api)
    api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/",
            {"url": "http://127.0.0.1:9/hook", "name": "h", "include_all_events": True},
        )
    )

    def queued() -> int:
        with ctx.db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(s.outbox)).scalar())

    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/"
    api.ok(api.post(url, {}, headers=k))
    after_first = queued()
    api.ok(api.post(url, {}, headers=k))
    assert after_first >= 1
    assert queued() == after_first


def test_kept_answers_are_swept_after_the_retention(api: Api, ctx: Ctx) -> None:
    table = table_with_name(api)
    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/"
    api.ok(api.post(url, {}, headers=k))
    assert cleanup.run_once(ctx)["idempotency_keys"] == 0
    # the answer was kept longer ago than the retention
    long_ago = ctx.clock() - timedelta(hours=ctx.settings.idempotency_retention_hours, seconds=1)
    with ctx.db.write() as conn:
        conn.execute(s.idempotency_keys.update().values(created_on=long_ago))
    assert cleanup.run_once(ctx)["idempotency_keys"] == 1
    again = api.post(url, {}, headers=k)  # the key is forgotten: a new write
    assert again.status_code == 200
    assert "Idempotent-Replayed" not in again.headers
    assert len(api.rows(table)) == 4


def test_a_kept_error_undoes_what_the_request_wrote_before_it(api: Api) -> None:
    table = table_with_name(api)
    a = api.rows(table)[0]["id"]
    k = with_key(api, key())
    url = f"/api/database/rows/table/{table}/batch/?user_field_names=true"
    body = {"items": [{"id": a, "Name": "changed"}, {"id": 999, "Name": "x"}]}
    first = api.patch(url, body, headers=k)  # row a is written, then row 999 is missing
    assert (first.status_code, first.json()["error"]) == (404, "ERROR_ROW_DOES_NOT_EXIST")
    assert [r["Name"] for r in api.rows(table)] == ["a", "b"]
    again = api.patch(url, body, headers=k)
    assert (again.status_code, again.content) == (404, first.content)
    assert [r["Name"] for r in api.rows(table)] == ["a", "b"]
    # a fresh key runs the request again
    fixed = api.patch(url, {"items": [{"id": a, "Name": "changed"}]}, headers=with_key(api, key()))
    assert fixed.status_code == 200
    assert [r["Name"] for r in api.rows(table)] == ["changed", "b"]


def test_an_unknown_token_is_401_and_keeps_nothing(api: Api, ctx: Ctx) -> None:
    table = table_with_name(api)
    r = api.post(
        f"/api/database/rows/table/{table}/",
        {},
        headers={"Authorization": "Token nope", "Idempotency-Key": "k1"},
    )
    assert r.status_code == 401
    assert r.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
    with ctx.db.read() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(s.idempotency_keys)).scalar()
    assert kept == 0
