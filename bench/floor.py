"""The floor: each read workload's query run directly through the driver (sqlite3 / psycopg),
rows turned into dicts and encoded with orjson — what any server must at least spend."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson

Query = tuple[str, tuple[Any, ...]]


class Floor:
    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(
                url.removeprefix("sqlite:///"), check_same_thread=False
            )
        else:
            import psycopg

            self.conn = psycopg.connect(
                url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
            )
        self.mark = "?" if self.sqlite else "%s"

    def q(self, sql: str) -> str:
        return sql.replace("?", self.mark)

    def cpu_ms(self, queries: list[Query], n: int) -> float:
        """This process's CPU ms per run of `queries` + dicts + JSON (warm, `n` runs): the
        floor of bench.cpu, measured like its requests (the driver's work in this process;
        PostgreSQL's own is in another)."""
        for _ in range(5):
            self.once(queries)
        started = time.process_time()
        for _ in range(n):
            self.once(queries)
        return (time.process_time() - started) * 1000 / n

    def once(self, queries: list[Query]) -> bytes:
        payload: dict[str, Any] = {}
        for sql, params in queries:
            cur = self.conn.execute(self.q(sql), params)
            names = [d[0] for d in cur.description]
            payload[sql[:12]] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        return orjson.dumps(payload, default=str)

    def run(self, queries: list[Query], seconds: float) -> tuple[float, float, float]:
        """(req/s, p50 ms, p95 ms) of executing `queries` + dicts + JSON, one thread."""
        lat: list[float] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.perf_counter()
            self.once(queries)
            lat.append((time.perf_counter() - start) * 1000)
        total = sum(lat) / 1000
        lat.sort()
        return len(lat) / total, statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]


def page_queries(
    table: str,
    where: str = "",
    params: tuple[Any, ...] = (),
    order: str = '"order", id',
    limit: int = 100,
    offset: int = 0,
) -> list[Query]:
    """count + one page, as a list endpoint does."""
    clause = f" WHERE {where}" if where else ""
    return [
        (f"SELECT count(*) FROM {table}{clause}", params),
        (f"SELECT * FROM {table}{clause} ORDER BY {order} LIMIT {limit} OFFSET {offset}", params),
    ]


FloorFn = Callable[[], tuple[float, float, float]]
