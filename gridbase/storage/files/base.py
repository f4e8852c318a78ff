"""The file storage interface: save a file under a path, read it back, delete it.
Imports: nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Stored:
    """A stored file as it is served: its size and its bytes (a local file is sent by path,
    which lets the server use sendfile)."""

    size: int
    local_path: Path | None
    chunks: Iterator[bytes] | None


class FileStorage(Protocol):
    def save(self, path: str, data: BinaryIO) -> None:
        """Write `data` (read from its start) under `path`, replacing what was there."""
        ...

    def move_in(self, path: str, source: Path) -> None:
        """Store the finished local file `source` under `path`, consuming it (`source` is
        gone afterwards, whether it was stored or not): for files written to a temporary
        file first, such as exports."""
        ...

    def open(self, path: str) -> Stored | None:
        """The file under `path`; None when there is none."""
        ...

    def delete(self, path: str) -> None:
        """Delete the file under `path`; nothing when there is none."""
        ...
