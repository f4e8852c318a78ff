"""Migrations: Alembic runs only when the metadata schema is behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from gridbase.storage import migrate
from gridbase.storage.engine import Database


def test_head_names_the_newest_revision() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_heads() == [migrate.HEAD]


def test_a_new_database_is_migrated_to_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.read() as conn:
        assert not migrate.at_head(conn)
    migrate.upgrade(db)
    with db.read() as conn:
        assert migrate.at_head(conn)
        assert sa.inspect(conn).has_table("users")
    db.dispose()


def test_a_database_at_another_revision_is_not_at_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    migrate.upgrade(db)
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    with db.read() as conn:
        assert not migrate.at_head(conn)
    db.dispose()


def test_a_start_on_an_up_to_date_database_never_imports_alembic(tmp_path: Path) -> None:
    start = (
        "import sys; from pathlib import Path; from gridbase.app import build_context; "
        "from gridbase.config import Settings; "
        f"build_context(Settings(data_dir=Path({str(tmp_path)!r}), webhooks_dispatcher=False)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    first = subprocess.run(
        [sys.executable, "-c", start], capture_output=True, text=True, check=True, timeout=120
    )
    assert "alembic" in first.stdout  # the first start migrates
    again = subprocess.run(
        [sys.executable, "-c", start], capture_output=True, text=True, check=True, timeout=120
    )
    assert again.stdout.strip() == "[]"
