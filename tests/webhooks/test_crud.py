"""Webhook CRUD and test call: Baserow's JSON shapes, validation errors and limits."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

from gridbase import tls
from tests.conftest import Api
from tests.helpers import assert_error, eventually
from tests.test_tls import self_signed
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver, receiving


def stable(hook: dict[str, Any]) -> dict[str, Any]:
    assert hook["created_on"].endswith("Z") and hook["updated_on"].endswith("Z")
    return {k: v for k, v in hook.items() if k not in ("id", "created_on", "updated_on")}


def test_create_get_list_update_delete(api: Api, receiver: Receiver) -> None:
    table = api.table(api.database(), data=[["Name"]])
    created = api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/",
            {
                "url": receiver.url(),
                "include_all_events": False,
                "events": ["rows.created", "rows.updated"],
                "request_method": "POST",
                "headers": {"X-Key": "v"},
                "name": "n",
                "use_user_field_names": True,
            },
        )
    )
    assert stable(created) == {
        "events": ["rows.created", "rows.updated"],
        "event_config": [{"event_type": "rows.created"}, {"event_type": "rows.updated"}],
        "headers": {"X-Key": "v"},
        "calls": [],
        "use_user_field_names": True,
        "url": receiver.url(),
        "request_method": "POST",
        "name": "n",
        "include_all_events": False,
        "failed_triggers": 0,
        "active": True,
    }
    assert api.ok(api.get(f"/api/database/webhooks/{created['id']}/")) == created
    # private addresses allowed: no URL check (golden)
    defaults = make_hook(api, table, "not a url")
    assert stable(defaults) == {
        "events": [],
        "event_config": [],
        "headers": {},
        "calls": [],
        "use_user_field_names": True,
        "url": "not a url",
        "request_method": "POST",
        "name": "hook",
        "include_all_events": True,
        "failed_triggers": 0,
        "active": True,
    }
    assert api.ok(api.get(f"/api/database/webhooks/table/{table}/")) == [created, defaults]

    updated = api.ok(
        api.patch(
            f"/api/database/webhooks/{created['id']}/",
            {
                "events": ["rows.updated", "rows.deleted"],
                "headers": {"X-Other": "w"},
                "name": "m",
                "active": False,
                "request_method": "PUT",
                "use_user_field_names": False,
            },
        )
    )
    assert stable(updated) == {
        **stable(created),
        "events": ["rows.updated", "rows.deleted"],
        "event_config": [{"event_type": "rows.updated"}, {"event_type": "rows.deleted"}],
        "headers": {"X-Other": "w"},
        "name": "m",
        "active": False,
        "request_method": "PUT",
        "use_user_field_names": False,
    }
    everything = api.ok(
        api.patch(f"/api/database/webhooks/{created['id']}/", {"include_all_events": True})
    )
    assert (everything["events"], everything["include_all_events"]) == ([], True)

    r = api.delete(f"/api/database/webhooks/{created['id']}/")
    assert (r.status_code, r.content) == (204, b"")
    body = assert_error(
        api.get(f"/api/database/webhooks/{created['id']}/"),
        404,
        "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST",
    )
    assert body["detail"] == "The requested table webhook does not exist."


def test_validation_errors(api: Api) -> None:
    table = api.table(api.database(), data=[["Name"]])
    path = f"/api/database/webhooks/table/{table}/"
    body = assert_error(
        api.post(path, {"url": "http://x/", "name": "n", "events": ["rows.exploded"]}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {
        "events": {
            "0": [{"error": '"rows.exploded" is not a valid choice.', "code": "invalid_choice"}]
        }
    }
    body = assert_error(api.post(path, {}), 400, "ERROR_REQUEST_BODY_VALIDATION")
    assert body["detail"] == {
        "url": [{"error": "This field is required.", "code": "required"}],
        "name": [{"error": "This field is required.", "code": "required"}],
    }
    body = assert_error(
        api.post(path, {"url": "http://x/", "name": "n", "headers": {"Bad Name": "v"}}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {
        "headers": [
            {
                "error": "The provided header name Bad Name is invalid.",
                "code": "invalid_http_header_name",
            }
        ]
    }
    body = assert_error(
        api.post(path, {"url": "http://x/", "name": "n", "request_method": "TRACE"}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {
        "request_method": [{"error": '"TRACE" is not a valid choice.', "code": "invalid_choice"}]
    }
    other = api.table(api.database(), data=[["Other"]])
    foreign = api.fields(other)[0]["id"]
    body = assert_error(
        api.post(
            path,
            {
                "url": "http://x/",
                "name": "n",
                "include_all_events": False,
                "event_config": [{"event_type": "rows.updated", "fields": [foreign]}],
            },
        ),
        400,
        "ERROR_TABLE_WEBHOOK_EVENT_CONFIG_FIELD_NOT_IN_TABLE",
    )
    assert (
        body["detail"]
        == f"The provided event config field with ID {foreign} does not belong to the table."
    )


def test_limit_auth_and_membership(api: Api, client: Any) -> None:
    table = api.table(api.database(), data=[["Name"]])
    api.client.app.state.ctx.settings.webhooks_max_per_table = 2
    make_hook(api, table, "http://127.0.0.1/a")
    make_hook(api, table, "http://127.0.0.1/b")
    body = assert_error(
        api.post(
            f"/api/database/webhooks/table/{table}/", {"url": "http://127.0.0.1/c", "name": "c"}
        ),
        400,
        "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED",
    )
    assert body["detail"] == (
        "The maximally allowed webhooks per table has been exceeded. "
        "You can create a maximum of 2 webhooks."
    )
    r = api.get(f"/api/database/webhooks/table/{table}/", headers={"Authorization": "Token abc"})
    assert (r.status_code, r.json()) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )
    stranger = Api(client, "eve@example.com")
    assert_error(
        stranger.get(f"/api/database/webhooks/table/{table}/"), 400, "ERROR_USER_NOT_IN_GROUP"
    )
    hook_id = api.ok(api.get(f"/api/database/webhooks/table/{table}/"))[0]["id"]
    assert_error(
        stranger.patch(f"/api/database/webhooks/{hook_id}/", {"active": False}),
        400,
        "ERROR_USER_NOT_IN_GROUP",
    )
    assert_error(
        stranger.get(f"/api/database/webhooks/{hook_id}/secret/"), 400, "ERROR_USER_NOT_IN_GROUP"
    )
    assert_error(
        api.get(f"/api/database/webhooks/table/{table + 100}/"), 404, "ERROR_TABLE_DOES_NOT_EXIST"
    )


def test_calls_check_the_receivers_certificate(api: Api, tmp_path: Path) -> None:
    """HTTPS calls (one TLS context per process, gridbase.tls) refuse a certificate no known
    authority signed: the receiver gets nothing and the test call says it was unreachable."""
    table = api.table(api.database(), data=[["Name"]])
    with receiving(self_signed(tmp_path)) as receiver:
        result = api.ok(
            api.post(
                f"/api/database/webhooks/table/{table}/test-call/",
                {"url": receiver.url("test"), "event_type": "rows.created"},
            )
        )
        assert receiver.url().startswith("https://")
        assert (result["status_code"], result["is_unreachable"]) == (None, True)
        assert receiver.calls() == []
    assert tls.client_context().verify_mode == ssl.CERT_REQUIRED
    assert tls.client_context() is tls.client_context()


def test_test_call_sends_a_sample_and_logs_nothing(api: Api, receiver: Receiver) -> None:
    table = api.table(api.database(), data=[["Name"]])
    api.field(table, "Done", "boolean")
    result = api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/test-call/",
            {"url": receiver.url("test"), "event_type": "rows.created", "headers": {"X-Test": "1"}},
        )
    )
    [call] = eventually(lambda: receiver.count(1))
    event_id = call.headers["X-Baserow-Delivery"]
    database = next(
        a
        for a in api.ok(api.get("/api/applications/"))
        if a["tables"] and a["tables"][0]["id"] == table
    )
    assert call.body == {
        "table_id": table,
        "database_id": database["id"],
        "workspace_id": database["workspace"]["id"],
        "webhook_id": None,
        "event_id": event_id,
        "event_type": "rows.created",
        "items": [{"id": 0, "order": "0.00000000000000000000", "Name": None, "Done": False}],
    }
    assert call.headers["X-Test"] == "1" and call.headers["X-Baserow-Event"] == "rows.created"
    assert (result["status_code"], result["is_unreachable"]) == (200, False)
    assert result["request"].startswith(f"POST {receiver.url('test')}\r\n")
    assert json.loads(result["request"].partition("\r\n\r\n")[2]) == call.body
    assert result["response"].endswith('{\n    "ok": true\n}')

    deleted = api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/test-call/",
            {
                "url": receiver.url("test"),
                "event_type": "rows.deleted",
                "use_user_field_names": False,
            },
        )
    )
    assert json.loads(deleted["request"].partition("\r\n\r\n")[2])["row_ids"] == [0]
    field = api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/test-call/",
            {"url": receiver.url("test"), "event_type": "field.created"},
        )
    )
    assert json.loads(field["request"].partition("\r\n\r\n")[2])["field"]["name"] == "Field"

    closed = api.ok(
        api.post(
            f"/api/database/webhooks/table/{table}/test-call/",
            {"url": "http://127.0.0.1:9/nothing", "event_type": "rows.created"},
        )
    )
    assert (closed["status_code"], closed["is_unreachable"], closed["response"]) == (None, True, "")
    body = assert_error(
        api.post(f"/api/database/webhooks/table/{table}/test-call/", {"url": receiver.url()}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {
        "event_type": [{"error": "This field is required.", "code": "required"}]
    }
    assert api.ok(api.get(f"/api/database/webhooks/table/{table}/")) == []
