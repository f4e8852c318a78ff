"""The stream hub of a process: wakes the change streams of a database when its events commit.

A stream is a coroutine that reads the event log, then waits on its database's `Signal`
(one asyncio.Event shared by all the streams of a database, replaced each time it fires).
A stream takes the signal *before* it reads, so an event committed between its read and
its wait still wakes it. Nothing per stream is kept here but that shared Event, so an idle
stream costs one suspended coroutine.

Who fires a signal:
- writes through this process: event_log.Notify, called after the commit (from any thread);
- on PostgreSQL, writes through any instance: ONE listener connection per process
  (`listen`) LISTENs on event_log.CHANNEL and fires the database named by each NOTIFY. After
  a lost connection it reconnects and fires every signal (a NOTIFY may have been missed).
- on SQLite, writes by another process on the same file (`serve --workers N`, `gridbase
  import`): while any stream waits, ONE task per process (`poll`) reads the waited-on
  databases' last seq every POLL_SECONDS (one indexed statement) and fires those that moved.
Imports: storage (engine, schema), webhooks.event_log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import sqlalchemy as sa

from gridbase.storage import schema as s
from gridbase.storage.engine import Database
from gridbase.webhooks.event_log import CHANNEL, Notify

log = logging.getLogger("gridbase.stream")

RECONNECT_SECONDS = 1.0
# the lifespan state key of StreamHub.close: the HTTP protocol calls it when the server stops,
# so a graceful stop does not wait for the streams' clients (api.http_protocol)
SHUTDOWN_STATE_KEY = "gridbase.streams.close"
POLL_SECONDS = 0.05


class StreamHub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._signals: dict[int, asyncio.Event] = {}
        self._closed = False

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._closed = loop is None

    @property
    def serving(self) -> bool:
        """False once the server stops: open streams end."""
        return self._loop is not None and not self._closed

    def close(self) -> None:
        """In the event loop, when the server stops: every open stream ends."""
        self._closed = True
        self.fire_all()

    def signal(self, database_id: int) -> asyncio.Event:
        """The event the next commit of this database sets (take it before reading)."""
        found = self._signals.get(database_id)
        if found is None:
            found = self._signals[database_id] = asyncio.Event()
        return found

    def fire(self, database_id: int) -> None:
        """In the event loop: wake every stream of the database."""
        found = self._signals.pop(database_id, None)
        if found is not None:
            found.set()

    def fire_all(self) -> None:
        signals, self._signals = self._signals, {}
        for found in signals.values():
            found.set()

    def notify(self, database_id: int) -> None:
        """From any thread (a writer after its commit)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.fire(database_id)
        else:
            with suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self.fire, database_id)

    async def listen(self, url: sa.URL, stop: asyncio.Event) -> None:
        """PostgreSQL: LISTEN on one connection until `stop`, reconnecting after a loss."""
        import psycopg

        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")  # a constant, not user input
                    self.fire_all()  # anything committed while not listening
                    async for note in conn.notifies():
                        with suppress(ValueError):
                            self.fire(int(note.payload))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("change stream listener lost its connection", exc_info=True)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RECONNECT_SECONDS)

    async def poll(self, db: Database, stop: asyncio.Event) -> None:
        """SQLite: fire the databases whose last seq moved (a write by another process)."""
        seen: dict[int, int] = {}
        q = s.stream_sequences
        while not stop.is_set():
            waited = list(self._signals)
            if waited:
                try:
                    with db.read() as conn:
                        now = dict(
                            conn.execute(
                                sa.select(q.c.database_id, q.c.last_seq).where(
                                    q.c.database_id.in_(waited)
                                )
                            ).all()
                        )
                except Exception:
                    log.warning("change stream poll failed", exc_info=True)
                    now = {}
                for database_id, last in now.items():
                    # a database not seen before fires too: a commit may have come between
                    # its streams' read and this first look (a spare wake costs one read)
                    if seen.get(database_id) != last:
                        self.fire(database_id)
                    seen[database_id] = last
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=POLL_SECONDS)


@asynccontextmanager
async def serving(hub: StreamHub, notify: Notify, db: Database) -> AsyncIterator[None]:
    """While the app serves: this loop's hub takes the commits of this process and, on
    PostgreSQL, every instance's NOTIFYs (on SQLite, other processes' writes by polling)."""
    hub.bind(asyncio.get_running_loop())
    notify.set(hub.notify)
    stop = asyncio.Event()
    watch = hub.poll(db, stop) if db.is_sqlite else hub.listen(db.engine.url, stop)
    task = asyncio.create_task(watch, name="gridbase-stream")
    try:
        yield
    finally:
        notify.set(None)
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        hub.fire_all()  # streams still open notice the shutdown at once
        hub.bind(None)
