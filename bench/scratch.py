"""Where a bench keeps its data: the `--data-dir` it was given (kept for the next run, which
reuses the seed), else a temporary directory removed when the bench ends, also when it
fails (a seeded million rows take gigabytes)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def data_dir(given: str, prefix: str) -> Iterator[Path]:
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
