"""Storage: SQLite pragmas, queued concurrent writers, transactional DDL."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from gridbase.storage.engine import Database
from tests.conftest import Api
from tests.helpers import assert_error


def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_concurrent_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(50):
                with db.write() as conn:
                    n = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                    conn.exec_driver_sql(f"UPDATE counter SET n = {int(n) + 1}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT n FROM counter").scalar() == 400
    db.dispose()


def test_failed_table_creation_leaves_no_sql_table(api: Api, ctx) -> None:
    did = api.database()
    before = set(sa.inspect(ctx.db.engine).get_table_names())
    r = api.post(f"/api/database/tables/database/{did}/", {"name": "x", "data": [["a", "a"]], "first_row_header": True})
    assert_error(r, 400, "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES")
    assert set(sa.inspect(ctx.db.engine).get_table_names()) == before
    assert api.ok(api.get(f"/api/database/tables/database/{did}/")) == []


def test_every_field_is_a_real_column(api: Api, ctx) -> None:
    tid = api.table()
    field = api.field(tid, "Amount", "number", number_decimal_places=2)
    columns = {c["name"] for c in sa.inspect(ctx.db.engine).get_columns(f"database_table_{tid}")}
    assert {"id", "order", "created_on", "updated_on", f"field_{field['id']}"} <= columns
    assert api.delete(f"/api/database/fields/{field['id']}/").status_code == 200
    columns = {c["name"] for c in sa.inspect(ctx.db.engine).get_columns(f"database_table_{tid}")}
    assert f"field_{field['id']}" not in columns
