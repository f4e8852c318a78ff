"""The worker processes of `gridbase serve --workers N`: the app factory each one runs.

uvicorn's supervisor starts the workers and hands them its listening socket. If the
supervisor dies without stopping them (SIGKILL, the OOM killer), nothing tells them: they
would go on serving on the port, out of reach of any process manager, and a restarted
server could not bind the port. So each worker watches its parent: once the supervisor
is gone, it shuts down as on SIGTERM (requests in flight are answered; uvicorn closes the
socket), and exits outright if that has not finished within SHUTDOWN_GRACE_SECONDS.
Imports: app, config, logs.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from gridbase import logs
from gridbase.app import App, create_app
from gridbase.config import Settings

# Set by `gridbase serve` for the workers it starts (inherited through the environment, so
# a worker started after the supervisor died still knows whom to watch). Not a setting.
SUPERVISOR_ENV = "GRIDBASE_SUPERVISOR_PID"
WATCH_INTERVAL_SECONDS = 0.2
SHUTDOWN_GRACE_SECONDS = 30.0

log = logging.getLogger("gridbase.workers")


def create_worker_app() -> App:
    """uvicorn's factory in each worker process."""
    supervisor = int(os.environ.get(SUPERVISOR_ENV) or 0)
    if supervisor:
        end_with(supervisor)
    settings = Settings()
    logs.to_stderr(settings.log_level)
    return create_app(settings)


def end_with(supervisor: int) -> threading.Thread:
    """Shut this process down once `supervisor` is no longer its parent (it died; the process
    was handed to init). Polls getppid(): portable, and unlike Linux's PR_SET_PDEATHSIG not
    tied to the thread of the supervisor that started us."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(WATCH_INTERVAL_SECONDS)
        log.warning("gridbase serve's supervisor (pid %d) is gone: this worker stops", supervisor)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown
        time.sleep(SHUTDOWN_GRACE_SECONDS)
        os._exit(1)  # the graceful shutdown hangs: the port must not stay taken

    thread = threading.Thread(target=watch, name="gridbase-supervisor-watch", daemon=True)
    thread.start()
    return thread
