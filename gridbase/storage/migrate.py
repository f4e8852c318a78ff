"""Apply (or generate) the Alembic migrations of the metadata schema.

Alembic (with Mako and Pygments, ~8 MB of the server's memory) is imported only when the
schema is behind: a start on an up-to-date database reads one version row and goes on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gridbase.storage.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions (a test checks it against Alembic's head).
HEAD = "d5a9e3f7b210"


def _config(conn: object) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def at_head(conn: sa.Connection) -> bool:
    """Whether the metadata schema is already at HEAD."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return False
    return list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()) == [
        HEAD
    ]


def upgrade(db: Database) -> None:
    """Bring the metadata schema to the newest revision (safe to run on every start)."""
    with db.engine.begin() as conn:
        if at_head(conn):
            return
        from alembic import command

        command.upgrade(_config(conn), "head")


def autogenerate(db: Database, message: str) -> None:
    """Developer tool: write a new revision for the changes in schema.py."""
    from alembic import command

    with db.engine.begin() as conn:
        command.revision(_config(conn), message=message, autogenerate=True)
