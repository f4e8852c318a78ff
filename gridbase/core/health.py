"""Health checks (Baserow's HealthCheckHandler): the database answers, the file storage
takes a write. Each check reports "working" or what failed; both are critical.
Imports: core.context, storage.files.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage.files import FileStorage

log = logging.getLogger("gridbase.health")
WORKING = "working"
PROBE = "health/check"  # overwritten by every full check, never served


@dataclass(frozen=True)
class Checks:
    checks: dict[str, str]
    passing: bool


def database_ok(ctx: Ctx) -> bool:
    try:
        with ctx.db.read() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:  # the answer is the point: down is not an error
        log.warning("health check: the database does not answer: %s", exc)
        return False
    return True


def _storage(files: FileStorage) -> str:
    try:
        files.save(PROBE, io.BytesIO(b"ok"))
        stored = files.open(PROBE)
    except OSError as exc:
        return f"unavailable: {exc}"
    return WORKING if stored is not None else "unavailable: the file written is not there"


def run_checks(ctx: Ctx, files: FileStorage) -> Checks:
    checks = {
        "DatabaseBackend": WORKING if database_ok(ctx) else "unavailable",
        "DefaultFileStorageHealthCheck": _storage(files),
    }
    return Checks(checks, all(v == WORKING for v in checks.values()))
