"""storage.kept.meta_clock: a metadata look-up is kept on a SQLite connection - reader or writer -
until any metadata changes (by gridbase or another program, committed or not); on PostgreSQL
a token's look-up is kept and checked by the request's own statements. Row writes leave it
kept."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import engine
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
            # a writer takes SQLite's write lock at BEGIN, as Database.write does (a deferred
            # BEGIN fails with "database is locked" once the app's work committed meanwhile)
            conn.info["immediate"] = True
            with conn.begin():
                kept(conn)
                # a row write
                conn.execute(sa.text(f'UPDATE database_table_{table} SET "order" = "order" + 1'))
            conn.info["immediate"] = False
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


def _clock(ctx: Ctx) -> int:
    with ctx.db.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT value FROM {meta_clock.CLOCK}").scalar_one())


def test_every_metadata_change_moves_the_clock_and_row_traffic_does_not(
    api: Api, ctx: Ctx, backend: str
) -> None:
    ws = api.workspace()
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    counter = api.ok(
        api.post(f"/api/database/fields/table/{table}/", {"name": "N", "type": "autonumber"})
    )
    with ctx.db.read() as conn:
        if backend == "sqlite":
            triggers = set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).scalars()
            )
            made = {
                f"{t}_clocked_{e}"
                for t in meta_clock.CLOCKED
                for e in ("insert", "update", "delete")
            }
        else:
            triggers = set(conn.exec_driver_sql("SELECT tgname FROM pg_trigger").scalars())
            made = {f"{t}_clocked{e}" for t in meta_clock.CLOCKED for e in ("", "_truncate")}
    assert made <= triggers
    assert {
        s.workspaces.name,
        s.tokens.name,
        s.token_permissions.name,
        s.fields.name,
        s.webhooks.name,
    } <= set(meta_clock.CLOCKED)
    # written by row traffic
    assert not {s.idempotency_keys.name, s.trashed_rows.name} & set(meta_clock.CLOCKED)

    def moves(change: Any) -> bool:
        before = _clock(ctx)
        change()
        return _clock(ctx) != before

    path = f"/api/database/rows/table/{table}/"
    assert not moves(lambda: api.ok(api.post(path, {})))  # the autonumber counter moves, quietly
    assert moves(lambda: api.ok(api.patch(f"/api/database/fields/{counter['id']}/", {"name": "M"})))
    assert moves(lambda: api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws})))
    # another program, behind gridbase's back
    other = sa.create_engine(ctx.db.engine.url)

    def run(sql: str) -> None:
        with other.begin() as conn:
            conn.exec_driver_sql(sql)

    assert not moves(lambda: run("UPDATE tokens SET last_used = created_on"))  # a token's use
    assert moves(lambda: run("UPDATE tokens SET name = 'renamed'"))
    assert moves(lambda: run("DELETE FROM token_permissions"))
    assert moves(lambda: run("UPDATE users SET first_name = 'x'"))
    assert not moves(lambda: api.delete(f"{path}1/").raise_for_status())  # to the trash
    assert not moves(lambda: run(f"DELETE FROM database_table_{table}"))
    if backend != "sqlite":
        assert moves(lambda: run("TRUNCATE webhook_events"))
        with other.connect() as conn:  # rolled back: the clock stays
            before = _clock(ctx)
            conn.exec_driver_sql("UPDATE users SET first_name = 'y'")
            conn.rollback()
            assert _clock(ctx) == before
    other.dispose()


class Statements:
    """The token look-ups the server sends to PostgreSQL (on the driver's cursors, which
    Prepared statements use too)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import psycopg

        self.tokens = 0
        plain = psycopg.Cursor.execute

        def execute(cur: Any, query: Any, *a: Any, **k: Any) -> Any:
            text = query if isinstance(query, str) else str(query)
            if "FROM tokens" in text:
                self.tokens += 1
            return plain(cur, query, *a, **k)

        monkeypatch.setattr(psycopg.Cursor, "execute", execute)


def _token(api: Api, ws: int) -> tuple[int, dict[str, str]]:
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    return token["id"], {"Authorization": f"Token {token['key']}"}


