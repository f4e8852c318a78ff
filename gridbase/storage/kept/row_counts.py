"""Exact row counts of SQLite row tables, kept by triggers, so a list without filters or
search reads its `count` from one row instead of counting the table; and a version of each
table's rows, so what depends on nothing but one table's rows can be kept until they change.

SQLite counts a table by reading every page of its smallest index: 0.4 ms for 2.7M rows
while those pages are in the connection's cache, 18 ms after any other connection commits
(SQLite then drops the cache). An AFTER INSERT and an AFTER DELETE trigger on each row
table move its number in `gridbase_row_counts` in the same transaction as the row, so it is
exact for every writer - gridbase, another instance, or any other program - and rolls back
with it. (A trigger also turns off SQLite's truncate shortcut for `DELETE FROM t`, so no
delete goes uncounted.) The same triggers and an AFTER UPDATE one set the table's `version`
to a new random value (random, so a write that rolled back never leaves its value to come
back). Tables from before get theirs at startup (ensure). Every name is built from an
integer id we issued.

PostgreSQL counts 100,000 rows in ~10 ms (a scan of the whole table, at every list). One
counter row per table would make every insert wait for the one before it to commit, so
statement triggers (with transition tables: one row per statement, not per row) add a
delta row to `gridbase_row_count_deltas` instead, never updating one: inserts and deletes
in flight never wait for each other. A table's number is the sum of its delta rows, read
in one statement (so it is exactly what a count(*) in the same snapshot sees); a read that
finds more than FOLD_AT of them folds them into one (delete and insert in one statement,
under a try-lock so two folds never meet). A table without delta rows (made by an older
gridbase) is counted as before until ensure gives it its triggers at startup. An update
trigger on row tables, and one on junction tables and search documents at every change, add
delta rows of no rows: the delta rows are then a version of what counts read
(storage.kept.pg_counts). Writers fold their table's delta rows too, now and then, so a
table written and never listed does not pile them up.
Imports: storage.schema, storage.kept (meta_clock, snapshots), storage.ddl (in functions: ddl
imports this module), sqlalchemy.
"""

from __future__ import annotations

import re
import sqlite3
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from gridbase.storage import schema
from gridbase.storage.kept import meta_clock, snapshots, statements
from gridbase.storage.raw import sqlite_connection

if TYPE_CHECKING:
    from gridbase.storage.kept.pg_counts import KeptCounts

COUNTS = "gridbase_row_counts"
DELTAS = "gridbase_row_count_deltas"  # PostgreSQL
FOLD_AT = 64  # delta rows of one table a read folds into one (PostgreSQL)
COUNT_LOCK = 0x636E7473  # first key of the advisory locks on deltas and their functions ("cnts")
FOLD_ODDS = 32  # PostgreSQL: a writing statement folds its table's delta rows once in so many
# The trigger functions (PostgreSQL): transition table, sign of the change.
_FUNCTIONS = {
    "gridbase_rows_inserted": ("NEW TABLE AS added", "added", ""),
    "gridbase_rows_deleted": ("OLD TABLE AS removed", "removed", "-"),
}
# What a count can read and a version can follow: row tables, their search documents and
# junction tables.
_VERSIONED = re.compile(
    r"database_(?:table_(\d+)(_search)?|(?:relation|multipleselect|collaborators)_(\d+))"
)


def versioned(name: str) -> tuple[int, str] | None:
    """PostgreSQL: a table's key among the delta rows and the name of the trigger that adds
    its delta rows on update (a row table: inserts and deletes had theirs first) or on every
    change (the others); None for any other table. A row table's search documents share its
    key (they change with its rows), a junction's is its number negated: a key two tables
    share only moves more often."""
    found = _VERSIONED.fullmatch(name)
    if found is None:
        return None
    if found.group(1) is None:
        return -int(found.group(3)), f"{name}_versioned"
    if found.group(2):
        return int(found.group(1)), f"{name}_versioned"
    return int(found.group(1)), f"{name}_counted_update"


