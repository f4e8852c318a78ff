"""Every event's payload and headers, as the receiver on 127.0.0.1 gets them (in-app dispatcher)."""

from __future__ import annotations

import json
from typing import Any

import standardwebhooks

from tests.conftest import Api
from tests.helpers import eventually
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver


def setup(api: Api) -> tuple[int, dict[str, int]]:
    table = api.table(api.database(), data=[["Name"]])
    api.field(table, "Qty", "number")
    return table, {f["name"]: f["id"] for f in api.fields(table)}


def common(
    api: Api, table: int, hook: dict[str, Any], event_id: str, event_type: str
) -> dict[str, Any]:
    app = api.ok(api.get("/api/applications/"))
    database = next(a for a in app if any(t["id"] == table for t in a["tables"]))
    return {
        "table_id": table,
        "database_id": database["id"],
        "workspace_id": database["workspace"]["id"],
        "webhook_id": hook["id"],
        "event_id": event_id,
        "event_type": event_type,
    }


def test_row_events_by_name(api: Api, receiver: Receiver) -> None:
    table, _fields = setup(api)
    hook = make_hook(
        api,
        table,
        receiver.url(),
        include_all_events=False,
        events=["rows.created", "rows.updated", "rows.deleted"],
        headers={"X-Key": "v"},
    )
    created = api.ok(
        api.post(
            f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "a", "Qty": 5}
        )
    )
    [call] = eventually(lambda: receiver.count(1))
    assert call.method == "POST" and call.path == "/hook"
    assert call.headers["X-Key"] == "v" and call.headers["Content-type"] == "application/json"
    assert call.headers["X-Baserow-Event"] == "rows.created"
    event_id = call.headers["X-Baserow-Delivery"]
    assert call.body == {**common(api, table, hook, event_id, "rows.created"), "items": [created]}

    updated = api.ok(
        api.patch(
            f"/api/database/rows/table/{table}/{created['id']}/?user_field_names=true", {"Qty": 6}
        )
    )
    call = eventually(lambda: receiver.count(2))[1]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "rows.updated"),
        "items": [updated],
        "old_items": [created],
    }

    api.ok(api.delete(f"/api/database/rows/table/{table}/{created['id']}/"))
    call = eventually(lambda: receiver.count(3))[2]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "rows.deleted"),
        "row_ids": [created["id"]],
    }
    assert len({c.headers["X-Baserow-Delivery"] for c in receiver.calls()}) == 3


def test_batch_is_one_event_with_field_id_keys(api: Api, receiver: Receiver) -> None:
    table, fields = setup(api)
    make_hook(api, table, receiver.url(), use_user_field_names=False)
    items = api.ok(
        api.post(
            f"/api/database/rows/table/{table}/batch/",
            {"items": [{f"field_{fields['Name']}": "x"}, {f"field_{fields['Name']}": "y"}]},
        )
    )["items"]
    [call] = eventually(lambda: receiver.count(1))
    assert call.body["event_type"] == "rows.created"
    assert call.body["items"] == items
    assert [r[f"field_{fields['Name']}"] for r in call.body["items"]] == ["x", "y"]
    api.ok(
        api.post(
            f"/api/database/rows/table/{table}/batch-delete/", {"items": [i["id"] for i in items]}
        )
    )
    call = eventually(lambda: receiver.count(2))[1]
    assert (call.body["event_type"], call.body["row_ids"]) == (
        "rows.deleted",
        [i["id"] for i in items],
    )


def test_send_webhook_events_false_sends_nothing(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    make_hook(api, table, receiver.url())
    api.ok(
        api.post(
            f"/api/database/rows/table/{table}/?user_field_names=true&send_webhook_events=false",
            {"Name": "quiet"},
        )
    )
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "loud"}))
    [call] = eventually(lambda: receiver.count(1))
    assert [r["Name"] for r in call.body["items"]] == ["loud"]
    assert len(receiver.calls()) == 1


def test_field_events(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    hook = make_hook(
        api,
        table,
        receiver.url(),
        include_all_events=False,
        events=["field.created", "field.updated", "field.deleted"],
    )
    field = api.field(table, "Notes", "text")
    field.pop("related_fields")
    call = eventually(lambda: receiver.count(1))[0]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "field.created"),
        "field": field,
    }
    renamed = api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"name": "Remarks"}))
    renamed.pop("related_fields", None)
    call = eventually(lambda: receiver.count(2))[1]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "field.updated"),
        "field": renamed,
    }
    api.ok(api.delete(f"/api/database/fields/{field['id']}/"))
    call = eventually(lambda: receiver.count(3))[2]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "field.deleted"),
        "field_id": field["id"],
    }


