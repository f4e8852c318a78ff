"""Account endpoints: password change and reset (the reset token's success path, which a
Baserow transcript cannot record), account deletion, health checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re

import pytest

from gridbase.config import Settings
from gridbase.core import cleanup
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.conftest import Api
from tests.helpers import assert_error

LOGIN = {"email": "ada@example.com", "password": "password123"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Reset links may point at the web frontend's host (GRIDBASE_FRONTEND_HOSTNAMES)."""
    return settings.model_copy(update={"frontend_hostnames": "app.example.com"})


def login(client, password: str = "password123") -> dict:
    r = client.post("/api/user/token-auth/", json={**LOGIN, "password": password})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_changing_the_password_ends_older_sessions(api: Api, client) -> None:
    session = login(client)
    body = {"old_password": "password123", "new_password": "password456"}
    assert api.post("/api/user/change-password/", body).status_code == 204
    for jwt in (api.jwt, session["access_token"]):
        r = client.get("/api/workspaces/", headers={"Authorization": f"JWT {jwt}"})
        assert_error(r, 401, "ERROR_INVALID_ACCESS_TOKEN")
    r = client.post("/api/user/token-refresh/", json={"refresh_token": session["refresh_token"]})
    assert_error(r, 401, "ERROR_INVALID_REFRESH_TOKEN")
    fresh = login(client, "password456")
    r = client.post("/api/user/token-refresh/", json={"refresh_token": fresh["refresh_token"]})
    me = client.get(
        "/api/workspaces/", headers={"Authorization": f"JWT {r.json()['access_token']}"}
    )
    assert me.status_code == 200


def test_a_kept_token_still_expires_and_still_signs_out(api: Api, client, ctx: Ctx) -> None:
    # a checked JWT's payload is kept (storage.kept: jwt_payloads); its expiry and the
    # session stamp are still checked at every use
    assert api.get("/api/workspaces/").status_code == 200  # checked, now kept
    kept, _ = ctx.kept.jwt_payloads.get(api.jwt)
    assert kept
    assert (
        client.get("/api/workspaces/", headers={"Authorization": f"JWT {api.jwt}x"}).status_code
        == 401
    )
    real_clock = ctx.clock
    ctx.clock = lambda: real_clock() + dt.timedelta(minutes=11)  # access tokens last 10
    try:
        assert_error(api.get("/api/workspaces/"), 401, "ERROR_INVALID_ACCESS_TOKEN")
    finally:
        ctx.clock = real_clock
    assert api.get("/api/workspaces/").status_code == 200
    body = {"old_password": "password123", "new_password": "password456"}
    assert api.post("/api/user/change-password/", body).status_code == 204
    assert_error(api.get("/api/workspaces/"), 401, "ERROR_INVALID_ACCESS_TOKEN")


def _reset_link(caplog: pytest.LogCaptureFixture) -> str:
    found = re.findall(r"https://app\.example\.com/reset/(\S+)", caplog.text)
    assert len(found) == 1, caplog.text
    return found[0]


def test_reset_password_by_the_mailed_token_once(
    api: Api, client, caplog: pytest.LogCaptureFixture
) -> None:
    session = login(client)
    caplog.set_level(logging.INFO, logger="gridbase.mail")
    body = {"email": "ADA@example.com", "base_url": "https://app.example.com/reset"}
    assert client.post("/api/user/send-reset-password-email/", json=body).status_code == 204
    token = _reset_link(caplog)
    reset = {"token": token, "password": "brand-new-pw"}
    assert client.post("/api/user/reset-password/", json=reset).status_code == 204
    login(client, "brand-new-pw")
    r = client.get("/api/workspaces/", headers={"Authorization": f"JWT {session['access_token']}"})
    assert_error(r, 401, "ERROR_INVALID_ACCESS_TOKEN")
    again = {"token": token, "password": "another-pw-1"}
    assert_error(client.post("/api/user/reset-password/", json=again), 400, "BAD_TOKEN_SIGNATURE")
    tampered = {"token": token[:-2] + "xx", "password": "another-pw-1"}
    r = client.post("/api/user/reset-password/", json=tampered)
    assert_error(r, 400, "BAD_TOKEN_SIGNATURE")
    login(client, "brand-new-pw")