def create(conn: sa.Connection, table_id: int) -> None:
    """SQLite: the triggers of a row table, and its number as it stands (in the caller's
    write transaction, so no row comes or goes in between)."""
    if conn.dialect.name == "postgresql":
        _create_pg(conn, table_id)
    if conn.dialect.name != "sqlite":
        return
    from gridbase.storage.ddl import table_name  # (ddl calls this module when it makes a table)

    tid, name = int(table_id), table_name(table_id)
    _create_counts(conn)
    for event, step in (
        ("INSERT", "rows = rows + 1, "),
        ("DELETE", "rows = rows - 1, "),
        ("UPDATE", ""),
    ):
        trigger = f"{name}_counted_{event.lower()}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")  # (one from before versions)
        conn.exec_driver_sql(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {name} "
            f"BEGIN UPDATE {COUNTS} SET {step}version = random() WHERE table_id = {tid}; END"
        )
    conn.exec_driver_sql(
        f"INSERT OR REPLACE INTO {COUNTS} (table_id, rows, version) "
        f"VALUES ({tid}, (SELECT count(*) FROM {name}), random())"
    )


def _create_pg(conn: sa.Connection, table_id: int) -> None:
    """PostgreSQL: a row table's triggers and its number as it stands. CREATE TRIGGER locks
    the table against writes until the caller's transaction ends, so no row comes or goes
    between the count and the triggers; OR REPLACE, so instances starting together (ensure)
    each make them harmlessly."""
    from gridbase.storage.ddl import table_name

    tid, name = int(table_id), table_name(table_id)
    schema_name = _pg_functions(conn)
    for event, function in (
        ("INSERT", "gridbase_rows_inserted"),
        ("DELETE", "gridbase_rows_deleted"),
    ):
        conn.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER {name}_counted_{event.lower()} AFTER {event} ON {name} "
            f"REFERENCING {_FUNCTIONS[function][0]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {schema_name}.{function}('{tid}')"
        )
    conn.exec_driver_sql(
        f"CREATE OR REPLACE TRIGGER {name}_counted_truncate AFTER TRUNCATE ON {name} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema_name}.gridbase_rows_truncated('{tid}')"
    )
    conn.exec_driver_sql(
        f"CREATE OR REPLACE TRIGGER {name}_counted_update AFTER UPDATE ON {name} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema_name}.gridbase_rows_touched('{tid}')"
    )
    # no fold meanwhile: its new row would come after this DELETE's snapshot
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({COUNT_LOCK}, {tid})")
    conn.exec_driver_sql(f"DELETE FROM {DELTAS} WHERE table_id = {tid}")
    conn.exec_driver_sql(
        f"INSERT INTO {DELTAS} (table_id, rows) SELECT {tid}, count(*) FROM {name}"
    )


def version_table(conn: sa.Connection, name: str) -> None:
    """PostgreSQL: the trigger of a junction table or of a row table's search documents,
    which adds a delta row (of no rows) under its key at every statement that changes it,
    so counts that read it know when it changed (storage.kept.pg_counts)."""
    key = versioned(name)
    if conn.dialect.name != "postgresql" or key is None or not key[1].endswith("_versioned"):
        return
    schema_name = _pg_functions(conn)
    conn.exec_driver_sql(
        f"CREATE OR REPLACE TRIGGER {key[1]} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {name} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {schema_name}.gridbase_rows_touched('{key[0]}')"
    )


