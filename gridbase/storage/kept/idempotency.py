"""The Idempotency-Key store: a row write's first answer kept under its key, written in the
write's own transaction (core.idempotency says how it is used).

Insert first: the key's row is inserted before the write runs and given the answer at its
end, in one transaction, so a crash leaves neither a write without its key nor a key without
its write, and nobody else ever sees a key without its answer. The unique (scope, key) index
makes a concurrent second request with the key wait, inside its INSERT, for the first one's
transaction to end (PostgreSQL, across instances; SQLite's single writer serialises them
anyway); it then finds the committed answer, or holds the key itself when the first rolled
back. Imports: errors, storage.schema, sqlalchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gridbase.errors import IdempotencyKeyInProgress
from gridbase.storage import schema as s

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ran out


@dataclass(frozen=True, slots=True)
class Stored:
    method: str
    path: str
    fingerprint: str
    status: int
    body: bytes
    headers: dict[str, str]


def claim(
    conn: sa.Connection,
    *,
    scope: str,
    key: str,
    method: str,
    path: str,
    fingerprint: str,
    now: datetime,
    wait_seconds: float,
) -> int | Stored:
    """The id of the key's new row (this transaction holds the key: finish() it), or the
    answer stored under the key. Waits up to `wait_seconds` for a transaction that holds the
    key, then raises IdempotencyKeyInProgress."""
    t = s.idempotency_keys
    values: dict[str, Any] = {
        "scope": scope,
        "key": key,
        "method": method,
        "path": path,
        "fingerprint": fingerprint,
        "status": None,
        "body": b"",
        "headers": {},
        "created_on": now,
    }
    insert = (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(t)
    stmt = (
        insert.values(values)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(t.c.id)
    )
    for _ in range(3):  # a stored answer the clean-up removed meanwhile: insert again
        new_id = _insert(conn, stmt, wait_seconds)
        if new_id is not None:
            return int(new_id)
        found = find(conn, scope, key)
        if found is not None:
            return found
    raise IdempotencyKeyInProgress()


def find(conn: sa.Connection, scope: str, key: str) -> Stored | None:
    """The answer stored under the key, if one is (committed, or this transaction's)."""
    t = s.idempotency_keys
    found = conn.execute(sa.select(t).where(t.c.scope == scope, t.c.key == key)).first()
    if found is None or found.status is None:
        return None
    return Stored(
        found.method,
        found.path,
        found.fingerprint,
        int(found.status),
        bytes(found.body),
        dict(found.headers or {}),
    )


def _insert(conn: sa.Connection, stmt: Any, wait_seconds: float) -> int | None:
    if conn.dialect.name == "sqlite":
        return conn.execute(stmt).scalar()
    # lock_timeout bounds the wait for another transaction's uncommitted row with this key;
    # set transaction-locally and put back after the INSERT, so the write's own statements
    # wait for their locks as before
    previous = conn.execute(sa.select(sa.func.current_setting("lock_timeout"))).scalar()
    conn.execute(
        sa.select(sa.func.set_config("lock_timeout", f"{max(1, int(wait_seconds * 1000))}ms", True))
    )
    try:
        new_id = conn.execute(stmt).scalar()
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise IdempotencyKeyInProgress() from None  # the transaction is rolled back
        raise
    conn.execute(sa.select(sa.func.set_config("lock_timeout", previous, True)))
    return None if new_id is None else int(new_id)


def finish(
    conn: sa.Connection, key_id: int, status: int, body: bytes, headers: dict[str, str]
) -> None:
    t = s.idempotency_keys
    conn.execute(
        t.update().where(t.c.id == key_id).values(status=status, body=body, headers=headers)
    )


def purge(conn: sa.Connection, before: datetime) -> int:
    """Forget the keys stored before `before`; how many went."""
    t = s.idempotency_keys
    return int(conn.execute(t.delete().where(t.c.created_on < before)).rowcount or 0)