def test_a_reset_token_expires_after_48_hours(
    api: Api, client, ctx: Ctx, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gridbase.mail")
    body = {"email": "ada@example.com", "base_url": "https://app.example.com/reset"}
    assert client.post("/api/user/send-reset-password-email/", json=body).status_code == 204
    token = _reset_link(caplog)
    real_clock = ctx.clock
    ctx.clock = lambda: real_clock() + dt.timedelta(hours=49)
    try:
        r = client.post("/api/user/reset-password/", json={"token": token, "password": "x" * 9})
    finally:
        ctx.clock = real_clock
    assert_error(r, 400, "EXPIRED_TOKEN_SIGNATURE")
    login(client)  # the password did not change


def test_no_mail_for_an_unknown_address_or_another_host(
    api: Api, client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gridbase.mail")
    unknown = {"email": "nobody@example.com", "base_url": "https://app.example.com/reset"}
    assert client.post("/api/user/send-reset-password-email/", json=unknown).status_code == 204
    elsewhere = {"email": "ada@example.com", "base_url": "http://evil.example/reset"}
    r = client.post("/api/user/send-reset-password-email/", json=elsewhere)
    assert_error(r, 400, "ERROR_HOSTNAME_IS_NOT_ALLOWED")
    assert "reset" not in caplog.text


def test_account_update_is_kept_and_shown_at_login(api: Api, client) -> None:
    body = {"first_name": "Ada L", "language": "fr", "completed_guided_tours": ["sidebar"]}
    assert api.ok(api.patch("/api/user/account/", body))["language"] == "fr"
    user = login(client)["user"]
    assert (user["first_name"], user["language"], user["completed_guided_tours"]) == (
        "Ada L",
        "fr",
        ["sidebar"],
    )


def test_scheduled_deletion_is_cancelled_by_a_login_else_done_after_the_grace(
    api: Api, client, ctx: Ctx
) -> None:
    later = dataclasses.replace(ctx, clock=lambda: ctx.clock() + dt.timedelta(days=31))
    other = Api(client, "bob@example.com", "Bob")  # the first user is staff: Bob is not
    workspace = other.workspace()
    assert other.post("/api/user/schedule-account-deletion/").status_code == 204
    client.post(
        "/api/user/token-auth/", json={"email": "bob@example.com", "password": "password123"}
    )
    assert cleanup.run_once(later)["accounts"] == 0  # the login cancelled it
    assert other.post("/api/user/schedule-account-deletion/").status_code == 204
    assert cleanup.run_once(ctx)["accounts"] == 0  # within the grace period
    assert cleanup.run_once(later)["accounts"] == 1
    r = client.post(
        "/api/user/token-auth/", json={"email": "bob@example.com", "password": "password123"}
    )
    assert_error(r, 401, "ERROR_INVALID_CREDENTIALS")
    with ctx.db.read() as conn:  # the workspace Bob was the only member of went with him
        assert s.count_rows(conn, s.workspaces, s.workspaces.c.id == workspace) == 0


def test_the_last_staff_user_cannot_schedule_their_deletion(api: Api) -> None:
    assert api.user["is_staff"]
    assert_error(api.post("/api/user/schedule-account-deletion/"), 400, "ERROR_USER_IS_LAST_ADMIN")


def test_health_checks(api: Api, client) -> None:
    r = client.get("/api/_health/")
    assert (r.status_code, r.text) == (200, "OK")
    full = api.ok(api.get("/api/_health/full/"))  # the first user is staff
    assert full["passing"] is True
    assert full["checks"] == {
        "CeleryPingHealthCheck": "working",  # the job runner of this process
        "DatabaseBackend": "working",
        "DefaultFileStorageHealthCheck": "working",
    }
    assert (full["celery_queue_size"], full["celery_export_queue_size"]) == (0, 0)
    bob = Api(client, "bob@example.com", "Bob")
    assert bob.get("/api/_health/full/").status_code == 403


def test_resets_refused_when_turned_off(
    api: Api, client, ctx: Ctx, caplog: pytest.LogCaptureFixture
) -> None:
    """GRIDBASE_ALLOW_RESET_PASSWORD=false: both reset endpoints answer Baserow's
    ERROR_DISABLED_RESET_PASSWORD (an unknown address still gets its silent 204), a token
    mailed before does not work, and the settings say so; the settings cannot be changed
    through the API."""
    caplog.set_level(logging.INFO, logger="gridbase.mail")
    body = {"email": "ada@example.com", "base_url": "https://app.example.com/reset"}
    assert client.post("/api/user/send-reset-password-email/", json=body).status_code == 204
    token = _reset_link(caplog)
    ctx.settings.allow_reset_password = False
    refused = client.post("/api/user/send-reset-password-email/", json=body)
    assert assert_error(refused, 400, "ERROR_DISABLED_RESET_PASSWORD")["detail"] == ""
    unknown = {**body, "email": "nobody@example.com"}
    assert client.post("/api/user/send-reset-password-email/", json=unknown).status_code == 204
    reset = {"token": token, "password": "brand-new-pw"}
    assert_error(client.post("/api/user/reset-password/", json=reset), 400,
                 "ERROR_DISABLED_RESET_PASSWORD")  # fmt: skip
    login(client)  # the password is unchanged
    assert client.get("/api/settings/").json()["allow_reset_password"] is False
    update = api.patch("/api/settings/update/", {"allow_reset_password": True})
    assert_error(update, 400, "ERROR_SETTINGS_FROM_ENVIRONMENT")
    bob = Api(client, "bob@example.com", "Bob")
    assert bob.patch("/api/settings/update/", {}).json() == {
        "detail": "You do not have permission to perform this action."
    }
    ctx.settings.allow_reset_password = True
    assert client.post("/api/user/reset-password/", json=reset).status_code == 204


def test_queue_sizes_count_pending_jobs(ctx: Ctx, settings: Settings) -> None:
    """Without a runner (GRIDBASE_JOBS_RUNNER=false) jobs stay pending: the full check counts
    them as Baserow counts its celery queues, leaves the runner out of `passing`, and the
    queue check answers 503 at Baserow's limit of 10."""
    from fastapi.testclient import TestClient

    from gridbase.app import create_app

    quiet = settings.model_copy(update={"jobs_runner": False})
    with TestClient(create_app(quiet)) as client:
        api = Api(client)
        table = api.table(data=[["Name"], ["a"]])
        exported = api.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"})
        api.ok(exported)
        path = f"/api/database/tables/{table}/import/async/"
        api.ok(api.post(path, {"data": [["b"]]}))
        full = api.ok(api.get("/api/_health/full/"))
        assert (full["celery_queue_size"], full["celery_export_queue_size"]) == (1, 1)
        assert full["checks"]["CeleryPingHealthCheck"].startswith("not checked")
        assert full["passing"] is True
        queue = client.get("/api/_health/celery-queue/", params={"queue": ["celery", "export"]})
        assert (queue.status_code, queue.json()) == (200, "ok")
        for n in range(10):  # other users' imports: one pending import per user
            other = Api(client, f"u{n}@example.com")
            other_table = other.table(data=[["Name"], ["a"]])
            other.ok(other.post(f"/api/database/tables/{other_table}/import/async/",
                                {"data": [["b"]]}))  # fmt: skip
        queue = client.get("/api/_health/celery-queue/", params={"queue": "celery"})
        assert (queue.status_code, queue.json()) == (503, "not ok")


def test_the_email_tester_reports_what_happened(api: Api, client) -> None:
    """Without GRIDBASE_SMTP_HOST nothing is sent (the mail only goes to the log), which the
    tester says; an unreachable SMTP server's error comes back with its type."""
    answer = api.ok(api.post("/api/_health/email/", {"target_email": "x@example.com"}))
    assert (answer["succeeded"], answer["error_type"]) == (False, "SMTPNotConfigured")
    bad = api.post("/api/_health/email/", {"target_email": "nope"})
    assert_error(bad, 400, "ERROR_REQUEST_BODY_VALIDATION")
