"""Webhook fixtures: a receiver on 127.0.0.1, a table with fields, a webhook helper, and a
hand-driven dispatcher (for retry schedules) when the app's own one is switched off."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.storage import schema
from gridbase.webhooks.dispatcher import Dispatcher
from tests.conftest import Api
from tests.webhooks.receiver import Receiver, receiving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


@pytest.fixture
def manual(settings: Settings) -> Settings:
    """Request before `api`/`client`: the app runs no dispatcher; tests pump one by hand."""
    settings.webhooks_dispatcher = False
    return settings


def make_hook(api: Api, table_id: int, url: str, **body: Any) -> dict[str, Any]:
    return dict(
        api.ok(
            api.post(
                f"/api/database/webhooks/table/{table_id}/", {"name": "hook", "url": url, **body}
            )
        )
    )


def pump(
    ctx: Ctx,
    until: Callable[[], Any],
    *,
    timeout: float = 10.0,
    settings: Settings | None = None,
    **options: Any,
) -> Any:
    """Run dispatcher rounds (fresh Dispatcher, own event loop) until `until()` is not None."""

    async def run() -> Any:
        dispatcher = Dispatcher(
            ctx.db,
            settings or ctx.settings,
            ctx.secret,
            clock=options.pop("clock", ctx.clock),
            backoff_base=options.pop("backoff_base", 0.001),
            **options,
        )
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                await dispatcher.run_once()
                if (result := until()) is not None:
                    return result
                await asyncio.sleep(0.002)  # poll interval of this loop, not a wait for an outcome
            raise AssertionError(f"condition not met within {timeout}s")
        finally:
            await dispatcher.aclose()

    return asyncio.run(run())


def outbox_size(ctx: Ctx) -> int:
    with ctx.db.read() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(schema.outbox)).scalar() or 0
        )
