"""trash: trash_entries and trashed_rows (rows moved out of their user table)

Revision ID: b7e1d0c4a9f2
Revises: 7d2e4b9a1c03
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id, UtcDateTime

revision = "b7e1d0c4a9f2"
down_revision = "5b8e2f4c6a17"
branch_labels = None
depends_on = None


def _fk(name: str, target: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(
        name, Id, sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True
    )


def upgrade() -> None:
    op.create_table(
        "trash_entries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _fk("workspace_id", "workspaces.id"),
        _fk("application_id", "applications.id", nullable=True),
        _fk("table_id", "database_tables.id", nullable=True),
        sa.Column("trash_item_type", sa.String(64), nullable=False),
        sa.Column("trash_item_id", Id, nullable=False),
        sa.Column("parent_trash_item_id", Id, nullable=True),
        sa.Column("trashed_at", UtcDateTime(), nullable=False, index=True),
        sa.Column(
            "user_who_trashed_id",
            Id,
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("parent_name", sa.Text, nullable=True),
        sa.Index("ix_trash_entries_item", "trash_item_type", "trash_item_id"),
    )
    op.create_table(
        "trashed_rows",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _fk("entry_id", "trash_entries.id"),
        _fk("table_id", "database_tables.id"),
        sa.Column("row_id", Id, nullable=False),
        sa.Column("row_values", sa.JSON, nullable=False),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Index("ix_trashed_rows_row", "table_id", "row_id"),
    )


def downgrade() -> None:
    op.drop_table("trashed_rows")
    op.drop_table("trash_entries")
