"""Files under a directory (GRIDBASE_DATA_DIR/media by default). Imports: storage.files.base."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from gridbase.storage.files.base import CHUNK, Stored


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, path: str) -> Path:
        # paths are built from validated file names (names.py), never from raw client text;
        # this is the last line of defence against "..".
        full = (self.root / path).resolve()
        if not full.is_relative_to(self.root.resolve()):
            raise ValueError(f"path outside the media directory: {path!r}")
        return full

    def save(self, path: str, data: BinaryIO) -> None:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        data.seek(0)
        # written next to the target and renamed: a reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(data, out, CHUNK)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def move_in(self, path: str, source: Path) -> None:
        # a rename, no copy: callers write their temporary files under the data directory,
        # which holds the media root too, so it is the same filesystem (a rename is also
        # atomic: a reader never sees half a file); across filesystems it is copied.
        try:
            target = self._path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(source, target)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                with open(source, "rb") as data:
                    self.save(path, data)
        finally:
            source.unlink(missing_ok=True)

    def open(self, path: str) -> Stored | None:
        try:
            target = self._path(path)
            size = target.stat().st_size
        except (OSError, ValueError):
            return None
        if not target.is_file():
            return None
        return Stored(size=size, local_path=target, chunks=None)

    def delete(self, path: str) -> None:
        self._path(path).unlink(missing_ok=True)
