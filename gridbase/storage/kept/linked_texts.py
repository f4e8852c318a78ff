"""The primary texts of linked rows, kept on a connection while they cannot have changed.

Rows link to the same few rows of another table again and again, so most reads, and most
writes' read-backs, find every text they need kept and run no statement. What a linked
table's kept texts are valid for (`_key`, SQLite only):
- a primary stored in the row itself (text, number, select, ...): that table's rows and the
  metadata (row_counts.rows_key), on any connection, the writer's too, across writes to other
  tables;
- any other primary (a formula or lookup may read other tables): the read snapshot
  (snapshots.version), on read connections only, until any write.
Texts of a primary that reads the clock (a formula with today()) are never kept. Which case
applies is told by the caller's description of the linked table's model, asked before the
texts are read and again after (the model they were read with).
Imports: storage.kept (row_counts, snapshots), sqlalchemy.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gridbase.storage.kept import row_counts, snapshots

TABLES_KEPT = 4  # linked tables whose texts a connection keeps
TEXTS_KEPT = 2_048  # texts kept per linked table (about 0.5 MB)

Texts = dict[int, tuple[str, str]]  # row id -> (order, primary text)


@dataclass(frozen=True, slots=True)
class Primary:
    """What decides whether a table's primary texts may be kept."""

    stored: bool  # its value is a column of the row (not a formula, lookup or junction field)
    reads_clock: bool  # the table has a field whose expression reads the clock


def texts(
    conn: sa.Connection,
    table_id: int,
    row_ids: list[int],
    read: Callable[[list[int]], Texts],
    primary: Callable[[], Primary | None],
) -> Texts:
    """The texts of these rows of `table_id` (those that exist): kept ones, and `read(ids)`
    for the others. `primary()` describes the table's current model (None: not known)."""
    key = _key(conn, table_id, primary())  # read before the texts
    known: Texts = {}
    if key is not None:
        kept: OrderedDict[int, tuple[Any, Texts]] = conn.info.setdefault(
            "linked_texts", OrderedDict()
        )
        entry = kept.get(table_id)
        if entry is None or entry[0] != key:
            entry = kept[table_id] = (key, {})
        kept.move_to_end(table_id)
        if len(kept) > TABLES_KEPT:
            kept.popitem(last=False)
        known = entry[1]
    missing = [i for i in dict.fromkeys(row_ids) if i not in known]
    if not missing:
        return known
    found = read(missing)
    now = primary()  # the model the texts were read with
    if key is None or now is None or now.reads_clock or (key[0] == "rows" and not now.stored):
        return {**known, **found}
    if len(known) + len(found) > TEXTS_KEPT:
        known.clear()  # (what one read needs is kept however many)
    known.update(found)
    return known


def _key(conn: sa.Connection, table_id: int, primary: Primary | None) -> tuple[Any, ...] | None:
    if primary is not None and primary.stored:
        held = row_counts.rows_key(conn, table_id)
        if held is not None:
            return ("rows", *held)
    version = snapshots.version(conn)
    return None if version is None else ("snapshot", version)
