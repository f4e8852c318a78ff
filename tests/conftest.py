"""Fixtures: every API test runs against SQLite and (when GRIDBASE_TEST_POSTGRES_URL is set)
PostgreSQL, each test in its own database file or schema, through the real ASGI stack."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from gridbase import passwords
from gridbase.app import build_context, create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.server import pg_database

PG_URL = os.environ.get("GRIDBASE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


# In-process hashing at argon2id's lowest cost: tests check what is hashed and verified, not
# what it costs (~40 ms a hash at the real cost: a sign-up in nearly every test, ~100 s of CPU
# over the suite). Tests marked `password_cost` (tests/security/test_passwords.py) get the
# real parameters, and servers started as processes hash as released.
CHEAP_HASHING = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not request.node.get_closest_marker("password_cost"):
        monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHING)


@pytest.fixture(autouse=True)
def _no_unexpected_errors(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """A 500 is answered (and logged) rather than raised into the test, so a test that never
    looks at a response would pass on one: any in-process unhandled error fails the test,
    unless it is marked `unexpected_errors` (it provokes one on purpose)."""
    yield
    if request.node.get_closest_marker("unexpected_errors"):
        return
    bugs = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name == "gridbase" and r.levelno >= logging.ERROR
    ]
    assert not bugs, f"the server logged unexpected errors: {bugs}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    return str(request.param)


def _settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        webhooks_allow_private_addresses=True,
    )


# Each test gets a copy of a database migrated once per test process: migrating a new one
# costs ~150 ms on SQLite and ~300 ms on PostgreSQL, a copy ~1 ms and ~40 ms.
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "test.db"
    build_context(_settings(f"sqlite:///{path}", path.parent / "data")).db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pg_database(PG_URL) as url:
        build_context(_settings(url, tmp_path_factory.mktemp("pg-template"))).db.dispose()
        yield str(sa.make_url(url).database)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "test.db")  # its WAL was folded in at dispose()
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with pg_database(PG_URL, template=request.getfixturevalue("pg_template")) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return _settings(database_url, tmp_path / "data")


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Ctx]:
    context = build_context(settings)
    yield context
    context.db.dispose()


@pytest.fixture
def client(ctx: Ctx, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as test_client:
        yield test_client


class Api:
    """A signed-up user's view of the API, with helpers that build common fixtures."""

    def __init__(
        self, client: TestClient, email: str = "ada@example.com", name: str = "Ada"
    ) -> None:
        self.client = client
        r = client.post(
            "/api/user/",
            json={"name": name, "email": email, "password": "password123", "authenticate": True},
        )
        assert r.status_code == 200, r.text
        self.user = r.json()["user"]
        self.jwt = r.json()["access_token"]
        self.headers = {"Authorization": f"JWT {self.jwt}"}

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=kw.pop("headers", self.headers), **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=kw.pop("headers", self.headers), **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.patch(path, json=json, headers=kw.pop("headers", self.headers), **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete(path, headers=kw.pop("headers", self.headers), **kw)

    def ok(self, response: Any) -> Any:
        assert response.status_code in (200, 204), response.text
        return response.json() if response.status_code == 200 else None

    def workspace(self, name: str = "WS") -> int:
        return int(self.ok(self.post("/api/workspaces/", {"name": name}))["id"])

    def database(self, workspace_id: int | None = None, name: str = "DB") -> int:
        wid = workspace_id or self.workspace()
        return int(
            self.ok(
                self.post(f"/api/applications/workspace/{wid}/", {"name": name, "type": "database"})
            )["id"]
        )

    def table(
        self, database_id: int | None = None, name: str = "T", data: list[list[Any]] | None = None
    ) -> int:
        did = database_id or self.database()
        body: dict[str, Any] = {"name": name}
        if data is not None:
            body.update(data=data, first_row_header=True)
        return int(self.ok(self.post(f"/api/database/tables/database/{did}/", body))["id"])

    def field(self, table_id: int, name: str, type_: str, **props: Any) -> dict[str, Any]:
        return dict(
            self.ok(
                self.post(
                    f"/api/database/fields/table/{table_id}/",
                    {"name": name, "type": type_, **props},
                )
            )
        )

    def fields(self, table_id: int) -> list[dict[str, Any]]:
        return list(self.ok(self.get(f"/api/database/fields/table/{table_id}/")))

    def rows(self, table_id: int, **params: Any) -> list[dict[str, Any]]:
        r = self.get(
            f"/api/database/rows/table/{table_id}/", params={"user_field_names": "true", **params}
        )
        return list(self.ok(r)["results"])


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


# Hypothesis profiles of the reliability suites (tests/reliability): "ci" is a fixed,
# derandomized budget; `--hypothesis-profile=soak` runs many random examples for hours;
# `--hypothesis-profile=dev` (FUZZ_EXAMPLES examples, no shrinking) is for quick iteration.
hypothesis.settings.register_profile(
    "ci", derandomize=True, max_examples=30, stateful_step_count=40, deadline=None,
    database=None, suppress_health_check=list(hypothesis.HealthCheck), print_blob=True,
)  # fmt: skip
hypothesis.settings.register_profile(
    "soak", max_examples=2000, stateful_step_count=60, deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck), print_blob=True,
)  # fmt: skip
hypothesis.settings.register_profile(
    "dev", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100")), stateful_step_count=40,
    deadline=None, database=None,
    phases=[hypothesis.Phase.generate], report_multiple_bugs=False,
    suppress_health_check=list(hypothesis.HealthCheck),
)  # fmt: skip
