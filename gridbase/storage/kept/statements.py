"""Statements built once and kept with what they are built for.

- `on_table`: on an sa.Table object (a table model's, a junction table's, a metadata
  table's), in a named slot of its `info`. A model's table object is made anew with every
  schema change, so its statements go with the model; a slot that reaches its limit is
  emptied whole (e.g. many include/exclude combinations).
- `on_connection`: on a pooled DBAPI connection, for statements that name a table only by
  its id (a full-text index's). A table id is never reused, so they are never stale; a slot
  that reaches its limit is emptied whole.
Imports: sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")

TABLE_SLOT_KEPT = 64  # statements per slot of one table object
CONNECTION_SLOT_KEPT = 256  # statements per slot of one connection


def on_table(
    table: sa.Table, slot: str, key: Hashable, build: Callable[[], T], limit: int = TABLE_SLOT_KEPT
) -> T:
    """build(), kept in `table.info[slot]` under `key`."""
    return _kept(table.info.setdefault(slot, {}), key, build, limit)


def on_connection(
    conn: sa.Connection,
    slot: str,
    key: Hashable,
    build: Callable[[], T],
    limit: int = CONNECTION_SLOT_KEPT,
) -> T:
    """build(), kept on this pooled connection in `slot` under `key`."""
    return _kept(conn.info.setdefault(slot, {}), key, build, limit)


def _kept(store: dict[Any, Any], key: Hashable, build: Callable[[], T], limit: int) -> T:
    if key in store:
        return store[key]  # type: ignore[no-any-return]  # a slot holds what its builder makes
    if len(store) >= limit:
        store.clear()
    value = store[key] = build()
    return value
