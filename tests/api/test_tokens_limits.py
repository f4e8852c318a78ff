"""Per-user concurrent request limit (in-process and Redis) and HTTPS for token requests."""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from gridbase.api.limits import (
    ConcurrencyLimit,
    LocalCounter,
    RedisCounter,
    SlotCounter,
    UserResolver,
)
from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core import sessions, users
from gridbase.core.context import Ctx
from tests import server
from tests.asgi_client import TestClient
from tests.conftest import Api

THROTTLED_30 = {"detail": "Request was throttled. Expected available in 30 seconds."}


# --- a real redis-server, when one is installed ------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with server.redis_server(tmp_path_factory.mktemp("redis")) as url:
        if url is None:
            pytest.skip("redis-server (or the redis package) is not installed")
        yield url


@pytest.fixture(params=["local", "redis"])
def counter_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_server")
    return str(request.param)


def _counter_of(app: Any) -> SlotCounter:
    layer = app.front  # the ASGI layers in front of FastAPI (see app.App)
    while layer is not None:
        if isinstance(layer, ConcurrencyLimit):
            return layer.counter
        layer = getattr(layer, "app", None)
    raise AssertionError("ConcurrencyLimit is not installed")


class Limited:
    """An app with max_concurrent_requests=1 and a non-staff user with a token."""

    def __init__(self, settings: Settings, ctx: Ctx, redis_url: str | None) -> None:
        settings.max_concurrent_requests = 1
        settings.redis_url = redis_url or ""
        ctx.settings = settings
        self.redis_url = redis_url
        self.app = create_app(settings, ctx)
        self.client = TestClient(self.app).__enter__()
        Api(self.client, "staff@example.com")  # the first user is staff, never throttled
        self.api = Api(self.client, "ada@example.com")
        ws = self.api.workspace()
        self.table = self.api.table(self.api.database(ws))
        key = self.api.ok(self.api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))[
            "key"
        ]
        self.token = {"Authorization": f"Token {key}"}

    def hold(self, request_id: str, started: float) -> None:
        """Take a slot for the user as an in-flight request of another instance would."""

        async def take() -> None:
            counter = self._fresh_counter()
            assert await counter.acquire(self.api.user["id"], request_id, started) is None
            if isinstance(counter, RedisCounter):
                await counter.close()

        if self.redis_url:
            anyio.run(take)
        else:
            counter = _counter_of(self.app)
            self.client.portal.call(counter.acquire, self.api.user["id"], request_id, started)  # type: ignore[union-attr]

    def drop(self, request_id: str) -> None:
        async def release() -> None:
            counter = self._fresh_counter()
            await counter.release(self.api.user["id"], request_id)
            if isinstance(counter, RedisCounter):
                await counter.close()

        if self.redis_url:
            anyio.run(release)
        else:
            self.client.portal.call(_counter_of(self.app).release, self.api.user["id"], request_id)  # type: ignore[union-attr]

    def _fresh_counter(self) -> SlotCounter:
        return RedisCounter(self.redis_url, 1, 30) if self.redis_url else _counter_of(self.app)

    def close(self) -> None:
        counter = _counter_of(self.app)
        if isinstance(counter, RedisCounter):
            self.client.portal.call(counter.close)  # type: ignore[union-attr]
        self.client.__exit__(None, None, None)


@pytest.fixture
def limited(
    settings: Settings, ctx: Ctx, counter_kind: str, request: pytest.FixtureRequest
) -> Iterator[Limited]:
    redis_url = request.getfixturevalue("redis_server") if counter_kind == "redis" else None
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    setup = Limited(settings, ctx, redis_url)
    yield setup
    setup.close()


def test_excess_requests_get_429_until_the_slot_is_released(limited: Limited) -> None:
    rows = f"/api/database/rows/table/{limited.table}/"
    assert limited.client.get(rows, headers=limited.token).status_code == 200
    limited.hold("elsewhere", time.time())
    for headers in (limited.token, limited.api.headers):  # token and JWT requests count alike
        r = limited.client.get(rows, headers=headers)
        assert (r.status_code, r.json(), r.headers["Retry-After"]) == (429, THROTTLED_30, "30")
    assert limited.client.get(rows).status_code == 401  # anonymous: never throttled
    limited.drop("elsewhere")
    assert limited.client.get(rows, headers=limited.token).status_code == 200


def test_a_slot_older_than_the_timeout_counts_as_finished(limited: Limited) -> None:
    limited.hold("stuck", time.time() - 31)
    r = limited.client.get(f"/api/database/rows/table/{limited.table}/", headers=limited.token)
    assert r.status_code == 200, r.text


def test_retry_after_counts_down_from_the_oldest_slot(limited: Limited) -> None:
    held = time.time() - 28.5
    limited.hold("older", held)
    before = time.time()
    r = limited.client.get(f"/api/database/rows/table/{limited.table}/", headers=limited.token)
    after = time.time()
    # seconds left of the oldest slot's 30 s, rounded up, at the moment the server answered
    possible = range(math.ceil(30 - (after - held)), math.ceil(30 - (before - held)) + 1)
    assert r.status_code == 429
    seconds = int(r.headers["Retry-After"])
    assert seconds in possible and seconds <= 2
    assert r.json() == {
        "detail": "Request was throttled. "
        f"Expected available in {seconds} second{'s' if seconds != 1 else ''}."
    }


