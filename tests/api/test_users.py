"""Register, log in, refresh, and JWT errors."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def test_register_and_login_return_baserow_shapes(client) -> None:
    r = client.post(
        "/api/user/", json={"name": "Ada", "email": "Ada@Example.com", "password": "password123"}
    )
    assert r.status_code == 200
    user = r.json()["user"]
    assert user["username"] == "ada@example.com" and user["first_name"] == "Ada"
    assert set(r.json()) == {"user"}
    login = client.post(
        "/api/user/token-auth/", json={"email": "ada@example.com", "password": "password123"}
    )
    body = login.json()
    assert login.status_code == 200
    assert body["token"] == body["access_token"]
    assert set(body) == {
        "user",
        "token",
        "access_token",
        "refresh_token",
        "user_session",
        "permissions",
        "user_notifications",
    }
    refreshed = client.post(
        "/api/user/token-refresh/", json={"refresh_token": body["refresh_token"]}
    )
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json()
    me = client.get(
        "/api/workspaces/", headers={"Authorization": f"JWT {refreshed.json()['access_token']}"}
    )
    assert me.status_code == 200 and me.json() == []


def test_register_errors(client, api: Api) -> None:
    dup = client.post(
        "/api/user/", json={"name": "Ada", "email": "ada@example.com", "password": "password123"}
    )
    assert dup.json() == {"error": "ERROR_EMAIL_ALREADY_EXISTS", "detail": ""}
    bad = client.post("/api/user/", json={"name": "X", "email": "nope", "password": "password123"})
    assert bad.status_code == 400
    assert bad.json()["detail"] == {
        "email": [{"error": "Enter a valid email address.", "code": "invalid"}],
        "name": [{"error": "Ensure this field has at least 2 characters.", "code": "min_length"}],
    }


def test_wrong_password_and_missing_keys(client, api: Api) -> None:
    r = client.post(
        "/api/user/token-auth/", json={"email": "ada@example.com", "password": "wrong-one"}
    )
    assert r.status_code == 401
    assert r.json() == {
        "error": "ERROR_INVALID_CREDENTIALS",
        "detail": "No active account found with the given credentials.",
    }
    r = client.post("/api/user/token-auth/", json={"email": "ada@example.com"})
    assert (r.status_code, r.json()) == (400, {"password": ["This field is required."]})


def test_jwt_errors(client, api: Api) -> None:
    assert client.get("/api/workspaces/").json() == {
        "detail": "Authentication credentials were not provided."
    }
    r = client.get("/api/workspaces/", headers={"Authorization": "JWT garbage"})
    assert_error(r, 401, "ERROR_INVALID_ACCESS_TOKEN")
    assert r.headers["WWW-Authenticate"] == 'JWT realm="api"'
    tampered = api.jwt[:-3] + ("aaa" if not api.jwt.endswith("aaa") else "bbb")
    assert_error(
        client.get("/api/workspaces/", headers={"Authorization": f"JWT {tampered}"}),
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    )
    r = client.get("/api/workspaces/", headers={"Authorization": "JWT a b"})
    assert r.json() == {"detail": "Authorization header must contain two space-delimited values"}
    bad_refresh = client.post("/api/user/token-refresh/", json={"refresh_token": api.jwt})
    assert_error(bad_refresh, 401, "ERROR_INVALID_REFRESH_TOKEN")


def test_expired_access_token_is_rejected(client, ctx, api: Api) -> None:
    from datetime import timedelta

    from gridbase.core import sessions

    real_clock = ctx.clock
    ctx.clock = lambda: real_clock() - timedelta(hours=1)
    old = sessions.access_token(ctx, api.user["id"])
    ctx.clock = real_clock
    assert_error(
        client.get("/api/workspaces/", headers={"Authorization": f"JWT {old}"}),
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    )


def test_blacklisted_refresh_token_stops_working(client, api: Api) -> None:
    login = client.post(
        "/api/user/token-auth/", json={"email": "ada@example.com", "password": "password123"}
    ).json()
    assert (
        client.post(
            "/api/user/token-blacklist/", json={"refresh_token": login["refresh_token"]}
        ).status_code
        == 204
    )
    assert_error(
        client.post("/api/user/token-refresh/", json={"refresh_token": login["refresh_token"]}),
        401,
        "ERROR_INVALID_REFRESH_TOKEN",
    )
