"""Full-text search timing: seed a table, then time list-100 requests with
`search=<term>&search_mode=full-text-with-count` (sequential, one connection) and print
SQLite's query plan for the search.

    python -m bench.search --rows 1000000 [--requests 50] [--terms mango,user4242]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from bench import scratch
from bench.seed import seed
from gridbase.config import Settings
from gridbase.search.tokenize import query_tokens
from gridbase.storage import search_index
from tests.server import Server


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--terms", default="mango,user4242,omega 42,zzz")
    args = parser.parse_args()
    with scratch.data_dir("", "gridbase-search-bench-") as data_dir:
        run(args, data_dir)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, webhooks_dispatcher=False)
    server = Server(
        data_dir, {"GRIDBASE_WEBHOOKS_DISPATCHER": "false", "GRIDBASE_LOG_LEVEL": "warning"}
    ).start()
    try:
        started = time.monotonic()
        seeded = seed(server.url, settings, args.rows)
        print(f"seeded {args.rows:,} rows in {time.monotonic() - started:.0f}s", flush=True)
        url = f"{server.url}/api/database/rows/table/{seeded.table}/"
        headers = {"Authorization": f"JWT {seeded.jwt}"}
        for term in args.terms.split(","):
            for mode in ("full-text-with-count", "compat"):
                times, count = [], 0
                for _ in range(args.requests if mode != "compat" else max(3, args.requests // 10)):
                    t0 = time.perf_counter()
                    r = requests.get(
                        url,
                        params={"search": term, "search_mode": mode, "size": 100},
                        headers=headers,
                        timeout=600,
                    )
                    times.append((time.perf_counter() - t0) * 1000)
                    r.raise_for_status()
                    count = r.json()["count"]
                print(
                    f"{term!r:14} {mode:22} count={count:>8,} "
                    f"p50={statistics.median(times):8.1f} ms "
                    f"max={max(times):8.1f} ms (n={len(times)})",
                    flush=True,
                )
        engine = sa.create_engine(settings.resolved_database_url())
        with engine.connect() as conn:
            query = search_index.matching_ids("sqlite", seeded.table, query_tokens("mango"))
            t = sa.table(f"database_table_{seeded.table}", sa.column("id"), sa.column("order"))
            stmt = sa.select(t.c.id).where(t.c.id.in_(query)).order_by(t.c.order, t.c.id).limit(100)
            sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
            print(sql)
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"):
                print("  ", row[-1])
        engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
