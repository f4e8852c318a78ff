"""The job runner: a thread of `gridbase serve` (and of `gridbase worker`) that claims
pending jobs and runs them, one at a time, with their type (core.job_types).

At start, and every REAP_EVERY_SECONDS after, it fails the started jobs whose runner died
(storage.liveness), so a job is never left running for ever after a crash. Progress is
written to the job's row when the job can (an export between pages); an import, which is
one transaction, keeps its progress here in memory (`live`) for this process's answers,
since on SQLite nothing else can be written while it holds the writer.
Imports: core (context, jobs, job_types), errors, storage.liveness.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from gridbase.core import jobs
from gridbase.core.context import Ctx
from gridbase.core.job_types import JobCancelled, JobFailed, JobTypes, error_text
from gridbase.errors import GridbaseError
from gridbase.storage.liveness import Liveness

log = logging.getLogger("gridbase")

REAP_EVERY_SECONDS = 5.0
POLL_SECONDS = 1.0
WRITE_PROGRESS_EVERY_SECONDS = 0.5
UNEXPECTED = "Something went wrong during the {} job execution."  # Baserow's words


class Progress:
    """What a running job calls with its percentage: kept in memory, written to its row at
    most every WRITE_PROGRESS_EVERY_SECONDS (when `writes`), and JobCancelled raised once
    the job was cancelled."""

    def __init__(self, ctx: Ctx, job_id: int, live: dict[int, float], *, writes: bool) -> None:
        self.ctx, self.job_id, self.live, self.writes = ctx, job_id, live, writes
        self.last = 0.0

    def __call__(self, percentage: float) -> None:
        self.live[self.job_id] = percentage
        now = time.monotonic()
        if now - self.last < WRITE_PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        if self.writes:
            still_running = jobs.progress(self.ctx, self.job_id, percentage)
        else:
            with self.ctx.db.read() as conn:
                still_running = jobs.load(conn, self.job_id).state == jobs.STARTED
        if not still_running:
            raise JobCancelled()


class Runner:
    def __init__(self, ctx: Ctx, types: JobTypes) -> None:
        self.ctx = ctx
        self.types = types
        self.liveness = Liveness(ctx.db, ctx.settings.data_dir)
        self.live: dict[int, float] = {}  # progress of the jobs running here
        self.name = ""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.name = self.liveness.hold()
        self._thread = threading.Thread(target=self._loop, name="gridbase-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.liveness.release()

    def wake(self) -> None:
        """A job was created: look now rather than at the next poll."""
        self._wake.set()

    def run_now(self, job: jobs.Job) -> jobs.Job:
        """Claim and run this pending job in the caller's thread (Baserow's sync jobs);
        the job as it ended."""
        claimed = jobs.claim_one(self.ctx, self.name or self.liveness.name, job.id)
        if claimed is not None:
            self.run(claimed)
        with self.ctx.db.read() as conn:
            return jobs.load(conn, job.id)

    def progress_of(self, job: jobs.Job) -> float:
        return self.live.get(job.id, job.progress_percentage)

    def _loop(self) -> None:
        reaped = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - reaped > REAP_EVERY_SECONDS:
                    reaped = time.monotonic()
                    jobs.reap(self.ctx, self.liveness.alive)
                    for job_type in self.types:
                        job_type.periodic(self.ctx)
                job = jobs.claim(self.ctx, self.name, self.types.names())
            except Exception:  # the database is away for a moment: try again later
                log.warning("the job runner could not reach the database", exc_info=True)
                job = None
            if job is None:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()
                continue
            self.run(job)

    def run(self, job: jobs.Job, on_progress: Callable[[float], None] | None = None) -> None:
        """Run one claimed job to its end: finished (its type marks it, with its result, in
        its last transaction), failed with a message, or cancelled."""
        job_type = self.types.get(job.type)
        progress = Progress(self.ctx, job.id, self.live, writes=job_type.writes_progress)

        def report(percentage: float) -> None:
            progress(percentage)
            if on_progress is not None:
                on_progress(percentage)

        try:
            job_type.run(self.ctx, job, report)
        except JobCancelled:
            pass
        except JobFailed as failed:
            jobs.fail(self.ctx, job.id, failed.message, failed.result)
        except GridbaseError as error:
            jobs.fail(self.ctx, job.id, error_text(error))
        except Exception:
            log.exception("job %s (%s) failed", job.id, job.type)
            jobs.fail(self.ctx, job.id, UNEXPECTED.format(job.type))
        finally:
            self.live.pop(job.id, None)
