"""List counts on SQLite are kept per connection until the data moves on (storage.snapshots):
a list read again, or its next page, counts once; any write - through gridbase, from another
connection, or a schema change - is counted afresh, and a formula that reads the clock keeps
nothing. PostgreSQL counts every time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage import snapshots
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"


@pytest.fixture
def counted(ctx: Ctx) -> Iterator[list[str]]:
    """The count statements on row tables (and their search index) the server runs from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sql = statement.split("*/")[-1] if statement.startswith("/*") else statement  # PostgreSQL's version tag
        if sql.lstrip().upper().startswith("SELECT COUNT(") and "database_table_" in sql:
            seen.append(statement)

    sa.event.listen(ctx.db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(ctx.db.engine, "before_cursor_execute", record)


def count(api: Api, table: int, **params: Any) -> int:
    return int(api.ok(api.get(ROWS.format(table), params={"size": 2, **params}))["count"])


def test_a_list_counts_once_until_the_data_moves_on(api: Api, backend: str, settings: Any, counted: list[str]) -> None:
    table = api.table(data=[["Name"], ["apple"], ["pear"], ["plum"]])

    def runs(sqlite: int, postgres: int) -> int:  # SQLite keeps counts; PostgreSQL counts every list
        return sqlite if backend == "sqlite" else postgres

    assert [count(api, table), count(api, table), count(api, table, page=2)] == [3, 3, 3]
    assert len(counted) == runs(1, 3)
    api.ok(api.post(ROWS.format(table), {}))  # a write through gridbase
    assert [count(api, table), count(api, table)] == [4, 4]
    assert len(counted) == runs(2, 5)

    filters = json.dumps({"filter_type": "AND", "filters": [{"field": api.fields(table)[0]["id"], "type": "contains", "value": "p"}]})
    assert [count(api, table, filters=filters), count(api, table, filters=filters)] == [3, 3]  # a list of its own
    assert count(api, table, search="plum") == 1
    assert count(api, table, search="plum") == 1  # the search index's count is kept too
    assert len(counted) == runs(4, 9)

    if backend == "sqlite":  # a write from another connection (another process would do the same)
        path = settings.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as other:
            other.execute(f"DELETE FROM database_table_{table} WHERE id = (SELECT max(id) FROM database_table_{table})")
        assert count(api, table) == 3
        assert len(counted) == 5
    api.field(table, "Notes", "text")  # a schema change
    count(api, table)
    count(api, table)
    assert len(counted) == runs(6, 11)


def test_a_formula_that_reads_the_clock_keeps_no_count(api: Api, counted: list[str]) -> None:
    table = api.table(data=[["Name"], ["apple"], ["pear"]])
    api.field(table, "Today", "formula", formula="today()")
    count(api, table)
    count(api, table)
    assert len(counted) == 2


@pytest.mark.parametrize(("expression", "reads"), [
    (sa.func.now(), True),
    (sa.func.datetime("now"), True),
    (sa.func.date(" NOW "), True),
    (sa.func.random() + 1, True),
    (sa.select(sa.func.count()).where(sa.column("d") < sa.func.date("now")).scalar_subquery(), True),
    (sa.func.date(sa.column("d")), False),
    (sa.func.strftime("%Y", sa.column("d")), False),
    (sa.func.lower(sa.literal("now")), False),
    (None, False),
])
def test_reads_clock(expression: Any, reads: bool) -> None:
    assert snapshots.reads_clock([expression]) is reads
