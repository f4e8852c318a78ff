"""Database token endpoints: create/list/get/update/rotate/delete, check/, validation, and
authentication failures (missing, malformed, unknown, revoked, rotated, expired, user gone)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.conftest import Api
from tests.helpers import assert_error

ALL = {"create": True, "read": True, "update": True, "delete": True}
NONE = {"create": False, "read": False, "update": False, "delete": False}


def tok(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


@pytest.fixture
def ws(api: Api) -> int:
    return api.workspace()


def create(api: Api, ws: int, name: str = "t") -> dict[str, Any]:
    return dict(api.ok(api.post("/api/database/tokens/", {"name": name, "workspace": ws})))


def test_create_list_get_update_delete(api: Api, ws: int) -> None:
    db = api.database(ws)
    table = api.table(db)
    full = create(api, ws, "full")
    assert full == {
        "id": full["id"],
        "name": "full",
        "workspace": ws,
        "key": full["key"],
        "permissions": ALL,
    }
    assert len(full["key"]) == 32 and full["key"].isalnum() and full["key"].isascii()

    other = create(api, ws, "other")
    patched = api.ok(
        api.patch(
            f"/api/database/tokens/{other['id']}/",
            {
                "name": "renamed",
                "permissions": {
                    "create": False,
                    "read": [["table", table], ["database", db]],
                    "update": [["database", db]],
                    "delete": False,
                },
            },
        )
    )
    expected_other = {
        "id": other["id"],
        "name": "renamed",
        "workspace": ws,
        "key": other["key"],
        "permissions": {
            "create": False,
            "read": [["table", table], ["database", db]],
            "update": [["database", db]],
            "delete": False,
        },
    }
    assert patched == expected_other
    assert api.ok(api.get(f"/api/database/tokens/{other['id']}/")) == expected_other
    assert api.ok(api.get("/api/database/tokens/")) == [full, expected_other]

    assert api.delete(f"/api/database/tokens/{full['id']}/").status_code == 204
    assert api.ok(api.get("/api/database/tokens/")) == [expected_other]
    assert_error(api.get(f"/api/database/tokens/{full['id']}/"), 404, "ERROR_TOKEN_DOES_NOT_EXIST")
    assert_error(
        api.delete(f"/api/database/tokens/{full['id']}/"), 404, "ERROR_TOKEN_DOES_NOT_EXIST"
    )


def test_true_grant_wins_over_scopes_and_empty_list_is_false(api: Api, ws: int) -> None:
    table = api.table(api.database(ws))
    token = create(api, ws)
    body = api.ok(
        api.patch(
            f"/api/database/tokens/{token['id']}/",
            {
                "permissions": {
                    "create": [],
                    "read": [["table", table]],
                    "update": True,
                    "delete": False,
                }
            },
        )
    )
    assert body["permissions"] == {
        "create": False,
        "read": [["table", table]],
        "update": True,
        "delete": False,
    }


def test_other_users_token_is_not_found(api: Api, client: Any, ws: int) -> None:
    token = create(api, ws)
    bob = Api(client, "bob@example.com")
    for response in (
        bob.get(f"/api/database/tokens/{token['id']}/"),
        bob.patch(f"/api/database/tokens/{token['id']}/", {"name": "x"}),
        bob.delete(f"/api/database/tokens/{token['id']}/"),
    ):
        assert response.json() == {
            "error": "ERROR_TOKEN_DOES_NOT_EXIST",
            "detail": "The token does not exist.",
        }
        assert response.status_code == 404
    assert bob.ok(bob.get("/api/database/tokens/")) == []


def test_create_validation(api: Api, client: Any, ws: int) -> None:
    r = api.post("/api/database/tokens/", {})
    assert r.status_code == 400
    assert r.json() == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {
            "name": [{"error": "This field is required.", "code": "required"}],
            "workspace": [{"error": "This field is required.", "code": "required"}],
        },
    }
    r = api.post("/api/database/tokens/", {"name": "x" * 101, "workspace": "abc"})
    assert r.json()["detail"] == {
        "name": [
            {"error": "Ensure this field has no more than 100 characters.", "code": "max_length"}
        ],
        "workspace": [
            {"error": "Incorrect type. Expected pk value, received str.", "code": "incorrect_type"}
        ],
    }
    r = api.post("/api/database/tokens/", {"name": "x", "workspace": 999999})
    assert r.json() == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {
            "workspace": [
                {"error": 'Invalid pk "999999" - object does not exist.', "code": "does_not_exist"}
            ]
        },
    }
    bob = Api(client, "bob@example.com")
    r = bob.post("/api/database/tokens/", {"name": "x", "workspace": ws})
    assert (r.status_code, r.json()) == (400, {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""})


BAD_PERMISSIONS = [
    ("nope", "Only create, read, update and delete keys are allowed.", "invalid_key"),
    (
        {"create": True, "read": True, "update": True},
        "Only create, read, update and delete keys are allowed.",
        "invalid_key",
    ),
    (
        {"create": True, "read": True, "update": True, "remove": True},
        "Only create, read, update and delete keys are allowed.",
        "invalid_key",
    ),
    (
        {**NONE, "create": "yes"},
        "The value must either be a bool, or a list containing database or table ids like "
        '[["database", 1], ["table", 1]].',
        "invalid_value",
    ),
    (
        {**NONE, "read": [["table", "1"]]},
        "The value must either be a bool, or a list containing database or table ids like "
        '[["database", 1], ["table", 1]].',
        "invalid_value",
    ),
    (
        {**NONE, "read": [["table"]]},
        "The value must either be a bool, or a list containing database or table ids like "
        '[["database", 1], ["table", 1]].',
        "invalid_value",
    ),
    (
        {**NONE, "read": [["view", 1]]},
        "The instance type can only be a database or table.",
        "invalid_instance_type",
    ),
    (
        {**NONE, "read": [["table", 999999]]},
        "The table id 999999 is not valid.",
        "invalid_table_id",
    ),
    (
        {**NONE, "delete": [["database", 999999]]},
        "The database id 999999 is not valid.",
        "invalid_database_id",
    ),
]


@pytest.mark.parametrize(("permissions", "message", "code"), BAD_PERMISSIONS)
def test_permission_validation(
    api: Api, ws: int, permissions: Any, message: str, code: str
) -> None:
    token = create(api, ws)
    r = api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": permissions})
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": "ERROR_REQUEST_BODY_VALIDATION",
            "detail": {"permissions": [{"error": message, "code": code}]},
        },
    )
    assert api.ok(api.get(f"/api/database/tokens/{token['id']}/"))["permissions"] == ALL


def test_grants_outside_the_workspace_are_rejected(api: Api, ws: int) -> None:
    other_ws = api.workspace("Other")
    other_db = api.database(other_ws)
    other_table = api.table(other_db)
    token = create(api, ws)
    r = api.patch(
        f"/api/database/tokens/{token['id']}/",
        {"permissions": {**NONE, "read": [["table", other_table]]}},
    )
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP",
            "detail": "The provided table does not belong to the related group.",
        },
    )
    r = api.patch(
        f"/api/database/tokens/{token['id']}/",
        {"permissions": {**NONE, "create": [["database", other_db]]}},
    )
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": "ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP",
            "detail": "The provided database does not belong to the related group.",
        },
    )
    assert api.ok(api.get(f"/api/database/tokens/{token['id']}/"))["permissions"] == ALL


def test_rotate_and_revoke_apply_to_the_next_request(api: Api, client: Any, ws: int) -> None:
    token = create(api, ws)
    assert client.get("/api/database/tokens/check/", headers=tok(token["key"])).json() == {
        "token": "OK"
    }
    rotated = api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"rotate_key": True}))
    assert rotated["key"] != token["key"] and {**rotated, "key": token["key"]} == token
    r = client.get("/api/database/tokens/check/", headers=tok(token["key"]))
    assert (r.status_code, r.json()) == (
        403,
        {"detail": "The provided token does not exist.", "error": "ERROR_TOKEN_DOES_NOT_EXIST"},
    )
    assert client.get("/api/database/tokens/check/", headers=tok(rotated["key"])).status_code == 200
    api.delete(f"/api/database/tokens/{token['id']}/")
    assert client.get("/api/database/tokens/check/", headers=tok(rotated["key"])).status_code == 403


def test_rotate_key_false_keeps_the_key(api: Api, ws: int) -> None:
    token = create(api, ws)
    assert api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"rotate_key": False})) == token
    r = api.patch(f"/api/database/tokens/{token['id']}/", {"rotate_key": "maybe"})
    assert r.json()["detail"] == {
        "rotate_key": [{"error": "Must be a valid boolean.", "code": "invalid"}]
    }


AUTH_CASES = [
    (None, {"detail": "Authentication credentials were not provided."}),
    (
        "Token",
        {
            "detail": "Invalid token header. No token provided.",
            "error": "ERROR_INVALID_TOKEN_HEADER",
        },
    ),
    (
        "Token a b",
        {
            "detail": "Invalid token header. Token string should not contain spaces.",
            "error": "ERROR_INVALID_TOKEN_HEADER",
        },
    ),
    (
        "Token " + "x" * 32,
        {"detail": "The provided token does not exist.", "error": "ERROR_TOKEN_DOES_NOT_EXIST"},
    ),
    (
        "token ';DROP/**/TABLE/**/tokens;--",
        {"detail": "The provided token does not exist.", "error": "ERROR_TOKEN_DOES_NOT_EXIST"},
    ),
]


@pytest.mark.parametrize(("header", "body"), AUTH_CASES)
def test_auth_failures_on_mixed_and_token_only_endpoints(
    api: Api, client: Any, header: str | None, body: Any
) -> None:
    table = api.table()
    headers = {"Authorization": header} if header else {}
    mixed = client.get(f"/api/database/rows/table/{table}/", headers=headers)
    assert (mixed.status_code, mixed.json()) == (401, body)
    assert mixed.headers["WWW-Authenticate"] == 'JWT realm="api"'
    for path in ("/api/database/tokens/check/", "/api/database/tables/all-tables/"):
        only = client.get(path, headers=headers)
        assert (only.status_code, only.json()) == (403, body)
        assert "WWW-Authenticate" not in only.headers


def test_jwt_on_token_only_endpoint_is_refused(api: Api) -> None:
    r = api.get("/api/database/tokens/check/")
    assert (r.status_code, r.json()) == (
        403,
        {"detail": "Authentication credentials were not provided."},
    )


def test_token_on_jwt_only_endpoints(api: Api, client: Any, ws: int) -> None:
    token = create(api, ws)
    table = api.table(api.database(ws))
    for method, path in (
        ("GET", "/api/workspaces/"),
        ("GET", "/api/database/tokens/"),
        ("GET", f"/api/database/tables/{table}/"),
        ("POST", "/api/database/tokens/"),
    ):
        r = client.request(method, path, headers=tok(token["key"]))
        assert (r.status_code, r.json()) == (
            401,
            {"detail": "Authentication credentials were not provided."},
        )
    r = client.post(
        f"/api/database/fields/table/{table}/",
        json={"name": "x", "type": "text"},
        headers=tok(token["key"]),
    )
    assert (r.status_code, r.json()) == (
        401,
        {
            "error": "ERROR_NO_PERMISSION_TO_TABLE",
            "detail": "The token does not have permissions to the table.",
        },
    )


def test_user_left_workspace_and_deactivated_user(api: Api, client: Any, ctx: Ctx, ws: int) -> None:
    table = api.table(api.database(ws))
    token = create(api, ws)
    wu, users = s.workspace_users, s.users
    with ctx.db.write() as conn:
        conn.execute(users.update().where(users.c.id == api.user["id"]).values(is_active=False))
    r = client.get(f"/api/database/rows/table/{table}/", headers=tok(token["key"]))
    assert (r.status_code, r.json()) == (
        401,
        {"detail": "The user related to the token is disabled.", "error": "ERROR_USER_NOT_ACTIVE"},
    )
    with ctx.db.write() as conn:
        conn.execute(users.update().where(users.c.id == api.user["id"]).values(is_active=True))
        conn.execute(wu.delete().where(wu.c.user_id == api.user["id"], wu.c.workspace_id == ws))
    # as Baserow 1.35.3 answers (recorded: tests/compat teammates_access): the user's own
    # refusal, not ERROR_TOKEN_GROUP_MISMATCH
    not_member = {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
    r = client.get(f"/api/database/rows/table/{table}/", headers=tok(token["key"]))
    assert (r.status_code, r.json()) == (400, not_member)
    r = client.get("/api/database/tokens/check/", headers=tok(token["key"]))
    assert (r.status_code, r.json()) == (400, not_member)
    # The owner no longer sees the token's workspace, so the token itself is out of reach too.
    assert_error(api.get(f"/api/database/tokens/{token['id']}/"), 400, "ERROR_USER_NOT_IN_GROUP")


def test_expiry_and_last_used_extensions(api: Api, client: Any, ctx: Ctx, ws: int) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    r = api.post(
        "/api/database/tokens/?include_usage=true",
        {"name": "e", "workspace": ws, "expires_at": soon.isoformat().replace("+00:00", "Z")},
    )
    token = api.ok(r)
    assert (token["expires_at"], token["last_used"]) == (
        soon.isoformat().replace("+00:00", "Z"),
        None,
    )
    assert set(api.ok(api.get(f"/api/database/tokens/{token['id']}/"))) == {
        "id",
        "name",
        "workspace",
        "key",
        "permissions",
    }
    assert client.get("/api/database/tokens/check/", headers=tok(token["key"])).status_code == 200
    used = api.ok(api.get(f"/api/database/tokens/{token['id']}/?include_usage=1"))["last_used"]
    assert used is not None and datetime.fromisoformat(used.replace("Z", "+00:00")) <= datetime.now(
        UTC
    )

    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"expires_at": past}))
    r = client.get("/api/database/tokens/check/", headers=tok(token["key"]))
    assert (r.status_code, r.json()) == (
        403,
        {"detail": "The provided token has expired.", "error": "ERROR_TOKEN_EXPIRED"},
    )
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"expires_at": None}))
    assert client.get("/api/database/tokens/check/", headers=tok(token["key"])).status_code == 200
    r = api.patch(f"/api/database/tokens/{token['id']}/", {"expires_at": "tomorrow"})
    assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_keys_are_stored_only_as_digest_and_ciphertext(api: Api, ctx: Ctx, ws: int) -> None:
    token = create(api, ws)
    with ctx.db.read() as conn:
        row = conn.execute(sa.select(s.tokens)).one()
    assert token["key"] not in repr(tuple(row))
    assert len(row.key_digest) == 64 and row.key_digest != token["key"]


def test_a_key_just_used_is_checked_again_after_every_change(
    api: Api, client: Any, ctx: Ctx, ws: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a key's look-up is kept until the next write (storage.kept.snapshots): using the
    key twice leaves one kept, and each change must still apply to the very next request."""
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    row = api.rows(table)[0]["id"]
    token = create(api, ws)
    paths = [
        "/api/database/tokens/check/",
        f"/api/database/rows/table/{table}/",
        f"/api/database/rows/table/{table}/{row}/",
    ]

    def statuses() -> list[int]:
        return [
            client.get(path, headers=tok(token["key"])).status_code
            for path in paths
            for _ in range(2)
        ]

    assert statuses() == [200] * 6
    later = datetime.now(UTC) + timedelta(days=2)
    api.ok(
        api.patch(
            f"/api/database/tokens/{token['id']}/",
            {"expires_at": (later - timedelta(days=1)).isoformat()},
        )
    )
    assert statuses() == [200] * 6
    # expiry is checked against the clock, not kept
    monkeypatch.setattr(ctx, "clock", lambda: later)
    assert statuses() == [403, 403, 401, 401, 401, 401]
    monkeypatch.undo()
    assert statuses() == [200] * 6
    api.ok(
        api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": {**ALL, "read": False}})
    )
    assert statuses() == [200, 200, 401, 401, 401, 401]
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": ALL}))
    assert statuses() == [200] * 6
    with ctx.db.write() as conn:  # a change behind the API's back
        conn.execute(s.users.update().where(s.users.c.id == api.user["id"]).values(is_active=False))
    assert statuses() == [403, 403, 401, 401, 401, 401]
    with ctx.db.write() as conn:
        conn.execute(s.users.update().where(s.users.c.id == api.user["id"]).values(is_active=True))
    assert statuses() == [200] * 6
    api.delete(f"/api/database/tokens/{token['id']}/")
    assert statuses() == [403, 403, 401, 401, 401, 401]


