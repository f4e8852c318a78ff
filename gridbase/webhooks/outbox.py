"""The transactional outbox: `Outbox.enqueue` runs inside the caller's write transaction.

Core (core.events.emit) calls it with the table, its fields (they name row keys for
webhooks with user field names) and the event's JSON:
    rows.created  rows=[row JSON keyed field_<id>]
    rows.updated  rows=[...], old_rows=[...]
    rows.deleted  row_ids=[...], old_rows=[...]
    field.created / field.updated  field=<field JSON>
    field.deleted  field_id=<int>
    view.created / view.updated  view=<view JSON>
    view.deleted  view_id=<int>
One outbox row is written per active webhook of the table that listens to the event,
with its Baserow payload already rendered, so the event commits (or rolls back) with
the change it describes. The dispatcher delivers from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gridbase.models import Field, Table
from gridbase.storage import schema as s
from gridbase.storage.kept import meta_clock
from gridbase.storage.prepared import records
from gridbase.webhooks import payloads


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
    (kept while the metadata stays the same: storage.kept.meta_clock)."""
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


class Wakeup:
    """The webhook dispatcher of this process (set while it runs), woken when an event
    committed so it delivers at once instead of at its next poll."""

    def __init__(self) -> None:
        self._wake: Callable[[], None] | None = None

    def set(self, wake: Callable[[], None] | None) -> None:
        self._wake = wake

    @property
    def active(self) -> bool:
        return self._wake is not None

    def __call__(self) -> None:
        if self._wake is not None:
            self._wake()


class Outbox:
    """core.extensions.Events: outbox rows written in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime], wakeup: Wakeup) -> None:
        self.clock = clock
        self.wakeup = wakeup

    def listens(self, conn: sa.Connection, table_id: int, event: str) -> bool:
        return bool(listening(conn, table_id, event))

    def enqueue(
        self,
        conn: sa.Connection,
        event_type: str,
        table: Table,
        fields: Sequence[Field],
        data: Mapping[str, Any],
        event_id: str | None = None,
    ) -> str | None:
        """Write the outbox rows for one event; returns the event id (None when nobody
        listens). `data` holds JSON only (rows, field or view JSON, ids). `event_id`: the id
        the change stream logged the event with (one event, one id), else a new one."""
        hooks = listening(conn, table.id, event_type)
        if event_type == "rows.updated":
            changed = payloads.changed_fields(data.get("rows", ()), data.get("old_rows", ()))
            hooks = [h for h in hooks if not h[2].get("fields") or changed & set(h[2]["fields"])]
        if not hooks:
            return None
        names = {f"field_{f.id}": f.name for f in fields}
        event_id = event_id or str(uuid.uuid4())
        now = self.clock()
        conn.execute(
            s.outbox.insert(),
            [
                {
                    "webhook_id": webhook_id,
                    "event_id": event_id,
                    "event_type": event_type,
                    "payload": payloads.render(
                        event_type,
                        table,
                        webhook_id,
                        event_id,
                        dict(data),
                        names if by_name else None,
                    ),
                    "attempts": 0,
                    "next_attempt_at": now,
                    "claimed_until": None,
                    "created_on": now,
                }
                for webhook_id, by_name, _ in hooks
            ],
        )
        if self.wakeup.active:
            sa.event.listen(conn, "commit", lambda _conn: self.wakeup(), once=True)
        return event_id
