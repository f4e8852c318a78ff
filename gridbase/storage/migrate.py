"""Apply (or generate) the Alembic migrations of the metadata schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from gridbase.storage.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(conn: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(db: Database) -> None:
    """Bring the metadata schema to the newest revision (safe to run on every start)."""
    with db.engine.begin() as conn:
        command.upgrade(_config(conn), "head")


def autogenerate(db: Database, message: str) -> None:
    """Developer tool: write a new revision for the changes in schema.py."""
    with db.engine.begin() as conn:
        command.revision(_config(conn), message=message, autogenerate=True)
