"""Storage: SQLite pragmas, queued concurrent writers, transactional DDL."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from gridbase.storage import engine
from gridbase.storage.engine import Database
from tests.conftest import PG_URL, Api
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
    r = api.post(
        f"/api/database/tables/database/{did}/",
        {"name": "x", "data": [["a", "a"]], "first_row_header": True},
    )
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
    assert f"field_{field['id']}" in columns  # in the trash: kept for a restore
    (workspace,) = api.ok(api.get("/api/workspaces/"))
    assert api.delete(f"/api/trash/workspace/{workspace['id']}/").status_code == 204
    columns = {c["name"] for c in sa.inspect(ctx.db.engine).get_columns(f"database_table_{tid}")}
    assert f"field_{field['id']}" not in columns


def test_postgres_pings_only_connections_that_sat_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pooled connection back in use within PING_AFTER_IDLE_SECONDS is not pinged (a lost
    server shows on its next statement, and the pool then connects anew); an idle one is
    pinged at checkout and replaced when its server side is gone."""
    if not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    db = Database(PG_URL, pool_size=1)
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))

    def backend_pid() -> int:
        with db.read() as conn:
            return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())

    def kill(pid: int) -> None:
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar_one()

    try:
        first = backend_pid()
        kill(first)
        with pytest.raises(sa.exc.OperationalError):  # used a moment ago: not pinged
            backend_pid()
        second = backend_pid()  # the pool dropped the dead connection
        assert second != first
        # now every checkout counts as idle
        monkeypatch.setattr(engine, "PING_AFTER_IDLE_SECONDS", 0.0)
        kill(second)
        third = backend_pid()  # pinged, replaced, answered
        assert third not in (first, second)
    finally:
        db.dispose()
        admin.dispose()


def test_postgres_reads_are_autocommit_and_writes_are_transactions() -> None:
    """A read sets autocommit on the pooled connection (storage.raw.autocommit) and leaves
    it unset for the next user: a write on the same connection rolls back as a whole. A
    read whose connection broke under a raw cursor (SQLAlchemy never saw it) leaves a
    working pool behind."""
    if not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    db = Database(PG_URL, pool_size=1)
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with db.read() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None and raw.autocommit
            assert raw.execute("SHOW transaction_isolation").fetchone() == ("read committed",)
            pid = raw.execute("SELECT pg_backend_pid()").fetchone()[0]
        with pytest.raises(RuntimeError), db.write() as conn:
            assert not conn.connection.dbapi_connection.autocommit  # type: ignore[union-attr]
            conn.exec_driver_sql("CREATE TABLE gb_autocommit_probe (x int)")
            raise RuntimeError
        with db.read() as conn:
            found = conn.exec_driver_sql("SELECT to_regclass('gb_autocommit_probe')").scalar()
            assert found is None
        with admin.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        with pytest.raises(psycopg.OperationalError), db.read() as conn:
            conn.connection.dbapi_connection.execute("SELECT 1")  # type: ignore[union-attr]
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        db.dispose()
        admin.dispose()


def test_postgres_connections_never_jit_compile() -> None:
    """JIT's threshold is a plan's estimated cost, which searches and filters over large
    tables pass while they run in milliseconds: compiling took longer than running."""
    if not PG_URL:
        pytest.skip("GRIDBASE_TEST_POSTGRES_URL is not set")
    db = Database(PG_URL, pool_size=1)
    try:
        for _ in range(2):  # a new connection, then the pooled one
            with db.read() as conn:
                assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
    finally:
        db.dispose()
