"""The dispatcher: claims due outbox rows, delivers them, records the outcome.

Runs as an asyncio task inside `gridbase serve` (see `running`) or alone as
`gridbase worker` (see `run_worker`). Delivery is at-least-once:

- claim: in one short write transaction, the oldest outbox row of each webhook that is
  due and not leased gets a lease (`claimed_until`). On PostgreSQL the rows are locked
  with FOR UPDATE SKIP LOCKED, so several dispatchers never claim the same attempt.
  Only the head row of a webhook is eligible, so calls to one webhook are serialised
  and arrive in order (Baserow's one-in-flight rule).
- deliver: outside any transaction, with httpx (timeout, SSRF guard, signature).
- record: the call log entry (one per event, updated by retries, newest N kept), the
  webhook's failed_triggers / active flag (Baserow's rule), and the outbox row is
  deleted (success, or retries used up) or rescheduled with exponential backoff and
  jitter. A process killed mid-delivery leaves a lease that expires, and the attempt
  is made again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
import sqlalchemy as sa

from gridbase import tls
from gridbase.config import Settings
from gridbase.storage import schema as s
from gridbase.storage.engine import Database
from gridbase.webhooks import delivery, signing, ssrf
from gridbase.webhooks.outbox import Wakeup

log = logging.getLogger("gridbase.webhooks")

LEASE_MARGIN_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 3600.0
CLEANUP_EVERY_SECONDS = 60.0
STOP_GRACE_SECONDS = 1.0
DEFAULT = object()


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Claimed:
    id: int
    webhook_id: int
    event_id: str
    event_type: str
    payload: Any
    attempts: int
    url: str
    method: str
    headers: dict[str, str]
    secret_encrypted: str


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        server_secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = utcnow,
        jitter: Callable[[], float] = random.random,
        backoff_base: float = 1.0,
        poll_interval: float = 1.0,
        concurrency: int = 16,
        address_check: Any = DEFAULT,
    ) -> None:
        self.db = db
        self.settings = settings
        self.server_secret = server_secret
        self.clock = clock
        self.jitter = jitter
        self.backoff_base = backoff_base
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self.timeout = settings.webhooks_request_timeout_seconds
        if address_check is DEFAULT:
            address_check = None if settings.webhooks_allow_private_addresses else ssrf.is_public
        self.address_check: ssrf.AddressCheck | None = address_check
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(
            trust_env=False, timeout=self.timeout, verify=tls.client_context()
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None

    # --- storage (blocking; called through asyncio.to_thread) ---------------------------

    def claim(self, limit: int) -> tuple[list[Claimed], datetime | None]:
        """Lease up to `limit` due head rows; when none is due, also say when the next is."""
        o, w = s.outbox, s.webhooks
        o2 = o.alias("o2")
        head = (
            sa.select(sa.func.min(o2.c.id))
            .where(o2.c.webhook_id == o.c.webhook_id)
            .scalar_subquery()
        )
        now = self.clock()
        with self.db.write() as conn:
            stmt = (
                sa.select(
                    o.c.id,
                    o.c.webhook_id,
                    o.c.event_id,
                    o.c.event_type,
                    o.c.payload,
                    o.c.attempts,
                    w.c.url,
                    w.c.request_method,
                    w.c.headers,
                    w.c.secret_encrypted,
                )
                .join(w, w.c.id == o.c.webhook_id)
                .where(
                    o.c.id == head,
                    o.c.next_attempt_at <= now,
                    w.c.active.is_(True),
                    sa.or_(o.c.claimed_until.is_(None), o.c.claimed_until < now),
                )
                .order_by(o.c.next_attempt_at, o.c.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True, of=o)
            rows = list(conn.execute(stmt))
            if not rows:
                due = conn.execute(sa.select(sa.func.min(o.c.next_attempt_at))).scalar()
                return [], due
            lease = now + timedelta(seconds=self.timeout + LEASE_MARGIN_SECONDS)
            conn.execute(
                o.update().where(o.c.id.in_([r.id for r in rows])).values(claimed_until=lease)
            )
        return [
            Claimed(
                r.id,
                r.webhook_id,
                r.event_id,
                r.event_type,
                r.payload,
                r.attempts,
                r.url,
                r.request_method,
                dict(r.headers or {}),
                r.secret_encrypted or "",
            )
            for r in rows
        ], None

    def record(self, item: Claimed, outcome: delivery.Outcome) -> None:
        o, w = s.outbox, s.webhooks
        now = self.clock()
        with self.db.write() as conn:
            lock = sa.select(w.c.id).where(w.c.id == item.webhook_id)
            if not self.db.is_sqlite:
                lock = lock.with_for_update()
            if conn.execute(lock).first() is None:
                return  # deleted meanwhile: its outbox rows went with it
            self._log_call(conn, item, outcome, now)
            deactivated = False
            if outcome.ok:
                conn.execute(
                    w.update()
                    .where(w.c.id == item.webhook_id, w.c.failed_triggers != 0)
                    .values(failed_triggers=0, updated_on=now)
                )
            else:
                bumped = conn.execute(
                    w.update()
                    .where(
                        w.c.id == item.webhook_id,
                        w.c.failed_triggers < self.settings.webhook_max_consecutive_failures,
                    )
                    .values(failed_triggers=w.c.failed_triggers + 1, updated_on=now)
                ).rowcount
                if not bumped:
                    conn.execute(
                        w.update()
                        .where(w.c.id == item.webhook_id)
                        .values(active=False, updated_on=now)
                    )
                    deactivated = True
            attempts = item.attempts + 1
            if deactivated:
                # Baserow sends nothing to an inactive webhook: its queued deliveries go too.
                conn.execute(o.delete().where(o.c.webhook_id == item.webhook_id))
            elif outcome.ok or attempts > self.settings.webhooks_max_retries_per_call:
                conn.execute(o.delete().where(o.c.id == item.id))
            else:
                conn.execute(
                    o.update()
                    .where(o.c.id == item.id)
                    .values(
                        attempts=attempts,
                        claimed_until=None,
                        next_attempt_at=now + timedelta(seconds=self.backoff(item.attempts)),
                    )
                )

    def _log_call(
        self, conn: sa.Connection, item: Claimed, outcome: delivery.Outcome, now: datetime
    ) -> None:
        c = s.webhook_calls
        values = {
            "event_type": item.event_type,
            "called_time": now,
            "called_url": item.url,
            "request": outcome.request,
            "response": outcome.response,
            "response_status": outcome.status,
            "error": outcome.error,
            "duration_ms": outcome.duration_ms,
        }
        existing = conn.execute(
            sa.select(c.c.id).where(
                c.c.webhook_id == item.webhook_id, c.c.event_id == item.event_id
            )
        ).scalar()
        if existing is None:
            conn.execute(
                c.insert().values(webhook_id=item.webhook_id, event_id=item.event_id, **values)
            )
        else:
            conn.execute(c.update().where(c.c.id == existing).values(**values))
        keep = (
            sa.select(c.c.id)
            .where(c.c.webhook_id == item.webhook_id)
            .order_by(c.c.called_time.desc(), c.c.id.desc())
            .limit(self.settings.webhooks_max_call_log_entries)
        )
        conn.execute(
            c.delete().where(
                c.c.webhook_id == item.webhook_id, c.c.id.not_in(keep.scalar_subquery())
            )
        )

    def cleanup(self) -> None:
        """Drop call log entries past retention, and deliveries of deactivated webhooks."""
        c, o, w = s.webhook_calls, s.outbox, s.webhooks
        cutoff = self.clock() - timedelta(days=self.settings.webhooks_call_log_retention_days)
        with self.db.write() as conn:
            conn.execute(c.delete().where(c.c.called_time < cutoff))
            conn.execute(
                o.delete().where(o.c.webhook_id.in_(sa.select(w.c.id).where(w.c.active.is_(False))))
            )

    def backoff(self, failures: int) -> float:
        """base * 2^failures seconds (1, 2, 4 ... as Baserow), capped, with ±25% jitter."""
        delay = min(MAX_BACKOFF_SECONDS, self.backoff_base * (2.0 ** min(failures, 30)))
        return delay * (0.75 + 0.5 * self.jitter())

    # --- delivery -------------------------------------------------------------------------

    async def deliver(self, item: Claimed) -> delivery.Outcome:
        call = delivery.build(
            method=item.method,
            url=item.url,
            headers=item.headers,
            payload=item.payload,
            event_type=item.event_type,
            event_id=item.event_id,
            secret=signing.decrypt(self.server_secret, item.secret_encrypted),
            timestamp=int(self.clock().timestamp()),
        )
        return await delivery.send(
            self.http, call, timeout=self.timeout, allowed=self.address_check
        )

    async def _deliver_and_record(self, item: Claimed) -> None:
        outcome = await self.deliver(item)
        await asyncio.to_thread(self.record, item, outcome)

    async def run_once(self) -> tuple[int, datetime | None]:
        """One round: claim, deliver concurrently, record. Returns (claimed, next due time)."""
        claimed, due = await asyncio.to_thread(self.claim, self.concurrency)
        if claimed:
            await asyncio.gather(*(self._deliver_and_record(item) for item in claimed))
        return len(claimed), due

    def wake(self) -> None:
        """Thread-safe: an event was committed, look at the outbox now."""
        loop, event = self._loop, self._wakeup
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        next_cleanup = 0.0
        woken = False
        while not stop.is_set():
            self._wakeup.clear()
            try:
                count, due = await self.run_once()
                if time.monotonic() >= next_cleanup:
                    await asyncio.to_thread(self.cleanup)
                    next_cleanup = time.monotonic() + CLEANUP_EVERY_SECONDS
            except Exception:
                # The loop must outlive a database outage or a bug in one round; the
                # traceback is logged and the round retried after the poll interval.
                log.exception("webhook dispatcher round failed")
                count, due = 0, None
            if count:
                woken = False
                continue
            wait = self.poll_interval
            if due is not None:
                wait = min(wait, max(0.0, (due - self.clock()).total_seconds()))
            if woken:
                # A wake-up comes just before the commit it announces becomes visible.
                wait, woken = min(wait, 0.05), False
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=wait)
                woken = not stop.is_set()
            except TimeoutError:
                pass

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()


class Server(Protocol):
    """What a dispatcher needs of the server's context (core.context.Ctx)."""

    @property
    def db(self) -> Database: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def secret(self) -> str: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...