def test_view_events(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    hook = make_hook(
        api,
        table,
        receiver.url(),
        include_all_events=False,
        events=["view.created", "view.updated", "view.deleted"],
    )
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "Grid", "type": "grid"}))
    call = eventually(lambda: receiver.count(1))[0]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "view.created"),
        "view": view,
    }
    renamed = api.ok(api.patch(f"/api/database/views/{view['id']}/", {"name": "Grid 2"}))
    call = eventually(lambda: receiver.count(2))[1]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "view.updated"),
        "view": renamed,
    }
    assert api.delete(f"/api/database/views/{view['id']}/").status_code == 204
    call = eventually(lambda: receiver.count(3))[2]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "view.deleted"),
        "view_id": view["id"],
    }


def test_only_listed_events_and_active_webhooks(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    make_hook(
        api, table, receiver.url("created"), include_all_events=False, events=["rows.created"]
    )
    off = make_hook(api, table, receiver.url("off"))
    api.ok(api.patch(f"/api/database/webhooks/{off['id']}/", {"active": False}))
    row = api.ok(
        api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "a"})
    )
    api.ok(
        api.patch(
            f"/api/database/rows/table/{table}/{row['id']}/?user_field_names=true", {"Name": "b"}
        )
    )
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "c"}))
    calls = eventually(lambda: receiver.count(2))
    assert [(c.path, c.body["items"][0]["Name"]) for c in calls] == [
        ("/created", "a"),
        ("/created", "c"),
    ]


def test_rows_updated_event_config_fields(api: Api, receiver: Receiver) -> None:
    table, fields = setup(api)
    make_hook(
        api,
        table,
        receiver.url(),
        include_all_events=False,
        event_config=[{"event_type": "rows.updated", "fields": [fields["Qty"]]}],
    )
    row = api.ok(
        api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "a"})
    )
    api.ok(
        api.patch(
            f"/api/database/rows/table/{table}/{row['id']}/?user_field_names=true", {"Name": "b"}
        )
    )
    api.ok(
        api.patch(
            f"/api/database/rows/table/{table}/{row['id']}/?user_field_names=true", {"Qty": 3}
        )
    )
    [call] = eventually(lambda: receiver.count(1))
    assert call.body["items"][0]["Qty"] == "3"
    assert call.body["old_items"][0]["Qty"] is None


def test_signature_verifies_with_standardwebhooks(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    hook = make_hook(api, table, receiver.url())
    secret = api.ok(api.get(f"/api/database/webhooks/{hook['id']}/secret/"))["secret"]
    assert secret.startswith("whsec_")
    api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "signed"}))
    [call] = eventually(lambda: receiver.count(1))
    payload = standardwebhooks.Webhook(secret).verify(call.raw, call.headers)
    assert payload == call.body
    assert call.headers["webhook-id"] == call.headers["X-Baserow-Delivery"]

    rotated = api.ok(api.post(f"/api/database/webhooks/{hook['id']}/secret/rotate/"))["secret"]
    assert rotated != secret
    api.ok(
        api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "rotated"})
    )
    call = eventually(lambda: receiver.count(2))[1]
    standardwebhooks.Webhook(rotated).verify(call.raw, call.headers)
    try:
        standardwebhooks.Webhook(secret).verify(call.raw, call.headers)
    except standardwebhooks.WebhookVerificationError:
        pass
    else:
        raise AssertionError("the old secret still verifies")


def test_call_log_format(api: Api, receiver: Receiver) -> None:
    table, _ = setup(api)
    hook = make_hook(api, table, receiver.url(), headers={"X-Key": "v"})
    row = api.ok(
        api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": "logged"})
    )
    [call] = eventually(lambda: receiver.count(1))
    event_id = call.headers["X-Baserow-Delivery"]
    calls = eventually(
        lambda: api.ok(api.get(f"/api/database/webhooks/{hook['id']}/"))["calls"] or None
    )
    [logged] = calls
    assert set(logged) == {
        "id",
        "event_id",
        "event_type",
        "called_time",
        "called_url",
        "request",
        "response",
        "response_status",
        "error",
    }
    assert (
        logged["event_id"],
        logged["event_type"],
        logged["called_url"],
        logged["response_status"],
        logged["error"],
    ) == (event_id, "rows.created", receiver.url(), 200, "")
    head, _, body = logged["request"].partition("\r\n\r\n")
    lines = head.split("\r\n")
    assert lines[0] == f"POST {receiver.url()}"
    assert {
        "X-Key: v",
        "Content-type: application/json",
        "X-Baserow-Event: rows.created",
        f"X-Baserow-Delivery: {event_id}",
    } <= set(lines[1:])
    assert not any(line.lower().startswith("host:") for line in lines)
    assert body.startswith('{\n    "table_id"') and body.count("\n") > 5
    assert json.loads(body)["items"] == [row]
    assert logged["response"].startswith("Server: test-receiver/1\r\n")
    assert logged["response"].endswith('\r\n\r\n{\n    "ok": true\n}')
