"""SQLite group commit: grouped writes of one event-loop turn share one durable commit, each
in its own savepoint; nothing is visible (or acknowledged) before that commit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridbase.storage import search_index
from gridbase.storage.engine import Database
from gridbase.storage.group_commit import awaiting
from tests.helpers import eventually


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.write() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER NOT NULL)")
    yield database
    database.dispose()


def values(db: Database) -> list[int]:
    with db.read() as conn:
        return sorted(conn.exec_driver_sql("SELECT n FROM t").scalars())


def grouped_insert(db: Database, n: int | None) -> list[asyncio.Future[None]]:
    with awaiting() as pending, db.write(group=True) as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (?)", (n,))
    return pending


def test_writes_of_one_turn_share_a_commit_and_are_invisible_until_it(db: Database) -> None:
    async def scenario() -> None:
        first, second = grouped_insert(db, 1), grouped_insert(db, 2)
        assert len(first) == 1 and first == second  # one group, one commit
        assert values(db) == []  # not committed yet: another connection sees nothing
        await first[0]
        assert values(db) == [1, 2]
        third = grouped_insert(db, 3)  # a later turn opens a new group
        assert third != first
        await third[0]

    asyncio.run(scenario())
    assert values(db) == [1, 2, 3]


def test_a_failing_write_rolls_back_alone(db: Database) -> None:
    async def scenario() -> None:
        ok = grouped_insert(db, 1)
        with pytest.raises(Exception, match="NOT NULL"):
            grouped_insert(db, None)
        also_ok = grouped_insert(db, 3)
        await ok[0]
        assert ok == also_ok

    asyncio.run(scenario())
    assert values(db) == [1, 3]


def test_a_plain_write_on_the_loop_commits_the_open_group_first(db: Database) -> None:
    async def scenario() -> None:
        pending = grouped_insert(db, 1)
        with db.write() as conn:  # must not wait for the lock the group holds
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
        assert values(db) == [1, 2]
        await pending[0]

    asyncio.run(scenario())


def test_outside_an_awaiting_call_grouped_writes_commit_at_once(db: Database) -> None:
    with db.write(group=True) as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert values(db) == [1]


@pytest.mark.parametrize("setting, pragma", [("full", 2), ("normal", 1)])
def test_synchronous_setting(tmp_path: Path, setting: str, pragma: int) -> None:
    database = Database(f"sqlite:///{tmp_path / 'y.db'}", synchronous=setting)
    with database.read() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == pragma
    database.dispose()


def test_a_group_is_answered_after_its_wal_sync_and_its_connection_is_durable_again(
    db: Database,
) -> None:
    syncer = db.groups.syncer
    assert syncer is not None  # synchronous=full on a file: the WAL is synced off the loop

    async def scenario() -> None:
        first = grouped_insert(db, 1)
        await first[0]
        assert syncer.synced == 1  # the commit's WAL sync ran before the answer
        second = grouped_insert(db, 2)
        await second[0]
        assert syncer.synced == 2

    asyncio.run(scenario())
    with db.read() as conn:  # the group's connection went back to the pool with FULL
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_normal_needs_no_syncer(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'z.db'}", synchronous="normal")
    assert database.groups.syncer is None
    database.dispose()


def test_search_documents_are_written_at_the_group_commit_and_dropped_with_a_failed_member(
    db: Database,
) -> None:
    with db.write() as conn:
        search_index.create(conn, 7)
        search_index.store(conn, 7, [(1, ["old"], "old")])

    def indexed() -> list[tuple[int, str]]:
        with db.read() as conn:
            return sorted(
                conn.exec_driver_sql("SELECT rowid, doc FROM database_table_7_search").all()
            )

    async def scenario() -> None:
        with awaiting() as pending, db.write(group=True) as conn:
            search_index.forget(conn, 7, [1])
            search_index.store(conn, 7, [(1, ["new"], "new")])
            # not yet
            assert conn.exec_driver_sql(
                "SELECT doc FROM database_table_7_search"
            ).scalars().all() == ["old"]
        with pytest.raises(RuntimeError), awaiting(), db.write(group=True) as conn:
            search_index.store(conn, 7, [(2, ["failed"], "failed")])
            raise RuntimeError("this member rolls back")
        with awaiting(), db.write(group=True) as conn:
            search_index.forget(conn, 7, [1])  # a later member of the same group sees its own order
            search_index.store(conn, 7, [(1, ["newer"], "newer"), (3, ["third"], "third")])
        await pending[0]

    asyncio.run(scenario())
    assert indexed() == [(1, "newer"), (3, "third")]
    with db.read() as conn:  # the texts follow the words
        texts = "SELECT rowid, content FROM database_table_7_search_text ORDER BY rowid"
        assert conn.exec_driver_sql(texts).all() == [(1, "newer"), (3, "third")]


def test_the_wal_is_checkpointed_off_the_loop_and_restarts_small(db: Database) -> None:
    syncer = db.groups.syncer
    assert syncer is not None
    with db.read() as conn:
        # commits never checkpoint
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with db.write() as conn:  # ~5 MB of WAL in one commit
        conn.exec_driver_sql("CREATE TABLE big (b TEXT)")
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
            "INSERT INTO big SELECT printf('%.1000c', 'x') FROM n"
        )
    wal = Path(syncer.path)
    assert wal.stat().st_size > 4 << 20
    eventually(lambda: syncer.checkpoints >= 1 or None)
    with db.write() as conn:  # the first write after a complete checkpoint restarts the WAL
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert wal.stat().st_size < 64 * 1024
    assert values(db) == [1]
