"""field constraints

Revision ID: 7d2e4c91a0b3
Revises: 3c1a9e5f7b20
"""

import sqlalchemy as sa
from alembic import op

revision = "7d2e4c91a0b3"
down_revision = "3c1a9e5f7b20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("constraints", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.drop_column("constraints")
