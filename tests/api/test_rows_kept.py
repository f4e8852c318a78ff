"""What SQLite reads keep per connection until the data moves on (storage.kept.snapshots): list
counts (a list read again, or its next page, counts once) and linked rows' primary texts.
Any write - through gridbase, from another connection, or a schema change - is read afresh,
and a formula that reads the clock keeps nothing. PostgreSQL keeps counts per app
(storage.kept.pg_counts) under a version of the tables they read, and reads texts every
time."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.storage.kept import snapshots
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"
KEPT_COUNT = re.compile(r"\(SELECT count\(\*\) AS \w+\s+FROM \(?(SELECT )?database_table_", re.I)


@pytest.fixture
def counted(ctx: Ctx) -> Iterator[list[str]]:
    """The count statements on row tables (and their search index) the server runs from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # PostgreSQL's version tag
        sql = statement.split("*/")[-1] if statement.startswith("/*") else statement
        plain = sql.lstrip().upper().startswith("SELECT COUNT(") and "database_table_" in sql
        # PostgreSQL: a count read with the version it is kept at
        if plain or KEPT_COUNT.search(sql):
            seen.append(statement)

    sa.event.listen(ctx.db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(ctx.db.engine, "before_cursor_execute", record)


def count(api: Api, table: int, **params: Any) -> int:
    return int(api.ok(api.get(ROWS.format(table), params={"size": 2, **params}))["count"])


def test_a_list_counts_once_until_the_data_moves_on(
    api: Api, backend: str, settings: Any, counted: list[str]
) -> None:
    table = api.table(data=[["Name"], ["apple"], ["pear"], ["plum"]])
    name = api.fields(table)[0]["id"]

    def having(text: str) -> dict[str, str]:
        return {
            "filters": json.dumps(
                {
                    "filter_type": "AND",
                    "filters": [{"field": name, "type": "contains", "value": text}],
                }
            )
        }

    assert [
        count(api, table, **having("p")),
        count(api, table, **having("p")),
        count(api, table, page=2, **having("p")),
    ] == [3, 3, 3]
    assert len(counted) == 1
    api.ok(api.post(ROWS.format(table), {f"field_{name}": "grape"}))  # a write through gridbase
    assert [count(api, table, **having("p")), count(api, table, **having("p"))] == [4, 4]
    assert len(counted) == 2

    # a list of its own
    assert [count(api, table, **having("pl")), count(api, table, **having("pl"))] == [2, 2]
    assert count(api, table, search="plum") == 1
    # SQLite keeps the search index's count too; PostgreSQL counts the few matches' ids it reads
    assert count(api, table, search="plum") == 1
    full_text = {"search": "plum", "search_mode": "full-text-with-count"}
    assert [count(api, table, **full_text), count(api, table, **full_text)] == [1, 1]
    assert len(counted) == (5 if backend == "sqlite" else 3)
    before = len(counted)

    # a write from another connection (another process would do the same)
    newest = f"(SELECT max(id) FROM database_table_{table})"
    if backend == "sqlite":
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            other.execute(f"DELETE FROM database_table_{table} WHERE id = {newest}")
    else:
        another = sa.create_engine(settings.database_url)
        with another.begin() as conn:
            conn.execute(sa.text(f"DELETE FROM database_table_{table} WHERE id = {newest}"))
        another.dispose()
    assert [count(api, table, **having("p")), count(api, table, **having("p"))] == [3, 3]
    assert len(counted) == before + 1
    api.field(table, "Notes", "text")  # a schema change
    count(api, table, **having("p"))
    count(api, table, **having("p"))
    assert len(counted) == before + 2


def test_a_filtered_count_is_kept_across_writes_to_other_tables(
    api: Api, backend: str, settings: Any, counted: list[str]
) -> None:
    """A count that reads nothing but its own row table stays kept while that table's rows and
    the metadata hold; one that reads another table (a link filter) counts after any write
    on SQLite, and on PostgreSQL after a write to a table it reads (here the junction)."""
    database = api.database()
    tags = api.table(database, "Tags", data=[["Label"], ["red"]])
    items = api.table(database, "Items", data=[["Name"], ["apple"], ["pear"], ["plum"]])
    name, label = api.fields(items)[0]["id"], api.fields(tags)[0]["id"]
    link = api.field(items, "Tags", "link_row", link_row_table_id=tags, has_related_field=False)[
        "id"
    ]
    red = api.rows(tags)[0]["id"]

    def where(field: int, type_: str, value: str) -> dict[str, str]:
        return {
            "filters": json.dumps(
                {"filter_type": "AND", "filters": [{"field": field, "type": type_, "value": value}]}
            )
        }

    contains, linked = where(name, "contains", "p"), where(link, "link_row_has", str(red))
    assert (count(api, items, **contains), count(api, items, **linked)) == (3, 0)
    before = len(counted)
    api.ok(api.post(ROWS.format(tags), {f"field_{label}": "blue"}))  # a write to another table
    assert (count(api, items, **contains), count(api, items, **linked)) == (3, 0)
    # SQLite: the link filter, which reads the junction table, counted again
    linked_again = 1 if backend == "sqlite" else 0
    assert len(counted) == before + linked_again
    api.ok(api.post(ROWS.format(items), {f"field_{name}": "grape"}))  # a write to the table itself
    assert count(api, items, **contains) == 4
    # another program
    kiwi = f"UPDATE database_table_{items} SET field_{name} = 'kiwi' WHERE field_{name} = 'grape'"
    if backend == "sqlite":
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            other.execute(kiwi)
    else:
        another = sa.create_engine(settings.database_url)
        with another.begin() as conn:
            conn.execute(sa.text(kiwi))
        another.dispose()
    assert count(api, items, **contains) == 3
    # metadata (of the other table)
    api.ok(api.patch(f"/api/database/fields/{label}/", {"name": "Colour"}))
    assert count(api, items, **contains) == 3
    assert count(api, items, **contains) == 3
    assert len(counted) == before + linked_again + 3
    # a link added: the link filter counts again (PostgreSQL: its junction moved)
    apple = api.rows(items)[0]["id"]
    api.ok(api.patch(ROWS.format(items) + f"{apple}/", {f"field_{link}": [red]}))
    assert count(api, items, **linked) == 1
    assert count(api, items, **linked) == 1


def test_a_formula_that_reads_the_clock_keeps_no_count(api: Api, counted: list[str]) -> None:
    table = api.table(data=[["Name"], ["apple"], ["pear"]])
    api.field(table, "Today", "formula", formula="today()")
    filters = json.dumps(
        {
            "filter_type": "AND",
            "filters": [{"field": api.fields(table)[0]["id"], "type": "not_empty", "value": ""}],
        }
    )
    count(api, table, filters=filters)
    count(api, table, filters=filters)
    assert len(counted) == 2


@pytest.mark.parametrize(
    ("expression", "reads"),
    [
        (sa.func.now(), True),
        (sa.func.datetime("now"), True),
        (sa.func.date(" NOW "), True),
        (sa.func.random() + 1, True),
        (
            sa.select(sa.func.count())
            .where(sa.column("d") < sa.func.date("now"))
            .scalar_subquery(),
            True,
        ),
        (sa.func.date(sa.column("d")), False),
        (sa.func.strftime("%Y", sa.column("d")), False),
        (sa.func.lower(sa.literal("now")), False),
        (None, False),
    ],
)
def test_reads_clock(expression: Any, reads: bool) -> None:
    assert snapshots.reads_clock([expression]) is reads


def test_linked_texts_are_read_once_until_the_data_moves_on(
    api: Api, ctx: Ctx, backend: str, settings: Any
) -> None:
    database = api.database()
    tags = api.table(database, "Tags", data=[["Label"], ["red"], ["blue"]])
    items = api.table(database, "Items", data=[["Name"], ["one"], ["two"]])
    label = f"field_{api.fields(tags)[0]['id']}"
    link_field = api.field(
        items, "Tags", "link_row", link_row_table_id=tags, has_related_field=False
    )
    link = f"field_{link_field['id']}"
    tag_ids = [r["id"] for r in api.rows(tags)]
    item_ids = [r["id"] for r in api.rows(items)]
    for item, tag in zip(item_ids, tag_ids, strict=True):
        api.ok(api.patch(ROWS.format(items) + f"{item}/", {link: [tag]}))

    def texts() -> list[list[str]]:
        rows = [api.ok(api.get(ROWS.format(items) + f"{item}/")) for item in item_ids]
        return [[linked["value"] for linked in row[link]] for row in rows]

    assert texts() == [["red"], ["blue"]]
    api.ok(api.patch(ROWS.format(tags) + f"{tag_ids[1]}/", {label: "navy"}))
    assert texts() == [["red"], ["navy"]]
    if backend != "sqlite":
        return
    # The texts are read on the driver's cursor, so the server's reader connection (open
    # since the reads above) is traced at the driver.
    reads: list[str] = []
    (reader,) = ctx.db._readers
    reader.connection.driver_connection.set_trace_callback(
        lambda sql: reads.append(sql) if f"FROM database_table_{tags} " in sql else None
    )
    try:
        assert texts() == [["red"], ["navy"]]
        assert reads == []  # kept
        # a write elsewhere
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            other.execute(
                f"UPDATE database_table_{tags} SET {label} = 'green' WHERE id = ?", (tag_ids[0],)
            )
        assert texts() == [["green"], ["navy"]]
        assert len(reads) == 2  # each text read again, once
        api.ok(
            api.patch(
                f"/api/database/fields/{label.removeprefix('field_')}/",
                {"type": "formula", "formula": "concat('day ', totext(today()))"},
            )
        )
        reads.clear()
        day = f"day {datetime.now(UTC).date().isoformat()}"
        assert texts() == texts() == [[day], [day]]
        assert len(reads) == 4  # a primary that reads the clock: read every time
    finally:
        reader.connection.driver_connection.set_trace_callback(None)


def test_linked_texts_are_kept_across_writes_to_other_tables(
    api: Api, ctx: Ctx, backend: str, settings: Any
) -> None:
    """A stored primary's texts are kept by the writer too, and by readers across writes to
    other tables, until the linked table's rows or the metadata change."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps nothing")
    database = api.database()
    tags = api.table(database, "Tags", data=[["Label"], ["red"]])
    items = api.table(database, "Items", data=[["Name"], ["one"]])
    label, name = (f"field_{api.fields(t)[0]['id']}" for t in (tags, items))
    link_field = api.field(
        items, "Tags", "link_row", link_row_table_id=tags, has_related_field=False
    )
    link = f"field_{link_field['id']}"
    (tag,), (item,) = [r["id"] for r in api.rows(tags)], [r["id"] for r in api.rows(items)]
    path = ROWS.format(items) + f"{item}/"
    api.ok(api.patch(path, {link: [tag]}))
    api.ok(api.get(path))
    reads: list[str] = []
    (reader,) = ctx.db._readers
    connections = {"writer": ctx.db.groups._conn, "reader": reader}

    def texts() -> list[str]:
        reads.clear()
        patched = api.ok(api.patch(path, {name: "one"}))  # a write to items that leaves the link
        return [linked["value"] for linked in [*patched[link], *api.ok(api.get(path))[link]]]

    for role, conn in connections.items():
        conn.connection.driver_connection.set_trace_callback(  # type: ignore[union-attr]
            lambda sql, role=role: (
                reads.append(role) if f"FROM database_table_{tags} " in sql else None
            )
        )
    try:
        assert texts() == ["red", "red"]
        assert texts() == ["red", "red"]
        # the writer's read-back and the reader: both kept across writes to items
        assert reads == []
        # (its search update reads them anew)
        api.ok(api.patch(ROWS.format(tags) + f"{tag}/", {label: "navy"}))
        assert texts() == ["navy", "navy"]
        assert reads == ["reader"]
        # another program
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as other:
            other.execute(f"UPDATE database_table_{tags} SET {label} = 'green'")
        assert texts() == ["green", "green"]
        assert reads == ["writer", "reader"]
        # metadata
        api.ok(
            api.patch(f"/api/database/fields/{label.removeprefix('field_')}/", {"name": "Colour"})
        )
        assert texts() == ["green", "green"]
        assert set(reads) == {"writer", "reader"}  # (a cached model of the old schema tries first)
        # A store can hold thousands of texts: only those of the rows asked for are looked at.
        reader.info["linked_texts"][tags][1][10**6] = ("not an order", "elsewhere")
        assert texts() == ["green", "green"]
    finally:
        for conn in connections.values():
            conn.connection.driver_connection.set_trace_callback(None)  # type: ignore[union-attr]