@asynccontextmanager
async def running(ctx: Server, wakeup: Wakeup) -> AsyncIterator[Dispatcher]:
    """Run a dispatcher beside the app (FastAPI lifespan) and route wake-ups to it."""
    dispatcher = Dispatcher(ctx.db, ctx.settings, ctx.secret, clock=ctx.clock)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop), name="gridbase-webhooks")
    wakeup.set(dispatcher.wake)
    try:
        yield dispatcher
    finally:
        wakeup.set(None)
        await _stop(dispatcher, task, stop)


def lifespan(ctx: Server, wakeup: Wakeup) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """FastAPI lifespan: the dispatcher runs while the app serves."""

    @asynccontextmanager
    async def _lifespan(_app: Any) -> AsyncIterator[None]:
        async with running(ctx, wakeup):
            yield

    return _lifespan


async def _stop(dispatcher: Dispatcher, task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Let the current round finish briefly, then cancel: an attempt cut short keeps its
    lease and is made again once the lease expires."""
    stop.set()
    dispatcher.wake()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=STOP_GRACE_SECONDS)
    except TimeoutError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await dispatcher.aclose()


async def _work(ctx: Server) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    dispatcher = Dispatcher(ctx.db, ctx.settings, ctx.secret, clock=ctx.clock)
    runner = asyncio.create_task(dispatcher.run(stop))
    await stop.wait()
    await _stop(dispatcher, runner, stop)


def run_worker(ctx: Server) -> None:
    """`gridbase worker`: deliver webhooks until SIGINT/SIGTERM."""
    asyncio.run(_work(ctx))
