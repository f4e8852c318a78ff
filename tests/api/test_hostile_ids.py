"""Ids and values no row can have never reach the driver as an overflow: they are simply
not found (or invalid), on both backends."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error

HUGE = 10**20


def test_huge_ids_are_not_found(api: Api) -> None:
    did = api.database()
    tid = api.table(did)
    link_target = api.table(did, name="Other")
    link = api.field(tid, "L", "link_row", link_row_table_id=link_target)
    assert_error(api.get(f"/api/database/rows/table/{HUGE}/"), 404, "ERROR_TABLE_DOES_NOT_EXIST")
    assert_error(
        api.get(f"/api/database/rows/table/{tid}/{HUGE}/"), 404, "ERROR_ROW_DOES_NOT_EXIST"
    )
    assert_error(
        api.post(f"/api/database/rows/table/{tid}/?before={HUGE}", {}),
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    )
    assert_error(
        api.patch(f"/api/database/rows/table/{tid}/1/move/?before_id={HUGE}"),
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    )
    assert_error(
        api.patch(f"/api/database/rows/table/{tid}/batch/", {"items": [{"id": HUGE}]}),
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    )
    assert_error(
        api.post(f"/api/database/rows/table/{tid}/batch-delete/", {"items": [HUGE]}),
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    )
    row = api.ok(api.patch(f"/api/database/rows/table/{tid}/1/", {f"field_{link['id']}": [HUGE]}))
    assert row[f"field_{link['id']}"] == []
    assert api.ok(api.get(f"/api/database/rows/names/?table__{tid}={HUGE}")) == {str(tid): {}}
    assert_error(api.get(f"/api/database/fields/{HUGE}/"), 404, "ERROR_FIELD_DOES_NOT_EXIST")


def test_huge_numbers_and_durations(api: Api) -> None:
    tid = api.table()
    number = api.field(tid, "N", "number", number_decimal_places=2)
    duration = api.field(tid, "D", "duration", duration_format="h:mm")
    big = "9" * 50 + ".99"
    row = api.ok(api.patch(f"/api/database/rows/table/{tid}/1/", {f"field_{number['id']}": big}))
    assert row[f"field_{number['id']}"] is not None
    r = api.patch(f"/api/database/rows/table/{tid}/1/", {f"field_{duration['id']}": 1e300})
    assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_line_breaks_in_field_name_lists(api: Api) -> None:
    tid = api.table()
    rows = api.rows(tid, include="Name\n,Notes", order_by="Notes\n")
    assert rows == [] or all(set(r) <= {"id", "order", "Name", "Notes"} for r in rows)
