"""trigram statistics (PostgreSQL): each search index table with a trigram index gets the
statistics object of its texts' trigrams (storage.trigrams), filled by ANALYZE now, so
compat search asks the index for a term's rare trigrams from the first request on

Revision ID: c8e2f4a6b1d3
Revises: b3f9d2a7c5e1
"""

import re

from alembic import op

from gridbase.storage import trigrams

revision = "c8e2f4a6b1d3"
down_revision = "b3f9d2a7c5e1"
branch_labels = None
depends_on = None

INDEX_TABLE = re.compile(r"database_table_[0-9]+_search")


def _index_tables() -> tuple[str | None, list[str]]:
    """pg_trgm's schema and the search index tables whose texts it indexes."""
    conn = op.get_bind()
    schema = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar()
    names = conn.exec_driver_sql(
        "SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() "
        "AND indexname = tablename || '_content'"
    ).scalars()
    return schema, sorted(n for n in names if INDEX_TABLE.fullmatch(n))


def upgrade() -> None:
    conn = op.get_bind()
    if not trigrams.supported(conn):
        return  # SQLite's trigram index (FTS5) needs none
    schema, names = _index_tables()
    if schema is None:
        return
    for name in names:
        trigrams.create(conn, name, schema)
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    conn = op.get_bind()
    if not trigrams.supported(conn):
        return
    for name in _index_tables()[1]:
        op.execute(f"DROP STATISTICS IF EXISTS {trigrams.statistics_name(name)}")
