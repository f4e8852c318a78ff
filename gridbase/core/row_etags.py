"""Row versions for ETag, If-Match and If-None-Match: a row's ETag is a digest of its JSON
representation (every field keyed `field_<id>`, its `id` and `order`), as one-row reads send it.

Why a digest and not a version column: rows live in user tables gridbase creates, and many
paths change what a row reads as (updates, moves, field conversions, restores, imports, a
linked row renamed, a lookup's source edited). A counter would have to be bumped by each of
them (and added to every existing table); the digest changes whenever the representation
does, from whichever path and instance, with nothing to migrate. Two writes in the same
millisecond still give different ETags when they leave different rows; two that leave the
row identical give the same one, which is what a strong ETag means (the client holds what
the server has, so no update can be lost). A row whose formula reads the clock changes
with it: such an If-Match fails safe (412), it never lets a change through.
The check is atomic with the write: the rows are locked (PostgreSQL: SELECT ... FOR UPDATE,
in id order; SQLite: the writer is alone) before they are read and compared, and stay
locked until the write commits. Imports: errors, usertable; pure except require().
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import sqlalchemy as sa

from gridbase.errors import RowModified
from gridbase.usertable.model import TableModel

Row = dict[str, Any]
# per row id, the ETags the client accepts ("*": any version of an existing row)
Versions = Mapping[int, frozenset[str]]
ANY = "*"


def etag(row: Row) -> str:
    """The quoted strong ETag of a serialized row (keyed by `field_<id>`, as services give it)."""
    text = orjson.dumps(row, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return '"' + hashlib.blake2b(text, digest_size=16).hexdigest() + '"'


def matches(row: Row, accepted: frozenset[str]) -> bool:
    return ANY in accepted or etag(row) in accepted


def require(
    conn: sa.Connection,
    model: TableModel,
    versions: Versions,
    read: Callable[[list[int]], list[Row]],
) -> None:
    """Raise RowModified naming every row whose current ETag is not one its entry accepts.
    Rows that do not exist are left to the write's own check (404)."""
    if not versions:
        return
    ids = sorted(versions)
    if conn.dialect.name != "sqlite":
        t = model.sql
        conn.execute(sa.select(t.c.id).where(t.c.id.in_(ids)).order_by(t.c.id).with_for_update())
    changed = [row["id"] for row in read(ids) if not matches(row, versions[row["id"]])]
    if changed:
        raise RowModified(changed)
