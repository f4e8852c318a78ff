"""Delivery schedule with a hand-driven dispatcher: retries, timeouts, deactivation,
call log limits, leases, and several dispatchers sharing one outbox."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.webhooks.delivery import truncate_middle
from gridbase.webhooks.dispatcher import Dispatcher
from tests.conftest import Api
from tests.webhooks.conftest import make_hook, outbox_size, pump
from tests.webhooks.receiver import Receiver


def hooked_table(api: Api, receiver: Receiver, path: str = "hook") -> tuple[int, dict[str, Any]]:
    table = api.table(api.database(), data=[["Name"]])
    return table, make_hook(api, table, receiver.url(path))


def add_row(api: Api, table: int, name: str) -> dict[str, Any]:
    return dict(
        api.ok(api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"Name": name}))
    )


def hook_state(api: Api, hook: dict[str, Any]) -> dict[str, Any]:
    return dict(api.ok(api.get(f"/api/database/webhooks/{hook['id']}/")))


def test_retries_after_500_until_delivered(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, hook = hooked_table(api, receiver)
    receiver.responses = [500, 503]
    add_row(api, table, "a")
    calls = pump(ctx, lambda: receiver.count(3) if outbox_size(ctx) == 0 else None)
    assert len(calls) == 3
    assert len({c.headers["X-Baserow-Delivery"] for c in calls}) == 1
    assert calls[0].raw == calls[2].raw
    state = hook_state(api, hook)
    assert (state["failed_triggers"], state["active"]) == (0, True)
    assert [(c["response_status"], c["error"]) for c in state["calls"]] == [(200, "")]


def test_timeout_is_a_failed_attempt(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, hook = hooked_table(api, receiver)
    fast = manual.model_copy(update={"webhooks_request_timeout_seconds": 0.3})
    receiver.responses = ["hold"]
    add_row(api, table, "slow")
    state = pump(
        ctx,
        lambda: ((s := hook_state(api, hook))["calls"] and s["failed_triggers"] == 1 and s) or None,
        settings=fast,
        backoff_base=60.0,
    )
    [logged] = state["calls"]
    assert "timed out" in logged["error"] and logged["response_status"] is None
    assert logged["request"].startswith(f"POST {receiver.url()}\r\n")
    receiver.release()
    later = ctx.clock() + timedelta(seconds=200)
    pump(
        ctx,
        lambda: receiver.count(2) if outbox_size(ctx) == 0 else None,
        settings=fast,
        clock=lambda: later,
    )
    assert [(c["response_status"], c["error"]) for c in hook_state(api, hook)["calls"]] == [
        (200, "")
    ]


def test_consecutive_failures_deactivate(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, hook = hooked_table(api, receiver)
    strict = manual.model_copy(update={"webhook_max_consecutive_failures": 2})
    receiver.responses = [500] * 10
    add_row(api, table, "a")
    add_row(api, table, "b")
    state = pump(
        ctx,
        lambda: ((s := hook_state(api, hook))["active"] is False and s) or None,
        settings=strict,
    )
    assert state["failed_triggers"] == 2
    assert len(receiver.calls()) == 3  # two failures counted, the third deactivates
    assert [c["response_status"] for c in state["calls"]] == [500]
    assert outbox_size(ctx) == 0  # the queued second event is dropped with the webhook's deliveries
    add_row(api, table, "c")
    assert outbox_size(ctx) == 0  # inactive webhooks get no events
    again = api.ok(api.patch(f"/api/database/webhooks/{hook['id']}/", {"active": True}))
    assert (again["active"], again["failed_triggers"]) == (True, 0)


def test_retries_are_bounded(manual: Settings, api: Api, ctx: Ctx, receiver: Receiver) -> None:
    table, hook = hooked_table(api, receiver)
    few = manual.model_copy(update={"webhooks_max_retries_per_call": 2})
    receiver.responses = [500] * 10
    add_row(api, table, "a")
    pump(ctx, lambda: True if outbox_size(ctx) == 0 else None, settings=few)
    assert len(receiver.calls()) == 3
    state = hook_state(api, hook)
    assert (state["failed_triggers"], state["active"]) == (3, True)


def test_call_log_keeps_newest_and_expires(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, hook = hooked_table(api, receiver)
    small = manual.model_copy(update={"webhooks_max_call_log_entries": 2})
    for name in ("a", "b", "c"):
        add_row(api, table, name)
    calls = pump(ctx, lambda: receiver.count(3), settings=small)
    expected = [c.headers["X-Baserow-Delivery"] for c in reversed(calls)][:2]
    assert [c["event_id"] for c in hook_state(api, hook)["calls"]] == expected
    dispatcher = Dispatcher(
        ctx.db, small, ctx.secret, clock=lambda: ctx.clock() + timedelta(days=15)
    )
    dispatcher.cleanup()
    asyncio.run(dispatcher.aclose())
    assert hook_state(api, hook)["calls"] == []


def test_truncate_middle() -> None:
    assert truncate_middle("abc", 10) == "abc"
    cut = truncate_middle("x" * 50 + "y" * 50, 40)
    assert (
        len(cut) == 40 and cut.startswith("x") and cut.endswith("y") and "\n...(truncated)\n" in cut
    )


def test_expired_lease_is_delivered_again(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, _hook = hooked_table(api, receiver)
    add_row(api, table, "a")
    crashed = Dispatcher(ctx.db, manual, ctx.secret)
    claimed, _ = crashed.claim(10)  # leased, then the process "dies" before delivering
    asyncio.run(crashed.aclose())
    assert len(claimed) == 1
    after = ctx.clock() + timedelta(seconds=manual.webhooks_request_timeout_seconds + 6)
    [call] = pump(ctx, lambda: receiver.count(1), clock=lambda: after)
    assert call.headers["X-Baserow-Delivery"] == claimed[0].event_id


def test_lease_blocks_other_dispatchers(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    table, _ = hooked_table(api, receiver)
    add_row(api, table, "a")
    first = Dispatcher(ctx.db, manual, ctx.secret)
    second = Dispatcher(ctx.db, manual, ctx.secret)
    assert len(first.claim(10)[0]) == 1
    assert second.claim(10)[0] == []
    asyncio.run(first.aclose())
    asyncio.run(second.aclose())


def test_two_dispatchers_deliver_each_event_once_in_order(
    manual: Settings, api: Api, ctx: Ctx, receiver: Receiver
) -> None:
    tables = [hooked_table(api, receiver, f"t{i}")[0] for i in range(3)]
    for n in range(8):
        for table in tables:
            add_row(api, table, f"r{n}")

    async def both() -> None:
        stop = asyncio.Event()
        dispatchers = [
            Dispatcher(ctx.db, manual, ctx.secret, poll_interval=0.01, concurrency=2)
            for _ in range(2)
        ]
        tasks = [asyncio.create_task(d.run(stop)) for d in dispatchers]
        deadline = time.monotonic() + 20
        while len(receiver.calls()) < 24 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)  # polling the receiver, not waiting for an outcome
        stop.set()
        for d in dispatchers:
            d.wake()
        await asyncio.gather(*tasks)
        for d in dispatchers:
            await d.aclose()

    asyncio.run(both())
    calls = receiver.calls()
    assert Counter(c.headers["X-Baserow-Delivery"] for c in calls).most_common(1)[0][1] == 1
    assert len(calls) == 24
    for i in range(3):
        names = [c.body["items"][0]["Name"] for c in calls if c.path == f"/t{i}"]
        assert names == [f"r{n}" for n in range(8)]
