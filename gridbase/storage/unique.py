"""Unique indexes that enforce field constraints on user tables, and telling the database's
violation of one from other errors.

The index is partial: empty values (NULL and the rule's `empty`) are left out, so they may
repeat. Being in the database, it holds against every writer, concurrent ones included.
Its name comes from our ids only: `uniq_t<table id>_f<field id>`.
Imports: errors, storage.ddl.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, DropIndex

from gridbase.errors import FieldConstraintConflict
from gridbase.storage.ddl import column_name, table_name, unique_index_name

# SQLite names the columns of a plain-column index, PostgreSQL the index
SQLITE_VIOLATION = re.compile(r"UNIQUE constraint failed: database_table_\d+\.field_\d+$")
INDEX_NAME = re.compile(r"uniq_t\d+_f\d+")
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


@dataclass(frozen=True, slots=True)
class UniqueRule:
    empty: tuple[Any, ...]  # stored values besides NULL that may repeat
    # A text column: PostgreSQL indexes md5(value), since a b-tree key is limited to about
    # 2.7 kB and texts are not (an exact index would refuse long texts with a 500).
    text: bool


def create(
    conn: sa.Connection,
    table_id: int,
    field_id: int,
    column_type: sa.types.TypeEngine[Any],
    rule: UniqueRule,
) -> None:
    """Add the field's unique index in the caller's transaction; FieldConstraintConflict
    when the values it already holds repeat (the caller's transaction then rolls back)."""
    column = sa.Column(column_name(field_id), column_type)
    sa.Table(table_name(table_id), sa.MetaData(), column)
    # the empty values are our constants, rendered into the DDL as literals
    where = sa.and_(column.is_not(None), *(column != value for value in rule.empty))
    key = sa.func.md5(column) if rule.text and conn.dialect.name == "postgresql" else column
    index = sa.Index(
        unique_index_name(table_id, field_id),
        key,
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )
    try:
        conn.execute(CreateIndex(index))
    except sa.exc.IntegrityError:
        raise FieldConstraintConflict() from None


def drop(conn: sa.Connection, table_id: int, field_id: int) -> None:
    conn.execute(DropIndex(sa.Index(unique_index_name(table_id, field_id)), if_exists=True))


def is_violation(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing a row write for one of these indexes (raised
    through SQLAlchemy, or by the driver itself for statements run on its cursor)."""
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    if isinstance(orig, sqlite3.IntegrityError):
        return SQLITE_VIOLATION.search(str(orig)) is not None
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION:
        name = getattr(getattr(orig, "diag", None), "constraint_name", None) or ""
        return INDEX_NAME.fullmatch(name) is not None
    return False
