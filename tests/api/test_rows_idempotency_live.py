"""Idempotency-Key against a real `gridbase serve` (tests.server): 16 clients sending one key
at once write one row, a kept answer outlives a SIGKILL of the server, and a key held by an
unfinished transaction answers 409 once the wait runs out (PostgreSQL, where writers run
side by side; SQLite's single writer makes the second request wait its turn)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from tests.server import Server


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        r = requests.post(
            url + "/api/user/",
            json={
                "name": "Ada",
                "email": f"{uuid.uuid4().hex}@example.com",
                "password": "password123",
                "authenticate": True,
            },
            timeout=30,
        )
        assert r.status_code == 200, r.text
        self.user_id = int(r.json()["user"]["id"])
        self.headers = {"Authorization": f"JWT {r.json()['access_token']}"}
        ws = self.call("POST", "/api/workspaces/", {"name": "W"}).json()["id"]
        db = self.call(
            "POST", f"/api/applications/workspace/{ws}/", {"name": "D", "type": "database"}
        ).json()["id"]
        self.table = self.call(
            "POST",
            f"/api/database/tables/database/{db}/",
            {"name": "T", "data": [["Name"], ["a"]], "first_row_header": True},
        ).json()["id"]

    def call(
        self, method: str, path: str, body: Any = None, key: str | None = None
    ) -> requests.Response:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=60)

    def names(self) -> list[str]:
        r = self.call("GET", f"/api/database/rows/table/{self.table}/?user_field_names=true")
        return [row["Name"] for row in r.json()["results"]]


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "data", database_url=database_url).start()
    yield running
    running.stop()


def test_sixteen_clients_sending_one_key_at_once_write_one_row(server: Server) -> None:
    client = Client(server.url)
    key = uuid.uuid4().hex
    url = f"/api/database/rows/table/{client.table}/?user_field_names=true"

    def create(_: int) -> requests.Response:
        return client.call("POST", url, {"Name": "once"}, key=key)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(create, range(16)))
    assert [a.status_code for a in answers] == [200] * 16
    assert len({a.content for a in answers}) == 1  # every one the first answer
    replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
    assert replayed.count("true") == 15 and replayed.count(None) == 1
    assert client.names() == ["a", "once"]


def test_a_kept_answer_is_replayed_after_a_server_restart(
    database_url: str, tmp_path: Path
) -> None:
    first_server = Server(tmp_path / "data", database_url=database_url).start()
    try:
        client = Client(first_server.url)
        key = uuid.uuid4().hex
        path = f"/api/database/rows/table/{client.table}/?user_field_names=true"
        first = client.call("POST", path, {"Name": "kept"}, key=key)
        assert first.status_code == 200
    finally:
        first_server.kill()
    again_server = Server(tmp_path / "data", database_url=database_url).start()
    try:
        client.url = again_server.url
        again = client.call("POST", path, {"Name": "kept"}, key=key)
        assert (again.status_code, again.content) == (200, first.content)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.headers["ETag"] == first.headers["ETag"]
        assert client.names() == ["a", "kept"]
    finally:
        again_server.stop()


@pytest.mark.postgres
def test_a_key_held_past_the_wait_answers_409(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serialises writers: a held key is a held database")
    server = Server(
        tmp_path / "data",
        database_url=database_url,
        env={"GRIDBASE_IDEMPOTENCY_WAIT_SECONDS": "0.5"},
    ).start()
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        client = Client(server.url)
        key = uuid.uuid4().hex
        path = f"/api/database/rows/table/{client.table}/?user_field_names=true"
        with engine.connect() as held:  # another instance's request, still running
            held.execute(
                sa.text(
                    "INSERT INTO idempotency_keys (scope, key, method, path, fingerprint, body,"
                    " headers, created_on) VALUES (:scope, :key, 'POST', :path, '', '', '{}',"
                    " now())"
                ),
                {"scope": f"user:{client.user_id}", "key": key, "path": path},
            )
            busy = client.call("POST", path, {"Name": "x"}, key=key)
            assert busy.status_code == 409
            assert busy.json() == {
                "error": "ERROR_IDEMPOTENCY_KEY_IN_PROGRESS",
                "detail": "A request with this Idempotency-Key is still being processed; "
                "retry later.",
            }
            held.rollback()  # that request failed: the key is free again
        done = client.call("POST", path, {"Name": "x"}, key=key)
        assert done.status_code == 200
        assert "Idempotent-Replayed" not in done.headers
        assert client.names() == ["a", "x"]
    finally:
        engine.dispose()
        server.stop()
