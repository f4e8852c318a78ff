"""The change stream's event log: every table event, kept for resumes, in the change's transaction.

core.events.emit hands each event to `EventLog.append` beside the webhook outbox, whether or
not a webhook or a stream listens, so a stream resumed later misses nothing. One log row is
written per event (a batch of 200 rows is one row), holding the webhook body of the event
(payloads.render, webhook_id null, rows keyed `field_<id>`) and the field names at the
event; `render` renames and picks keys per stream (user_field_names, include, exclude).

Order. `seq` counts per database, taken from the database's `stream_sequences` row with one
INSERT .. ON CONFLICT DO UPDATE .. RETURNING. On PostgreSQL that row stays locked until the
writing transaction ends, so a second writer of the same database waits there until the
first committed (or rolled back, leaving no gap): seqs become visible in seq order, and a
reader that saw seq N never later finds a smaller one. Only the tail of event-writing
transactions (from the event to the commit) is serialised per database. SQLite serialises
every write anyway.

Wake-ups. After the commit the writer's process is told at once (`Notify`, the stream hub
of the process); on PostgreSQL a NOTIFY sent inside the transaction (delivered at commit)
tells every other instance's hub.

Retention. `purge` deletes events older than the cutoff and records the newest seq it
removed per database (`purged_seq`): a resume from before it is answered with a reset.
Imports: models, storage (schema, prepared), webhooks.payloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gridbase.models import Field, Table
from gridbase.storage import schema as s
from gridbase.storage.prepared import tuples
from gridbase.webhooks import payloads

SERVED = payloads.ROW_EVENTS + payloads.FIELD_EVENTS
CHANNEL = "gridbase_events"  # the PostgreSQL NOTIFY channel; the payload is the database id


class Notify:
    """The stream hub of this process (set while it serves), told a database's events
    committed. Called from the writing thread."""

    def __init__(self) -> None:
        self._notify: Callable[[int], None] | None = None

    def set(self, notify: Callable[[int], None] | None) -> None:
        self._notify = notify

    @property
    def active(self) -> bool:
        return self._notify is not None

    def __call__(self, database_id: int) -> None:
        if self._notify is not None:
            self._notify(database_id)


@dataclass(frozen=True, slots=True)
class Position:
    last_seq: int  # the newest event of the database (0: none yet)
    purged_seq: int  # events up to this one were swept


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    seq: int
    event_type: str
    payload: dict[str, Any]
    names: dict[str, str] | None


def _next_seq_statement(dialect: str) -> sa.Insert:
    q = s.stream_sequences
    insert = postgresql.insert(q) if dialect == "postgresql" else sqlite.insert(q)
    return (
        insert.values(database_id=sa.bindparam("seq_database"), last_seq=1, purged_seq=0)
        .on_conflict_do_update(
            index_elements=[q.c.database_id], set_={"last_seq": q.c.last_seq + 1}
        )
        .returning(q.c.last_seq)
    )


LOGGED = ("database_id", "table_id", "event_type", "payload", "names", "created_on")


def _logged_statement() -> sa.Select[Any]:
    """PostgreSQL: the next seq, the log row and the NOTIFY to every listening instance
    (delivered at commit) in one statement: the seq's INSERT and the log row's as data-modifying
    CTEs (each runs once), the NOTIFY in the select of the new row's seq."""
    e = s.stream_events
    next_seq = _next_seq_statement("postgresql").cte("next_seq")
    values = [sa.bindparam(name, type_=e.c[name].type) for name in LOGGED]
    row = (
        sa.insert(e)
        .from_select([*LOGGED, "seq"], sa.select(*values, next_seq.c.last_seq))
        .returning(e.c.seq)
        .cte("logged")
    )
    channel = sa.bindparam("channel", type_=sa.String)
    database = sa.cast(values[0], sa.String)  # the payload: the database id
    return sa.select(row.c.seq, sa.func.pg_notify(channel, database).label("notified"))


def _next_seq_sqlite() -> sa.Insert:
    return _next_seq_statement("sqlite")


def _insert_statement() -> sa.Insert:
    """SQLite: the log row, its columns named (a bare insert() compiles every column)."""
    e = s.stream_events
    return e.insert().values({k: sa.bindparam(k, type_=e.c[k].type) for k in (*LOGGED, "seq")})


