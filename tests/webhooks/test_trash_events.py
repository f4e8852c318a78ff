"""Webhook events of the trash: trashing rows sends rows.deleted (as any delete), restoring
them rows.created with the restored rows, as Baserow's rows_created signal does."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import eventually
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_events import common, setup


def test_restore_sends_rows_created(api: Api, receiver: Receiver) -> None:
    table, _fields = setup(api)
    rows = f"/api/database/rows/table/{table}/"
    first = api.ok(api.post(f"{rows}?user_field_names=true", {"Name": "a", "Qty": 1}))
    second = api.ok(api.post(f"{rows}?user_field_names=true", {"Name": "b", "Qty": 2}))
    hook = make_hook(
        api, table, receiver.url(), include_all_events=False,
        events=["rows.created", "rows.deleted"],
    )  # fmt: skip
    api.ok(api.post(f"{rows}batch-delete/", {"items": [first["id"], second["id"]]}))
    call = eventually(lambda: receiver.count(1))[0]
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "rows.deleted"),
        "row_ids": [first["id"], second["id"]],
    }
    ws = api.ok(api.get("/api/trash/"))["workspaces"][0]["id"]
    [entry] = api.ok(api.get(f"/api/trash/workspace/{ws}/"))["results"]
    r = api.patch(
        "/api/trash/restore/",
        {"trash_item_type": "rows", "trash_item_id": entry["trash_item_id"],
         "parent_trash_item_id": table},
    )  # fmt: skip
    assert r.status_code == 204
    call = eventually(lambda: receiver.count(2))[1]
    assert call.headers["X-Baserow-Event"] == "rows.created"
    assert call.body == {
        **common(api, table, hook, call.headers["X-Baserow-Delivery"], "rows.created"),
        "items": [first, second],
    }
