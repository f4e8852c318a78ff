"""Webhook events of restores and duplicates, as Baserow 1.35.3 sends them (checked against
it): a field's trashing and restore send field.updated for the lookups they change in other
tables (the restore nothing else); a field's duplicate field.created only, its data copied
silently; a table's duplicate, a table's or a database's trashing and restore nothing.
Nothing sent is told by a later event arriving first (deliveries keep their order)."""

from __future__ import annotations

from typing import Any

from tests.api.test_duplicate import run
from tests.conftest import Api
from tests.helpers import eventually
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_events import common


def _linked(api: Api) -> tuple[int, int, dict[str, Any], dict[str, Any]]:
    """A (Name, X) and B (Name, L: link to A, LX: lookup of X through L); X, LX."""
    db = api.database()
    a = api.table(db, "A", [["Name", "X"], ["a", "1"]])
    b = api.table(db, "B", [["Name"], ["b"]])
    x = next(f for f in api.fields(a) if f["name"] == "X")
    link = api.field(b, "L", "link_row", link_row_table_id=a, has_related_field=True)
    lx = api.field(b, "LX", "lookup", through_field_id=link["id"], target_field_id=x["id"])
    return a, b, x, lx


def _restore(api: Api, kind: str, item: int) -> None:
    r = api.patch("/api/trash/restore/", {"trash_item_type": kind, "trash_item_id": item})
    assert r.status_code == 204, r.text


def _sentinel(api: Api, table: int) -> dict[str, Any]:
    return dict(api.ok(api.post(f"/api/database/rows/table/{table}/", {})))


def test_field_trash_and_restore_update_lookups_elsewhere(api: Api, receiver: Receiver) -> None:
    a, b, x, lx = _linked(api)
    hook_a = make_hook(api, a, receiver.url("a"), include_all_events=True)
    hook_b = make_hook(api, b, receiver.url("b"), include_all_events=True)
    assert api.delete(f"/api/database/fields/{x['id']}/").status_code == 200
    calls = eventually(lambda: receiver.count(2))
    by_path = {c.path: c for c in calls}
    deleted, updated = by_path["/a"], by_path["/b"]
    assert deleted.body == {
        **common(api, a, hook_a, deleted.headers["X-Baserow-Delivery"], "field.deleted"),
        "field_id": x["id"],
    }
    assert updated.body["event_type"] == "field.updated"
    assert updated.body["field"]["id"] == lx["id"]
    assert updated.body["field"]["formula_type"] == "invalid"

    _restore(api, "field", x["id"])
    _sentinel(api, a)
    calls = eventually(lambda: receiver.count(4))
    assert [(c.path, c.body["event_type"]) for c in calls[2:]] in (
        [("/b", "field.updated"), ("/a", "rows.created")],
        [("/a", "rows.created"), ("/b", "field.updated")],
    )
    healed = next(c for c in calls[2:] if c.path == "/b")
    assert healed.body == {
        **common(api, b, hook_b, healed.headers["X-Baserow-Delivery"], "field.updated"),
        "field": next(f for f in api.fields(b) if f["id"] == lx["id"]),
    }
    assert healed.body["field"]["formula_type"] == "array"
    assert receiver.count(5) is None


def test_field_duplicate_sends_field_created_only(api: Api, receiver: Receiver) -> None:
    a, _b, x, _lx = _linked(api)
    hook = make_hook(api, a, receiver.url(), include_all_events=True)
    done = run(api, f"/api/database/fields/{x['id']}/duplicate/async/", {"duplicate_data": True})
    _sentinel(api, a)
    created, sentinel = eventually(lambda: receiver.count(2))
    assert created.body == {
        **common(api, a, hook, created.headers["X-Baserow-Delivery"], "field.created"),
        "field": next(f for f in api.fields(a) if f["id"] == done["duplicated_field"]["id"]),
    }
    assert sentinel.body["event_type"] == "rows.created"
    assert receiver.count(3) is None


def test_table_and_database_moves_send_nothing(api: Api, receiver: Receiver) -> None:
    db = api.database()
    a = api.table(db, "A", [["Name"], ["a"]])
    make_hook(api, a, receiver.url(), include_all_events=True)
    run(api, f"/api/database/tables/{a}/duplicate/async/")
    assert api.delete(f"/api/database/tables/{a}/").status_code == 204
    _restore(api, "table", a)
    assert api.delete(f"/api/applications/{db}/").status_code == 204
    _restore(api, "application", db)
    row = _sentinel(api, a)
    [only] = eventually(lambda: receiver.count(1))
    assert only.body["event_type"] == "rows.created"
    assert only.body["items"][0]["id"] == row["id"]
    assert receiver.count(2) is None


def test_link_and_table_trash_delete_links(api: Api, receiver: Receiver) -> None:
    """A two-way link's trashing sends field.deleted on both tables; a table's trashing
    field.deleted for the links into it and field.updated for the lookups through them
    (one per table); its restore nothing."""
    a, b, _x, lx = _linked(api)
    fields_b = {f["name"]: f for f in api.fields(b)}
    hook_a = make_hook(api, a, receiver.url("a"), include_all_events=True)
    hook_b = make_hook(api, b, receiver.url("b"), include_all_events=True)
    link = fields_b["L"]
    assert api.delete(f"/api/database/fields/{link['id']}/").status_code == 200
    calls = {c.path: c for c in eventually(lambda: receiver.count(2))}
    assert calls["/a"].body == {
        **common(api, a, hook_a, calls["/a"].headers["X-Baserow-Delivery"], "field.deleted"),
        "field_id": link["link_row_related_field_id"],
    }
    assert calls["/b"].body == {
        **common(api, b, hook_b, calls["/b"].headers["X-Baserow-Delivery"], "field.deleted"),
        "field_id": link["id"],
    }
    _restore(api, "field", link["id"])

    assert api.delete(f"/api/database/tables/{a}/").status_code == 204
    deleted, updated = eventually(lambda: receiver.count(4))[2:]
    assert (deleted.path, updated.path) == ("/b", "/b")
    assert deleted.body == {
        **common(api, b, hook_b, deleted.headers["X-Baserow-Delivery"], "field.deleted"),
        "field_id": link["id"],
    }
    assert updated.body == {
        **common(api, b, hook_b, updated.headers["X-Baserow-Delivery"], "field.updated"),
        "field": next(f for f in api.fields(b) if f["id"] == lx["id"]),
    }
    _restore(api, "table", a)
    _sentinel(api, b)
    assert [c.body["event_type"] for c in eventually(lambda: receiver.count(5))[4:]] == [
        "rows.created"
    ]
    assert receiver.count(6) is None
