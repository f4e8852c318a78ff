"""Kept row counts (storage.kept.row_counts): a list without filters reads its `count` from a
number that triggers keep (SQLite: one row per table; PostgreSQL: delta rows summed on read),
so it must equal a real count(*) after every kind of write - creates, batches, deletes, a
refused batch that rolls back, another program's writes, concurrent writers - and tables
from before the counts get theirs at startup."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage.kept import row_counts
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"


def listed(api: Api, table: int) -> int:
    return int(api.ok(api.get(ROWS.format(table), params={"size": 1}))["count"])


def counted(ctx: Ctx, table: int) -> int:
    with ctx.db.read() as conn:
        return int(
            conn.execute(sa.text(f"SELECT count(*) FROM database_table_{int(table)}")).scalar_one()
        )


def test_the_listed_count_follows_every_write(
    api: Api, ctx: Ctx, backend: str, settings: Any
) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"]])
    name = f"field_{api.fields(table)[0]['id']}"

    def same(expected: int) -> None:
        assert listed(api, table) == counted(ctx, table) == expected

    same(2)
    api.ok(api.post(ROWS.format(table), {name: "c"}))
    same(3)
    created = api.ok(
        api.post(ROWS.format(table) + "batch/", {"items": [{name: str(i)} for i in range(5)]})
    )["items"]
    same(8)
    refused = api.post(
        ROWS.format(table) + "batch/", {"items": [{name: "ok"}, {name: {"not": "text"}}]}
    )
    assert refused.status_code == 400  # the whole batch rolls back, its count with it
    same(8)
    api.ok(api.delete(ROWS.format(table) + f"{created[0]['id']}/"))
    same(7)
    api.ok(
        api.post(ROWS.format(table) + "batch-delete/", {"items": [r["id"] for r in created[1:3]]})
    )
    same(5)
    # another program's writes are counted too (the triggers live in the file)
    if backend == "sqlite":
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            other.execute(
                f'INSERT INTO database_table_{table} ("order", created_on, updated_on) '
                "VALUES (99, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        same(6)
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            # the truncate shortcut must not skip the trigger
            other.execute(f"DELETE FROM database_table_{table}")
        same(0)
    else:
        other = sa.create_engine(ctx.db.engine.url)
        try:
            with other.begin() as conn:
                conn.exec_driver_sql(
                    f'INSERT INTO database_table_{table} ("order", created_on, updated_on) '
                    "VALUES (99, now(), now()), (100, now(), now())"
                )
            same(7)
            with other.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE database_table_{table}")
            same(0)
        finally:
            other.dispose()


def test_tables_from_before_get_their_counts_at_startup(api: Api, ctx: Ctx, backend: str) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"], ["c"]])
    with ctx.db.write() as conn:  # as an older gridbase left it
        if backend == "sqlite":
            for event in ("insert", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER database_table_{table}_counted_{event}")
            conn.exec_driver_sql(f"DELETE FROM {row_counts.COUNTS} WHERE table_id = {table}")
        else:
            for event in ("insert", "delete", "truncate"):
                conn.exec_driver_sql(
                    f"DROP TRIGGER database_table_{table}_counted_{event} ON database_table_{table}"
                )
            conn.exec_driver_sql(f"DELETE FROM {row_counts.DELTAS} WHERE table_id = {table}")
    with ctx.db.read() as conn:
        assert row_counts.missing(conn, [table]) == [table]
        assert row_counts.rows(conn, table) is None
    assert listed(api, table) == 3  # counted the usual way meanwhile
    row_counts.ensure(ctx.db)
    with ctx.db.read() as conn:
        assert row_counts.missing(conn, [table]) == []
        assert row_counts.rows(conn, table) == 3
    api.ok(api.post(ROWS.format(table), {}))
    assert listed(api, table) == counted(ctx, table) == 4
    database = api.ok(api.get(f"/api/database/tables/{table}/"))["database_id"]
    workspace = api.ok(api.get(f"/api/applications/{database}/"))["workspace"]["id"]
    api.ok(api.delete(f"/api/database/tables/{table}/"))
    api.ok(api.delete(f"/api/trash/workspace/{workspace}/"))  # the table goes for good
    with ctx.db.read() as conn:
        assert row_counts.rows(conn, table) is None  # a dropped table's number goes with it


def test_versions_move_with_every_row_write_and_come_to_counts_from_before(
    api: Api, ctx: Ctx, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps no versions")
    table = api.table(api.database(), data=[["Name"], ["a"]])
    other = api.table(api.database(), data=[["Name"], ["b"]])

    def version() -> int | None:
        with ctx.db.read() as conn:
            return row_counts.version(conn, table)

    seen = [version()]
    row = api.ok(api.post(ROWS.format(table), {}))["id"]
    seen.append(version())
    api.ok(api.patch(ROWS.format(table) + f"{row}/", {}))
    seen.append(version())
    api.ok(api.post(ROWS.format(other), {}))  # another table's write
    assert version() == seen[-1]
    with ctx.db.write() as conn:
        conn.exec_driver_sql(f'UPDATE database_table_{table} SET "order" = "order" + 1')
    seen.append(version())
    api.ok(api.delete(ROWS.format(table) + f"{row}/"))
    seen.append(version())
    assert None not in seen and len(set(seen)) == len(seen)
    with ctx.db.write() as conn:  # as the gridbase before versions left it
        conn.exec_driver_sql(f"DROP TRIGGER database_table_{table}_counted_update")
        conn.exec_driver_sql(f"ALTER TABLE {row_counts.COUNTS} DROP COLUMN version")
    assert version() is None
    with ctx.db.read() as conn:
        assert row_counts.missing(conn, [table, other]) == [table, other]
    row_counts.ensure(ctx.db)
    before = version()
    with ctx.db.write() as conn:
        conn.exec_driver_sql(f'UPDATE database_table_{table} SET "order" = "order" + 1')
    assert None is not before != version()
    assert listed(api, table) == counted(ctx, table) == 1


def test_postgres_counts_follow_concurrent_writers_without_making_them_wait(
    api: Api, ctx: Ctx, backend: str
) -> None:
    """PostgreSQL: inserts and deletes from many connections at once - some rolled back,
    reads folding the delta rows meanwhile - leave the kept number equal to count(*); and a
    writer never waits for another's uncommitted insert (no shared counter row)."""
    if backend != "postgres":
        pytest.skip("the delta rows are PostgreSQL's")
    table = api.table(data=[["Name"], ["a"]])
    name = f"database_table_{table}"
    engine = sa.create_engine(ctx.db.engine.url, pool_size=8)
    try:
        with engine.connect() as first, engine.connect() as second:
            first.begin()
            first.exec_driver_sql(
                f'INSERT INTO {name} ("order", created_on, updated_on) VALUES (5, now(), now())'
            )
            with second.begin():  # fails instead of waiting if it has to wait for `first`
                second.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                second.exec_driver_sql(
                    f'INSERT INTO {name} ("order", created_on, updated_on) VALUES (6, now(), now())'
                )
            assert listed(api, table) == 2  # first's row is not committed yet
            first.commit()
        assert listed(api, table) == counted(ctx, table) == 3

        errors: list[BaseException] = []

        def writer(k: int) -> None:
            try:
                for i in range(40):
                    with engine.connect() as conn:
                        conn.begin()
                        conn.exec_driver_sql(
                            f'INSERT INTO {name} ("order", created_on, updated_on) '
                            "SELECT g, now(), now() FROM generate_series(1, %s) AS g" % (1 + i % 3)
                        )
                        if i % 4 == 1:
                            conn.exec_driver_sql(  # one row: two writers never deadlock
                                f"DELETE FROM {name} WHERE id = (SELECT max(id) FROM {name})"
                            )
                        conn.rollback() if i % 5 == k % 5 else conn.commit()
            except BaseException as exc:
                errors.append(exc)

        def reader() -> None:
            try:
                for _ in range(60):
                    with ctx.db.read() as conn:
                        row_counts.rows(conn, table)  # folds when the deltas pile up
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert listed(api, table) == counted(ctx, table) > 3
        with ctx.db.read() as conn:
            for _ in range(2):  # a fold leaves one row with the same sum
                row_counts.rows(conn, table)
            deltas = conn.exec_driver_sql(
                f"SELECT count(*) FROM {row_counts.DELTAS} WHERE table_id = {table}"
            ).scalar_one()
        assert deltas <= row_counts.FOLD_AT
        assert listed(api, table) == counted(ctx, table)
    finally:
        engine.dispose()