def test_a_key_just_used_to_write_is_checked_again_after_every_change(
    api: Api, client: Any, ctx: Ctx, ws: int, backend: str
) -> None:
    """Writes keep a key's look-up on the writer until any metadata changes
    (storage.kept.meta_clock), also across their own row writes: each change - through the
    API, behind it, or by another program - must apply to the very next write."""
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    token = create(api, ws)
    path = f"/api/database/rows/table/{table}/"

    def statuses() -> list[int]:
        return [client.post(path, json={}, headers=tok(token["key"])).status_code for _ in range(3)]

    assert statuses() == [200] * 3
    api.ok(
        api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": {**ALL, "create": False}})
    )
    assert statuses() == [401] * 3
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": ALL}))
    assert statuses() == [200] * 3
    with ctx.db.write() as conn:  # behind the API's back
        conn.execute(
            s.workspace_users.delete().where(s.workspace_users.c.user_id == api.user["id"])
        )
    assert statuses() == [400] * 3  # ERROR_USER_NOT_IN_GROUP, as Baserow
    with ctx.db.write() as conn:
        conn.execute(
            s.workspace_users.insert().values(
                user_id=api.user["id"],
                workspace_id=ws,
                permissions="ADMIN",
                order=1,
                created_on=ctx.clock(),
            )
        )
    assert statuses() == [200] * 3
    if backend == "sqlite":  # another program
        other = sqlite3.connect(ctx.db.engine.url.database or "")
        other.execute("UPDATE token_permissions SET operation = 'read' WHERE operation = 'create'")
        other.commit()
        other.close()
        assert statuses() == [401] * 3
    api.delete(f"/api/database/tokens/{token['id']}/")
    assert statuses() == [401] * 3
