"""idempotency keys: idempotency_keys (stored answers of row writes sent with a key)

Revision ID: d7a3e5b91c20
Revises: d5a1e7c3b9f0
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id, UtcDateTime

revision = "d7a3e5b91c20"
down_revision = "d5a1e7c3b9f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_on", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
    )
    op.create_index(
        "ix_idempotency_keys_created_on", "idempotency_keys", ["created_on"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_on", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