def _pg_functions(conn: sa.Connection) -> str:
    """PostgreSQL: the deltas table and the trigger functions, made when missing (in this
    connection's current schema, whose quoted name is returned and written into the
    functions, so they count into it whatever the search_path of the writer)."""
    schema_name = str(conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one())
    have = conn.exec_driver_sql(
        f"SELECT to_regclass('{schema_name}.{DELTAS}') IS NOT NULL "
        f"AND to_regproc('{schema_name}.gridbase_rows_touched') IS NOT NULL"
    ).scalar_one()
    if have:
        return schema_name
    # one maker at a time: concurrent CREATE OR REPLACE FUNCTION fail ("tuple concurrently
    # updated"); the lock is held until the caller's transaction ends
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({COUNT_LOCK}, 0)")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {schema_name}.{DELTAS} "
        "(table_id integer NOT NULL, rows bigint NOT NULL)"
    )
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {DELTAS}_table ON {schema_name}.{DELTAS} (table_id)"
    )
    # Now and then a writer folds its table's delta rows (under the readers' try-lock), so
    # a table that is written and never listed does not pile them up.
    deltas = f"{schema_name}.{DELTAS}"
    fold = (
        f"IF random() * {FOLD_ODDS} < 1 THEN "
        f"WITH gone AS (DELETE FROM {deltas} WHERE table_id = TG_ARGV[0]::integer "
        f"AND pg_try_advisory_xact_lock({COUNT_LOCK}, TG_ARGV[0]::integer) RETURNING rows) "
        f"INSERT INTO {deltas} (table_id, rows) SELECT TG_ARGV[0]::integer, sum(rows) "
        "FROM gone HAVING count(*) > 0; END IF; "
    )
    for function, (_transition, table, sign) in _FUNCTIONS.items():
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {schema_name}.{function}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {deltas} (table_id, rows) "
            f"SELECT TG_ARGV[0]::integer, {sign}count(*) FROM {table} HAVING count(*) > 0; "
            f"{fold}RETURN NULL; END $$"
        )
    # An update or a junction's change: a delta of no rows, which moves the table's version.
    # A version reads which transactions wrote delta rows, so one per transaction and table
    # is enough (a batch update is 200 statements): a transaction-local setting says it is
    # there (a savepoint rolled back takes its setting with its row).
    touched = "'gridbase.touched_' || replace(TG_ARGV[0], '-', 'n')"
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {schema_name}.gridbase_rows_touched() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF current_setting({touched}, true) IS DISTINCT FROM '1' THEN "
        f"PERFORM set_config({touched}, '1', true); "
        f"INSERT INTO {deltas} (table_id, rows) VALUES (TG_ARGV[0]::integer, 0); "
        f"{fold}END IF; RETURN NULL; END $$"
    )
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {schema_name}.gridbase_rows_truncated() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_advisory_xact_lock({COUNT_LOCK}, TG_ARGV[0]::integer); "
        f"DELETE FROM {schema_name}.{DELTAS} WHERE table_id = TG_ARGV[0]::integer; "
        f"INSERT INTO {schema_name}.{DELTAS} (table_id, rows) VALUES (TG_ARGV[0]::integer, 0); "
        "RETURN NULL; END $$"
    )
    return schema_name


def _create_counts(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {COUNTS} "
        "(table_id INTEGER PRIMARY KEY, rows INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 0)"
    )
    if "version" not in _columns(conn):  # made before versions
        conn.exec_driver_sql(f"ALTER TABLE {COUNTS} ADD COLUMN version INTEGER NOT NULL DEFAULT 0")


