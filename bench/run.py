"""The benchmark suite: seed a table, serve it, run every workload at 1 and 8 connections
against a live `gridbase serve` with a database token, and compare reads with the floor.

    python -m bench.run --rows 1000000 [--database-url postgresql://...] [--seconds 10]
        [--baserow-url http://127.0.0.1:38299]

Prints a table and writes bench/results/<backend>-<rows>.json. Not part of the test suite.
With --baserow-url, the same table is seeded on a real Baserow too (bench/baserow.py), each
workload runs against both servers in turn with the same load harness, and every line gets
Baserow's figures and gridbase's ratio to them.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from bench import loadgen, scratch
from bench.baserow import database_token, seed_baserow
from bench.floor import Floor, page_queries
from bench.seed import Seeded, log_in, seed
from gridbase.config import Settings
from tests.server import Server


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the workers of `serve --workers`)."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/status") as status:
            total += next(
                (int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0
            )
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += sum(rss_mb(int(child)) for child in (task / "children").read_text().split())
    except (FileNotFoundError, ProcessLookupError):
        pass  # exited while we looked
    return total


class RssWatch:
    """Peak resident memory of the server (all its processes) while workloads run, overall
    and since the last `take()` (each workload's own peak)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.recent, self._stop = pid, 0.0, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = rss_mb(self.pid)
            self.peak, self.recent = max(self.peak, now), max(self.recent, now)

    def take(self) -> float:
        """The peak since the last take, then start a new one at the current size."""
        now = rss_mb(self.pid)
        found, self.recent = max(self.recent, now), now
        return found

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def warm(path: Path) -> None:
    """Read the SQLite file once, so every workload (and the floor) finds it in the OS cache:
    steady-state numbers, not the first reads after the kernel evicted the pages."""
    with path.open("rb") as file:
        while file.read(1 << 20):
            pass


COLD_SAMPLES = 15


def cold_p50(
    base_url: str, headers: dict[str, str], make: Any, touch: tuple[str, str, bytes]
) -> float:
    """p50 ms of a read right after a write: the server keeps counts (and deep-page marks)
    until the data moves on, so a read repeated with no write in between is cheaper. One
    keep-alive http.client connection, so the client adds little."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    sent = headers | {"Content-Type": "application/json"}

    def call(method: str, path: str, body: bytes) -> None:
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status}")

    latencies = []
    try:
        for i in range(COLD_SAMPLES):
            call(*touch)
            started = time.perf_counter()
            call(*make(i))
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    latencies.sort()
    return latencies[len(latencies) // 2]


def workloads(s: Seeded) -> list[tuple[str, Any, list[Any] | None]]:
    """(name, request maker, floor queries or None for writes)."""
    t, f = s.table, s.fields
    base = f"/api/database/rows/table/{t}/"
    tbl = f"database_table_{t}"
    status = f["Status"]["select_options"][1]["id"]
    amount, name = f"field_{f['Amount']['id']}", f"field_{f['Name']['id']}"
    status_col = f"field_{f['Status']['id']}"
    # The API orders a single select by its options' values (as Baserow does), not by their ids;
    # the floor's query must return the same rows, so it sorts by the same CASE.
    by_value = "CASE {} {} END".format(
        status_col,
        " ".join(
            "WHEN {} THEN '{}'".format(int(o["id"]), o["value"].replace("'", "''"))
            for o in f["Status"]["select_options"]
        ),
    )
    rnd = random.Random(3)
    filt_eq = json.dumps(
        {
            "filter_type": "AND",
            "filters": [
                {"field": f["Status"]["id"], "type": "single_select_equal", "value": str(status)}
            ],
        }
    )
    filt_range = json.dumps(
        {
            "filter_type": "AND",
            "filters": [
                {"field": f["Amount"]["id"], "type": "higher_than", "value": "5000"},
                {"field": f["Amount"]["id"], "type": "lower_than", "value": "6000"},
            ],
        }
    )
    filt_contains = json.dumps(
        {
            "filter_type": "AND",
            "filters": [{"field": f["Name"]["id"], "type": "contains", "value": "mango"}],
        }
    )
    q = requests.utils.quote  # type: ignore[attr-defined]
    deep = max(1, min(5000, s.rows // 100))
    read = [
        ("list page 1", lambda i: ("GET", base, b""), page_queries(tbl)),
        (
            f"deep page {deep}",
            lambda i: ("GET", f"{base}?page={deep}", b""),
            page_queries(tbl, offset=(deep - 1) * 100),
        ),
        (
            "filter select =",
            lambda i: ("GET", f"{base}?filters={q(filt_eq)}", b""),
            page_queries(tbl, f"{status_col} = ?", (status,)),
        ),
        (
            "filter number range",
            lambda i: ("GET", f"{base}?filters={q(filt_range)}", b""),
            page_queries(tbl, f"{amount} > ? AND {amount} < ?", (5000, 6000)),
        ),
        (
            "filter contains",
            lambda i: ("GET", f"{base}?filters={q(filt_contains)}", b""),
            page_queries(tbl, f"lower({name}) LIKE ?", ("%mango%",)),
        ),
        (
            "search common word",
            lambda i: ("GET", f"{base}?search=mango&search_mode=full-text-with-count", b""),
            None,
        ),
        (
            "search two words",
            lambda i: ("GET", f"{base}?search=mango%20peach&search_mode=full-text-with-count", b""),
            None,
        ),
        (
            "search rare term",
            lambda i: (
                "GET",
                f"{base}?search=user{s.rows // 3}&search_mode=full-text-with-count",
                b"",
            ),
            None,
        ),
        # the default mode (no search_mode): Baserow's `compat`, a substring match per field
        ("search compat common", lambda i: ("GET", f"{base}?search=mango", b""), None),
        ("search compat rare", lambda i: ("GET", f"{base}?search=user{s.rows // 3}", b""), None),
        ("search compat 2 letters", lambda i: ("GET", f"{base}?search=ma", b""), None),
        (
            "order_by 2 fields",
            lambda i: ("GET", f"{base}?order_by={status_col},-{amount}", b""),
            page_queries(
                tbl, order=f'{by_value} NULLS FIRST, {amount} DESC NULLS LAST, "order", id'
            ),
        ),
        ("get one row", lambda i: ("GET", f"{base}{rnd.randrange(1, s.rows + 1)}/", b""), None),
    ]
    read[-1] = (read[-1][0], read[-1][1], [(f"SELECT * FROM {tbl} WHERE id = ?", (s.rows // 2,))])
    write_row = json.dumps({name: "bench row", amount: "12.34"}).encode()
    batch = json.dumps(
        {"items": [{name: f"batch {k}", amount: "1.00"} for k in range(200)]}
    ).encode()

    def batch_upd(i: int) -> bytes:  # 200 distinct ids per request
        return json.dumps(
            {"items": [{"id": (i * 200 + k) % s.rows + 1, amount: "2.00"} for k in range(200)]}
        ).encode()

    writes = [
        ("create one row", lambda i: ("POST", base, write_row), None),
        (
            "update one row",
            lambda i: ("PATCH", f"{base}{rnd.randrange(1, s.rows + 1)}/", write_row),
            None,
        ),
        ("batch create 200", lambda i: ("POST", f"{base}batch/", batch), None),
        ("batch update 200", lambda i: ("PATCH", f"{base}batch/", batch_upd(i)), None),
    ]
    return read + writes


def touch(s: Seeded) -> tuple[str, str, bytes]:
    """A small write, the same every time: row 1's Amount emptied."""
    amount = f"field_{s.fields['Amount']['id']}"
    return "PATCH", f"/api/database/rows/table/{s.table}/1/", json.dumps({amount: None}).encode()


def versus(theirs: loadgen.Result, ours: loadgen.Result) -> dict[str, Any]:
    """Baserow's figures for one workload and gridbase's ratio to them, both as "times
    better": req/s ours/theirs, p50 theirs/ours (above 1: gridbase is faster)."""
    if theirs.errors:
        print(f"  Baserow answered {theirs.errors} requests with an error", flush=True)
    return {
        "baserow_req_s": round(theirs.rps, 1),
        "baserow_p50_ms": round(theirs.p50, 2),
        "baserow_p95_ms": round(theirs.pct(95), 2),
        "baserow_errors": theirs.errors,
        "x_req_s": round(ours.rps / theirs.rps, 2) if theirs.rps else None,
        "x_p50": round(theirs.p50 / ours.p50, 2) if ours.p50 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL; default: SQLite in a temp dir"
    )
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="per workload and connection count"
    )
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--data-dir",
        default="",
        help="keep the seed here (SQLite: the data; PostgreSQL, Baserow: its ids) and reuse it",
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="seed (or check the seed) and stop"
    )
    parser.add_argument(
        "--no-db-index", action="store_true", help="seed without db_index on Amount"
    )
    parser.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    parser.add_argument(
        "--workers", type=int, default=1, help="server worker processes (gridbase serve --workers)"
    )
    parser.add_argument(
        "--baserow-url",
        default="",
        help="also seed a real Baserow here and run every workload against it (ratios)",
    )
    args = parser.parse_args()
    with scratch.data_dir(args.data_dir, "gridbase-bench-") as data_dir:
        run(args, data_dir)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    seed_file = data_dir / "bench-seed.json"
    settings = Settings(
        data_dir=data_dir, database_url=args.database_url, webhooks_dispatcher=False
    )
    server = Server(
        data_dir,
        {"GRIDBASE_WEBHOOKS_DISPATCHER": "false", "GRIDBASE_LOG_LEVEL": "warning"},
        args.database_url,
        args=("--workers", str(args.workers)),
    ).start()
    try:
        if seed_file.exists():
            seeded = Seeded(**json.loads(seed_file.read_text()))
            seeded = dataclasses.replace(
                seeded, base=server.url, jwt=log_in(server.url, seeded.email)
            )
            print(f"reusing the {seeded.rows:,}-row seed in {data_dir}", flush=True)
        else:
            print(f"seeding {args.rows:,} rows ...", flush=True)
            started = time.monotonic()
            seeded = seed(server.url, settings, args.rows, db_index=not args.no_db_index)
            print(f"seeded in {time.monotonic() - started:.0f}s", flush=True)
            seed_file.write_text(json.dumps(dataclasses.asdict(seeded)))
        other = None
        if args.baserow_url:
            other = seed_baserow(
                args.baserow_url.rstrip("/"), data_dir, seeded.rows, not args.no_db_index
            )
        if args.seed_only:
            return
        token = requests.post(
            server.url + "/api/database/tokens/",
            json={"name": "bench", "workspace": seeded.workspace},
            headers={"Authorization": f"JWT {seeded.jwt}"},
            timeout=30,
        ).json()["key"]
        headers = {"Authorization": f"Token {token}"}
        floor = Floor(settings.resolved_database_url())
        if not args.database_url:
            warm(data_dir / "gridbase.db")
        results = []
        assert server.process is not None
        idle_rss = rss_mb(server.process.pid)
        # the same workloads built from each server's own ids
        others = {w[0]: w[1] for w in workloads(other)} if other else {}
        other_headers = {"Authorization": f"Token {database_token(other)}"} if other else {}
        with RssWatch(server.process.pid) as watch:
            only = {w.strip() for w in args.only.split(",") if w.strip()}
            for name, make, floor_queries in workloads(seeded):
                if only and name not in only:
                    continue
                if make(0)[0] == "GET":
                    # steady state: one untimed read first, which may count what later reads
                    # keep (`cold p50` measures a read right after a write)
                    loadgen.run(server.url, headers, make, connections=1, seconds=600, limit=1)
                    if other:
                        loadgen.run(
                            other.base,
                            other_headers,
                            others[name],
                            connections=1,
                            seconds=600,
                            limit=1,
                        )
                for conns in (1, 8):
                    res = loadgen.run(
                        server.url, headers, make, connections=conns, seconds=args.seconds
                    )
                    row: dict[str, Any] = {
                        "workload": name,
                        "connections": conns,
                        "req_s": round(res.rps, 1),
                        "p50_ms": round(res.p50, 2),
                        "p95_ms": round(res.pct(95), 2),
                        "errors": res.errors,
                    }
                    if "batch" in name:
                        row["rows_s"] = round(res.rps * 200)
                    if floor_queries is not None and conns == 1:
                        f_rps, f_p50, _f_p95 = floor.run(floor_queries, min(args.seconds, 4))
                        row.update(
                            floor_req_s=round(f_rps, 1),
                            floor_p50_ms=round(f_p50, 2),
                            ratio=round(res.rps / f_rps, 2),
                        )
                    if make(0)[0] == "GET" and conns == 1:
                        row["cold_p50_ms"] = round(
                            cold_p50(server.url, headers, make, touch(seeded)), 2
                        )
                    row["rss_mb"] = round(watch.take(), 1)
                    if other:
                        row.update(
                            versus(
                                loadgen.run(
                                    other.base,
                                    other_headers,
                                    others[name],
                                    connections=conns,
                                    seconds=args.seconds,
                                ),
                                res,
                            )
                        )
                        watch.take()  # Baserow's turn is not gridbase's memory
                    results.append(row)
                    print(json.dumps(row), flush=True)
        report = {
            "backend": "postgresql" if args.database_url else "sqlite",
            "rows": seeded.rows,  # (a reused seed has its own size)
            "db_index": not args.no_db_index,
            "idle_rss_mb": round(idle_rss, 1),
            "peak_rss_mb": round(watch.peak, 1),
            "baserow_url": other.base if other else None,
            "results": results,
        }
        out = Path(args.out or f"bench/results/{report['backend']}-{seeded.rows}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        print_table(report)
    finally:
        server.stop()


def print_table(report: dict[str, Any]) -> None:
    print(
        f"\n{report['backend']}, {report['rows']:,} rows, "
        f"server RSS {report['idle_rss_mb']} MB idle, peak {report['peak_rss_mb']} MB"
    )
    print("(cold p50: a read right after a write, which drops the counts the server keeps)")
    print(
        f"{'workload':24} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'floor/s':>9} {'floor p50':>9} {'ratio':>6} {'cold p50':>8} {'RSS MB':>7}"
    )
    for r in report["results"]:
        print(
            f"{r['workload']:24} {r['connections']:>5} {r['req_s']:>9} "
            f"{r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r.get('floor_req_s', ''):>9} {r.get('floor_p50_ms', ''):>9} "
            f"{r.get('ratio', ''):>6} {r.get('cold_p50_ms', ''):>8} {r.get('rss_mb', ''):>7}"
        )
    if not report.get("baserow_url"):
        return
    print(f"\nside by side with Baserow at {report['baserow_url']} (× = times better: gridbase")
    print("req/s over Baserow's, Baserow's p50 over gridbase's)")
    print(
        f"{'workload':24} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'Baserow/s':>10} "
        f"{'B p50 ms':>9} {'× req/s':>8} {'× p50':>7} {'B errors':>8}"
    )
    for r in report["results"]:
        print(
            f"{r['workload']:24} {r['connections']:>5} {r['req_s']:>9} {r['p50_ms']:>8} "
            f"{r['baserow_req_s']:>10} {r['baserow_p50_ms']:>9} {r['x_req_s']!s:>8} "
            f"{r['x_p50']!s:>7} {r['baserow_errors']:>8}"
        )


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main()
