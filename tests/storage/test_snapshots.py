"""storage.kept.snapshots: what a read connection keeps lives exactly as long as the data it was
read from - on SQLite read transactions only; PostgreSQL and writing transactions keep nothing."""

from __future__ import annotations

from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from gridbase.storage.kept import snapshots


def test_kept_until_any_write_and_never_in_a_write(ctx: Ctx, backend: str) -> None:
    reads: list[str] = []

    def cached(conn: object, key: str = "k") -> str:
        return snapshots.cached(conn, "test", key, lambda: reads.append(key) or key)  # type: ignore[arg-type, func-returns-value]

    def write() -> None:
        with ctx.db.write() as conn:
            conn.execute(s.workspaces.insert().values(name="elsewhere", created_on=ctx.clock()))

    with ctx.db.read() as conn:
        cached(conn), cached(conn), cached(conn, "other")
    with ctx.db.read() as conn:
        cached(conn)
    assert reads == (["k", "other"] if backend == "sqlite" else ["k", "k", "other", "k"])
    reads.clear()
    write()
    with ctx.db.read() as conn:
        cached(conn), cached(conn)
    assert reads == (["k"] if backend == "sqlite" else ["k", "k"])
    reads.clear()
    with ctx.db.write() as conn:  # what a writing transaction reads may yet be rolled back
        cached(conn), cached(conn)
    assert reads == ["k", "k"]
    with ctx.db.read() as conn:
        assert [
            snapshots.cached(conn, "test", None, lambda: reads.append("none")) for _ in range(2)
        ] == [None, None]
    assert reads[2:] == ["none", "none"]  # no key: nothing kept
