"""row history; account fields of users (password change time, profile, deletion schedule)

Revision ID: 5b8e2f4a9d17
Revises: 7d2e4b9a1c03
"""

import sqlalchemy as sa
from alembic import op

revision = "5b8e2f4a9d17"
down_revision = "7d2e4b9a1c03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "email_notification_frequency",
                sa.String(16),
                nullable=False,
                server_default="instant",
            )
        )
        batch.add_column(
            sa.Column(
                "completed_onboarding", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column("completed_guided_tours", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("deletion_scheduled_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "row_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "table_id",
            sa.Integer(),
            sa.ForeignKey("database_tables.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(150), nullable=False),
        sa.Column("action_type", sa.String(32), nullable=False),
        sa.Column("action_timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before_values", sa.JSON(), nullable=False),
        sa.Column("after_values", sa.JSON(), nullable=False),
        sa.Column("fields_metadata", sa.JSON(), nullable=False),
    )
    op.create_index("ix_row_history_table_id", "row_history", ["table_id"])
    op.create_index("ix_row_history_action_timestamp", "row_history", ["action_timestamp"])
    op.create_index("ix_row_history_row", "row_history", ["table_id", "row_id", "action_timestamp"])


def downgrade() -> None:
    op.drop_table("row_history")
    with op.batch_alter_table("users") as batch:
        for column in (
            "deletion_scheduled_at",
            "completed_guided_tours",
            "completed_onboarding",
            "email_notification_frequency",
            "password_changed_at",
        ):
            batch.drop_column(column)
