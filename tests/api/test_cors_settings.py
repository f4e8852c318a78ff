"""CORS as Baserow 1.35.3 sends it (recorded), on every route including the hot ones, and
the public instance settings."""

from __future__ import annotations

from gridbase.core.context import Ctx
from tests.conftest import Api

ORIGIN = {"Origin": "https://app.example"}


def test_a_preflight_is_answered_for_any_path(api: Api) -> None:
    for path in ("/api/database/rows/table/1/", "/api/settings/", "/api/nowhere/"):
        r = api.client.options(
            path,
            headers={
                **ORIGIN,
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert (r.status_code, r.content) == (200, b"")
        assert {k: v for k, v in r.headers.items() if k.startswith("access-control")} == {
            "access-control-allow-origin": "*",
            "access-control-allow-headers": "accept, authorization, content-type, user-agent, "
            "x-csrftoken, x-requested-with, WebsocketId, Baserow-View-Authorization, "
            "ClientSessionId, ClientUndoRedoActionGroupId, UserSourceAuthorization",
            "access-control-allow-methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
            "access-control-max-age": "86400",
        }
        assert r.headers["vary"] == "origin"


def test_every_answer_allows_any_origin(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"]])
    ws = api.ok(api.get("/api/workspaces/"))[0]["id"]
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))["key"]
    by_token = {"Authorization": f"Token {token}"}
    answers = [
        api.client.get(f"/api/database/rows/table/{table}/1/", headers={**by_token, **ORIGIN}),
        api.client.get(f"/api/database/rows/table/{table}/99/", headers={**by_token, **ORIGIN}),
        api.client.get(f"/api/database/rows/table/{table}/", headers={**api.headers, **ORIGIN}),
        api.client.get("/api/nowhere/", headers=ORIGIN),
    ]
    assert [r.status_code for r in answers] == [200, 404, 200, 404]
    for r in answers:  # the first two took the hot route
        assert (r.headers["access-control-allow-origin"], r.headers["vary"]) == ("*", "origin")
    plain = api.client.get("/api/settings/")
    assert "access-control-allow-origin" not in plain.headers and plain.headers["vary"] == "origin"


def test_public_settings(api: Api, ctx: Ctx) -> None:
    settings = api.ok(api.client.get("/api/settings/"))
    assert settings == {
        "allow_new_signups": True,
        "allow_signups_via_workspace_invitations": True,
        "allow_reset_password": True,
        "allow_global_workspace_creation": True,
        "account_deletion_grace_delay": 30,
        "show_admin_signup_page": False,
        "track_workspace_usage": False,
        "show_baserow_help_request": False,
        "co_branding_logo": None,
        "email_verification": "no_verification",
        "verify_import_signature": True,
    }
    ctx.settings = ctx.settings.model_copy(update={"allow_signup": False})
    assert api.ok(api.client.get("/api/settings/"))["allow_new_signups"] is False
