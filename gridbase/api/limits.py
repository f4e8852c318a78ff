"""Request limits as ASGI middleware, installed only when enabled:

- ConcurrencyLimit: at most `max_concurrent_requests` in-flight requests per authenticated,
  non-staff user (JWT or database token), Baserow's BASEROW_MAX_CONCURRENT_USER_REQUESTS.
  Excess requests get DRF's 429 throttle body and `Retry-After`. A slot held longer than
  `concurrent_requests_throttle_timeout` seconds counts as finished. Slots live in this
  process (LocalCounter) or, with `redis_url`, in Redis (RedisCounter) so several
  instances share them.
- HttpsForTokens: with `require_https`, a `Token` request that did not arrive over HTTPS
  (scope scheme, or X-Forwarded-Proto when `trust_proxy`) is refused; loopback is exempt.

Imports: api.handlers, core (tokens, sessions, users), errors, storage.kept.expiring.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.api.handlers import render_error
from gridbase.core import sessions, tokens, users
from gridbase.core.context import Ctx
from gridbase.errors import GridbaseError, HttpsRequired, Throttled
from gridbase.storage.kept.expiring import Expiring

log = logging.getLogger("gridbase.limits")


# --- counters ---------------------------------------------------------------------------


class SlotCounter(Protocol):
    async def acquire(self, user_id: int, request_id: str, now: float) -> float | None:
        """Take a slot: None when taken, else the seconds until the oldest slot expires."""

    async def release(self, user_id: int, request_id: str) -> None: ...


class LocalCounter:
    """Slots of this process only: user id -> {request id: start time}."""

    def __init__(self, limit: int, timeout: float) -> None:
        self.limit = limit
        self.timeout = timeout
        self._slots: dict[int, dict[str, float]] = {}

    async def acquire(self, user_id: int, request_id: str, now: float) -> float | None:
        slots = self._slots.setdefault(user_id, {})
        if len(slots) >= self.limit:
            cutoff = now - self.timeout
            for rid in [rid for rid, started in slots.items() if started <= cutoff]:
                del slots[rid]
        if len(slots) < self.limit:
            slots[request_id] = now
            return None
        return min(slots.values()) - (now - self.timeout)

    async def release(self, user_id: int, request_id: str) -> None:
        slots = self._slots.get(user_id)
        if slots is not None:
            slots.pop(request_id, None)
            if not slots:
                del self._slots[user_id]

    def held(self, user_id: int) -> int:
        return len(self._slots.get(user_id, {}))


# KEYS[1] = the user's sorted set (member: request id, score: start time)
# ARGV = limit, now, request id, timeout. Returns {allowed, wait * 1000}.
ACQUIRE_LUA = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local timeout = tonumber(ARGV[4])
local cutoff = now - timeout
local count = redis.call("zcard", key)
if count >= limit then
  count = count - redis.call("zremrangebyscore", key, "-inf", cutoff)
end
if count < limit then
  redis.call("zadd", key, now, ARGV[3])
  redis.call("expire", key, math.ceil(timeout) + 1)
  return {1, 0}
end
local first = redis.call("zrange", key, 0, 0, "WITHSCORES")
return {0, math.floor((tonumber(first[2]) - cutoff) * 1000)}
"""


class RedisCounter:
    """Slots shared by every instance that uses the same Redis."""

    def __init__(
        self,
        url: str,
        limit: int,
        timeout: float,
        prefix: str = "gridbase:concurrent_user_requests:",
    ) -> None:
        import redis.asyncio as aioredis  # optional dependency: `pip install gridbase[redis]`

        self.limit = limit
        self.timeout = timeout
        self.prefix = prefix
        self.redis = aioredis.from_url(url)
        self._acquire = self.redis.register_script(ACQUIRE_LUA)

    async def acquire(self, user_id: int, request_id: str, now: float) -> float | None:
        allowed, wait_ms = await self._acquire(
            keys=[f"{self.prefix}{user_id}"], args=[self.limit, now, request_id, self.timeout]
        )
        return None if int(allowed) else int(wait_ms) / 1000

    async def release(self, user_id: int, request_id: str) -> None:
        await self.redis.zrem(f"{self.prefix}{user_id}", request_id)

    async def close(self) -> None:
        await self.redis.aclose()


