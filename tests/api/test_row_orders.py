"""Row orders as Baserow 1.35.3 gives them (asked of it): rows inserted or moved before a
row take the simplest fraction between the order ahead and the row's own (gridbase.core.
row_orders), appended rows the highest order rounded up, plus one; when no fraction is
left, the table is renumbered in its order and the write goes on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridbase.core.row_orders import (
    NoOrderBetween,
    intermediate_fraction,
    intermediate_order,
    orders_between,
)
from tests.conftest import Api


def test_fractions_of_the_stern_brocot_tree() -> None:
    assert intermediate_fraction(1, 1, 2, 1) == (3, 2)  # adjacent: the mediant
    assert intermediate_fraction(0, 1, 5, 1) == (1, 1)  # the simplest between 0 and 5
    assert intermediate_fraction(3, 2, 2, 1) == (5, 3)
    assert orders_between(Decimal(1), Decimal(2), 3) == [
        Decimal("1.5"), Decimal("1.66666666666666674068"), Decimal("1.75")
    ]  # fmt: skip
    with pytest.raises(NoOrderBetween):
        intermediate_order(Decimal(1), Decimal("1.00000000000000000001"))


def test_orders_of_inserts_moves_and_appends(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"], ["c"]])
    rows = f"/api/database/rows/table/{table}/"
    made = api.ok(api.post(f"{rows}batch/?before=2", {"items": [{}, {}, {}]}))["items"]
    assert [r["order"] for r in made] == [
        "1.50000000000000000000", "1.66666666666666674068", "1.75000000000000000000"
    ]  # fmt: skip
    assert api.ok(api.patch(f"{rows}1/move/?before_id=2"))["order"] == "1.80000000000000004441"
    api.ok(api.delete(f"{rows}3/"))
    assert api.ok(api.post(rows, {}))["order"] == "3.00000000000000000000"
    squeezed = [api.ok(api.post(f"{rows}?before=2", {}))["order"] for _ in range(40)]
    assert squeezed[-2:] == ["1.97727272727272729291", "1.97777777777777785673"]


def test_a_row_moved_before_itself_takes_an_order_ahead_of_its_own(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"], ["c"]])
    rows = f"/api/database/rows/table/{table}/"
    assert api.ok(api.patch(f"{rows}1/move/?before_id=1"))["order"] == "0.50000000000000000000"
    assert api.ok(api.patch(f"{rows}3/move/?before_id=3"))["order"] == "2.50000000000000000000"
    assert api.ok(api.patch(f"{rows}3/move/?before_id=3"))["order"] == "2.33333333333333348136"
    assert [r["id"] for r in api.rows(table)] == [1, 2, 3]


def test_the_table_is_renumbered_when_no_fraction_is_left(api: Api) -> None:
    table = api.table(data=[["Name"], ["a"], ["b"]])
    rows = f"/api/database/rows/table/{table}/"
    expected, before = [1, 2], 2
    for step in range(40):  # each insert halves the gap alternately from either side
        new = api.ok(api.post(f"{rows}?before={before}", {}))["id"]
        expected.insert(expected.index(before), new)
        if step % 2:
            before = new
    listed = api.ok(api.get(rows, params={"size": 200}))["results"]
    assert [r["id"] for r in listed] == expected
    assert Decimal(listed[-1]["order"]) >= 30  # renumbered 1, 2, 3, ... once on the way
