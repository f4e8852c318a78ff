"""The change stream: `GET /api/database/rows/table/<id>/events/` as Server-Sent Events.

Each event is `id: <per-database seq>`, `event: <webhook event type>`, `data: <the webhook
body>` (user_field_names, include and exclude as on the row list). `Last-Event-ID` (what an
EventSource sends when it reconnects) or `?after=` resumes after that id; without either
the stream starts at the newest event. A resume point no longer kept answers `event:
reset` (then the stream goes on live). A `: heartbeat` comment every
GRIDBASE_EVENTS_HEARTBEAT_SECONDS, when the caller's read permission is checked again: a
revoked token, a lost grant or a deleted table ends the stream.

A stream is one coroutine: it reads the log (core.row_events), then waits on its
database's signal (webhooks.stream_hub), never holding a connection while it waits.
Imports: api (deps, params, rows), core (context, row_events, rows), errors, models,
webhooks.event_log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from gridbase.api.deps import CallerDep, CtxDep, flag, with_www
from gridbase.api.params import field_refs
from gridbase.api.rows import checked
from gridbase.core import row_events, rows
from gridbase.core.context import Ctx
from gridbase.errors import QueryParameterValidation
from gridbase.models import Table
from gridbase.webhooks.event_log import LoggedEvent, render

router = APIRouter(prefix="/api/database/rows")

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering


def _after(request: Request) -> int | None:
    """Last-Event-ID (an EventSource's reconnect) wins over ?after= (the URL it keeps)."""
    raw = request.headers.get("last-event-id")
    name = "Last-Event-ID"
    if raw is None or not raw.strip():
        raw, name = request.query_params.get("after"), "after"
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not value.isdigit() or len(value) > 18:
        raise QueryParameterValidation(
            {name: [{"error": "A valid integer is required.", "code": "invalid"}]}
        )
    return int(value)


def _keys(request: Request, name: str, by_name: bool) -> list[str]:
    refs = field_refs(request.query_params.get(name), by_name)
    return [str(r) if by_name else f"field_{r}" for r in refs]


def _frame(event: LoggedEvent, body: dict[str, Any]) -> bytes:
    data = orjson.dumps(body)  # one line: orjson never writes a newline
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (event.seq, event.event_type.encode(), data)


@router.get("/table/{table_id:int}/events/")
async def stream_events(
    table_id: int, request: Request, ctx: CtxDep, caller: CallerDep
) -> StreamingResponse:
    by_name = flag(request, "user_field_names")
    after = await checked(ctx, caller, lambda: _after(request))
    include = _keys(request, "include", by_name)
    exclude = frozenset(_keys(request, "exclude", by_name))
    table = await with_www(ctx.call(row_events.open_table, ctx, caller, table_id))
    start = await ctx.call(row_events.start, ctx, table, after)

    def body(event: LoggedEvent) -> bytes:
        picked = render(
            event, by_name=by_name, include=frozenset(include) if include else None, exclude=exclude
        )
        return _frame(event, picked)

    return StreamingResponse(
        _events(ctx, caller, table, start, body),
        media_type="text/event-stream",
        headers=HEADERS,
    )


async def _events(
    ctx: Ctx, caller: rows.Caller, table: Table, start: row_events.Start, body: Any
) -> AsyncIterator[bytes]:
    hub = ctx.ext.stream
    heartbeat = ctx.settings.events_heartbeat_seconds
    after = start.after
    if start.reset:
        reset = {"table_id": table.id, "detail": "Events after the given id are gone: re-read"}
        yield b"id: %d\nevent: reset\ndata: %s\n\n" % (after, orjson.dumps(reset))
    else:
        yield b": stream open\n\n"  # the client sees the stream is up before any event
    check_at = time.monotonic() + heartbeat
    while hub.serving:
        signal = hub.signal(table.database_id)  # before the read: a commit after it wakes us
        events = await ctx.call(row_events.read, ctx, table.id, after)
        for event in events:
            yield body(event)
            after = event.seq
        if len(events) == row_events.READ_LIMIT:
            continue
        wait = check_at - time.monotonic()
        if wait > 0:
            try:
                await asyncio.wait_for(signal.wait(), timeout=wait)
                continue
            except TimeoutError:
                pass
        if not await ctx.call(row_events.still_readable, ctx, caller, table.id):
            return
        yield b": heartbeat\n\n"
        check_at = time.monotonic() + heartbeat
