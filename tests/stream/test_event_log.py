"""The event log under the stream (webhooks.event_log, core.row_events), at the service level:
ids commit in order on PostgreSQL, retention and reset, per-stream rendering."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from gridbase.core import cleanup, row_events
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from gridbase.usertable import load
from gridbase.webhooks.event_log import LoggedEvent, position, render
from tests.conftest import Api


def _table(ctx: Ctx, table_id: int):  # type: ignore[no-untyped-def]
    with ctx.db.read() as conn:
        return load.load_table(conn, table_id)


def test_a_second_writer_waits_for_the_first_commit(ctx: Ctx, api: Api) -> None:
    """Seqs become visible in seq order: a writer of the same database takes the next seq only
    once the one before it committed (PostgreSQL: the counter row's lock), so a reader that
    saw seq N never later finds a smaller one."""
    table_id = api.table(api.database(), name="T")
    table = _table(ctx, table_id)
    log = ctx.ext.event_log
    first_done, second_done = threading.Event(), threading.Event()
    seqs: dict[str, int | None] = {}

    def second() -> None:
        with ctx.db.write() as conn:
            seqs["second"] = log.append(conn, "rows.deleted", table, (), {"row_ids": [2]}, "b")
        second_done.set()

    with ctx.db.write() as conn:
        seqs["first"] = log.append(conn, "rows.deleted", table, (), {"row_ids": [1]}, "a")
        thread = threading.Thread(target=second)
        thread.start()
        # while the first is open the second cannot commit (SQLite: the write lock; PostgreSQL:
        # the counter row); waiting a moment shows it does not overtake
        assert not second_done.wait(0.3)
        first_done.set()
    thread.join(10)
    assert seqs["first"] is not None and seqs["second"] == seqs["first"] + 1
    with ctx.db.read() as conn:
        assert position(conn, table.database_id).last_seq == seqs["second"]


def test_a_rolled_back_event_leaves_no_gap(ctx: Ctx, api: Api) -> None:
    table_id = api.table(api.database(), name="T")
    table = _table(ctx, table_id)
    with pytest.raises(RuntimeError), ctx.db.write() as conn:
        ctx.ext.event_log.append(conn, "rows.deleted", table, (), {"row_ids": [1]}, "a")
        raise RuntimeError("rolled back")
    with ctx.db.write() as conn:
        seq = ctx.ext.event_log.append(conn, "rows.deleted", table, (), {"row_ids": [1]}, "b")
    assert seq == 1
    assert [e.payload["event_id"] for e in row_events.read(ctx, table_id, 0)] == ["b"]


def test_retention_sweeps_and_a_resume_from_before_it_is_a_reset(ctx: Ctx, api: Api) -> None:
    table_id = api.table(api.database(), name="T")
    for name in ("a", "b", "c"):
        api.post(f"/api/database/rows/table/{table_id}/?user_field_names=true", {"Name": name})
    table = _table(ctx, table_id)
    assert row_events.start(ctx, table, 0) == row_events.Start(0, False)
    assert row_events.start(ctx, table, None) == row_events.Start(3, False)
    assert row_events.start(ctx, table, 9) == row_events.Start(3, True)  # never given
    assert cleanup.run_once(ctx)["stream_events"] == 0  # not old yet
    later = replace(ctx, clock=lambda: ctx.clock() + timedelta(hours=24, seconds=1))
    assert cleanup.run_once(later)["stream_events"] == 3
    assert row_events.start(ctx, table, 0) == row_events.Start(3, True)
    assert row_events.start(ctx, table, 3) == row_events.Start(3, False)  # nothing lost
    api.post(f"/api/database/rows/table/{table_id}/", {})
    assert [e.seq for e in row_events.read(ctx, table_id, 3)] == [4]
    with ctx.db.read() as conn:
        assert conn.execute(s.stream_events.select()).all()[0].seq == 4


def test_render_renames_and_picks_per_stream() -> None:
    event = LoggedEvent(
        7,
        "rows.updated",
        {
            "event_type": "rows.updated",
            "items": [{"id": 1, "order": "1", "field_5": "x", "field_6": 2}],
            "old_items": [{"id": 1, "order": "1", "field_5": "w", "field_6": 2}],
        },
        {"field_5": "Name", "field_6": "Count"},
    )
    assert render(event, by_name=True, exclude=frozenset({"Count"}))["items"] == [
        {"id": 1, "order": "1", "Name": "x"}
    ]
    picked = render(event, by_name=False, include=frozenset({"field_6"}))
    assert picked["old_items"] == [{"id": 1, "order": "1", "field_6": 2}]
    assert render(event, by_name=False) == event.payload
