"""DDL for user tables: create/drop `database_table_<id>`, add/drop `field_<id>` columns and
junction tables. Every name is built from an integer id we issued, never from user text.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable, DropIndex, DropTable

from gridbase.storage import search_index
from gridbase.storage.kept import row_counts
from gridbase.storage.schema import database_tables
from gridbase.storage.types import DecimalType, Id, UtcDateTime


def table_name(table_id: int) -> str:
    return f"database_table_{int(table_id)}"


def column_name(field_id: int) -> str:
    return f"field_{int(field_id)}"


# Who created / last changed each row (a user id; NULL for rows from before gridbase kept
# them): what created_by and last_modified_by fields read, as Baserow keeps them per row.
USER_COLUMNS = ("created_by", "last_modified_by")


def base_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("order", DecimalType(40, 20), nullable=False, default=1),
        sa.Column("created_on", UtcDateTime(), nullable=False),
        sa.Column("updated_on", UtcDateTime(), nullable=False),
        *(sa.Column(name, Id, nullable=True) for name in USER_COLUMNS),
    ]


def create_user_table(conn: sa.Connection, table_id: int) -> None:
    md = sa.MetaData()
    # AUTOINCREMENT: SQLite must never hand a deleted row's id out again (PostgreSQL's
    # sequence never does), or webhooks and clients would see one id name two rows.
    table = sa.Table(table_name(table_id), md, *base_columns(), sqlite_autoincrement=True)
    conn.execute(CreateTable(table))
    # Default listing order is (order, id): one index serves it and keyset paging.
    conn.execute(CreateIndex(sa.Index(f"idx_t{int(table_id)}_order", table.c.order, table.c.id)))
    search_index.create(conn, table_id)  # full-text search documents, kept by gridbase.search
    row_counts.create(conn, table_id)  # the table's row count (and versions), kept by triggers
    row_counts.version_table(conn, search_index.index_name(table_id))  # (PostgreSQL)


def reset_id_sequence(conn: sa.Connection, table_id: int) -> None:
    """After rows were written with their ids (a copy): PostgreSQL's id sequence continues
    after the highest (SQLite's AUTOINCREMENT follows by itself)."""
    if conn.dialect.name != "postgresql":
        return
    name = table_name(table_id)
    conn.execute(
        sa.text(
            f"SELECT setval(pg_get_serial_sequence(:name, 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{name}"), 1), '
            f'(SELECT MAX(id) FROM "{name}") IS NOT NULL)'
        ),
        {"name": name},
    )


def add_user_columns(conn: sa.Connection, table_id: int) -> bool:
    """Give a table made by an older gridbase its USER_COLUMNS (existing rows: NULL, as in
    a Baserow table that got them late); False when it has them already. Idempotent, also
    when several instances start together (SQLite writes are serialized, PostgreSQL skips
    a column that exists)."""
    name = table_name(table_id)
    have = {c["name"] for c in sa.inspect(conn).get_columns(name)}
    missing = [c for c in USER_COLUMNS if c not in have]
    for column in missing:
        added = sa.Column(column, Id, nullable=True)
        sa.Table(name, sa.MetaData(), added)
        ddl = CreateColumn(added).compile(dialect=conn.dialect)
        guard = "IF NOT EXISTS " if conn.dialect.name == "postgresql" else ""
        conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {guard}{ddl}")
    return bool(missing)


def ensure_user_columns(db: Any) -> None:
    """At startup, before serving: every user table gets its USER_COLUMNS (one write per
    table that lacks them; tables made by this version have them from the start)."""
    with db.read() as conn:
        ids = list(conn.execute(sa.select(database_tables.c.id)).scalars())
        inspector = sa.inspect(conn)
        todo = [
            i
            for i in ids
            if inspector.has_table(table_name(i))
            and not {c["name"] for c in inspector.get_columns(table_name(i))} >= set(USER_COLUMNS)
        ]
    for table_id in todo:
        with db.write() as conn:
            add_user_columns(conn, table_id)


def drop_user_table(conn: sa.Connection, table_id: int) -> None:
    search_index.drop(conn, table_id)
    row_counts.drop(conn, table_id)
    conn.execute(DropTable(sa.Table(table_name(table_id), sa.MetaData()), if_exists=True))


def add_column(
    conn: sa.Connection, table_id: int, field_id: int, type_: sa.types.TypeEngine[Any]
) -> None:
    column = sa.Column(column_name(field_id), type_, nullable=True)
    sa.Table(table_name(table_id), sa.MetaData(), column)
    ddl = CreateColumn(column).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {table_name(table_id)} ADD COLUMN {ddl}")


def unique_index_name(table_id: int, field_id: int) -> str:
    """The index that enforces a field's unique constraint (storage.unique)."""
    return f"uniq_t{int(table_id)}_f{int(field_id)}"


def drop_column(conn: sa.Connection, table_id: int, field_id: int) -> None:
    # SQLite refuses to drop an indexed column
    for index in (f"idx_t{int(table_id)}_f{int(field_id)}", unique_index_name(table_id, field_id)):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
    conn.exec_driver_sql(f"ALTER TABLE {table_name(table_id)} DROP COLUMN {column_name(field_id)}")


def add_index(conn: sa.Connection, table: sa.Table, field_id: int) -> None:
    """An index on one field column (filters and sorts on it use it)."""
    index = sa.Index(
        f"idx_t{table.name.rsplit('_', 1)[1]}_f{int(field_id)}", table.c[column_name(field_id)]
    )
    conn.execute(CreateIndex(index, if_not_exists=True))


def drop_index(conn: sa.Connection, table: sa.Table, field_id: int) -> None:
    name = f"idx_t{table.name.rsplit('_', 1)[1]}_f{int(field_id)}"
    conn.execute(DropIndex(sa.Index(name), if_exists=True))


def create_table(conn: sa.Connection, table: sa.Table) -> None:
    """A junction table, with its indexes (and on PostgreSQL the trigger that versions it)."""
    conn.execute(CreateTable(table, if_not_exists=True))
    for index in table.indexes:
        conn.execute(CreateIndex(index, if_not_exists=True))
    row_counts.version_table(conn, table.name)


def drop_table(conn: sa.Connection, name: str) -> None:
    conn.execute(DropTable(sa.Table(name, sa.MetaData()), if_exists=True))
