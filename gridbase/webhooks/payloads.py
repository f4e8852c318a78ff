"""Baserow's webhook payloads: common keys, then the event's own keys.

Common keys, in Baserow's order: table_id, database_id, workspace_id, webhook_id,
event_id, event_type. Rows arrive serialized with `field_<id>` keys and are renamed to
field names for webhooks with use_user_field_names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gridbase.models import Table

ROW_EVENTS = ("rows.created", "rows.updated", "rows.deleted")
FIELD_EVENTS = ("field.created", "field.updated", "field.deleted")
VIEW_EVENTS = ("view.created", "view.updated", "view.deleted")
EVENT_TYPES = ROW_EVENTS + FIELD_EVENTS + VIEW_EVENTS

Row = dict[str, Any]


def base(table: Table, webhook_id: int | None, event_id: str, event_type: str) -> dict[str, Any]:
    return {
        "table_id": table.id,
        "database_id": table.database_id,
        "workspace_id": table.workspace_id,
        "webhook_id": webhook_id,
        "event_id": event_id,
        "event_type": event_type,
    }


def rename(rows: Sequence[Row], names: Mapping[str, str] | None) -> list[Row]:
    """`field_<id>` keys -> field names (id, order and unknown keys stay as they are)."""
    if names is None:
        return [dict(r) for r in rows]
    return [{names.get(k, k): v for k, v in r.items()} for r in rows]


def render(
    event_type: str,
    table: Table,
    webhook_id: int | None,
    event_id: str,
    data: Mapping[str, Any],
    names: Mapping[str, str] | None,
) -> dict[str, Any]:
    payload = base(table, webhook_id, event_id, event_type)
    if event_type == "rows.created":
        payload["items"] = rename(data["rows"], names)
    elif event_type == "rows.updated":
        payload["items"] = rename(data["rows"], names)
        payload["old_items"] = rename(data.get("old_rows", ()), names)
    elif event_type == "rows.deleted":
        payload["row_ids"] = list(data["row_ids"])
    elif event_type in ("field.created", "field.updated"):
        payload["field"] = data["field"]
    elif event_type == "field.deleted":
        payload["field_id"] = data["field_id"]
    elif event_type in ("view.created", "view.updated"):
        payload["view"] = data["view"]
    elif event_type == "view.deleted":
        payload["view_id"] = data["view_id"]
    else:
        payload.update(data)
    return payload


def changed_fields(rows: Sequence[Row], old_rows: Sequence[Row]) -> set[int]:
    """Ids of the fields whose value differs between the old and new state of any row."""
    old_by_id = {r["id"]: r for r in old_rows}
    changed: set[int] = set()
    for row in rows:
        old = old_by_id.get(row["id"], {})
        for key, value in row.items():
            if key.startswith("field_") and old.get(key) != value:
                changed.add(int(key[len("field_") :]))
    return changed


def sample_field(table: Table) -> dict[str, Any]:
    """The field Baserow's test call sends: an unsaved text field with id 0."""
    return {
        "id": 0,
        "table_id": 0,
        "name": "Field",
        "order": 1,
        "type": "text",
        "primary": False,
        "read_only": False,
        "immutable_type": False,
        "immutable_properties": False,
        "description": None,
        "database_id": table.database_id,
        "workspace_id": table.workspace_id,
        "db_index": False,
        "field_constraints": [],
        "text_default": "",
    }


def sample_view(table: Table) -> dict[str, Any]:
    """The view Baserow's test call sends: an unsaved grid view with id 0."""
    return {
        "id": 0,
        "table_id": 0,
        "name": "View",
        "order": 1,
        "type": "grid",
        "filter_type": "AND",
        "filters_disabled": False,
        "public_view_has_password": False,
        "show_logo": True,
        "allow_public_export": False,
        "ownership_type": "collaborative",
        "owned_by_id": None,
        "row_identifier_type": "id",
        "row_height_size": "small",
        "public": False,
    }


def sample(
    event_type: str, table: Table, event_id: str, row: Row, names: Mapping[str, str] | None
) -> dict[str, Any]:
    """The test-call payload: webhook_id null, a sample row with id 0 / field / view."""
    data: dict[str, Any] = {
        "rows": [row],
        "old_rows": [row],
        "row_ids": [0],
        "field": sample_field(table),
        "field_id": 1,
        "view": sample_view(table),
        "view_id": 1,
    }
    return render(event_type, table, None, event_id, data, names)
