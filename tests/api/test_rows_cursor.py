"""The `cursor` extension: keyset paging on the row list, additive to page/size."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"


def make_table(api: Api, count: int) -> tuple[int, dict[str, Any]]:
    table = api.table(data=[["Name"]])
    amount = api.field(table, "Amount", "number", number_decimal_places=1)
    items = [
        {"Name": f"row {i}", "Amount": None if i % 4 == 0 else str(i % 3)} for i in range(count)
    ]
    api.ok(api.post(ROWS.format(table) + "batch/?user_field_names=true", {"items": items}))
    return table, amount


def walk(api: Api, table: int, **params: Any) -> list[dict[str, Any]]:
    """Every page from an empty cursor until next_cursor is null."""
    seen: list[dict[str, Any]] = []
    cursor = ""
    while True:
        body = api.ok(
            api.get(
                ROWS.format(table),
                params={"user_field_names": "true", "size": 3, **params, "cursor": cursor},
            )
        )
        assert body["previous"] is None
        seen.extend(body["results"])
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next"] is None
            return seen
        assert body["next"].endswith("cursor=" + cursor)


def test_cursor_pages_match_the_offset_listing(api: Api) -> None:
    table, _ = make_table(api, 10)
    assert walk(api, table) == api.rows(table, size=100)


def test_responses_without_cursor_have_no_next_cursor(api: Api) -> None:
    table, _ = make_table(api, 5)
    body = api.ok(api.get(ROWS.format(table), params={"size": 2}))
    assert sorted(body) == ["count", "next", "previous", "results"]


def test_cursor_with_order_by_and_filters(api: Api) -> None:
    table, _ = make_table(api, 17)
    # by name: the rows are listed with user_field_names, where an id names no field
    filters = json.dumps(
        {
            "filter_type": "OR",
            "filters": [
                {"field": "Amount", "type": "empty", "value": ""},
                {"field": "Amount", "type": "higher_than", "value": "0"},
            ],
        }
    )
    params = {"order_by": "-Amount,Name", "filters": filters}
    expected = api.rows(table, size=100, **params)
    got = walk(api, table, **params)
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert got == expected
    body = api.ok(
        api.get(
            ROWS.format(table),
            params={"user_field_names": "true", "size": 3, "cursor": "", **params},
        )
    )
    assert body["count"] == len(expected)


def test_cursor_is_stable_under_inserts(api: Api) -> None:
    table, _ = make_table(api, 6)
    first = api.ok(api.get(ROWS.format(table), params={"size": 3, "cursor": ""}))
    # rows created before the cursor's position (before_id) and after it (appended)
    api.ok(
        api.post(
            ROWS.format(table) + f"?user_field_names=true&before={first['results'][0]['id']}",
            {"Name": "early"},
        )
    )
    api.ok(api.post(ROWS.format(table) + "?user_field_names=true", {"Name": "late"}))
    rest = api.ok(
        api.get(
            ROWS.format(table),
            params={"size": 100, "cursor": first["next_cursor"], "user_field_names": "true"},
        )
    )
    names = [r["Name"] for r in rest["results"]]
    assert names == ["row 3", "row 4", "row 5", "late"]
    assert rest["next_cursor"] is None


def forged(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_invalid_cursors_answer_a_baserow_shaped_400(api: Api) -> None:
    table, _ = make_table(api, 4)
    other_order = api.ok(
        api.get(ROWS.format(table), params={"size": 1, "cursor": "", "order_by": "field_1"})
    )["next_cursor"]
    for cursor in [
        "abc",
        "!!!",
        forged([1, 2]),
        forged({"s": [], "k": [1]}),
        forged({"s": [], "k": [{"d": "x"}, 1]}),
        forged({"s": [], "k": [{"q": "1"}, 1]}),
        forged({"s": [], "k": ["text", "text"]}),
        other_order,
    ]:
        r = api.get(ROWS.format(table), params={"cursor": cursor})
        assert (r.status_code, r.json()) == (
            400,
            {
                "error": "ERROR_QUERY_PARAMETER_VALIDATION",
                "detail": {"cursor": [{"error": "Invalid cursor.", "code": "invalid"}]},
            },
        ), cursor


def test_deep_offset_pages_are_unchanged(api: Api) -> None:
    table, _ = make_table(api, 12)
    everything = api.rows(table, size=100, order_by="-Amount")
    pages = [api.rows(table, size=5, page=p, order_by="-Amount") for p in (1, 2, 3)]
    assert pages[0] + pages[1] + pages[2] == everything
