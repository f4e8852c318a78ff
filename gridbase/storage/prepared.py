"""Prepared: a statement compiled once to SQL text, parameter order and result converters,
then run on the raw DBAPI cursor of the caller's pooled connection.

A reused SQLAlchemy statement still costs ~75 µs per execution (cache key, context, result
object); the driver itself takes a few. Hot reads use this instead. The SQL text comes only
from a compiled SQLAlchemy construct (identifiers from our ids, values always bound), the
bind processors of the statement's types still run (e.g. Id's out-of-range guard), and
result values go through the same type converters SQLAlchemy would apply.

On PostgreSQL the text is numbered (`$1`, `$2`: psycopg's RawCursor) once here, so psycopg
does not parse it at every execution (it caches its parse only for texts under 4,096
characters and 50 parameters: a page's SELECT and its links' IN list are longer), and an
IN list of integers (ids) is one array parameter (`= ANY($n)`), so every length shares one
text, which the server prepares once per connection instead of once per list length.
Imports: sqlalchemy, psycopg (RawCursor) only.
"""

from __future__ import annotations

import keyword
import re
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from psycopg import RawCursor
from psycopg.pq import ExecStatus
from sqlalchemy.sql.util import find_tables

from gridbase.storage.kept import statements

VARIANTS_MAX = 64  # SQL texts kept per statement for the lengths of its IN lists
# bound parameters per multi-row INSERT: under SQLite's limit (32,766) and PostgreSQL's (65,535)
INSERT_PARAMETERS = 32_000


