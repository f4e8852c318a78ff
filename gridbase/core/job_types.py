"""What a kind of background job is (Baserow's JobType): its name, how many a user may run
at once, whether /api/jobs/ lists it, and how it runs.

Types: core.export.ExportJobType ("export"), core.file_import.FileImportJobType
("file_import"), and the duplicate_field, duplicate_table and duplicate_application types
of core.duplicate_* (on core.duplicate_job's shared shell). The registry is built in
app.build_job_types.
Imports: core.context, core.jobs, errors, registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from gridbase.core.context import Ctx
from gridbase.core.jobs import Job
from gridbase.errors import GridbaseError
from gridbase.registry import Registry

ProgressFn = Callable[[float], None]


class JobCancelled(Exception):
    """Raised by a progress report once the job was cancelled: the job stops, rolling back."""


class JobFailed(Exception):
    """The job ends as failed with this human-readable message (and maybe a result, and the
    progress it had reached when Baserow's would fail there)."""

    def __init__(
        self, message: str, result: dict[str, Any] | None = None, progress: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.result = result
        self.progress = progress


class JobType(Protocol):
    @property
    def type(self) -> str: ...

    # jobs of this type a user may have pending or running (None: any number)
    max_count: int | None
    listed: bool  # shown by /api/jobs/ (exports have their own endpoints, as in Baserow)
    writes_progress: bool  # False: runs in one transaction (progress kept in memory)

    def run(self, ctx: Ctx, job: Job, progress: ProgressFn) -> None:
        """Do the work; mark the job finished (jobs.finish) in the last transaction."""
        ...

    def json(self, job: Job) -> dict[str, Any]:
        """The fields this type adds to the job's JSON."""
        ...

    def periodic(self, ctx: Ctx) -> None:
        """Housekeeping the runner does every REAP_EVERY_SECONDS (an export's expiry)."""
        ...


JobTypes = Registry[JobType]


def error_text(error: GridbaseError) -> str:
    """The message a failed job shows for an error its run raised (every type alike)."""
    return error.detail if isinstance(error.detail, str) else str(error.detail)
