"""The change stream of a table (GET .../rows/table/<id>/events/): who may follow it, where a
stream starts, and what it reads next. The log itself is webhooks.event_log; waiting for
new events is the api layer's (api.row_events, woken by webhooks.stream_hub).
Imports: core.rows (the row list's read check), errors, models, webhooks.event_log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gridbase.core import rows
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError
from gridbase.models import Table
from gridbase.webhooks import event_log
from gridbase.webhooks.event_log import LoggedEvent

READ_LIMIT = 500  # events per read; a stream far behind reads again at once


@dataclass(frozen=True, slots=True)
class Start:
    after: int  # the stream sends the events after this seq
    reset: bool  # the resume point is gone (swept, or unknown): the client re-reads the table


def open_table(ctx: Ctx, caller: rows.Caller, table_id: int) -> Table:
    """The table, once the caller may read its rows (the row list's check and errors)."""
    with ctx.db.read() as conn:
        return rows.readable_model(ctx, conn, caller, table_id).table


def still_readable(ctx: Ctx, caller: rows.Caller, table_id: int) -> bool:
    """Checked at each heartbeat: a revoked token, a lost grant or membership, or a deleted
    table ends the stream."""
    try:
        open_table(ctx, caller, table_id)
    except GridbaseError:
        return False
    return True


def start(ctx: Ctx, table: Table, after: int | None) -> Start:
    """Where a stream starts: after `after` (a resume), else after the newest event (live
    only). A resume from before the retained events, or from a seq this database never
    gave, is a reset: the stream goes on from the newest event."""
    with ctx.db.read() as conn:
        at = event_log.position(conn, table.database_id)
    if after is None:
        return Start(at.last_seq, False)
    if after < at.purged_seq or after > at.last_seq:
        return Start(at.last_seq, True)
    return Start(after, False)


def read(ctx: Ctx, table_id: int, after: int) -> list[LoggedEvent]:
    with ctx.db.read() as conn:
        return event_log.read_after(conn, table_id, after, READ_LIMIT)


def purge(ctx: Ctx) -> int:
    """Delete the events older than the retention (GRIDBASE_EVENTS_RETENTION_HOURS)."""
    cutoff = ctx.clock() - timedelta(hours=ctx.settings.events_retention_hours)
    with ctx.db.write() as conn:
        return event_log.purge(conn, cutoff)
