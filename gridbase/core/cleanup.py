"""Periodic clean-ups run beside the server (`gridbase serve`, each worker process) and by
`gridbase worker`: row history past its retention, accounts whose deletion came due, the
trash past its retention, the change stream's events past theirs. Each
is one idempotent delete, so several processes may run them side by side.
Imports: core (account, idempotency, row_events, row_history, trash).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

from gridbase.core import account, idempotency, row_events, row_history, trash
from gridbase.core.context import Ctx

log = logging.getLogger("gridbase.cleanup")


def run_once(ctx: Ctx) -> dict[str, int]:
    """Every clean-up, once: how many rows each removed."""
    return {
        "row_history": row_history.purge(ctx),
        "accounts": account.delete_due_accounts(ctx),
        "trash": trash.purge_expired(ctx),
        "idempotency_keys": idempotency.purge(ctx),
        "stream_events": row_events.purge(ctx),
    }


async def run(ctx: Ctx, stop: asyncio.Event) -> None:
    """Run the clean-ups every GRIDBASE_CLEANUP_INTERVAL_SECONDS until `stop` is set."""
    while not stop.is_set():
        try:
            removed = await asyncio.to_thread(run_once, ctx)
            if any(removed.values()):
                log.info("clean-up removed %s", removed)
        except Exception:
            # The loop must outlive a database outage; the round is retried next interval.
            log.exception("clean-up round failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=ctx.settings.cleanup_interval_seconds)


@asynccontextmanager
async def running(ctx: Ctx) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(run(ctx, stop), name="gridbase-cleanup")
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)


def lifespan(
    ctx: Ctx, inner: Callable[[Any], AbstractAsyncContextManager[None]] | None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A FastAPI lifespan running the clean-ups around `inner` (the webhook dispatcher's)."""

    @asynccontextmanager
    async def _lifespan(app: Any) -> AsyncIterator[None]:
        async with running(ctx):
            if inner is None:
                yield
            else:
                async with inner(app):
                    yield

    return _lifespan
