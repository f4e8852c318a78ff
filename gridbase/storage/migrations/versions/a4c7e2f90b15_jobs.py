"""background jobs (export, import)

Revision ID: a4c7e2f90b15
Revises: 7d2e4b9a1c03
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id, UtcDateTime

revision = "a4c7e2f90b15"
down_revision = "5b8e2f4a9d17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("progress_percentage", sa.Float(), nullable=False),
        sa.Column("human_readable_error", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("runner", sa.String(length=128), nullable=True),
        sa.Column("created_on", UtcDateTime(), nullable=False),
        sa.Column("updated_on", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_user_id", "jobs", ["user_id"], unique=False)
    op.create_index("ix_jobs_state", "jobs", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_jobs_state", table_name="jobs")
    op.drop_index("ix_jobs_user_id", table_name="jobs")
    op.drop_table("jobs")
