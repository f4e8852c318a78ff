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


def test_rebuilding_a_table_on_sqlite_loses_no_rows_that_reference_it(tmp_path: Path) -> None:
    # 5b8e2f4a9d17 rebuilds `users` (batch mode); with foreign keys on, its DROP TABLE
    # cascaded and emptied workspace_users: an upgraded server knew nobody's workspaces
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    migrate.upgrade(db, "7d2e4b9a1c03")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO users (id, email, password, first_name, is_staff, is_active, language, "
            "date_joined) VALUES (1, 'a@b.c', 'x', 'A', 1, 1, 'en', '2026-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO workspaces (id, name, created_on) VALUES (1, 'W', '2026-01-01')"
        )
        conn.exec_driver_sql(
            'INSERT INTO workspace_users (id, workspace_id, user_id, permissions, "order", '
            "created_on) VALUES (1, 1, 1, 'ADMIN', 1, '2026-01-01')"
        )
    migrate.upgrade(db)
    with db.read() as conn:
        assert migrate.at_head(conn)
        assert conn.exec_driver_sql("SELECT user_id FROM workspace_users").all() == [(1,)]
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
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
