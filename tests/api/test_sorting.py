"""order_by on a single select sorts by the option's value, not its id, and follows renames."""

from __future__ import annotations

from typing import Any

import pytest

from gridbase.fields import select
from tests.conftest import Api


@pytest.mark.parametrize("inline", [True, False], ids=["case", "lookup"])
def test_single_select_sorts_by_option_value(api: Api, monkeypatch: Any, inline: bool) -> None:
    if not inline:  # fields with very many options sort through a lookup per row
        monkeypatch.setattr(select, "SORT_CASE_MAX_OPTIONS", 0)
    tid = api.table(data=[["Name"], ["a"], ["b"], ["c"], ["d"]])
    status = api.field(
        tid,
        "Status",
        "single_select",
        select_options=[{"value": v, "color": "blue"} for v in ("Zulu", "Alpha", "Mike")],
    )
    option = {o["value"]: o["id"] for o in status["select_options"]}
    rows = api.rows(tid)
    # row d stays empty
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true",
            {
                "items": [
                    {"id": rows[0]["id"], "Status": option["Mike"]},
                    {"id": rows[1]["id"], "Status": option["Zulu"]},
                    {"id": rows[2]["id"], "Status": option["Alpha"]},
                ]
            },
        )
    )

    def names(order: str) -> list[str]:
        return [r["Name"] for r in api.rows(tid, order_by=order)]

    assert names("Status") == ["d", "c", "a", "b"]  # empty first, then Alpha, Mike, Zulu
    assert names("-Status") == ["b", "a", "c", "d"]
    renamed = [
        {"id": o["id"], "value": "Beta" if o["value"] == "Zulu" else o["value"], "color": "blue"}
        for o in status["select_options"]
    ]
    api.ok(api.patch(f"/api/database/fields/{status['id']}/", {"select_options": renamed}))
    assert names("Status") == ["d", "c", "b", "a"]


def test_single_select_options_sort_as_their_collated_values(api: Api, monkeypatch: Any) -> None:
    """The options' places (SQLite: computed once, no collation per row) give the order the
    collated values give row by row, ties included."""
    values = ["b", "B", "a", "É", "e", "-", "10", "9", "x", "x", "ß", "ss"]
    tid = api.table(data=[["Name"]] + [[str(i)] for i in range(len(values) + 1)])
    status = api.field(tid, "Status", "single_select",
                       select_options=[{"value": v, "color": "blue"} for v in values])  # fmt: skip
    ids = [o["id"] for o in status["select_options"]]
    rows = api.rows(tid)
    # in reverse, so that ties fall back to the rows' own order; the last row stays empty
    items = [{"id": r["id"], "Status": i} for r, i in zip(rows, reversed(ids), strict=False)]
    api.ok(api.patch(f"/api/database/rows/table/{tid}/batch/?user_field_names=true",
                     {"items": items}))  # fmt: skip

    def names(order: str) -> list[str]:
        return [r["Name"] for r in api.rows(tid, order_by=order)]

    inline = names("Status"), names("-Status")
    monkeypatch.setattr(select, "SORT_CASE_MAX_OPTIONS", 0)  # each row's value, collated
    assert (names("Status"), names("-Status")) == inline
    assert inline[0][0] == str(len(values))  # no option first
    assert [values[len(values) - 1 - int(n)] for n in inline[0][1:4]] == ["-", "10", "9"]
