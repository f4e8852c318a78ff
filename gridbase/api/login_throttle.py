"""The per-IP throttle of password checks, as an ASGI layer (installed by limits.wrap).

Each password check costs about 40 ms of CPU (argon2), so unthrottled guessing is both a
brute force on accounts and a way to keep a server's cores busy. Here the failed checks of
one client address are counted per minute (a fixed window): past
`login_attempts_per_minute`, that address's next password checks are answered DRF's 429
throttle body with `Retry-After` before any password is looked at, until the minute ends.
Only failures count (a 401 answer), so a user who logs in often, or a script that signs
in for every job, is never throttled; an attacker guessing passwords is.

The client address is the socket's peer, or with `trust_proxy` the last address of
X-Forwarded-For (the one the proxy in front added; earlier ones the client may have
written itself). Counters live in this process (LocalFailures) or, with `redis_url`, in
Redis (RedisFailures), shared by every worker and instance. Imports: api.handlers,
api.limits (throttled), core.context.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridbase.api.handlers import render_error
from gridbase.api.limits import throttled
from gridbase.core.context import Ctx

log = logging.getLogger("gridbase.limits")

CHECKED_PATHS = frozenset(
    {"/api/user/token-auth/", "/api/database/fields/password-authentication/"}
)
WINDOW = 60.0  # seconds


class Failures(Protocol):
    async def count(self, address: str, window: int) -> int: ...

    async def add(self, address: str, window: int) -> None: ...


class LocalFailures:
    """Failures of this process in the current window: address -> count (only the current
    window is kept, so memory is bounded by the addresses seen in one minute)."""

    def __init__(self) -> None:
        self.window = -1
        self.counts: dict[str, int] = {}

    def _roll(self, window: int) -> None:
        if window != self.window:
            self.window, self.counts = window, {}

    async def count(self, address: str, window: int) -> int:
        self._roll(window)
        return self.counts.get(address, 0)

    async def add(self, address: str, window: int) -> None:
        self._roll(window)
        self.counts[address] = self.counts.get(address, 0) + 1


class RedisFailures:
    """Failures shared by every instance that uses the same Redis (a key per address and
    window, gone a minute after its window)."""

    def __init__(self, url: str, prefix: str = "gridbase:login_failures:") -> None:
        import redis.asyncio as aioredis  # optional dependency: `pip install gridbase[redis]`

        self.redis = aioredis.from_url(url)
        self.prefix = prefix

    def _key(self, address: str, window: int) -> str:
        return f"{self.prefix}{window}:{address}"

    async def count(self, address: str, window: int) -> int:
        found = await self.redis.get(self._key(address, window))
        return int(found or 0)

    async def add(self, address: str, window: int) -> None:
        key = self._key(address, window)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, int(2 * WINDOW))
            await pipe.execute()


def client_address(scope: Scope, trust_proxy: bool) -> str:
    if trust_proxy:
        for name, value in scope.get("headers") or []:
            if name == b"x-forwarded-for":
                last = str(value.decode("latin-1")).split(",")[-1].strip()
                if last:
                    return last
    client: Any = scope.get("client")
    return str(client[0]) if client else ""


class LoginThrottle:
    def __init__(
        self,
        app: ASGIApp,
        failures: Failures,
        limit: int,
        trust_proxy: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.failures = failures
        self.limit = limit
        self.trust_proxy = trust_proxy
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in CHECKED_PATHS
        ):
            await self.app(scope, receive, send)
            return
        address = client_address(scope, self.trust_proxy)
        now = self.clock()
        window = int(now // WINDOW)
        try:
            failed = await self.failures.count(address, window)
        except Exception:  # a counter outage must not lock everyone out: fail open
            log.warning("log-in failure counter unavailable; not throttled", exc_info=True)
            failed = 0
        if failed >= self.limit:
            wait = math.ceil((window + 1) * WINDOW - now)
            await render_error(throttled(wait))(scope, receive, send)
            return
        status = 0

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watching)
        if status == 401:  # a wrong password (or unknown account)
            try:
                await self.failures.add(address, window)
            except Exception:
                log.warning("could not count a failed log-in", exc_info=True)


def wrap(app: ASGIApp, ctx: Ctx) -> ASGIApp:
    """`app` behind the throttle, when `login_attempts_per_minute` is positive."""
    s = ctx.settings
    if s.login_attempts_per_minute <= 0:
        return app
    failures: Failures = RedisFailures(s.redis_url) if s.redis_url else LocalFailures()
    return LoginThrottle(app, failures, s.login_attempts_per_minute, s.trust_proxy)
