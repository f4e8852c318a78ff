"""The served protocol writes a response's head and body to the socket at once, without
losing or reordering bytes: a head with no body write after it goes out on the next step."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from gridbase.api.http_protocol import _OneWrite
from tests.server import Server


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_a_head_joins_the_next_write_or_goes_out_on_the_next_step() -> None:
    async def scenario() -> Recorder:
        inner = Recorder()
        transport = _OneWrite(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert inner.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # nothing follows in this step
        assert len(inner.writes) == 1
        await asyncio.sleep(0)
        assert inner.writes[-1] == b"HTTP/1.1 100 Continue\r\n\r\n"
        transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        transport.close()  # flushes first
        assert inner.writes[-1] == b"HTTP/1.1 204 No Content\r\n\r\n" and inner.closed
        # everything else passes through
        assert transport.get_extra_info("peername") == "info:peername"
        return inner

    inner = asyncio.run(scenario())
    assert len(inner.writes) == 3


def test_a_served_keep_alive_connection_reads_whole_responses(tmp_path: Path) -> None:
    server = Server(tmp_path).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            for path in ("/api/settings/", "/api/no-such-thing/", "/api/settings/"):
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                data = b""
                while b"\r\n\r\n" not in data:
                    data += sock.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                while len(body) < length:
                    body += sock.recv(65536)
                assert len(body) == length and body.startswith(b"{")
                assert head.split(b" ")[1] in (b"200", b"404")
    finally:
        server.stop()
