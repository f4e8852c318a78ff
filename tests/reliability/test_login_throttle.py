"""The per-address throttle of failed password checks: past the limit an address is answered
DRF's 429 with Retry-After before any password is looked at, other addresses are not, only
failures count, and with Redis every instance shares the count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridbase.api.login_throttle import LocalFailures, LoginThrottle, RedisFailures
from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.api.test_tokens_limits import redis_server  # noqa: F401  (a fixture, used by name)
from tests.asgi_client import TestClient
from tests.conftest import Api

LOGIN = "/api/user/token-auth/"
NOW = 60.0 * 20_000 + 15  # 15 s into a window: 45 s to wait
WRONG = {"email": "ada@example.com", "password": "wrong-password"}
RIGHT = {"email": "ada@example.com", "password": "password123"}


@pytest.fixture
def backend() -> str:
    """A layer in front of the app: one backend says all (conftest runs both otherwise)."""
    return "sqlite"


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": f"203.0.113.9, {address}"}  # the proxy added the last one


@pytest.fixture
def throttled_app(ctx: Ctx, settings: Settings) -> Iterator[TestClient]:
    """The real app behind a throttle of 3 failures a minute, on a clock that stands still."""
    app = create_app(settings, ctx)
    wrapped = LoginThrottle(app, LocalFailures(), limit=3, trust_proxy=True, clock=lambda: NOW)
    with TestClient(wrapped, base_url="http://testserver") as client:
        yield client


def test_failed_log_ins_are_throttled_per_address(throttled_app: TestClient) -> None:
    Api(throttled_app)  # signs up ada@example.com
    attempt = throttled_app.post
    for _ in range(5):  # successes never count
        assert attempt(LOGIN, json=RIGHT, headers=from_address("198.51.100.1")).status_code == 200
    for _ in range(3):
        r = attempt(LOGIN, json=WRONG, headers=from_address("198.51.100.1"))
        assert r.status_code == 401, r.text
    for body in (WRONG, RIGHT):  # the right password too: nothing is checked any more
        r = attempt(LOGIN, json=body, headers=from_address("198.51.100.1"))
        assert (r.status_code, r.headers["Retry-After"]) == (429, "45")
        assert r.json() == {"detail": "Request was throttled. Expected available in 45 seconds."}
    # another address is not throttled; an invalid body (400) is not a failed check
    assert attempt(LOGIN, json=RIGHT, headers=from_address("198.51.100.2")).status_code == 200
    for _ in range(4):
        assert attempt(LOGIN, json={}, headers=from_address("198.51.100.3")).status_code == 400


def test_the_setting_installs_it(client: TestClient, settings: Settings) -> None:
    """GRIDBASE_LOGIN_ATTEMPTS_PER_MINUTE (default 20) on the real front layers: failures
    from one address meet a 429 within two windows' worth of attempts."""
    assert settings.login_attempts_per_minute == 20
    Api(client)
    statuses = []
    for _ in range(2 * 20 + 2):
        statuses.append(client.post(LOGIN, json=WRONG).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}


def test_instances_share_the_count_through_redis(
    ctx: Ctx,
    settings: Settings,
    redis_server: str,  # noqa: F811  (the imported fixture)
) -> None:
    apps: list[Any] = [
        LoginThrottle(
            create_app(settings, ctx), RedisFailures(redis_server), limit=2, trust_proxy=False,
            clock=lambda: NOW + 7,  # another window than any other test's
        )
        for _ in range(2)
    ]  # fmt: skip
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        Api(first)
        assert first.post(LOGIN, json=WRONG).status_code == 401
        assert second.post(LOGIN, json=WRONG).status_code == 401
        for client in (first, second):
            r = client.post(LOGIN, json=RIGHT)
            assert (r.status_code, r.headers["Retry-After"]) == (429, "38"), r.text
