"""Where gridbase's own log lines go when it serves: stderr, at GRIDBASE_LOG_LEVEL.

uvicorn configures only its own loggers, so without this the "gridbase" loggers fall back to
Python's last-resort handler, which drops everything below WARNING - among it the e-mails
written to the log when no SMTP server is set (invitation links). Called by `gridbase serve`
and by each worker process; never at import time. Imports: nothing of gridbase.
"""

from __future__ import annotations

import logging

FORMAT = "%(levelname)s:     %(name)s: %(message)s"  # aligned with uvicorn's own lines


def to_stderr(level: str) -> None:
    logger = logging.getLogger("gridbase")
    logger.setLevel(level.upper())
    if not any(getattr(h, "gridbase_stderr", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.gridbase_stderr = True  # type: ignore[attr-defined]  # marks ours: added once
        logger.addHandler(handler)
