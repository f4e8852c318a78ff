"""Events of a change, handed to the webhook outbox and the change stream's event log inside
the change's transaction.

Imports: core.context, fields.field_json, models.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.fields.field_json import field_json
from gridbase.models import Field, Table


def listens(ctx: Ctx, conn: sa.Connection, table: Table, event: str) -> bool:
    """Whether a webhook or the change stream takes this event of the table (so what it
    needs, e.g. the rows before an update, is worth reading)."""
    return ctx.ext.event_log.logs(event) or ctx.ext.events.listens(conn, table.id, event)


def emit(
    ctx: Ctx,
    conn: sa.Connection,
    event: str,
    table: Table,
    fields: Sequence[Field] = (),
    *,
    webhooks: bool = True,
    **data: Any,
) -> None:
    """Write the event for the webhooks that take it and to the change stream's log (one
    event id for both). `fields`: the table's fields, which name row keys for user field
    names; a `field` or `view` in `data` is rendered as its API JSON (only when someone
    listens). `webhooks=False`: logged for the stream only (send_webhook_events=false)."""
    field, view = data.get("field"), data.get("view")
    if isinstance(field, Field) or (view is not None and not isinstance(view, dict)):
        if not listens(ctx, conn, table, event):  # rendering is worth it only then
            return
        if isinstance(field, Field):
            data["field"] = field_json(ctx, field, table.database_id, table.workspace_id)
        if view is not None and not isinstance(view, dict):
            data["view"] = ctx.ext.render_view(ctx, view, table)
    event_id = str(uuid.uuid4())
    ctx.ext.event_log.append(conn, event, table, fields, data, event_id)
    if webhooks:
        ctx.ext.events.enqueue(conn, event, table, fields, data, event_id)  # (none: no hook)