def test_staff_users_are_not_throttled(limited: Limited) -> None:
    staff = limited.client.post(
        "/api/user/token-auth/", json={"email": "staff@example.com", "password": "password123"}
    )
    headers = {"Authorization": f"JWT {staff.json()['access_token']}"}
    limited.hold("elsewhere", time.time())
    assert limited.client.get("/api/workspaces/", headers=headers).status_code == 200


def test_instances_share_slots_through_redis(
    settings: Settings, ctx: Ctx, redis_server: str
) -> None:
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    first = Limited(settings, ctx, redis_server)
    second_app = create_app(settings, ctx)  # another instance on the same database and Redis
    try:
        with TestClient(second_app) as second:
            first.hold("on-first", time.time())
            r = second.get(f"/api/database/rows/table/{first.table}/", headers=first.token)
            assert (r.status_code, r.json()) == (429, THROTTLED_30)
            first.drop("on-first")
            assert (
                second.get(
                    f"/api/database/rows/table/{first.table}/", headers=first.token
                ).status_code
                == 200
            )
            second.portal.call(_counter_of(second_app).close)  # type: ignore[union-attr, attr-defined]
    finally:
        first.close()


async def _in_flight_scenario(ctx: Ctx, counter: SlotCounter, jwt: str) -> list[int]:
    """Request 1 blocks inside the app; request 2 meanwhile; then request 1 finishes."""
    entered, gate = anyio.Event(), anyio.Event()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        entered.set()
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    app = ConcurrencyLimit(slow, counter, UserResolver(ctx))
    headers = {"Authorization": f"JWT {jwt}"}
    statuses: list[int] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:

        async def first() -> None:
            statuses.append((await http.get("/", headers=headers)).status_code)

        async with anyio.create_task_group() as tg:
            tg.start_soon(first)
            await entered.wait()
            statuses.append((await http.get("/", headers=headers)).status_code)
            gate.set()
        statuses.append((await http.get("/", headers=headers)).status_code)
    if isinstance(counter, RedisCounter):
        await counter.close()
    return statuses


def test_in_flight_requests_hold_their_slot(
    ctx: Ctx, counter_kind: str, request: pytest.FixtureRequest
) -> None:
    users.register(ctx, "Staff", "staff@example.com", "password123")
    ada = users.register(ctx, "Ada", "ada@example.com", "password123")
    if counter_kind == "redis":
        import redis

        url = request.getfixturevalue("redis_server")
        redis.Redis.from_url(url).flushdb()
        counter: SlotCounter = RedisCounter(url, 1, 30)
    else:
        counter = LocalCounter(1, 30)
    statuses = anyio.run(_in_flight_scenario, ctx, counter, sessions.access_token(ctx, ada.id))
    assert statuses == [429, 200, 200]  # the second request is refused while the first runs


# --- HTTPS for token requests ------------------------------------------------------------


@pytest.fixture
def https_app(settings: Settings, ctx: Ctx) -> Iterator[tuple[Any, dict[str, str], dict[str, str]]]:
    settings.require_https = True
    ctx.settings = settings
    app = create_app(settings, ctx)
    with TestClient(app, base_url="https://testserver") as client:
        api = Api(client)
        ws = api.workspace()
        key = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))["key"]
    yield app, {"Authorization": f"Token {key}"}, api.headers


REFUSED = {
    "error": "ERROR_HTTPS_REQUIRED",
    "detail": "Database tokens may only be used over HTTPS.",
}


def test_token_requests_need_https(https_app: Any) -> None:
    app, token, jwt = https_app
    with TestClient(app, base_url="http://testserver") as plain:
        r = plain.get("/api/database/tokens/check/", headers=token)
        assert (r.status_code, r.json()) == (403, REFUSED)
        r = plain.get("/api/database/tokens/check/", headers={"Authorization": "token whatever"})
        assert (r.status_code, r.json()) == (403, REFUSED)
        assert plain.get("/api/workspaces/", headers=jwt).status_code == 200  # JWT is not affected
        # Without trust_proxy a forwarded header proves nothing.
        r = plain.get(
            "/api/database/tokens/check/", headers={**token, "X-Forwarded-Proto": "https"}
        )
        assert r.status_code == 403
    with TestClient(app, base_url="https://testserver") as secure:
        assert secure.get("/api/database/tokens/check/", headers=token).json() == {"token": "OK"}
    with TestClient(app, base_url="http://testserver", client=("127.0.0.1", 40000)) as loopback:
        assert loopback.get("/api/database/tokens/check/", headers=token).status_code == 200


def test_trusted_proxy_header_decides(settings: Settings, ctx: Ctx, https_app: Any) -> None:
    _, token, _ = https_app
    settings.trust_proxy = True
    app = create_app(settings, ctx)
    with TestClient(app, base_url="http://testserver") as plain:
        r = plain.get(
            "/api/database/tokens/check/", headers={**token, "X-Forwarded-Proto": "https"}
        )
        assert r.json() == {"token": "OK"}
        r = plain.get("/api/database/tokens/check/", headers={**token, "X-Forwarded-Proto": "http"})
        assert (r.status_code, r.json()) == (403, REFUSED)
    with TestClient(app, base_url="http://testserver", client=("127.0.0.1", 40000)) as loopback:
        # A local proxy that says the client came over plain HTTP is believed too.
        r = loopback.get(
            "/api/database/tokens/check/", headers={**token, "X-Forwarded-Proto": "http"}
        )
        assert r.status_code == 403
