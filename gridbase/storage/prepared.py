"""Prepared: a statement compiled once to SQL text, parameter order and result converters,
then run on the raw DBAPI cursor of the caller's pooled connection.

A reused SQLAlchemy statement still costs ~75 µs per execution (cache key, context, result
object); the driver itself takes a few. Hot reads use this instead. The SQL text comes only
from a compiled SQLAlchemy construct (identifiers from our ids, values always bound), the
bind processors of the statement's types still run (e.g. Id's out-of-range guard), and
result values go through the same type converters SQLAlchemy would apply.
Imports: sqlalchemy only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa


class Prepared:
    __slots__ = ("binds", "converters", "defaults", "keys", "names", "positional", "sql")

    def __init__(self, stmt: Any, dialect: sa.Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql: str = compiled.string
        self.positional: bool = bool(compiled.positional)
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        # Literal values inside the statement (e.g. `scope = 'table'`) are bound parameters too.
        self.defaults: dict[str, Any] = compiled.construct_params(_check=False)
        self.binds: dict[str, Callable[[Any], Any]] = dict(compiled._bind_processors)
        columns = compiled._result_columns
        self.keys: tuple[str, ...] = tuple(c[0] for c in columns)
        self.converters: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (i, proc) for i, c in enumerate(columns)
            if (proc := c[3]._cached_result_processor(dialect, None)) is not None
        )

    def rows(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every result row as a plain tuple in select order, values converted by type."""
        values = dict(self.defaults)
        values.update(params)
        for name, process in self.binds.items():
            if name in values:
                values[name] = process(values[name])
        args: Any = [values[n] for n in self.names] if self.positional else values
        cursor = conn.connection.cursor()
        try:
            cursor.execute(self.sql, args)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        converters = self.converters
        if not converters or not fetched:
            return fetched  # type: ignore[no-any-return]  # DBAPI rows are tuples
        out = []
        for row in fetched:
            row = list(row)
            for i, convert in converters:
                row[i] = convert(row[i])
            out.append(tuple(row))
        return out

    def index(self, key: str) -> int:
        return self.keys.index(key)


def prepared(cache: dict[Any, Any], key: Any, conn: sa.Connection, build: Callable[[], Any]) -> Prepared:
    """The Prepared form of `build()` for this connection's dialect, memoised in `cache`."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = Prepared(build(), conn.dialect)
    return found  # type: ignore[no-any-return]  # the cache holds Prepared values for these keys
