"""trashed tables, applications, workspaces and views: database_tables.trashed,
applications.trashed, workspaces.trashed, views.trashed (what is in the trash keeps its
metadata and data); id_high_water, so SQLite never hands out a trash entry's id again

Revision ID: d5a9e3f7b210
Revises: e5a1c9d3f7b2
"""

import sqlalchemy as sa
from alembic import op

revision = "d5a9e3f7b210"
down_revision = "e5a1c9d3f7b2"
branch_labels = None
depends_on = None


TABLES = ("database_tables", "applications", "workspaces", "views")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table, sa.Column("trashed", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "id_high_water",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("id_high_water")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("trashed")
