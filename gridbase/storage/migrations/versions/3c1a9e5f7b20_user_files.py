"""user files

Revision ID: 3c1a9e5f7b20
Revises: fb19b0315bf2
"""

import sqlalchemy as sa
from alembic import op

revision = "3c1a9e5f7b20"
down_revision = "fb19b0315bf2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("original_extension", sa.String(length=64), nullable=False),
        sa.Column("unique", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime_type", sa.String(length=127), nullable=False),
        sa.Column("is_image", sa.Boolean(), nullable=False),
        sa.Column("image_width", sa.Integer(), nullable=True),
        sa.Column("image_height", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("sha256_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256_hash", "original_extension", "unique"),
    )
    op.create_index("ix_user_files_sha256_hash", "user_files", ["sha256_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_user_files_sha256_hash", table_name="user_files")
    op.drop_table("user_files")
