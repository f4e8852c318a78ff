"""Transaction-level locks on the key values of an upsert (PostgreSQL), so two transactions
that look up the same key one after the other never both miss it and both insert it.

One advisory lock per distinct key, keyed on a 64-bit digest of (table id, key values);
a digest collision only makes two upserts queue needlessly. The keys are locked in sorted
order in one statement, so two batches that share several keys cannot deadlock. SQLite
needs none: its single writer already runs upserts one at a time.
Imports: sqlalchemy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

# unnest keeps the array's order: the locks are taken in the sorted order given
_LOCK = sa.text(
    "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:keys AS bigint[])) AS u(k)"
)


def _canonical(value: Any) -> str:
    """One spelling per stored value: equal keys must take the same lock."""
    if isinstance(value, Decimal):
        return "d:" + format(value.normalize(), "f") if value else "d:0"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return "t:" + value.astimezone(UTC).isoformat()
    return f"{type(value).__name__}:{value!r}"


def digest(table_id: int, key: Sequence[Any]) -> int:
    text = "\x1f".join([str(int(table_id)), *(_canonical(v) for v in key)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), signed=True)


def lock_keys(conn: sa.Connection, table_id: int, keys: Iterable[Sequence[Any]]) -> None:
    """Hold a lock on each key of `table_id` until the transaction ends (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return
    digests = sorted({digest(table_id, key) for key in keys})
    if digests:
        conn.execute(_LOCK, {"keys": digests})
