"""trashed tables: database_tables.trashed (a table in the trash keeps its metadata and data)

Revision ID: d5a9e3f7b210
Revises: c4f8a2e61d57
"""

import sqlalchemy as sa
from alembic import op

revision = "d5a9e3f7b210"
down_revision = "c4f8a2e61d57"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "database_tables",
        sa.Column("trashed", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("database_tables") as batch:
        batch.drop_column("trashed")
