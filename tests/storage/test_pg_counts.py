"""Counts kept on PostgreSQL (storage.kept.pg_counts): a filtered or searched list's count is
kept under the version of every table it reads, so it is counted once until one of them
changes - from gridbase or from any other program, committed in any order - and never
after a write that rolled back or inside a writing transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.search.query import FEW_MATCHES
from gridbase.storage.kept import row_counts
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"
COUNTING = re.compile(r"\(SELECT count\(\*\) AS \w+\s+FROM database_table_", re.IGNORECASE)


@pytest.fixture
def postgres(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite keeps its counts per connection (storage.kept.snapshots)")


@pytest.fixture
def counted(ctx: Ctx) -> Iterator[list[str]]:
    """The counts over row tables the server computes from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if COUNTING.search(statement):
            seen.append(statement)

    sa.event.listen(ctx.db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(ctx.db.engine, "before_cursor_execute", record)


@pytest.fixture
def other(settings: Any) -> Iterator[sa.Engine]:
    """Another program's connections to the same database."""
    engine = sa.create_engine(settings.database_url)
    yield engine
    engine.dispose()


def where(field: int, type_: str, value: str) -> dict[str, str]:
    return {
        "filters": json.dumps(
            {"filter_type": "AND", "filters": [{"field": field, "type": type_, "value": value}]}
        )
    }


def count(api: Api, table: int, **params: Any) -> int:
    return int(api.ok(api.get(ROWS.format(table), params={"size": 1, **params}))["count"])


@pytest.mark.usefixtures("postgres")
def test_kept_until_a_table_it_reads_changes_in_any_commit_order(
    api: Api, counted: list[str], other: sa.Engine
) -> None:
    database = api.database()
    tags = api.table(database, "Tags", data=[["Label"], ["red"], ["blue"]])
    items = api.table(database, "Items", data=[["Name"], ["apple"], ["pear"], ["plum"]])
    name = api.fields(items)[0]["id"]
    link = api.field(items, "Tags", "link_row", link_row_table_id=tags, has_related_field=False)
    red, blue = (r["id"] for r in api.rows(tags))
    apple = api.rows(items)[0]["id"]
    contains, linked = where(name, "contains", "p"), where(link["id"], "link_row_has", str(red))
    junction = f"database_relation_{link['id']}"

    assert [count(api, items, **contains), count(api, items, **contains)] == [3, 3]
    assert [count(api, items, **linked), count(api, items, **linked)] == [0, 0]
    assert len(counted) == 2

    # another program links a row: only the junction changes
    with other.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO {junction} (row_id, target_id) VALUES ({apple}, {red})"))
    assert [count(api, items, **linked), count(api, items, **contains)] == [1, 3]
    assert len(counted) == 3

    # a write that rolls back moves nothing
    with other.connect() as conn, conn.begin() as transaction:
        conn.execute(sa.text(f"DELETE FROM database_table_{items}"))
        conn.execute(sa.text(f"DELETE FROM {junction}"))
        transaction.rollback()
    assert [count(api, items, **linked), count(api, items, **contains)] == [1, 3]
    assert len(counted) == 3

    # two writers commit in the other order than they began: each commit is seen
    first, second = other.connect(), other.connect()
    try:
        first.begin()
        first.execute(
            sa.text(f"INSERT INTO {junction} (row_id, target_id) VALUES ({apple}, {blue})")
        )
        first.execute(
            sa.text(
                f'INSERT INTO database_table_{items} ("order", created_on, updated_on, '
                f"field_{name}) VALUES (10, now(), now(), 'peach')"
            )
        )
        with second.begin():
            second.execute(
                sa.text(
                    f'INSERT INTO database_table_{items} ("order", created_on, updated_on, '
                    f"field_{name}) VALUES (11, now(), now(), 'papaya')"
                )
            )
        assert count(api, items, **contains) == 4  # papaya; peach is not committed yet
        first.commit()
    finally:
        first.close()
        second.close()
    assert count(api, items, **contains) == 5
    assert count(api, items, **where(link["id"], "link_row_has", str(blue))) == 1

    # an update and a truncate
    with other.begin() as conn:
        conn.execute(sa.text(f"UPDATE database_table_{items} SET field_{name} = 'kiwi'"))
    assert count(api, items, **contains) == 0
    with other.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {junction}"))
    assert count(api, items, **linked) == 0


@pytest.mark.usefixtures("postgres")
def test_a_search_count_follows_linked_rows_and_the_metadata(
    api: Api, counted: list[str], other: sa.Engine
) -> None:
    database = api.database()
    tags = api.table(database, "Tags", data=[["Label"], ["mango"], ["kiwi"]])
    items = api.table(database, "Items", data=[["Name"], ["apple"], ["pear"]])
    label = api.fields(tags)[0]["id"]
    link = api.field(items, "Tags", "link_row", link_row_table_id=tags)["id"]
    mango, kiwi = (r["id"] for r in api.rows(tags))
    apple, pear = (r["id"] for r in api.rows(items))
    api.ok(api.patch(ROWS.format(items) + f"{apple}/", {f"field_{link}": [mango]}))
    api.ok(api.patch(ROWS.format(items) + f"{pear}/", {f"field_{link}": [kiwi]}))

    # over FEW_MATCHES' 1,000 ids nothing here is counted by ids: ask for a filter and a
    # full-text search (compat search leaves links out, as Baserow's does)
    searched = {"search": "mango", "search_mode": "full-text-with-count",
                **where(link, "not_empty", "")}  # fmt: skip
    assert [count(api, items, **searched), count(api, items, **searched)] == [1, 1]
    assert len(counted) == 1
    # the linked row's text changes: the search reads that table
    api.ok(api.patch(ROWS.format(tags) + f"{kiwi}/", {f"field_{label}": "mango too"}))
    assert count(api, items, **searched) == 2
    # a field renamed changes no statement, but the metadata clock
    api.ok(api.patch(f"/api/database/fields/{label}/", {"name": "Colour"}))
    assert count(api, items, **searched) == 2
    assert len(counted) == 3


@pytest.mark.usefixtures("postgres")
def test_nothing_is_kept_in_a_writing_transaction_or_without_triggers(
    api: Api, ctx: Ctx, other: sa.Engine
) -> None:
    table = api.table(data=[["Name"], ["apple"], ["pear"]])
    name = api.fields(table)[0]["id"]
    with ctx.db.read() as conn:
        model = sa.Table(f"database_table_{table}", sa.MetaData(), autoload_with=conn)
    stmt = sa.select(sa.func.count()).select_from(model).where(model.c[f"field_{name}"] != "")
    kept = ctx.kept.counts
    with ctx.db.write() as conn:
        assert row_counts.count(conn, table, model, stmt, kept=kept) == 2
    assert len(kept) == 0
    # a table whose update trigger is gone (made by an older gridbase): counted every time
    with other.begin() as conn:
        conn.execute(
            sa.text(f"DROP TRIGGER database_table_{table}_counted_update ON database_table_{table}")
        )
    with ctx.db.read() as conn:
        assert row_counts.count(conn, table, model, stmt, kept=kept) == 2
    assert len(kept) == 0
    with ctx.db.read() as conn:  # the startup check gives it back
        assert row_counts.missing(conn, [table]) == [table]
    row_counts.ensure(ctx.db)
    with ctx.db.read() as conn:
        assert row_counts.count(conn, table, model, stmt, kept=kept) == 2
    assert len(kept) == 1


def test_versioned_names() -> None:
    assert row_counts.versioned("database_table_12") == (12, "database_table_12_counted_update")
    assert row_counts.versioned("database_table_12_search") == (
        12,
        "database_table_12_search_versioned",
    )
    assert row_counts.versioned("database_relation_7") == (-7, "database_relation_7_versioned")
    assert row_counts.versioned("database_multipleselect_7")[0] == -7  # type: ignore[index]
    assert row_counts.versioned("database_collaborators_7")[0] == -7  # type: ignore[index]
    for other in ("users", "database_table_12_search_text", "database_tables", "database_table_x"):
        assert row_counts.versioned(other) is None


@pytest.mark.usefixtures("postgres")
def test_a_search_of_many_matches_is_counted_and_probed_once(api: Api, ctx: Ctx) -> None:
    """A compat search with more than FEW_MATCHES matches reads up to 1,001 ids and counts
    the first time; read again with nothing changed, it reads the version only."""
    table = api.table(data=[["Name"], ["apple"]])
    name = f"field_{api.fields(table)[0]['id']}"
    for start in range(0, FEW_MATCHES + 200, 200):
        items = [{name: f"mango {start + i}"} for i in range(200)]
        api.ok(api.post(ROWS.format(table) + "batch/", {"items": items}))
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        if COUNTING.search(statement) or FEW_MATCHES + 1 in values:
            sent.append(statement)

    sa.event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        expected = FEW_MATCHES + 200
        assert [count(api, table, search="mango") for _ in range(3)] == [expected] * 3
    finally:
        sa.event.remove(ctx.db.engine, "before_cursor_execute", record)
    assert len(sent) == 2  # the probe and the count, once
