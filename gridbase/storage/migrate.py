"""Apply (or generate) the Alembic migrations of the metadata schema.

Alembic (with Mako and Pygments, ~8 MB of the server's memory) is imported only when the
schema is behind: a start on an up-to-date database reads one version row and goes on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gridbase.storage.engine import Database
from gridbase.storage.raw import sqlite_connection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions (a test checks it against Alembic's head).
HEAD = "b3f9d2a7c5e1"


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


def upgrade(db: Database, to: str = "head") -> None:
    """Bring the metadata schema to the newest revision (safe to run on every start).

    SQLite: with foreign keys off while the revisions run. A revision that changes a table's
    columns rebuilds it (Alembic's batch mode: copy, DROP, rename), and with foreign keys on,
    DROP TABLE deletes every row first, cascading: rebuilding `users` emptied
    `workspace_users` and every other table whose rows go with their user. The keys are
    checked once the revisions are done, before they commit."""
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # outside any transaction: inside one SQLite ignores it
            sqlite_connection(conn).execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if to == "head" and at_head(conn):
                    return
                from alembic import command

                command.upgrade(_config(conn), to)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migrated metadata breaks a foreign key")
        finally:
            if sqlite:
                sqlite_connection(conn).execute("PRAGMA foreign_keys=ON")


def autogenerate(db: Database, message: str) -> None:
    """Developer tool: write a new revision for the changes in schema.py."""
    from alembic import command

    with db.engine.begin() as conn:
        command.revision(_config(conn), message=message, autogenerate=True)
