"""Upsert throughput next to plain batch create, against a live `gridbase serve`.

    python -m bench.upsert [--rows 10000] [--requests 30] [--database-url postgresql://...]

Starts a throw-away server on 127.0.0.1, seeds a table (Name text, Amount number) with
`--rows` rows through batch create, then times, one request at a time on one connection,
`--requests` batch creates of 200 new rows and as many upserts of 200 items keyed on Name
(100 existing names, updated, and 100 new ones, created), with batch updates of 200
rows for reference. Prints rows/s of each (median
request). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.server import Server, pg_schema

BATCH = 200


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data, contextlib.ExitStack() as stack:
        url = f"sqlite:///{Path(data) / 'bench.db'}"
        if args.database_url:  # a throw-away schema of its own
            url = stack.enter_context(pg_schema(args.database_url))
        server = Server(Path(data), env={"GRIDBASE_SECRET_KEY": "b" * 40}, database_url=url)
        server.start()
        try:
            run(server.url, args.rows, args.requests, "postgres" if args.database_url else "sqlite")
        finally:
            server.stop()


def run(base: str, rows: int, count: int, backend: str) -> None:
    http = requests.Session()
    r = http.post(
        f"{base}/api/user/",
        json={
            "name": "Bench",
            "email": "b@example.com",
            "password": "password123",
            "authenticate": True,
        },
    )
    assert r.status_code == 200, r.text
    http.headers["Authorization"] = f"JWT {r.json()['access_token']}"

    def post(path: str, body: Any = None) -> Any:
        r = http.post(base + path, json=body, timeout=120)
        r.raise_for_status()
        return r.json()

    ws = post("/api/workspaces/", {"name": "W"})["id"]
    db = post(f"/api/applications/workspace/{ws}/", {"name": "D", "type": "database"})["id"]
    table = post(
        f"/api/database/tables/database/{db}/",
        {"name": "T", "data": [["Name"]], "first_row_header": True},
    )["id"]
    post(
        f"/api/database/fields/table/{table}/",
        {"name": "Amount", "type": "number", "number_decimal_places": 2},
    )
    batch = f"/api/database/rows/table/{table}/batch/?user_field_names=true"
    for start in range(0, rows, BATCH):
        post(
            batch,
            {
                "items": [
                    {"Name": f"seed {i}", "Amount": "1.00"} for i in range(start, start + BATCH)
                ]
            },
        )

    def timed(path: str, items: list[dict[str, Any]]) -> float:
        began = time.perf_counter()
        post(path, {"items": items})
        return time.perf_counter() - began

    def timed_patch(path: str, items: list[dict[str, Any]]) -> float:
        began = time.perf_counter()
        http.patch(base + path, json={"items": items}, timeout=120).raise_for_status()
        return time.perf_counter() - began

    creates = [
        timed(batch, [{"Name": f"new {n} {k}", "Amount": "2.00"} for k in range(BATCH)])
        for n in range(count)
    ]
    seeded = [
        r["id"]
        for r in http.get(base + batch.replace("batch/", "") + "&size=200").json()["results"]
    ]
    updates = [
        timed_patch(batch, [{"id": i, "Amount": f"{n}.00"} for i in seeded]) for n in range(count)
    ]
    upsert = batch + "&upsert_on=Name"
    upserts = []
    for n in range(count):
        existing = [{"Name": f"seed {(n * 100 + k) % rows}", "Amount": "3.00"} for k in range(100)]
        fresh = [{"Name": f"up {n} {k}", "Amount": "3.00"} for k in range(100)]
        upserts.append(timed(upsert, existing + fresh))
    for name, times in (
        ("batch create 200", creates),
        ("batch update 200", updates),
        ("upsert 200 (100 upd + 100 new)", upserts),
    ):
        median = statistics.median(times)
        print(
            f"{backend:8} {name:32} {BATCH / median:8.0f} rows/s  (median {median * 1000:.1f} ms)"
        )


if __name__ == "__main__":
    main()
