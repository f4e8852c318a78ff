"""storage.kept.meta_clock: a metadata look-up is kept on a SQLite connection - reader or writer -
until any metadata changes (by gridbase or another program, committed or not), and never on
PostgreSQL. Row writes leave it kept."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from gridbase.storage.kept import meta_clock
from tests.conftest import Api


def _name(conn: sa.Connection, workspace: int) -> str:
    return str(
        conn.execute(sa.select(s.workspaces.c.name).where(s.workspaces.c.id == workspace)).scalar()
    )


class Kept:
    """meta_clock.cached of a workspace's name, counting the reads it really made."""

    def __init__(self, workspace: int) -> None:
        self.workspace, self.reads = workspace, 0

    def __call__(self, conn: sa.Connection) -> str:
        def read() -> str:
            self.reads += 1
            return _name(conn, self.workspace)

        found = meta_clock.cached(conn, "test", self.workspace, read)
        assert found == _name(conn, self.workspace)  # never anything but what the connection sees
        return found


def _rename(conn: sa.Connection, workspace: int, name: str) -> None:
    conn.execute(s.workspaces.update().where(s.workspaces.c.id == workspace).values(name=name))


def test_kept_across_row_writes_until_metadata_changes(api: Api, ctx: Ctx, backend: str) -> None:
    ws = api.workspace()
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    kept = Kept(ws)
    with ctx.db.engine.connect() as conn:  # one connection, in turn reading and writing
        for _ in range(2):
            with conn.begin():
                kept(conn)
            with conn.begin():
                kept(conn)
                # a row write
                conn.execute(sa.text(f'UPDATE database_table_{table} SET "order" = "order" + 1'))
            api.ok(api.post(f"/api/database/rows/table/{table}/", {}))  # one by another connection
        assert kept.reads == (1 if backend == "sqlite" else 4)
        with ctx.db.write() as other:
            _rename(other, ws, "renamed")
        with conn.begin():
            assert kept(conn) == "renamed"
            assert kept(conn) == "renamed"
    assert kept.reads == (2 if backend == "sqlite" else 6)


def test_a_change_rolled_back_never_comes_back(api: Api, ctx: Ctx, backend: str) -> None:
    """What a transaction changed and rolled back is forgotten, and a later change is never
    answered with what was kept under the rolled-back one."""
    ws = api.workspace()
    kept = Kept(ws)
    with ctx.db.engine.connect() as conn:
        with conn.begin():
            original = kept(conn)
            savepoint = conn.begin_nested()
            _rename(conn, ws, "inside")
            assert kept(conn) == "inside"
            savepoint.rollback()
            assert kept(conn) == original
            _rename(conn, ws, "after")
            assert kept(conn) == "after"
            conn.rollback()
        with ctx.db.write() as other:  # one change, as the rolled-back transaction made one
            _rename(other, ws, "last")
        with conn.begin():
            assert kept(conn) == "last"
    assert kept.reads == 5


def test_every_metadata_change_moves_the_clock_and_row_traffic_does_not(
    api: Api, ctx: Ctx, backend: str
) -> None:
    ws = api.workspace()
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    counter = api.ok(
        api.post(f"/api/database/fields/table/{table}/", {"name": "N", "type": "autonumber"})
    )
    with ctx.db.read() as conn:
        if backend != "sqlite":
            assert meta_clock.value(conn) is None
            return
        triggers = set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
        )
    assert {
        f"{t}_clocked_{e}" for t in meta_clock.CLOCKED for e in ("insert", "update", "delete")
    } <= triggers
    assert {
        s.workspaces.name,
        s.tokens.name,
        s.token_permissions.name,
        s.fields.name,
        s.webhooks.name,
    } <= set(meta_clock.CLOCKED)

    def moves(change: Any) -> bool:
        with ctx.db.read() as conn:
            before = meta_clock.value(conn)
        change()
        with ctx.db.read() as conn:
            return meta_clock.value(conn) != before

    path = f"/api/database/rows/table/{table}/"
    assert not moves(lambda: api.ok(api.post(path, {})))  # the autonumber counter moves, quietly
    assert moves(lambda: api.ok(api.patch(f"/api/database/fields/{counter['id']}/", {"name": "M"})))
    assert moves(lambda: api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws})))
    other = sqlite3.connect(ctx.db.engine.url.database)  # another program, behind gridbase's back
    assert moves(lambda: other.execute("DELETE FROM token_permissions") and other.commit())
    assert moves(lambda: other.execute("UPDATE users SET first_name = 'x'") and other.commit())
    assert not moves(
        lambda: other.execute(f"DELETE FROM database_table_{table}") and other.commit()
    )
    other.close()
