"""Deep pages: on SQLite a page far from 1 seeks from a remembered position (core/deep_pages).
Every page must equal the same slice of the whole listing, in any order and with filters,
also right after writes that move rows. MARKS_FROM is lowered so that small tables use marks."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.core import deep_pages
from gridbase.core.context import Ctx
from gridbase.usertable import keyset
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"
SIZE = 4


@pytest.fixture(autouse=True)
def marks_for_small_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deep_pages, "MARKS_FROM", 1)


def make_table(api: Api, count: int) -> tuple[int, dict[str, Any]]:
    table = api.table(data=[["Name"]])
    amount = api.field(table, "Amount", "number", number_decimal_places=1)
    items = [
        {"Name": f"row {i:02}", "Amount": None if i % 5 == 0 else str(i % 3)} for i in range(count)
    ]
    api.ok(api.post(ROWS.format(table) + "batch/?user_field_names=true", {"items": items}))
    return table, amount


def page(api: Api, table: int, number: int, size: int = SIZE, **params: Any) -> list[int]:
    body = api.ok(
        api.get(
            ROWS.format(table),
            params={"size": size, "page": number, "user_field_names": "true", **params},
        )
    )
    return [r["id"] for r in body["results"]]


def pages(api: Api, table: int, order: list[int], **params: Any) -> dict[int, list[int]]:
    return {number: page(api, table, number, **params) for number in order}


def slices(ids: list[int], numbers: list[int]) -> dict[int, list[int]]:
    return {n: ids[(n - 1) * SIZE : n * SIZE] for n in numbers}


@pytest.mark.parametrize("order_by", ["", "Amount,-Name", "-Amount,Name", "-Name"])
def test_pages_in_any_visiting_order_equal_the_listing(api: Api, order_by: str) -> None:
    table, _ = make_table(api, 23)
    params = {"order_by": order_by} if order_by else {}
    everything = [r["id"] for r in api.rows(table, size=100, **params)]
    numbers = [1, 2, 3, 4, 5, 6, 7]  # 7 is short (3 rows)
    # forwards (each page seeks from the previous one's end), again, backwards, jumping,
    # past the end
    for visit in (numbers, numbers, numbers[::-1], [5, 2, 6, 3, 7, 4]):
        assert pages(api, table, visit, **params) == slices(everything, visit)
    assert page(api, table, 9, **params) == []
    # other page sizes start and end between the marks the size-4 pages left
    for size in (3, 5, 2):
        for number in range(2, 24 // size + 2):
            assert (
                page(api, table, number, size, **params)
                == everything[(number - 1) * size : number * size]
            )


def test_filtered_and_searched_pages(api: Api) -> None:
    table, _ = make_table(api, 30)
    # by name: the rows are listed with user_field_names, where an id names no field
    filters = json.dumps(
        {
            "filter_type": "AND",
            "filters": [{"field": "Amount", "type": "not_empty", "value": ""}],
        }
    )
    for params in (
        {"filters": filters},
        {"search": "row"},
        {"filters": filters, "order_by": "-Amount"},
    ):
        everything = [r["id"] for r in api.rows(table, size=100, **params)]
        numbers = [1, 2, 3, 4, 5, 6]
        assert pages(api, table, numbers + numbers, **params) == slices(everything, numbers)


def test_pages_follow_writes_that_move_rows(api: Api) -> None:
    table, amount = make_table(api, 20)
    numbers = [2, 3, 4, 5]
    pages(api, table, numbers)  # leaves marks

    def check() -> None:
        everything = [r["id"] for r in api.rows(table, size=100)]
        assert pages(api, table, numbers) == slices(everything, numbers)

    first = api.rows(table, size=1)[0]["id"]
    api.ok(api.delete(ROWS.format(table) + f"{first}/"))  # every later row moves up one place
    check()
    # ... and down again
    api.ok(api.post(ROWS.format(table) + f"?before={api.rows(table, size=1)[0]['id']}", {}))
    check()
    moved = api.rows(table, size=100)[-1]["id"]
    # to the end: nothing before it changes
    api.ok(api.patch(ROWS.format(table) + f"{moved}/move/", {}))
    api.ok(
        api.patch(
            ROWS.format(table) + f"{moved}/move/?before_id={api.rows(table, size=1)[0]['id']}", {}
        )
    )
    check()
    by_amount = {"order_by": "Amount"}
    everything = [r["id"] for r in api.rows(table, size=100, **by_amount)]
    assert pages(api, table, numbers, **by_amount) == slices(everything, numbers)
    # first -> last
    api.ok(api.patch(ROWS.format(table) + f"{everything[0]}/", {f"field_{amount['id']}": "9"}))
    everything = [r["id"] for r in api.rows(table, size=100, **by_amount)]
    assert pages(api, table, numbers, **by_amount) == slices(everything, numbers)


def test_keyset_clauses_seek_an_index(api: Api, ctx: Ctx, backend: str) -> None:
    """Each clause of keyset.after lets SQLite search an index on the first key part
    instead of walking it from the start (the plan says SEARCH, not SCAN), for ascending
    and descending parts, with and without NULL keys; together they hold the rows after."""
    if backend != "sqlite":
        pytest.skip("a SQLite query plan")
    table, _ = make_table(api, 12)
    indexed = api.field(table, "Indexed", "number", db_index=True)
    for row in api.rows(table, size=100):
        value = None if row["id"] % 4 == 0 else str(row["id"] % 3)
        api.ok(api.patch(ROWS.format(table) + f"{row['id']}/", {f"field_{indexed['id']}": value}))
    with ctx.db.read() as conn:
        model = ctx.model_of(conn, table)
        t, column = model.sql, model.sql.c[f"field_{indexed['id']}"]
        orders = [[(t.c.order, False), (t.c.id, False)]] + [
            [(column, descending), (t.c.order, False), (t.c.id, False)]
            for descending in (False, True)
        ]
        for parts in orders:
            order = [p.desc().nulls_last() if d else p.asc().nulls_first() for p, d in parts]
            listed = [
                (r.id, list(r[1:]))
                for r in conn.execute(sa.select(t.c.id, *[p for p, _ in parts]).order_by(*order))
            ]
            # after a row with a value and after a row with NULL as its first key
            nulls = [i for i, (_, k) in enumerate(listed) if k[0] is None]
            for position in [5, *nulls[1:2]]:
                got = []
                for clause in keyset.after(parts, listed[position][1]):
                    stmt = sa.select(t.c.id).where(clause).order_by(*order)
                    compiled = stmt.compile(
                        dialect=conn.dialect, compile_kwargs={"literal_binds": True}
                    )
                    plan = [
                        row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
                    ]
                    assert plan[0].startswith("SEARCH"), (parts, position, plan)
                    got += [r.id for r in conn.execute(stmt)]
                assert got == [row_id for row_id, _ in listed[position + 1 :]], (parts, position)


def test_a_table_with_a_formula_that_reads_the_clock_keeps_no_marks(
    api: Api, ctx: Ctx, backend: str
) -> None:
    """Its rows' sort keys can change with no write, so a mark could seek to the wrong row."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps no marks")

    def marks() -> int:
        kept = [reader.info.get("snapshot_stores") for reader in ctx.db._readers]
        return sum(
            len(stores[1].get("deep_page_marks", {})) for stores in kept if stores is not None
        )

    clock, _ = make_table(api, 12)
    api.field(clock, "Today", "formula", formula="today()")
    assert pages(api, clock, [2, 3, 2]) == slices(
        [r["id"] for r in api.rows(clock, size=100)], [2, 3, 2]
    )
    assert marks() == 0
    plain, _ = make_table(api, 12)
    pages(api, plain, [2, 3])
    assert marks() == 1  # one list query with marks
