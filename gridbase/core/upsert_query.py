"""The key match of an upsert, as a pure query builder: which existing rows hold each
item's key values. The database compares the stored values (`=` on the column, bound with
its type: exact and case-sensitive for text; NULL matches NULL, as Baserow's import upsert
compares). Imports: sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

Key = tuple[Any, ...]


def key_clause(columns: Sequence[sa.ColumnElement[Any]], key: Key) -> sa.ColumnElement[bool]:
    return sa.and_(
        *(c.is_(None) if v is None else c == v for c, v in zip(columns, key, strict=True))
    )


def match_rows(table: sa.Table, column_names: Sequence[str], keys: Sequence[Key]) -> sa.Select[Any]:
    """(id, key_index) of every row whose key columns equal one of `keys` (distinct), with
    the index of the key it matches, in id order."""
    columns = [table.c[name] for name in column_names]
    clauses = [key_clause(columns, key) for key in keys]
    if len(columns) == 1:  # one IN list instead of one comparison per key
        given = [key[0] for key in keys if key[0] is not None]
        where = sa.or_(
            columns[0].in_(given),
            *([columns[0].is_(None)] if len(given) < len(keys) else []),
        )
    else:
        where = sa.or_(*clauses)
    index = sa.case(*((clause, i) for i, clause in enumerate(clauses))).label("key_index")
    return sa.select(table.c.id, index).where(where).order_by(table.c.id)


def match_values(table: sa.Table, column_name: str, *, nulls: bool) -> sa.Select[Any]:
    """(id, value) of every row whose one key column is in the expanding parameter `keys`
    (or NULL, with `nulls`): one statement shape, so SQLAlchemy compiles it once."""
    column = table.c[column_name]
    where: sa.ColumnElement[bool] = column.in_(sa.bindparam("keys", expanding=True))
    if nulls:
        where = sa.or_(where, column.is_(None))
    return sa.select(table.c.id, column.label("value")).where(where).order_by(table.c.id)
