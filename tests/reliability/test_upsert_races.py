"""Concurrent upserts against a real `gridbase serve` (two worker processes), on SQLite and
PostgreSQL: 16 clients that upsert the same new keys at the same moment create exactly one
row per key, and every request succeeds (the later ones update the row the first made).
With and without a unique constraint on the key field."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.reliability.servers import Logged
from tests.reliability.test_concurrency import SECRET, call, sign_up, workspace
from tests.server import Server

CLIENTS = 16
ROUNDS = 4


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Logged]:
    s = Logged(
        Server(
            tmp_path / "data",
            env={"GRIDBASE_SECRET_KEY": SECRET},
            database_url=database_url,
            args=("--workers", "2"),
        )
    )
    try:
        yield s
    finally:
        s.server.stop()
    assert not s.errors(), s.errors()


@pytest.mark.parametrize("constraint", [False, True], ids=["plain", "unique"])
def test_concurrent_upserts_of_one_new_key_create_one_row(server: Logged, constraint: bool) -> None:
    base = server.url
    headers = sign_up(base)[0]
    db = call(
        base,
        headers,
        "POST",
        f"/api/applications/workspace/{workspace(base, headers)}/",
        {"name": "D", "type": "database"},
    )["id"]
    table = call(base, headers, "POST", f"/api/database/tables/database/{db}/", {"name": "T"})["id"]
    extra = {"field_constraints": [{"type_name": "unique_with_empty"}]} if constraint else {}
    call(
        base,
        headers,
        "POST",
        f"/api/database/fields/table/{table}/",
        {"name": "Key", "type": "text", **extra},
    )
    call(
        base,
        headers,
        "POST",
        f"/api/database/fields/table/{table}/",
        {"name": "By", "type": "number"},
    )
    url = f"{base}/api/database/rows/table/{table}/batch/?user_field_names=true&upsert_on=Key"
    session = threading.local()

    def upsert(round_: int, client: int, *, start: threading.Barrier) -> dict[str, Any]:
        http = getattr(session, "http", None) or requests.Session()
        session.http = http
        # two shared keys (in either order, so batches lock overlapping keys) and an own one
        shared = [f"r{round_}-a", f"r{round_}-b"]
        if client % 2:
            shared.reverse()
        items = [{"Key": k, "By": client} for k in [*shared, f"r{round_}-own{client}"]]
        start.wait(timeout=30)
        r = http.post(url, json={"items": items}, headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        return dict(r.json()["upserted"])

    with ThreadPoolExecutor(CLIENTS) as pool:
        for round_ in range(ROUNDS):
            start = threading.Barrier(CLIENTS)
            answers = list(pool.map(partial(upsert, round_, start=start), range(CLIENTS)))
            created = sum(len(a["created"]) for a in answers)
            updated = sum(len(a["updated"]) for a in answers)
            # each shared key created once and updated 15 times; each own key created once
            assert (created, updated) == (2 + CLIENTS, 2 * (CLIENTS - 1))
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        got = call(
            base,
            headers,
            "GET",
            f"/api/database/rows/table/{table}/?user_field_names=true&size=200&page={page}",
        )
        rows += got["results"]
        if not got["next"]:
            break
        page += 1
    keys = [r["Key"] for r in rows if r["Key"] is not None]  # a new table has two empty rows
    assert len(keys) == len(set(keys)) == ROUNDS * (2 + CLIENTS)