class EventLog:
    """core.extensions.EventLog: log rows written in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime], notify: Notify) -> None:
        self.clock = clock
        self.notify = notify

    def logs(self, event_type: str) -> bool:
        return event_type in SERVED

    def append(
        self,
        conn: sa.Connection,
        event_type: str,
        table: Table,
        fields: Sequence[Field],
        data: Mapping[str, Any],
        event_id: str,
    ) -> int | None:
        """Log one event; its seq (None for an event the stream does not serve)."""
        if event_type not in SERVED:
            return None
        database_id = table.database_id
        dialect = conn.dialect.name
        row_event = event_type in payloads.ROW_EVENTS
        logged = {
            "database_id": database_id,
            "table_id": table.id,
            "event_type": event_type,
            "payload": payloads.render(event_type, table, None, event_id, data, None),
            "names": {f"field_{f.id}": f.name for f in fields} if row_event else None,
            "created_on": self.clock(),
        }
        # Prepared statements, built once and kept on the log's table: SQLAlchemy's execution
        # costs more than the driver's. SQLite: the seq, then the log row.
        e = s.stream_events
        if dialect == "postgresql":
            params = {**logged, "seq_database": database_id, "channel": CHANNEL}
            seq = int(tuples(e, conn, "event_logged", _logged_statement, params)[0][0])
        else:
            params = {"seq_database": database_id}
            seq = int(tuples(e, conn, "event_next_seq", _next_seq_sqlite, params)[0][0])
            tuples(e, conn, "event_insert", _insert_statement, {**logged, "seq": seq})
        if self.notify.active:
            sa.event.listen(conn, "commit", lambda _conn: self.notify(database_id), once=True)
        return seq


def position(conn: sa.Connection, database_id: int) -> Position:
    q = s.stream_sequences
    row = conn.execute(
        sa.select(q.c.last_seq, q.c.purged_seq).where(q.c.database_id == database_id)
    ).first()
    return Position(0, 0) if row is None else Position(int(row[0]), int(row[1]))


def read_after(conn: sa.Connection, table_id: int, after: int, limit: int) -> list[LoggedEvent]:
    """The table's events after seq `after`, oldest first, at most `limit`."""
    e = s.stream_events
    rows = conn.execute(
        sa.select(e.c.seq, e.c.event_type, e.c.payload, e.c.names)
        .where(e.c.table_id == table_id, e.c.seq > after)
        .order_by(e.c.seq)
        .limit(limit)
    )
    return [LoggedEvent(int(r.seq), r.event_type, r.payload, r.names) for r in rows]


def _pick(
    rows: Iterable[dict[str, Any]], include: frozenset[str] | None, exclude: frozenset[str]
) -> list[dict[str, Any]]:
    # id and order are always sent, as in a row list with include/exclude
    return [
        {
            k: v
            for k, v in row.items()
            if k in ("id", "order") or ((include is None or k in include) and k not in exclude)
        }
        for row in rows
    ]


def render(
    event: LoggedEvent,
    *,
    by_name: bool,
    include: frozenset[str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The event's webhook body for one stream: keys renamed to the field names the event's
    fields had (user_field_names), then picked by include/exclude (in the same naming)."""
    payload = dict(event.payload)
    names = event.names if by_name else None
    for key in ("items", "old_items"):
        if key in payload:
            payload[key] = _pick(payloads.rename(payload[key], names), include, exclude)
    return payload


def purge(conn: sa.Connection, cutoff: datetime) -> int:
    """Delete the events logged before `cutoff`; how many. Idempotent, so several processes
    may run it side by side."""
    e, q = s.stream_events, s.stream_sequences
    upto = conn.execute(
        sa.select(e.c.database_id, sa.func.max(e.c.seq))
        .where(e.c.created_on < cutoff)
        .group_by(e.c.database_id)
    ).all()
    removed = 0
    for database_id, seq in upto:
        conn.execute(
            q.update()
            .where(q.c.database_id == database_id, q.c.purged_seq < seq)
            .values(purged_seq=seq)
        )
        result = conn.execute(e.delete().where(e.c.database_id == database_id, e.c.seq <= seq))
        removed += int(result.rowcount or 0)
    return removed
