"""The transactional outbox: `enqueue` runs inside the caller's write transaction.

It is installed as `ctx.hooks["event"]` and called as
    hook(ctx, conn, event_type, model, **data)
where `model` is a TableModel (or a plain Table for schema events) and `data` is
    rows.created  rows=[row JSON keyed field_<id>]
    rows.updated  rows=[...], old_rows=[...]
    rows.deleted  row_ids=[...], old_rows=[...]
    field.created / field.updated  field=<Field or field JSON>
    field.deleted  field_id=<int>
    view.created / view.updated  view=<view JSON, or an object ctx.hooks["render_view"] renders>
    view.deleted  view_id=<int>
One outbox row is written per active webhook of the table that listens to the event,
with its Baserow payload already rendered, so the event commits (or rolls back) with
the change it describes. The dispatcher delivers from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gridbase.models import Table
from gridbase.storage import meta_clock
from gridbase.storage import schema as s
from gridbase.storage.prepared import records
from gridbase.webhooks import payloads

WAKE_HOOK = "webhooks_wake"


def _listening_statement() -> sa.Select[Any]:
    w, e = s.webhooks, s.webhook_events
    return (
        sa.select(w.c.id, w.c.use_user_field_names, w.c.include_all_events, e.c.config)
        .select_from(
            w.outerjoin(
                e, sa.and_(e.c.webhook_id == w.c.id, e.c.event_type == sa.bindparam("event_type"))
            )
        )
        .where(
            w.c.table_id == sa.bindparam("table_id"),
            w.c.active.is_(True),
            sa.or_(w.c.include_all_events.is_(True), e.c.id.is_not(None)),
        )
        .order_by(w.c.id)
    )


def listening(
    conn: sa.Connection, table_id: int, event_type: str
) -> list[tuple[int, bool, dict[str, Any]]]:
    """(webhook id, use_user_field_names, event config) of the active webhooks for this event
    (kept while the metadata stays the same: storage.meta_clock)."""
    return list(
        meta_clock.cached(
            conn,
            "webhooks_listening",
            (table_id, event_type),
            lambda: _listening(conn, table_id, event_type),
        )
    )


def _listening(
    conn: sa.Connection, table_id: int, event_type: str
) -> tuple[tuple[int, bool, dict[str, Any]], ...]:
    rows = records(
        s.webhooks,
        conn,
        "listening",
        _listening_statement,
        {"table_id": table_id, "event_type": event_type},
    )
    found: dict[int, tuple[int, bool, dict[str, Any]]] = {}
    for row in rows:
        config = {} if row.include_all_events else dict(row.config or {})
        found.setdefault(row.id, (row.id, bool(row.use_user_field_names), config))
    return tuple(found.values())


def _render_values(ctx: Any, table: Table, data: dict[str, Any]) -> dict[str, Any]:
    """Field and view objects become their API JSON (renderers are installed by the app)."""
    out = dict(data)
    for key in ("field", "view"):
        value = out.get(key)
        if value is not None and not isinstance(value, dict):
            out[key] = ctx.hooks[f"render_{key}"](ctx, value, table)
    return out


def enqueue(ctx: Any, conn: sa.Connection, event_type: str, model: Any, **data: Any) -> str | None:
    """Write the outbox rows for one event; returns the event id (None when nobody listens)."""
    table: Table = getattr(model, "table", model)
    hooks = listening(conn, table.id, event_type)
    if not hooks:
        return None
    if event_type == "rows.updated":
        changed = payloads.changed_fields(data.get("rows", ()), data.get("old_rows", ()))
        hooks = [h for h in hooks if not h[2].get("fields") or changed & set(h[2]["fields"])]
        if not hooks:
            return None
    data = _render_values(ctx, table, data)
    fields = getattr(model, "fields", ())
    names = {f"field_{f.id}": f.name for f in fields}
    event_id = str(uuid.uuid4())
    now = ctx.clock()
    conn.execute(
        s.outbox.insert(),
        [
            {
                "webhook_id": webhook_id,
                "event_id": event_id,
                "event_type": event_type,
                "payload": payloads.render(
                    event_type, table, webhook_id, event_id, data, names if by_name else None
                ),
                "attempts": 0,
                "next_attempt_at": now,
                "claimed_until": None,
                "created_on": now,
            }
            for webhook_id, by_name, _ in hooks
        ],
    )
    wake: Callable[[], None] | None = ctx.hooks.get(WAKE_HOOK)
    if wake is not None:
        sa.event.listen(conn, "commit", lambda _conn: wake(), once=True)
    return event_id
