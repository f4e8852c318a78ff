"""Batch creates: one multi-row INSERT per chunk of rows (storage.prepared.chunks), its
chunks kept under the backends' limits on bound parameters, the ids in the items' order."""

from __future__ import annotations

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
