"""formula functions (PostgreSQL): gb_try_regexp_replace, gb_datetime_format, ...

Revision ID: 7d2e4b9a1c03
Revises: 7d2e4c91a0b3
"""

from alembic import op

from gridbase.storage import pg_functions

revision = "7d2e4b9a1c03"
down_revision = "7d2e4c91a0b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite registers them on every connection (sqlite_functions.py)
    for statement in pg_functions.STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for signature in pg_functions.NAMES:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
