"""Schema versions of user tables, and the table models kept per version.

`database_tables.schema_version` names a table's schema: a new table gets a random version
(`new_version`), and every change to its fields (or to what its computed fields read in
other tables) gives it another, in the same transaction, through `bump_version`. The
version is read with the table row on every request, so a change committed by any instance
or program drops every model built before.
Random rather than +1: a model built inside a transaction that then rolled back must never
match a version committed later. Imports: storage.schema, sqlalchemy.
"""

from __future__ import annotations

import secrets
from typing import Generic, TypeVar

import sqlalchemy as sa

from gridbase.storage import schema as s
from gridbase.storage.moved import SchemaMoved

M = TypeVar("M")


def new_version() -> int:
    """A schema version no committed or rolled-back write is likely to have used."""
    return secrets.randbits(31)


def bump_version(conn: sa.Connection, table_id: int) -> None:
    """Give the table a new schema version (in the caller's write transaction)."""
    t = s.database_tables
    conn.execute(t.update().where(t.c.id == table_id).values(schema_version=new_version()))


VERSION_COLUMN = "gb_schema_version"  # what a row read names the table's version as


def check_version(model_version: int, seen: int | None) -> None:
    """Raise SchemaMoved unless rows read with VERSION_COLUMN saw the model's version."""
    if seen != model_version:
        raise SchemaMoved()


class ModelCache(Generic[M]):
    """Each table's model, kept for the schema version it was built from (one per app)."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[int, M]] = {}

    def get(self, table_id: int, version: int) -> M | None:
        """The model built from this version, or None."""
        found = self._kept.get(table_id)
        return found[1] if found is not None and found[0] == version else None

    def latest(self, table_id: int) -> tuple[int, M] | None:
        """(version, model) of the last model kept for the table, whatever its version now:
        for readers that check the version themselves in the same statement."""
        return self._kept.get(table_id)

    def put(self, table_id: int, version: int, model: M) -> None:
        self._kept[table_id] = (version, model)

    def drop(self, table_id: int) -> None:
        """Forget a table's model: the table is deleted (its version can no longer be read),
        or a statement built from its last model failed (that model may be stale)."""
        self._kept.pop(table_id, None)
