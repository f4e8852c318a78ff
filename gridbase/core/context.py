"""Ctx: the collaborators every service needs, passed explicitly (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from gridbase.config import Settings
from gridbase.fields import FieldTypes
from gridbase.storage.engine import Database


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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

    def model_of(self, conn: Any, table_id: int) -> Any:
        """The (cached) TableModel of a table; lets field types reach linked tables
        without importing the core layer."""
        from gridbase.core import table_model

        return table_model.model_for(self, conn, table_model.load_table(conn, table_id))

    def fields_of(self, conn: Any, table_id: int) -> list[Any]:
        """A table's fields as stored right now (uncached: for use inside schema changes)."""
        from gridbase.core import table_model

        return table_model.load_fields(conn, [table_id]).get(table_id, [])