def _columns(conn: sa.Connection) -> set[str]:
    return {r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({COUNTS})")}


def drop(conn: sa.Connection, table_id: int) -> None:
    """Forget a dropped table's number (its triggers went with it)."""
    if conn.dialect.name == "postgresql":
        if sa.inspect(conn).has_table(DELTAS):
            conn.exec_driver_sql(f"DELETE FROM {DELTAS} WHERE table_id = {int(table_id)}")
        return
    if conn.dialect.name == "sqlite" and sa.inspect(conn).has_table(COUNTS):
        conn.exec_driver_sql(f"DELETE FROM {COUNTS} WHERE table_id = {int(table_id)}")


def rows(conn: sa.Connection, table_id: int) -> int | None:
    """The number of rows of a table; None where it is not kept (a table whose triggers are
    not there yet)."""
    if conn.dialect.name == "postgresql":
        return _pg_rows(conn, int(table_id))
    return _kept(conn, "rows", table_id)


_PG_SUM = f"SELECT sum(rows), count(*) FROM {DELTAS} WHERE table_id = %s"
# A fold under a try-lock: a second fold of the same table meanwhile deletes nothing.
_PG_FOLD = (
    f"WITH gone AS (DELETE FROM {DELTAS} WHERE table_id = %(t)s "
    f"AND pg_try_advisory_xact_lock({COUNT_LOCK}, %(t)s) RETURNING rows) "
    f"INSERT INTO {DELTAS} (table_id, rows) SELECT %(t)s, sum(rows) FROM gone "
    "HAVING count(*) > 0"
)


def _pg_rows(conn: sa.Connection, table_id: int) -> int | None:
    # On the driver's cursor: through SQLAlchemy a statement costs ~75 us more.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(_PG_SUM, (table_id,))
        total, deltas = cursor.fetchone() or (None, 0)
    finally:
        cursor.close()
    return _summed(conn, table_id, total, deltas)


def _summed(conn: sa.Connection, table_id: int, total: Any, deltas: int) -> int | None:
    """PostgreSQL: the count from the sum of a table's delta rows and their number (None for
    a table without any, made by an older gridbase), folding them when they are many."""
    if deltas > FOLD_AT:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(_PG_FOLD, {"t": table_id})
        finally:
            cursor.close()
    return None if not deltas or total is None else int(total)


COUNT_COLUMNS = ("gb_count", "gb_count_deltas")


def count_columns(table_id: int) -> list[sa.Label[Any]]:
    """PostgreSQL: the whole table's count as two columns of another statement that reads
    the table (a list's first page reads it with its rows: one round trip fewer, and the
    same snapshot); `counted` reads them back."""
    d = sa.table(DELTAS, sa.column("table_id"), sa.column("rows"))
    mine = d.c.table_id == int(table_id)
    total = sa.select(sa.func.sum(d.c.rows)).where(mine).scalar_subquery()
    deltas = sa.select(sa.func.count()).select_from(d).where(mine).scalar_subquery()
    return [total.label(COUNT_COLUMNS[0]), deltas.label(COUNT_COLUMNS[1])]


def counted(conn: sa.Connection, table_id: int, record: Any) -> int | None:
    """The count a record read with count_columns carries (None: count the table instead)."""
    return _summed(
        conn, table_id, getattr(record, COUNT_COLUMNS[0]), getattr(record, COUNT_COLUMNS[1])
    )


def version(conn: sa.Connection, table_id: int) -> int | None:
    """The version of a table's rows as this connection's transaction sees them: it changes
    with every insert, update and delete. None where it is not kept."""
    return _kept(conn, "version", table_id)


def list_count(
    conn: sa.Connection,
    table_id: int,
    table: sa.Table,
    where: sa.ColumnElement[bool] | None,
    reads_clock: bool,
    kept: KeptCounts | None = None,
) -> int:
    """The number of rows of `table` (the row table of `table_id`) that `where` matches, from
    the best kept source: the triggers' number for a whole table, else a kept count (see
    count; `kept`: the app's, for PostgreSQL). `reads_clock`: the table has a field that
    reads the clock, so what its rows match can change with no write."""
    if where is None:
        whole = rows(conn, table_id)
        if whole is not None:
            return whole
    stmt = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        stmt = stmt.where(where)
    return count(conn, table_id, table, stmt, remember=not reads_clock, kept=kept)


def count(
    conn: sa.Connection,
    table_id: int,
    table: sa.Table,
    stmt: sa.Select[Any],
    *,
    remember: bool = True,
    kept: KeptCounts | None = None,
) -> int:
    """The number a `SELECT count(*) ...` of a filtered list returns. SQLite: when `stmt`
    reads no table but the row table `table`, it is kept on this read connection while that
    table's version and the metadata clock hold, so writes to other tables leave it;
    otherwise it is kept until any write (snapshots.count). PostgreSQL: kept in `kept` while
    the tables it reads and the metadata hold (storage.kept.pg_counts). `remember=False`
    for a statement that reads the clock."""
    if conn.dialect.name == "postgresql" and remember and kept is not None:
        from gridbase.storage.kept import pg_counts  # (which reads this module's names)

        key = snapshots.key(stmt)
        if key is not None:
            return pg_counts.count(conn, kept, key, table, stmt)
    if remember and snapshots.version(conn) is not None:  # (None on PostgreSQL: nothing is kept)
        key = snapshots.key(stmt)
        held = (
            rows_key(conn, table_id)
            if key is not None and _reads_only(stmt, key[0], table)
            else None
        )
        if held is not None:
            store: Any = conn.info.setdefault("table_counts", OrderedDict())
            return int(
                snapshots.kept(
                    store, (key, table_id, *held), lambda: conn.execute(stmt).scalar() or 0
                )
            )
    return snapshots.count(conn, stmt, remember=remember)


def rows_key(conn: sa.Connection, table_id: int) -> tuple[int, int] | None:
    """What a result that reads nothing but this table's rows (and the metadata) is valid
    for, on any SQLite connection: the table's version and the metadata clock, as this
    connection's transaction sees them. None where either is not kept."""
    rows, meta = version(conn, table_id), meta_clock.value(conn)
    return None if rows is None or meta is None else (rows, meta)


def _reads_only(stmt: sa.Select[Any], shape: Any, table: sa.Table) -> bool:
    """Whether `table` is the only table `stmt` reads (in any subquery or alias; a column of
    no table, such as a literal, reads none). Remembered per statement shape (`shape`: its
    SQLAlchemy cache key without values) on the table: the walk costs ~50 us."""

    def walk() -> bool:
        return all(
            read is None or getattr(read, "element", read) is table
            for read in find_tables(
                stmt, include_aliases=True, check_columns=True, include_crud=True
            )
        )

    return statements.on_table(table, "gridbase_reads_only", shape, walk)


def _kept(conn: sa.Connection, column: str, table_id: int) -> int | None:
    if conn.dialect.name != "sqlite":
        return None
    raw = sqlite_connection(conn)
    try:
        found = raw.execute(
            f"SELECT {column} FROM {COUNTS} WHERE table_id = ?", (int(table_id),)
        ).fetchone()
    except sqlite3.OperationalError:
        # no counts table (or column) yet: an older gridbase made this file and still serves it
        return None
    return None if found is None else int(found[0])


def missing(conn: sa.Connection, table_ids: list[int]) -> list[int]:
    """Of these tables, those without a kept number or without the version trigger (SQLite;
    on PostgreSQL those without a kept number or their triggers)."""
    if conn.dialect.name == "postgresql":
        return _pg_missing(conn, table_ids)
    if conn.dialect.name != "sqlite":
        return []
    if not sa.inspect(conn).has_table(COUNTS) or "version" not in _columns(conn):
        return list(table_ids)
    from gridbase.storage.ddl import table_name

    kept = set(conn.exec_driver_sql(f"SELECT table_id FROM {COUNTS}").scalars())
    triggers = set(
        conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
    )
    return [
        t for t in table_ids if t not in kept or f"{table_name(t)}_counted_update" not in triggers
    ]


def _pg_missing(conn: sa.Connection, table_ids: list[int]) -> list[int]:
    from gridbase.storage.ddl import table_name

    if not sa.inspect(conn).has_table(DELTAS):
        return list(table_ids)
    kept = set(conn.exec_driver_sql(f"SELECT DISTINCT table_id FROM {DELTAS}").scalars())
    triggers = set(
        conn.exec_driver_sql(
            "SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
            "WHERE relnamespace = current_schema()::regnamespace "
            "AND tgname LIKE 'database_table_%%_counted_update'"
        ).scalars()
    )
    return [
        t for t in table_ids if t not in kept or f"{table_name(t)}_counted_update" not in triggers
    ]


# junction and search tables of this schema without their trigger (made before it)
_PG_UNVERSIONED = (
    "SELECT relname FROM pg_class WHERE relkind = 'r' "
    "AND relnamespace = current_schema()::regnamespace "
    "AND relname ~ "
    "'^database_((relation|multipleselect|collaborators)_[0-9]+|table_[0-9]+_search)$' "
    "AND NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = pg_class.oid "
    "AND tgname = relname || '_versioned')"
)


def ensure(db: Any) -> None:
    """Give every row table without a kept number (or version) its triggers and number (at
    startup, one write per table; several instances starting together do the same work
    harmlessly)."""
    from gridbase.storage.ddl import table_name

    if not db.is_sqlite:
        with db.write() as conn:  # the functions, also for a database without tables yet
            _pg_functions(conn)
    with db.read() as conn:
        todo = missing(conn, list(conn.execute(sa.select(schema.database_tables.c.id)).scalars()))
    for table_id in todo:
        with db.write() as conn:
            if sa.inspect(conn).has_table(table_name(table_id)):
                create(conn, table_id)
    if db.is_sqlite:
        return
    with db.read() as conn:
        unversioned = list(conn.exec_driver_sql(_PG_UNVERSIONED).scalars())
    for name in unversioned:
        with db.write() as conn:
            version_table(conn, name)
