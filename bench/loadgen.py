"""A light keep-alive HTTP/1.1 load generator on asyncio streams (no client library), so the
client spends as little of the shared CPU as possible. Reports req/s and latency percentiles."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q / 100 * len(data)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


Request = tuple[str, str, bytes]  # method, path?query, body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _worker(
    base: str,
    headers: dict[str, str],
    make: Callable[[int], Request],
    deadline: float,
    counter: list[int],
    result: Result,
    limit: int | None,
) -> None:
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    try:
        while time.monotonic() < deadline and (limit is None or counter[0] < limit):
            counter[0] += 1
            method, path, body = make(counter[0])
            req = (
                f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            start = time.perf_counter()
            writer.write(req)
            status = await _read_response(reader)
            result.latencies_ms.append((time.perf_counter() - start) * 1000)
            result.requests += 1
            if status >= 400:
                result.errors += 1
    finally:
        writer.close()


def run(
    base: str,
    headers: dict[str, str],
    make: Callable[[int], Request],
    *,
    connections: int,
    seconds: float,
    limit: int | None = None,
) -> Result:
    async def main() -> Result:
        result = Result(0, 0, 0.0, [])
        counter = [0]
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(
            *[
                _worker(base, headers, make, deadline, counter, result, limit)
                for _ in range(connections)
            ]
        )
        result.seconds = time.monotonic() - start
        return result

    return asyncio.run(main())
