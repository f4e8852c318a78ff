"""core.upsert_query and storage.key_locks without a server: the key match on an in-memory
SQLite table, and the lock digest that equal keys share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from gridbase.core.upsert_query import match_rows
from gridbase.storage.key_locks import digest


def table() -> tuple[sa.Connection, sa.Table]:
    t = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("qty", sa.Integer),
    )
    conn = sa.create_engine("sqlite://").connect()
    t.metadata.create_all(conn)
    rows = [("a", 1), ("A", 1), ("b", None), (None, 2), ("a", 2)]
    conn.execute(t.insert(), [{"name": n, "qty": q} for n, q in rows])
    return conn, t


def test_one_key_field_matches_exactly_and_null_matches_null() -> None:
    conn, t = table()
    found = conn.execute(match_rows(t, ["name"], [("a",), ("c",), (None,), ("b",)])).all()
    assert [tuple(r) for r in found] == [(1, 0), (3, 3), (4, 2), (5, 0)]


def test_several_key_fields_all_match() -> None:
    conn, t = table()
    found = conn.execute(match_rows(t, ["name", "qty"], [("a", 2), ("b", None), ("A", 2)])).all()
    assert [tuple(r) for r in found] == [(3, 1), (5, 0)]


def test_equal_keys_share_a_lock_digest() -> None:
    assert digest(1, [Decimal("1.50")]) == digest(1, [Decimal("1.5")])
    assert digest(1, [Decimal("0.00")]) == digest(1, [Decimal("0")])
    moment = datetime(2026, 1, 2, 10, tzinfo=UTC)
    other_zone = moment.astimezone(timezone(timedelta(hours=2)))
    assert digest(1, [moment]) == digest(1, [other_zone])
    assert digest(1, ["a"]) != digest(1, ["A"]) != digest(2, ["A"])
    assert digest(1, ["1"]) != digest(1, [1])
