"""jobs.payload: what a job works on that no answer about it shows (an import's rows and
upsert values), read by the job's runner alone, so a job's status and list never decode
megabytes of rows

Revision ID: b3f9d2a7c5e1
Revises: d5a9e3f7b210
"""

import sqlalchemy as sa
from alembic import op

revision = "b3f9d2a7c5e1"
down_revision = "d5a9e3f7b210"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("payload", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("payload")
