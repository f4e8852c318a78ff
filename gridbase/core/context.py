"""Ctx: the collaborators every service needs, passed explicitly (no globals)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio

from gridbase.config import Settings
from gridbase.fields import FieldTypes
from gridbase.storage import group_commit
from gridbase.storage.engine import Database


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Ctx:
    db: Database
    settings: Settings
    secret: str
    field_types: FieldTypes
    filter_types: Any = None
    clock: Callable[[], datetime] = utcnow
    # table id -> (schema_version, TableModel); rebuilt when the version moves on.
    models: dict[int, Any] = field(default_factory=dict)
    hooks: dict[str, Any] = field(default_factory=dict)

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a (blocking) service call from async code. On SQLite it runs inline: its
        statements take microseconds and writes are serialised anyway, so a thread hop would
        cost more than it saves. On PostgreSQL it runs in the thread pool (network waits)."""
        if self.db.is_sqlite:
            with group_commit.awaiting() as pending:
                try:
                    return fn(*args, **kwargs)
                finally:
                    for done in pending:  # grouped writes answer once they are on disk
                        await done
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    def model_of(self, conn: Any, table_id: int) -> Any:
        """The (cached) TableModel of a table; lets field types reach linked tables
        without importing the core layer."""
        from gridbase.core import table_model

        return table_model.model_for(self, conn, table_model.load_table(conn, table_id))

    def fields_of(self, conn: Any, table_id: int) -> list[Any]:
        """A table's fields as stored right now (uncached: for use inside schema changes)."""
        from gridbase.core import table_model

        return table_model.load_fields(conn, [table_id]).get(table_id, [])
