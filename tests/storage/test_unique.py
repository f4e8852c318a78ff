"""storage.unique: the partial unique index of a field constraint, and the database's
violation of it raised as FieldDataConstraint by Database.write (also inside a group
commit, where only the refused write rolls back)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gridbase.errors import FieldConstraintConflict, FieldDataConstraint
from gridbase.storage import unique
from gridbase.storage.engine import Database
from gridbase.storage.group_commit import awaiting

TEXT = unique.UniqueRule(("",), text=True)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.write() as conn:
        conn.exec_driver_sql("CREATE TABLE database_table_1 (id INTEGER PRIMARY KEY, field_2 TEXT)")
    yield database
    database.dispose()


def insert(conn: sa.Connection, value: str | None) -> None:
    conn.execute(sa.text("INSERT INTO database_table_1 (field_2) VALUES (:v)"), {"v": value})


def stored(db: Database) -> list[str | None]:
    with db.read() as conn:
        query = "SELECT field_2 FROM database_table_1 ORDER BY id"
        return list(conn.exec_driver_sql(query).scalars())


def test_empty_values_repeat_and_others_are_refused(db: Database) -> None:
    with db.write() as conn:
        unique.create(conn, 1, 2, sa.Text(), TEXT)
        for value in ("", "", None, None, "a"):
            insert(conn, value)
    with pytest.raises(FieldDataConstraint), db.write() as conn:
        insert(conn, "b")
        insert(conn, "a")
    assert stored(db) == ["", "", None, None, "a"]  # the whole write rolled back


def test_an_index_over_repeated_values_is_refused(db: Database) -> None:
    with db.write() as conn:
        insert(conn, "a")
        insert(conn, "a")
    with pytest.raises(FieldConstraintConflict), db.write() as conn:
        unique.create(conn, 1, 2, sa.Text(), TEXT)
    with db.read() as conn:
        assert sa.inspect(conn).get_indexes("database_table_1") == []


def test_other_integrity_errors_are_not_constraint_errors(db: Database) -> None:
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE other (n INTEGER UNIQUE)")
        conn.exec_driver_sql("INSERT INTO other VALUES (1)")
    with pytest.raises(sa.exc.IntegrityError), db.write() as conn:
        conn.exec_driver_sql("INSERT INTO other VALUES (1)")


def test_in_a_group_commit_only_the_refused_write_rolls_back(db: Database) -> None:
    with db.write() as conn:
        unique.create(conn, 1, 2, sa.Text(), TEXT)

    def grouped(value: str) -> list[asyncio.Future[None]]:
        with awaiting() as pending, db.write(group=True) as conn:
            insert(conn, value)
        return pending

    async def scenario() -> None:
        first = grouped("a")
        with pytest.raises(FieldDataConstraint):
            grouped("a")
        last = grouped("b")
        assert first == last  # one group
        await first[0]

    asyncio.run(scenario())
    assert stored(db) == ["a", "b"]
