"""trashed fields: trashed_fields (fields moved out of `fields` while in the trash)

Revision ID: c4f8a2e61d57
Revises: b7e1d0c4a9f2
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id

revision = "c4f8a2e61d57"
down_revision = "b7e1d0c4a9f2"
branch_labels = None
depends_on = None


def _fk(name: str, target: str) -> sa.Column[int]:
    return sa.Column(
        name, Id, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    op.create_table(
        "trashed_fields",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _fk("entry_id", "trash_entries.id"),
        _fk("table_id", "database_tables.id"),
        sa.Column("field_id", Id, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trashed_fields")