def make_counter(ctx: Ctx) -> SlotCounter:
    s = ctx.settings
    if s.redis_url:
        return RedisCounter(
            s.redis_url, s.max_concurrent_requests, s.concurrent_requests_throttle_timeout
        )
    return LocalCounter(s.max_concurrent_requests, s.concurrent_requests_throttle_timeout)


# --- who is asking ----------------------------------------------------------------------

Owner = tuple[int, bool]  # (user id, is staff)


class UserResolver:
    """The user behind an Authorization header, kept briefly (storage.kept.expiring): only
    the throttle key depends on it, never an access decision (the endpoint authenticates
    again)."""

    def __init__(
        self,
        ctx: Ctx,
        ttl: float = 10.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        self.owners: Expiring[str, Owner | None] = Expiring(ttl, max_entries, clock)

    def cache_key(self, header: str) -> str | None:
        parts = header.split()
        if len(parts) != 2:
            return None
        scheme, credential = parts
        if scheme.lower() == "token":
            return "t:" + tokens.digest(self.ctx, credential)
        if scheme == "JWT":
            try:
                return f"u:{sessions.user_id_from_access(self.ctx, credential)}"
            except GridbaseError:
                return None
        return None

    def cached(self, key: str) -> tuple[bool, Owner | None]:
        return self.owners.get(key)

    def load(self, key: str, header: str) -> Owner | None:
        if key.startswith("t:"):
            owner = tokens.owner_of_key(self.ctx, header.split()[1])
        else:
            with self.ctx.db.read() as conn:
                user = users.get_user(conn, int(key[2:]))
            owner = (user.id, user.is_staff) if user is not None and user.is_active else None
        self.owners.put(key, owner)
        return owner


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def throttled(wait: float) -> Throttled:
    seconds = max(0, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return Throttled(
        f"Request was throttled. Expected available in {seconds} {unit}.",
        headers={"Retry-After": str(seconds)},
    )


class ConcurrencyLimit:
    def __init__(
        self,
        app: ASGIApp,
        counter: SlotCounter,
        resolver: UserResolver,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.counter = counter
        self.resolver = resolver
        self.clock = clock

    async def _owner(self, header: str) -> Owner | None:
        key = self.resolver.cache_key(header)
        if key is None:
            return None
        hit, owner = self.resolver.cached(key)
        if hit:
            return owner
        return await anyio.to_thread.run_sync(self.resolver.load, key, header)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = _header(scope, b"authorization") if scope["type"] == "http" else None
        owner = await self._owner(header) if header else None
        if owner is None or owner[1]:  # anonymous and staff users are never throttled
            await self.app(scope, receive, send)
            return
        user_id, request_id = owner[0], uuid.uuid4().hex
        try:
            wait = await self.counter.acquire(user_id, request_id, self.clock())
        except Exception:  # a counter outage must not take the API down: fail open
            log.warning("concurrency counter unavailable; request not limited", exc_info=True)
            await self.app(scope, receive, send)
            return
        if wait is not None:
            await render_error(throttled(wait))(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            try:
                await self.counter.release(user_id, request_id)
            except Exception:  # the slot then expires after the timeout
                log.warning("could not release a concurrency slot", exc_info=True)


# --- HTTPS for token requests -----------------------------------------------------------


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class HttpsForTokens:
    def __init__(self, app: ASGIApp, trust_proxy: bool) -> None:
        self.app = app
        self.trust_proxy = trust_proxy

    def secure(self, scope: Scope) -> bool:
        if self.trust_proxy:
            forwarded = _header(scope, b"x-forwarded-proto")
            if forwarded:
                return forwarded.split(",")[0].strip().lower() == "https"
        if scope.get("scheme") in ("https", "wss"):
            return True
        client: Any = scope.get("client")
        return _is_loopback(client[0] if client else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = _header(scope, b"authorization")
            scheme = header.split()[:1] if header else []
            if scheme and scheme[0].lower() == "token" and not self.secure(scope):
                await render_error(HttpsRequired())(scope, receive, send)
                return
        await self.app(scope, receive, send)


def wrap(app: ASGIApp, ctx: Ctx) -> ASGIApp:
    """`app` behind the enabled limits (HTTPS outermost)."""
    settings = ctx.settings
    if settings.max_concurrent_requests > 0:
        app = ConcurrencyLimit(app, counter=make_counter(ctx), resolver=UserResolver(ctx))
    if settings.require_https:
        app = HttpsForTokens(app, trust_proxy=settings.trust_proxy)
    return app
