"""storage.prepared on both backends: a Prepared statement answers what SQLAlchemy answers for
the same statement - IN and NOT IN lists of integers (one array parameter on PostgreSQL, one
text for every length), lists of text, a literal `%`, a parameter used twice, a statement that
returns no rows - and on PostgreSQL integer lists of any length share one SQL text;
insert_values writes what SQLAlchemy's executemany writes, ids in VALUES order; JSON columns
are written by jsontext.dumps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase import jsontext
from gridbase.storage.engine import Database
from gridbase.storage.prepared import Prepared, insert_values
from gridbase.storage.types import UtcDateTime

md = sa.MetaData()
items = sa.Table(
    "prepared_items",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String),
    sa.Column("n", sa.BigInteger),
)
written = sa.Table(
    "prepared_written",
    md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("doc", sa.JSON, nullable=False),
    sa.Column("label", sa.String, nullable=True, default="plain"),  # Python-side default
    sa.Column("n__1", sa.Integer),  # a key that looks like a parameter's row suffix
)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    md.create_all(database.engine)
    with database.write() as conn:
        conn.execute(
            items.insert(),
            [
                {"id": i, "name": f"{'%' if i % 3 == 0 else ''}n{i}", "n": i * 10}
                for i in range(1, 21)
            ],
        )
    yield database
    database.dispose()


def same(db: Database, stmt: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with db.read() as conn:
        expected = [tuple(r) for r in conn.execute(stmt, params)]
        got = Prepared(stmt, conn.dialect).rows(conn, params)
    assert got == expected
    return got


def test_prepared_answers_as_sqlalchemy_does(db: Database) -> None:
    ids = sa.bindparam("ids", expanding=True)
    by_ids = sa.select(items.c.id, items.c.name).where(items.c.id.in_(ids)).order_by(items.c.id)
    for chosen in ([3], [1, 2, 5], list(range(1, 40))):
        same(db, by_ids, {"ids": chosen})
    assert same(db, by_ids, {"ids": [4, 7]}) == [(4, "n4"), (7, "n7")]
    not_in = sa.select(items.c.id).where(items.c.id.not_in(ids)).order_by(items.c.id)
    assert [r[0] for r in same(db, not_in, {"ids": list(range(2, 21))})] == [1]
    names = sa.bindparam("names", expanding=True)
    by_name = sa.select(items.c.id).where(items.c.name.in_(names)).order_by(items.c.id)
    assert same(db, by_name, {"names": ["n1", "%n3", "nope"]}) == [(1,), (3,)]
    both = (
        sa.select(items.c.id)
        .where(items.c.id.in_(ids), items.c.name.not_in(names), items.c.n > sa.bindparam("low"))
        .order_by(items.c.id)
    )
    assert same(db, both, {"ids": [1, 2, 4, 5], "names": ["n2"], "low": 15}) == [(4,), (5,)]
    # a `%` in the SQL text itself (pyformat spells it `%%`)
    percent = (
        sa.select(items.c.id)
        .where(sa.func.substr(items.c.name, 1, 1) == sa.literal_column("'%'"))
        .order_by(items.c.id)
    )
    assert [r[0] for r in same(db, percent, {})] == [3, 6, 9, 12, 15, 18]
    twice = sa.select(items.c.id).where(
        sa.or_(items.c.id == sa.bindparam("x"), items.c.n == sa.bindparam("x") * 10)
    )
    assert same(db, twice, {"x": 2}) == [(2,)]
    with db.write() as conn:
        gone = Prepared(items.delete().where(items.c.id.in_(ids)), conn.dialect)
        assert gone.rows(conn, {"ids": [19, 20]}) == []
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(items)).scalar() == 18
        with pytest.raises(ValueError, match="empty IN list"):
            Prepared(by_ids, conn.dialect).rows(conn, {"ids": []})


def test_postgres_integer_lists_of_every_length_share_one_text(db: Database, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite spells every list out")
    stmt = sa.select(items.c.id).where(items.c.id.in_(sa.bindparam("ids", expanding=True)))
    with db.read() as conn:
        ready = Prepared(stmt, conn.dialect)
        for length in (1, 2, 50, 200):
            assert len(ready.rows(conn, {"ids": list(range(1, length + 1))})) == min(length, 20)
        ready.rows(conn, {"ids": ["1", "2"]})  # text items: one placeholder each
    texts = {sql for sql, _names in ready.variants.values()}
    assert len(texts) == 2
    assert any("= ANY($1)" in sql for sql in texts)


def test_insert_values_writes_what_executemany_writes(db: Database) -> None:
    at = datetime(2026, 12, 6, 8, 30, 15, 123456, tzinfo=UTC)
    docs: list[Any] = [{"a": [1, "é"]}, [], {"big": 2**70}, {"k": {"1": None}}, "x", 1.5]
    rows = [{"at": at, "doc": docs[i % len(docs)], "label": f"r{i}", "n__1": i} for i in range(300)]
    keys = ("at", "doc", "label", "n__1")
    with db.write() as conn:
        ids = insert_values(conn, written, keys, rows, written.c.id)
        # the same rows through SQLAlchemy's own executemany
        conn.execute(written.insert(), [{**r, "n__1": -r["n__1"]} for r in rows])
    assert ids == sorted(ids) and len(set(ids)) == 300  # chunks of 256 + 32 + 8 + 4
    with db.read() as conn:
        got = conn.execute(sa.select(written).order_by(written.c.id)).all()
    ours, theirs = got[:300], got[300:]
    assert [r.id for r in ours] == ids
    assert [r.n__1 for r in ours] == list(range(300))
    for mine, plain in zip(ours, theirs, strict=True):
        assert (mine.at, mine.doc, mine.label) == (plain.at, plain.doc, plain.label)
    assert (ours[2].doc, ours[0].at, ours[1].label) == ({"big": 2**70}, at, "r1")
    # a column left to its Python-side default is refused, not written as NULL
    with pytest.raises(ValueError, match="label"), db.write() as conn:
        insert_values(conn, written, ("at", "doc"), [{"at": at, "doc": {}}])
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(written)).scalar() == 600


def test_json_text_is_json_dumps_reading_for_every_value() -> None:
    values: list[Any] = [
        {"a": [1, 2.5, None, True], "é": "ü\n\u2028"},
        {"big": 2**70},  # past 64 bits: json.dumps' text
        {1: "int key"},  # not a string key: json.dumps turns it into "1"
        ["\ud800"],  # a lone surrogate: json.dumps escapes it
        (1, 2),
    ]
    for value in values:
        assert json.loads(jsontext.dumps(value)) == json.loads(json.dumps(value))
    assert jsontext.dumps({"a": 1}) == '{"a":1}'  # orjson's text where it can
    assert jsontext.dumps(float("nan")) == "null"  # PostgreSQL's json refuses NaN
    for refused in (datetime(2026, 1, 1), Decimal("1.5"), {1, 2}):
        with pytest.raises(TypeError):  # as json.dumps refuses them
            jsontext.dumps(refused)