def test_postgres_reads_a_first_page_and_its_count_in_one_statement(
    api: Api, ctx: Ctx, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page of a whole table reads the delta rows' sum with its rows (and folds
    them when they are many); other pages and filtered lists count on their own."""
    if backend == "sqlite":
        pytest.skip("SQLite reads its count without a round trip")
    import psycopg

    table = api.table(data=[["Name"], ["a"], ["b"]])
    for _ in range(3):
        api.ok(api.post(ROWS.format(table), {}))
    with ctx.db.write() as conn:  # more delta rows than a read leaves (writers fold at random)
        conn.exec_driver_sql(
            f"INSERT INTO {row_counts.DELTAS} (table_id, rows) "
            f"SELECT {table}, 0 FROM generate_series(1, {row_counts.FOLD_AT + 1})"
        )
    sent: list[str] = []
    plain = psycopg.Cursor.execute

    def execute(cur: Any, query: Any, *a: Any, **k: Any) -> Any:
        sent.append(query if isinstance(query, str) else str(query))
        return plain(cur, query, *a, **k)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    total = 2 + 3

    def deltas() -> int:
        with ctx.db.read() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM {row_counts.DELTAS} WHERE table_id = {table}"
                ).scalar_one()
            )

    assert deltas() > row_counts.FOLD_AT
    sent.clear()
    assert listed(api, table) == total
    reads = [q for q in sent if row_counts.DELTAS in q and "database_table_" in q]
    assert len(reads) == 1 and not [q for q in sent if q.startswith("SELECT sum(rows)")]
    assert deltas() == 1  # folded
    sent.clear()
    page_two = api.ok(api.get(ROWS.format(table), params={"size": 1, "page": 2}))
    assert page_two["count"] == total and any(q.startswith("SELECT sum(rows)") for q in sent)


def test_postgres_writers_fold_delta_rows_of_a_table_nobody_lists(
    api: Api, ctx: Ctx, backend: str
) -> None:
    """Every writing statement adds a delta row; writers fold them now and then (one
    statement in FOLD_ODDS), so a table that is only written keeps few, and its count holds."""
    if backend == "sqlite":
        pytest.skip("SQLite keeps one row per table")
    table = api.table(data=[["Name"], ["a"], ["b"]])
    writes = 20 * row_counts.FOLD_ODDS  # no fold in so many: odds of about 1 in 600,000,000
    with ctx.db.engine.connect() as conn:
        for i in range(writes):
            with conn.begin():
                if i % 2:
                    conn.exec_driver_sql(f"UPDATE database_table_{table} SET updated_on = now()")
                else:
                    conn.exec_driver_sql(
                        f'INSERT INTO database_table_{table} ("order", created_on, updated_on) '
                        f"VALUES ({i + 10}, now(), now())"
                    )
        deltas = conn.exec_driver_sql(
            f"SELECT count(*) FROM {row_counts.DELTAS} WHERE table_id = {table}"
        ).scalar_one()
    assert deltas < writes / 2
    assert listed(api, table) == counted(ctx, table) == 2 + writes // 2


def test_postgres_a_transaction_adds_one_version_delta_per_table(
    api: Api, ctx: Ctx, backend: str
) -> None:
    """Updates (and junction and search document changes) only move a table's version: one
    delta row per transaction and table, however many statements (a batch update is one per
    row); a savepoint rolled back takes its delta row and its mark with it."""
    if backend == "sqlite":
        pytest.skip("SQLite keeps one row per table")
    table = api.table(data=[["Name"], ["a"], ["b"]])
    update = f"UPDATE database_table_{table} SET updated_on = now()"
    deltas = f"SELECT count(*) FROM {row_counts.DELTAS} WHERE table_id = {table}"
    with ctx.db.read() as conn:
        before = conn.exec_driver_sql(deltas).scalar_one()
    with ctx.db.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("SAVEPOINT s")
        conn.exec_driver_sql(update)
        conn.exec_driver_sql("ROLLBACK TO SAVEPOINT s")
        assert conn.exec_driver_sql(deltas).scalar_one() == before
        for _ in range(50):
            conn.exec_driver_sql(update)
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql(deltas).scalar_one() in (1, before + 1)  # (or folded)
