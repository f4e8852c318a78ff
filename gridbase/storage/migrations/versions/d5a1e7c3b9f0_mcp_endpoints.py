"""mcp endpoints: mcp_endpoints (a user's named, keyed MCP endpoint on one workspace)

Revision ID: d5a1e7c3b9f0
Revises: c4f8a2e61d57
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id, UtcDateTime

revision = "d5a1e7c3b9f0"
down_revision = "c4f8a2e61d57"
branch_labels = None
depends_on = None


def _fk(name: str, target: str) -> sa.Column[int]:
    return sa.Column(
        name, Id, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    op.create_table(
        "mcp_endpoints",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _fk("user_id", "users.id"),
        _fk("workspace_id", "workspaces.id"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("key_encrypted", sa.Text, nullable=False),
        sa.Column("created_on", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mcp_endpoints")
