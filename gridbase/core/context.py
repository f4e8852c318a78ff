"""Ctx: the collaborators every service needs, passed explicitly (no globals).

It is what the layers below ask of a context (fields.base.FieldContext,
usertable.context.TableContext), and carries the extensions core hands work to.
Imports: config, core.extensions, fields, filters, models, storage, usertable.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

import anyio
import sqlalchemy as sa

from gridbase.config import Settings
from gridbase.core.extensions import Extensions
from gridbase.fields import FieldTypes
from gridbase.fields.constraints import FieldConstraintTypes, default_field_constraints
from gridbase.filters import FilterTypes
from gridbase.models import Field
from gridbase.storage import engine, group_commit
from gridbase.storage.engine import Database
from gridbase.storage.kept.app import Kept
from gridbase.usertable import load
from gridbase.usertable.model import TableModel

log = logging.getLogger("gridbase")
P = ParamSpec("P")
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Ctx:
    db: Database
    settings: Settings
    secret: str
    field_types: FieldTypes
    filter_types: FilterTypes
    ext: Extensions
    kept: Kept[TableModel] = field(default_factory=Kept)
    field_constraints: FieldConstraintTypes = field(default_factory=default_field_constraints)
    clock: Callable[[], datetime] = utcnow

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a (blocking) service call from async code. On SQLite it runs inline: its
        statements take microseconds and writes are serialised anyway, so a thread hop would
        cost more than it saves. On PostgreSQL it runs in the thread pool (network waits), and
        runs again (up to storage.engine.RETRIES times) after a deadlock, a serialization
        failure or a schema changed under its statements (storage.moved). A service call
        is one transaction, rolled back when it raised, so nothing of the failed run
        remains (the few that write twice, a log-in and a token's last use, write what may
        be written again)."""
        if self.db.is_sqlite:
            with group_commit.awaiting() as pending:
                try:
                    return fn(*args, **kwargs)
                finally:
                    for done in pending:  # grouped writes answer once they are on disk
                        await done
        call = functools.partial(fn, *args, **kwargs)
        for _ in range(engine.RETRIES):
            try:
                return await anyio.to_thread.run_sync(call)
            except Exception as exc:
                # rolled back: run it again against what the other transaction committed
                sqlstate = engine.retryable(exc)
                if sqlstate is None:
                    raise
                log.info("%s runs again after %s", getattr(fn, "__name__", fn), sqlstate)
        return await anyio.to_thread.run_sync(call)

    def model_of(self, conn: sa.Connection, table_id: int) -> TableModel:
        """The current model of a table (kept per schema version)."""
        return load.model_of(self, conn, table_id)

    def fields_of(self, conn: sa.Connection, table_id: int) -> list[Field]:
        """A table's fields as stored right now (uncached: for use inside schema changes)."""
        return load.load_fields(conn, [table_id]).get(table_id, [])
