"""Health checks (Baserow's HealthCheckHandler): the database answers, the file storage
takes a write, the job runner of this process is alive (what Baserow's celery ping checks:
the workers that run exports and imports). Each check reports "working" or what failed;
all are critical. Also the queues (pending jobs, as Baserow counts its celery queues) and
a test e-mail sent at once, errors and all (Baserow's e-mail tester).
Imports: core (context, export, jobs, mail), storage.
"""

from __future__ import annotations

import io
import logging
import traceback
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.core import export, jobs
from gridbase.core.context import Ctx
from gridbase.core.mail import MailNotSent, send_mail
from gridbase.storage import schema as s
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


RUNNER_ELSEWHERE = "not checked: jobs run in another process (GRIDBASE_JOBS_RUNNER=false)"
RUNNER_DOWN = "unavailable: the job runner of this process has stopped"


def run_checks(ctx: Ctx, runner_alive: bool | None) -> Checks:
    """`runner_alive`: whether this process's job runner runs (None: it has none, the jobs
    run in `gridbase worker`, which this process cannot see: not counted)."""
    checks = {
        "DatabaseBackend": WORKING if database_ok(ctx) else "unavailable",
        "DefaultFileStorageHealthCheck": _storage(ctx.ext.files),
    }
    runner = RUNNER_ELSEWHERE if runner_alive is None else WORKING if runner_alive else RUNNER_DOWN
    checks["CeleryPingHealthCheck"] = runner
    critical = [v for k, v in checks.items() if v != RUNNER_ELSEWHERE]
    return Checks(dict(sorted(checks.items())), all(v == WORKING for v in critical))


def queue_sizes(ctx: Ctx) -> tuple[int, int]:
    """(pending jobs other than exports, pending exports): Baserow's celery and export
    queues."""
    j = s.jobs
    stmt = sa.select(j.c.type, sa.func.count()).where(j.c.state == jobs.PENDING).group_by(j.c.type)
    with ctx.db.read() as conn:
        counts = {str(kind): int(n) for kind, n in conn.execute(stmt)}
    exports = counts.pop(export.TYPE, 0)
    return sum(counts.values()), exports


def send_test_email(ctx: Ctx, target: str) -> dict[str, Any]:
    """Baserow's e-mail tester answer: {"succeeded": true}, or the error. Without an SMTP
    server gridbase only logs mail, which it does not count as sent."""
    if not ctx.settings.smtp_host:
        return {"succeeded": False, "error_type": "SMTPNotConfigured", "error_stack": "",
                "error": "No SMTP server is set (GRIDBASE_SMTP_HOST): e-mails only go to "
                         "the log."}  # fmt: skip
    body = "This is a test e-mail from gridbase: its SMTP settings work."
    try:
        send_mail(ctx.settings, target, "gridbase test e-mail", body)
    except MailNotSent as exc:
        cause = exc.__cause__ or exc
        return {"succeeded": False, "error_type": type(cause).__name__,
                "error_stack": "".join(traceback.format_exception(cause)),
                "error": str(cause)}  # fmt: skip
    return {"succeeded": True}
