"""change stream: stream_sequences (per-database event counter) and stream_events (the log)

Revision ID: e5a1c9d3f7b2
Revises: d7a3e5b91c20
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import Id, UtcDateTime

revision = "e5a1c9d3f7b2"
down_revision = "d7a3e5b91c20"
branch_labels = None
depends_on = None


def _database() -> sa.Column[int]:
    return sa.Column(
        "database_id", Id, sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "stream_sequences",
        _database(),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("purged_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "stream_events",
        _database(),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("table_id", Id, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("names", sa.JSON, nullable=True),
        sa.Column("created_on", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_stream_events_table_seq", "stream_events", ["table_id", "seq"])
    op.create_index("ix_stream_events_created_on", "stream_events", ["created_on"])


def downgrade() -> None:
    op.drop_table("stream_events")
    op.drop_table("stream_sequences")