def test_postgres_keeps_a_token_look_up_and_a_change_elsewhere_applies_at_once(
    api: Api, ctx: Ctx, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: a token's look-up is kept per connection and checked by the request's
    own row statement (or lock check); a revocation or a changed grant committed by another
    instance is refused at the very next request, read or write, and an error answered from a
    kept look-up is checked too."""
    if backend == "sqlite":
        pytest.skip("SQLite reads the clock itself (the tests above)")
    ws = api.workspace()
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    token_id, headers = _token(api, ws)
    rows = f"/api/database/rows/table/{table}/"
    statements = Statements(monkeypatch)

    def call(method: str, path: str, body: Any = None) -> Any:
        return api.client.request(method, path, json=body, headers=headers)

    for _ in range(6):  # several pooled connections: each looks the token up once at most
        assert call("GET", f"{rows}1/").status_code == 200
        assert call("GET", rows).status_code == 200
        assert call("POST", rows, {}).status_code == 200
    first = statements.tokens
    for _ in range(6):
        assert call("GET", f"{rows}1/").status_code == 200
        assert call("PATCH", f"{rows}1/", {}).status_code == 200
    assert statements.tokens == first  # kept
    other = sa.create_engine(ctx.db.engine.url)  # another instance, as far as we can tell
    with other.begin() as conn:
        conn.execute(
            s.token_permissions.delete().where(
                s.token_permissions.c.token_id == token_id,
                s.token_permissions.c.operation == "create",
            )
        )
    refused = call("POST", rows, {})
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
    assert call("GET", f"{rows}1/").status_code == 200  # read is still granted
    with other.begin() as conn:
        conn.execute(s.token_permissions.delete().where(s.token_permissions.c.token_id == token_id))
    refused = call("GET", f"{rows}1/")
    assert refused.status_code == 401 and refused.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
    # an error answered from what was kept: the table missing (no row statement runs)
    missing = call("GET", f"/api/database/rows/table/{table + 1000}/1/")
    assert missing.status_code == 404
    with other.begin() as conn:
        conn.execute(s.tokens.delete().where(s.tokens.c.id == token_id))
    for path in (f"/api/database/rows/table/{table + 1000}/1/", f"{rows}1/", rows):
        gone = call("GET", path)
        assert gone.status_code == 401 and gone.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
    other.dispose()


def test_postgres_a_retry_on_another_pooled_connection_assumes_the_clock_that_moved(
    api: Api, ctx: Ctx, backend: str
) -> None:
    """PostgreSQL: a request whose optimistic look-up met a moved clock runs again, and the
    next run assumes the value that refused it on whichever pooled connection it gets - not
    that connection's own older reading (the pool hands out its idle connections in turn,
    so with more of them idle than runs left, every run met the old value: a 500)."""
    if backend == "sqlite":
        pytest.skip("SQLite reads the clock itself")
    ws = api.workspace()
    table = api.table(api.database(ws), data=[["Name"], ["a"]])
    token_id, headers = _token(api, ws)
    with ExitStack() as stack:  # every idle pooled connection, and more, read today's clock
        for _ in range(ctx.db.engine.pool.checkedin() + engine.RETRIES + 1):
            conn = stack.enter_context(ctx.db.read())
            meta_clock.seen(
                conn,
                int(conn.exec_driver_sql(f"SELECT value FROM {meta_clock.CLOCK}").scalar_one()),
            )
    other = sa.create_engine(ctx.db.engine.url)
    with other.begin() as conn:
        conn.execute(s.tokens.delete().where(s.tokens.c.id == token_id))
    other.dispose()
    gone = api.client.get(f"/api/database/rows/table/{table}/", headers=headers)
    assert gone.status_code == 401, gone.text
    assert gone.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"


def test_postgres_startup_leaves_triggers_in_place_while_others_serve(
    ctx: Ctx, backend: str
) -> None:
    """A start (another instance's, or another worker's) makes the clock's triggers and the
    table lock function only when they differ from its own: dropping and making triggers
    would lock every metadata table, and wait for (or deadlock with) requests in flight."""
    if backend == "sqlite":
        pytest.skip("SQLite remakes its triggers under its single writer")
    from concurrent.futures import ThreadPoolExecutor

    from gridbase.storage import table_locks

    other = sa.create_engine(ctx.db.engine.url)
    with other.connect() as busy, ThreadPoolExecutor(1) as pool:
        busy.execute(sa.select(s.workspaces.c.id).limit(1))  # a request in flight
        started = pool.submit(lambda: (meta_clock.ensure(ctx.db), table_locks.ensure(ctx.db)))
        try:
            started.result(timeout=20)
        finally:
            busy.rollback()  # (lets a start that waits go on, so that the test ends)
    other.dispose()
