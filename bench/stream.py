"""The change stream: delivery latency under a write load, memory of idle streams, and what the
event log costs a write when nobody streams.

    python -m bench.stream [--database-url URL] [--streams 10] [--writers 4] [--seconds 10]
                           [--idle 1000] [--batches 30]

Starts a `gridbase serve` of its own (SQLite in a temporary directory, or --database-url) and:
1. latency: `--streams` streams follow one table while `--writers` clients create rows as
   fast as they can for `--seconds`; for each row, the time from its write's response (and
   from its request) to its arrival on each stream: p50 / p99 (a negative "after the
   response" means the event arrived before the writer read its answer);
2. memory: the server's RSS before and after opening `--idle` idle streams (raw sockets, so
   the client side costs nothing to the server);
3. write overhead, in this process on the same database: a batch create and a batch update
   of 200 rows through the row service, with the event log and with it replaced by a
   no-op, `--batches` each, alternating; median ms.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import scratch
from gridbase.app import build_context
from gridbase.config import Settings
from gridbase.core import rows, tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def setup(base: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=30) as c:
        session = c.post(
            "/api/user/",
            json={
                "name": "Bench",
                "email": "bench@example.com",
                "password": "bench-password",
                "authenticate": True,
            },
        ).json()
        jwt = {"Authorization": f"JWT {session['access_token']}"}
        ws = c.post("/api/workspaces/", json={"name": "bench"}, headers=jwt).json()["id"]
        db = c.post(
            f"/api/applications/workspace/{ws}/",
            json={"name": "bench", "type": "database"},
            headers=jwt,
        ).json()["id"]
        table = c.post(
            f"/api/database/tables/database/{db}/",
            json={"name": "Items", "data": [["Name"]], "first_row_header": True},
            headers=jwt,
        ).json()["id"]
        for name, type_ in (("Notes", "long_text"), ("Count", "number"), ("Done", "boolean")):
            c.post(
                f"/api/database/fields/table/{table}/",
                json={"name": name, "type": type_},
                headers=jwt,
            )
        key = c.post(
            "/api/database/tokens/", json={"name": "bench", "workspace": ws}, headers=jwt
        ).json()["key"]
    return {"table": table, "headers": {"Authorization": f"Token {key}"}, "key": key}


async def follow(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], arrived: dict[str, list[float]]
) -> None:
    async with client.stream("GET", url, headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                now = time.perf_counter()
                for item in orjson.loads(line[6:]).get("items", ()):
                    arrived.setdefault(item["Name"], []).append(now)


async def latency(
    base: str, info: dict[str, Any], streams: int, writers: int, seconds: float
) -> None:
    url = f"{base}/api/database/rows/table/{info['table']}/events/?user_field_names=true"
    arrived: dict[str, list[float]] = {}
    sent: dict[str, tuple[float, float]] = {}
    limits = httpx.Limits(max_connections=streams + writers + 4)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None), limits=limits) as client:
        followers = [
            asyncio.create_task(follow(client, url, info["headers"], arrived))
            for _ in range(streams)
        ]
        await asyncio.sleep(0.5)  # the streams are open (set-up, not a measurement)
        stop = time.perf_counter() + seconds

        async def write(w: int) -> None:
            i = 0
            while time.perf_counter() < stop:
                name = f"{w}-{i}"
                start = time.perf_counter()
                r = await client.post(
                    f"{base}/api/database/rows/table/{info['table']}/?user_field_names=true",
                    json={"Name": name, "Notes": "x" * 200, "Count": i, "Done": True},
                    headers=info["headers"],
                )
                r.raise_for_status()
                sent[name] = (start, time.perf_counter())
                i += 1

        await asyncio.gather(*(write(w) for w in range(writers)))
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and any(
            len(arrived.get(n, ())) < streams for n in sent
        ):
            await asyncio.sleep(0.05)
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
    after_ack = [(t - ack) * 1000 for n, (_, ack) in sent.items() for t in arrived.get(n, ())]
    after_send = [(t - s) * 1000 for n, (s, _) in sent.items() for t in arrived.get(n, ())]
    missing = sum(streams - len(arrived.get(n, ())) for n in sent)
    print(
        f"latency: {len(sent)} writes ({len(sent) / seconds:.0f}/s by {writers} writers), "
        f"{streams} streams, {len(after_ack)} deliveries, {missing} missing"
    )
    print(
        f"  after the write's response: p50 {pct(after_ack, 0.5):.1f} ms, "
        f"p99 {pct(after_ack, 0.99):.1f} ms"
    )
    print(
        f"  after the write's request:  p50 {pct(after_send, 0.5):.1f} ms, "
        f"p99 {pct(after_send, 0.99):.1f} ms"
    )


async def idle(port: int, pid: int, info: dict[str, Any], count: int) -> None:
    before = rss_mb(pid)
    request = (
        f"GET /api/database/rows/table/{info['table']}/events/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAuthorization: Token {info['key']}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    writers = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        head = await reader.readuntil(b": stream open\n\n")
        assert b" 200 " in head.split(b"\r\n", 1)[0], head[:200]
        writers.append(writer)
    await asyncio.sleep(2)  # settle: the RSS figure is of idle streams (not a wait for a result)
    after = rss_mb(pid)
    print(
        f"memory: {count} idle streams: server RSS {before:.1f} -> {after:.1f} MB "
        f"(+{after - before:.1f} MB, {(after - before) * 1024 / count:.1f} KB per stream)"
    )
    for writer in writers:
        writer.close()


class NoLog:
    def logs(self, event: str) -> bool:
        return False

    def append(self, *args: Any, **kwargs: Any) -> None:
        return None


def overhead(settings: Settings, info: dict[str, Any], batches: int) -> None:
    ctx = build_context(settings)
    quiet = dataclasses.replace(ctx, ext=dataclasses.replace(ctx.ext, event_log=NoLog()))
    caller = tokens.TokenKey(info["key"])
    timings: dict[str, list[tuple[float, float]]] = {}

    def timed(label: str, call: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        spent = (time.perf_counter() - wall, time.process_time() - cpu)
        timings.setdefault(label, []).append(spent)
        return result

    for i in range(batches):
        for label, c in (("with log", ctx), ("no log", quiet)):
            items = [{"Name": f"o{i}-{j}", "Notes": "y" * 200, "Count": j} for j in range(200)]
            created, _ = timed(
                f"create, {label}",
                lambda c=c, items=items: rows.create_rows(
                    c, caller, info["table"], items, by_name=True, batch=True
                ),
            )
            changes = [{"id": r["id"], "Count": 1} for r in created]
            timed(
                f"update, {label}",
                lambda c=c, changes=changes: rows.update_rows(
                    c, caller, info["table"], changes, by_name=True, batch=True
                ),
            )
    print(f"write overhead: batches of 200 rows, median of {batches}, nobody streaming")
    print(
        "  (CPU: this process's own time, the SQLite engine's included; steadier on a busy machine)"
    )
    for label, values in timings.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        print(f"  {label:<18} wall {wall:7.1f} ms   CPU {cpu:7.1f} ms")
    ctx.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=30)
    args = parser.parse_args()
    with scratch.data_dir("", "gridbase-bench-stream-") as data:
        run(args, data)


def run(args: argparse.Namespace, data: Path) -> None:
    port = free_port()
    env = dict(os.environ, GRIDBASE_DATA_DIR=str(data), GRIDBASE_DATABASE_URL=args.database_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "gridbase", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/api/workspaces/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        info = setup(base)
        print(f"backend: {'PostgreSQL' if args.database_url else 'SQLite'}")
        asyncio.run(latency(base, info, args.streams, args.writers, args.seconds))
        asyncio.run(idle(port, server.pid, info, args.idle))
        overhead(Settings(data_dir=data, database_url=args.database_url), info, args.batches)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
