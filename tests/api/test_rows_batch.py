"""Batch creates: one multi-row INSERT per chunk of rows (storage.prepared.chunks), its
chunks kept under the backends' limits on bound parameters, the ids in the items' order.
Batch updates (on PostgreSQL one UPDATE ... FROM VALUES per set of columns, after one
SELECT ... FOR UPDATE): each row gets its own values whatever mix of columns and types the
items set, a missing row changes nothing, and concurrent batches over the same rows in
opposite orders both land; every column type a batch update writes reads back as single-row
updates write it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gridbase.storage.prepared import INSERT_PARAMETERS, insert_chunk
from tests.conftest import Api


@pytest.mark.parametrize(
    ("rows", "columns", "size"),
    [(200, 10, 128), (72, 10, 64), (8, 10, 8), (1, 10, 1), (300, 10, 256), (200, 330, 64),
     (200, 600, 32), (5, 40_000, 1)],
)  # fmt: skip
def test_an_insert_takes_the_largest_power_of_two_that_fits(
    rows: int, columns: int, size: int
) -> None:
    assert insert_chunk(rows, columns) == size
    assert size * columns <= INSERT_PARAMETERS or size == 1


def test_a_full_batch_is_written_in_the_items_order(api: Api) -> None:
    header = [f"c{i}" for i in range(40)]
    table = api.table(api.database(), "Wide", data=[header, ["x"] * len(header)])
    items = [{name: f"{n}-{name}" for name in header} for n in range(200)]  # 128 + 64 + 8
    created = api.ok(
        api.post(f"/api/database/rows/table/{table}/batch/?user_field_names=true", {"items": items})
    )["items"]
    ids = [row["id"] for row in created]
    assert ids == sorted(ids) and len(set(ids)) == 200
    assert [{name: row[name] for name in header} for row in created] == items
    listed = api.rows(table, size=200)
    assert [row["c7"] for row in listed[1:]] == [item["c7"] for item in items[:199]]


def _typed_table(api: Api) -> int:
    table = api.table(api.database(), "Typed", data=[["Name"]] + [[f"r{i}"] for i in range(12)])
    api.field(table, "Amount", "number", number_decimal_places=2)
    api.field(table, "Day", "date", date_include_time=True)
    api.field(table, "Done", "boolean")
    api.field(table, "Notes", "long_text")
    return table


def test_a_batch_update_writes_each_rows_own_values(api: Api) -> None:
    table = _typed_table(api)
    ids = [row["id"] for row in api.rows(table)]
    url = f"/api/database/rows/table/{table}/batch/?user_field_names=true"
    items: list[dict[str, Any]] = []
    for n, row_id in enumerate(ids):
        item: dict[str, Any] = {"id": row_id, "Amount": f"{n}.25", "Done": n % 2 == 0}
        if n % 3 == 0:  # another set of columns: its own statement
            item.update(Day=f"2026-12-{n + 1:02d}T08:{n:02d}:00Z", Notes=f"note\n{n}")
        if n == 4:
            item["Amount"] = None
        items.append(item)
    answered = api.ok(api.patch(url, {"items": list(reversed(items))}))["items"]
    by_id = {row["id"]: row for row in api.rows(table)}
    assert sorted(answered, key=lambda r: r["id"]) == [by_id[i] for i in ids]
    for n, row_id in enumerate(ids):
        row = by_id[row_id]
        assert row["Name"] == f"r{n}"
        assert row["Amount"] == (None if n == 4 else f"{n}.25")
        assert row["Done"] is (n % 2 == 0)
        assert row["Day"] == (f"2026-12-{n + 1:02d}T08:{n:02d}:00Z" if n % 3 == 0 else None)
        assert row["Notes"] == (f"note\n{n}" if n % 3 == 0 else None)
    # a row that does not exist: the whole batch is refused and nothing changes
    missing = api.patch(url, {"items": [{"id": i, "Amount": "7.00"} for i in [*ids, 99_999]]})
    assert (missing.status_code, missing.json()["error"]) == (404, "ERROR_ROW_DOES_NOT_EXIST")
    assert api.rows(table) == [by_id[i] for i in ids]


def test_concurrent_batch_updates_over_the_same_rows_both_land(api: Api) -> None:
    table = api.table(api.database(), "Busy", data=[["Name"]] + [[f"r{i}"] for i in range(60)])
    ids = [row["id"] for row in api.rows(table, size=100)]
    url = f"/api/database/rows/table/{table}/batch/?user_field_names=true"

    def write(n: int) -> int:
        order = ids if n % 2 == 0 else list(reversed(ids))
        items = [{"id": i, "Name": f"w{n}"} for i in order]
        return int(api.patch(url, {"items": items}).status_code)

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(write, range(12))) == [200] * 12
    names = {row["Name"] for row in api.rows(table, size=100)}
    assert len(names) == 1 and names <= {f"w{n}" for n in range(12)}  # one batch won whole


def test_a_batch_update_writes_every_column_type_as_single_updates_do(api: Api) -> None:
    """Each writable type stored in the row's own table (text kinds, numbers, rating,
    boolean, dates, duration, selects, files), through one UPDATE ... FROM VALUES on
    PostgreSQL: the rows read back as the same values written one row at a time."""
    uploaded = api.ok(
        api.client.post(
            "/api/user-files/upload-file/", files={"file": ("a.txt", b"a")}, headers=api.headers
        )
    )
    database = api.database()
    tables = [api.table(database, f"T{n}", data=[["Name"], ["a"], ["b"], ["c"]]) for n in (1, 2)]
    for table in tables:
        api.field(table, "Notes", "long_text")
        api.field(table, "Site", "url")
        api.field(table, "Mail", "email")
        api.field(table, "Phone", "phone_number")
        api.field(table, "Price", "number", number_decimal_places=3, number_negative=True)
        api.field(table, "Stars", "rating", max_value=5)
        api.field(table, "Done", "boolean")
        api.field(table, "Day", "date")
        api.field(table, "At", "date", date_include_time=True)
        api.field(table, "Took", "duration", duration_format="h:mm:ss")
        api.field(table, "Kind", "single_select", select_options=[{"value": "x", "color": "red"}])
        api.field(table, "Tags", "multiple_select", select_options=[{"value": "t", "color": "red"}])
        api.field(table, "Docs", "file")
    options = {
        table: {f["name"]: f.get("select_options") for f in api.fields(table)} for table in tables
    }

    def values(table: int, n: int) -> dict[str, Any]:
        return {
            "Name": f"név {n}", "Notes": f"line\n{n}", "Site": f"https://x.test/{n}",
            "Mail": f"u{n}@x.test", "Phone": f"+1 555 010{n}", "Price": f"-{n}.125",
            "Stars": n, "Done": n % 2 == 1, "Day": f"2026-01-0{n + 1}",
            "At": f"2026-01-0{n + 1}T10:0{n}:00Z", "Took": 3600 + n,
            "Kind": options[table]["Kind"][0]["id"], "Tags": [options[table]["Tags"][0]["id"]],
            "Docs": [{"name": uploaded["name"]}],
        }  # fmt: skip

    batched, single = tables
    url = "/api/database/rows/table/{}/{}?user_field_names=true"
    items = [{"id": row["id"], **values(batched, n)} for n, row in enumerate(api.rows(batched))]
    api.ok(api.patch(url.format(batched, "batch/"), {"items": items}))
    for n, row in enumerate(api.rows(single)):
        api.ok(api.patch(url.format(single, f"{row['id']}/"), values(single, n)))

    def comparable(table: int) -> list[dict[str, Any]]:
        rows = api.rows(table)
        for row in rows:
            row["Kind"] = row["Kind"]["value"]
            row["Tags"] = [tag["value"] for tag in row["Tags"]]
            row["Docs"] = [doc["visible_name"] for doc in row["Docs"]]
        return rows

    assert comparable(batched) == comparable(single)
    assert comparable(batched)[2]["Price"] == "-2.125"