class Prepared:
    __slots__ = (
        "binds",
        "converters",
        "defaults",
        "dialect",
        "expanding",
        "keys",
        "names",
        "numbered",
        "plan",
        "positional",
        "record",
        "sql",
        "types",
        "variants",
    )

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
        # IN lists (`bindparam(..., expanding=True)`) get their placeholders per list length.
        self.expanding: tuple[str, ...] = tuple(n for n, b in compiled.binds.items() if b.expanding)
        self.variants: dict[tuple[int, ...], tuple[str, tuple[str, ...]]] = {}
        self.record: Any = namedtuple("Record", self.keys) if _plain(self.keys) else None
        self.dialect, self.types = dialect, tuple(c[3] for c in columns)
        # Built at the first execution: some converters depend on the driver's column type
        # codes (cursor.description), e.g. PostgreSQL numerics.
        self.converters: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None
        # PostgreSQL: `$n` placeholders, run on a RawCursor (see the module's docstring)
        self.numbered = dialect.name == "postgresql" and not self.positional
        if dialect.name == "postgresql":
            self.sql = tagged(self.sql, stmt)
        if self.numbered:
            self.sql, self.names = _numbered(self.sql)
        # for_rows(): (row, key, bind processor) per parameter, built at its first call
        self.plan: list[tuple[int, str, Callable[[Any], Any] | None]] | None = None

    def _converters(self, description: Any) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        codes = [d[1] for d in description] or [None] * len(self.types)
        return tuple(
            (i, proc)
            for i, (type_, code) in enumerate(zip(self.types, codes, strict=True))
            if (proc := type_._cached_result_processor(self.dialect, code)) is not None
        )

    def _numbered_variant(self, values: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """_variant with `$n` placeholders: an IN list of integers becomes one array
        parameter (`= ANY($n)`, NOT IN `<> ALL($n)`: the same for NULLs too), whatever its
        length; any other list gets a placeholder per item."""
        lists = {}
        for name in self.expanding:
            process = self.binds.get(name)
            items = values.pop(name)
            lists[name] = [process(i) for i in items] if process is not None else list(items)
        shape = tuple(
            -1 if _ints(lists[n]) and f"IN (__[POSTCOMPILE_{n}])" in self.sql else len(lists[n])
            for n in self.expanding
        )
        found = self.variants.get(shape)
        if found is None:
            sql, names = self.sql, list(self.names)
            for name, length in zip(self.expanding, shape, strict=True):
                if length == 0:
                    raise ValueError(f"empty IN list {name!r}")  # callers skip the query instead
                mark = f"__[POSTCOMPILE_{name}]"
                if length == -1:
                    names.append(name)
                    sql = sql.replace(f"NOT IN ({mark})", f"<> ALL(${len(names)})")
                    sql = sql.replace(f"IN ({mark})", f"= ANY(${len(names)})")
                else:
                    first = len(names) + 1
                    names.extend(f"{name}_{i}" for i in range(1, length + 1))
                    sql = sql.replace(mark, ", ".join(f"${first + i}" for i in range(length)))
            if len(self.variants) >= VARIANTS_MAX:
                self.variants.clear()
            found = self.variants[shape] = (sql, tuple(names))
        for name, length in zip(self.expanding, shape, strict=True):
            if length == -1:
                values[name] = lists[name]
            else:
                for i, item in enumerate(lists[name], 1):
                    values[f"{name}_{i}"] = item
        return found

    def _variant(self, values: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """SQL text and parameter names with each IN list spelled out, as SQLAlchemy would;
        its items become parameters `<name>_1 .. <name>_n`."""
        lengths = tuple(len(values[n]) for n in self.expanding)
        found = self.variants.get(lengths)
        if found is None:
            sql, names = self.sql, list(self.names)
            for name, length in zip(self.expanding, lengths, strict=True):
                if length == 0:
                    raise ValueError(f"empty IN list {name!r}")  # callers skip the query instead
                items = [f"{name}_{i}" for i in range(1, length + 1)]
                marks = ", ".join("?" if self.positional else f"%({item})s" for item in items)
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", marks)
                if self.positional:
                    at = names.index(name)
                    names[at : at + 1] = items
            if len(self.variants) >= VARIANTS_MAX:
                self.variants.clear()
            found = self.variants[lengths] = (sql, tuple(names))
        for name in self.expanding:
            process = self.binds.get(name)
            for i, item in enumerate(values.pop(name), 1):
                values[f"{name}_{i}"] = process(item) if process is not None else item
        return found

    def rows(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every result row as a plain tuple in select order, values converted by type."""
        values = dict(self.defaults)
        values.update(params)
        # (multi-row statements, whose rows repeat values, go through for_rows)
        for name, process in self.binds.items():
            if name in values and name not in self.expanding:
                values[name] = process(values[name])
        if self.numbered:
            if self.expanding:
                sql, names = self._numbered_variant(values)
            else:
                sql, names = self.sql, self.names
            return self._run_raw(conn, sql, [values[n] for n in names])
        sql, names = self._variant(values) if self.expanding else (self.sql, self.names)
        return self._run(conn, sql, [values[n] for n in names] if self.positional else values)

    def for_rows(
        self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """rows() of a statement built for len(rows) rows (insert_values, update_values:
        parameters named `<key>__<row>`), its arguments taken from the rows in parameter
        order: no parameter names per value, no dict of them (a batch of 200 rows of 10
        fields binds 2,000 values, and its history entries as many). Both backends take
        arguments by position (SQLite's `?`, PostgreSQL's `$n`)."""
        plan = self.plan
        if plan is None:
            plan = self.plan = [self._planned(name) for name in self.names]
        args: list[Any] = []
        append = args.append
        # rows share some values (a write's timestamps are one object): converted once
        last: dict[str, tuple[Any, Any]] = {}
        for at, key, process in plan:
            value = rows[at][key]
            if process is None:
                append(value)
                continue
            kept = last.get(key)
            if kept is None or kept[0] is not value:
                kept = last[key] = (value, process(value))
            append(kept[1])
        if self.numbered:
            return self._run_raw(conn, self.sql, args)
        return self._run(conn, self.sql, args)

    def _planned(self, name: str) -> tuple[int, str, Callable[[Any], Any] | None]:
        """(row, key, processor) of a parameter `<key>__<row>`. Any other parameter is a
        value SQLAlchemy's execution would compute (a column's Python-side default), which
        this path cannot: refused rather than written as NULL."""
        key, _, at = name.rpartition("__")
        if not (key and at.isdigit()):
            raise ValueError(f"for_rows cannot fill {name!r}: give that column's value")
        return int(at), key, self.binds.get(name)

    def _run(self, conn: sa.Connection, sql: str, args: Any) -> list[tuple[Any, ...]]:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, args)
            # a DELETE returns no rows
            fetched = cursor.fetchall() if cursor.description is not None else []
            converters = self.converters
            if converters is None:
                converters = self.converters = self._converters(cursor.description or ())
        finally:
            cursor.close()
        return self._converted(fetched, converters)

    def _run_raw(self, conn: sa.Connection, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        """PostgreSQL: _run on a RawCursor of the pooled connection."""
        cursor = RawCursor(conn.connection.dbapi_connection)  # type: ignore[call-overload]
        try:
            cursor.execute(sql, args)
            result = cursor.pgresult
            # a DELETE returns no rows (asked of the result: cursor.description builds a
            # list of column objects at every call)
            tuples = result is not None and result.status == ExecStatus.TUPLES_OK
            fetched: list[Any] = cursor.fetchall() if tuples else []
            converters = self.converters
            if converters is None:
                converters = self.converters = self._converters(cursor.description or ())
        finally:
            cursor.close()
        return self._converted(fetched, converters)

    @staticmethod
    def _converted(
        fetched: Any, converters: tuple[tuple[int, Callable[[Any], Any]], ...]
    ) -> list[tuple[Any, ...]]:
        if not converters or not fetched:
            return list(fetched)  # DBAPI rows are tuples
        out = []
        for row in fetched:
            row = list(row)
            for i, convert in converters:
                row[i] = convert(row[i])
            out.append(tuple(row))
        return out

    def records(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[Any]:
        """rows() as named tuples (`record.id`, `record._fields`), like SQLAlchemy's rows;
        only for statements whose result keys are identifiers (`record` is set)."""
        make = self.record._make
        return [make(row) for row in self.rows(conn, params)]


def tagged(sql: str, stmt: Any) -> str:
    """PostgreSQL: the SQL text led by the schema versions of the user tables it reads
    (`info["schema_version"]` of a model's table). psycopg prepares a statement on the
    server once its text has run 5 times on a connection; when a field's type change alters
    a column, a plan prepared before fails with "cached plan must not change result type".
    With the versions in the text, a new schema makes new statements instead."""
    versions = set()
    for found in find_tables(stmt, include_aliases=True, check_columns=True, include_crud=True):
        table = getattr(found, "element", found)
        version = table.info.get("schema_version") if isinstance(table, sa.Table) else None
        if version is not None:
            versions.add(f"{table.name} v{int(version)}")
    return f"/* {', '.join(sorted(versions))} */ {sql}" if versions else sql


_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")


def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """A pyformat text (`%(name)s`, `%%`) as a `$n` one and its parameter names in order
    (a name used twice is one parameter)."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(names)


def _ints(items: list[Any]) -> bool:
    return bool(items) and all(type(item) is int for item in items)


def _plain(keys: tuple[str, ...]) -> bool:
    """Whether these result keys can name a namedtuple's fields."""
    return len(set(keys)) == len(keys) and all(
        k.isidentifier() and not keyword.iskeyword(k) and not k.startswith("_") for k in keys
    )


def records(
    table: sa.Table,
    conn: sa.Connection,
    key: Any,
    build: Callable[[], Any],
    params: Mapping[str, Any],
) -> list[Any]:
    """Rows of the statement `build()`, memoised under `key` on a table object (a user
    table's model, a junction table, a metadata table), run as a Prepared on the raw cursor
    and returned as named tuples; statements whose result keys cannot name tuple fields
    go through SQLAlchemy."""
    stmt, ready = _prepared(table, conn, key, build)
    if ready.record is None:
        return list(conn.execute(stmt, params))
    return ready.records(conn, params)


def tuples(
    table: sa.Table,
    conn: sa.Connection,
    key: Any,
    build: Callable[[], Any],
    params: Mapping[str, Any],
) -> list[tuple[Any, ...]]:
    """records() as plain tuples, for a caller that reads values by position only."""
    stmt, ready = _prepared(table, conn, key, build)
    if ready.record is None:
        return [tuple(row) for row in conn.execute(stmt, params)]
    return ready.rows(conn, params)


def _prepared(
    table: sa.Table, conn: sa.Connection, key: Any, build: Callable[[], Any]
) -> tuple[Any, Prepared]:
    dialect = conn.dialect

    def prepare() -> tuple[Any, Prepared]:
        stmt = build()
        return stmt, Prepared(stmt, dialect)

    found: tuple[Any, Prepared] = statements.on_table(
        table, "gridbase_prepared", (key, dialect.name), prepare
    )
    return found


def insert_chunk(rows: int, columns: int) -> int:
    """Rows for the next multi-row INSERT of `rows` rows of `columns` values each: the
    largest power of two that fits, at most 256, within INSERT_PARAMETERS (so a column set
    ever compiles at most ~9 statement shapes)."""
    fits = max(1, INSERT_PARAMETERS // max(1, columns))
    return 1 << min(rows.bit_length() - 1, 8, fits.bit_length() - 1)


def chunks(rows: int, columns: int) -> Iterator[tuple[int, int]]:
    """(start, size) of the multi-row INSERTs that write `rows` rows (insert_chunk each)."""
    start = 0
    while start < rows:
        size = insert_chunk(rows - start, columns)
        yield start, size
        start += size


def insert_values(
    conn: sa.Connection,
    table: sa.Table,
    keys: tuple[str, ...],
    rows: Sequence[Mapping[str, Any]],
    returning: sa.ColumnElement[Any] | None = None,
) -> list[Any]:
    """`rows` (each setting `keys`) as INSERT ... VALUES (...), (...) statements (chunks()),
    each compiled once per chunk size and kept on `table` (records()); on PostgreSQL numbered
    once, where an executemany has psycopg parse or send the statement row by row. With
    `returning` (a serial id), each statement's values sorted: the rows of one statement get
    ascending ids in VALUES order (SQLite's AUTOINCREMENT; PostgreSQL's serial default,
    called row by row in that order), so they are the rows' ids in order (SQLAlchemy relies
    on the same)."""
    out: list[Any] = []
    for start, size in chunks(len(rows), len(keys)):

        def build(size: int = size) -> Any:
            stmt = table.insert().values(
                [
                    {k: sa.bindparam(f"{k}__{i}", type_=table.c[k].type) for k in keys}
                    for i in range(size)
                ]
            )
            return stmt.returning(returning) if returning is not None else stmt

        _, ready = _prepared(table, conn, ("insert_values", keys, size), build)
        found = ready.for_rows(conn, rows[start : start + size])
        if returning is not None:
            out.extend(sorted(r[0] for r in found))
    return out


def update_values(
    conn: sa.Connection, table: sa.Table, keys: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """`rows` (each an `id` and the `keys` it sets) as UPDATE ... FROM (VALUES ...)
    statements, one per chunks() of rows, compiled once per chunk size and kept as
    insert_values' are; the ids of the rows updated. Each value is cast to its column's
    type (PostgreSQL types a VALUES list from its values; parameters have none). Rows are
    locked in the order the database joins them: a caller that needs an order locks first."""
    out: list[int] = []
    columns = ("id", *keys)
    for start, size in chunks(len(rows), len(columns)):

        def build(size: int = size) -> Any:
            changes = sa.values(
                *(sa.column(k, table.c[k].type) for k in columns), name="changes"
            ).data(
                [
                    tuple(
                        sa.cast(sa.bindparam(f"{k}__{i}", type_=table.c[k].type), table.c[k].type)
                        for k in columns
                    )
                    for i in range(size)
                ]
            )
            return (
                table.update()
                .where(table.c.id == changes.c.id)
                .values({k: changes.c[k] for k in keys})
                .returning(table.c.id)
            )

        _, ready = _prepared(table, conn, ("update_values", keys, size), build)
        out.extend(r[0] for r in ready.for_rows(conn, rows[start : start + size]))
    return out
