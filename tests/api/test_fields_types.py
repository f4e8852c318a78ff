"""Field types beyond text/number/boolean: date, created_on, last_modified, duration, selects,
autonumber, uuid — their field JSON, read and write formats, and read-only errors."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Api
from tests.helpers import assert_error

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def rows_url(tid: int) -> str:
    return f"/api/database/rows/table/{tid}/"


def create(api: Api, tid: int, body: dict[str, Any]) -> dict[str, Any]:
    return dict(api.ok(api.post(rows_url(tid) + "?user_field_names=true", body)))


def patch(api: Api, tid: int, row_id: int, body: dict[str, Any]) -> Any:
    return api.patch(f"{rows_url(tid)}{row_id}/?user_field_names=true", body)


def common(field: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in field.items()
        if k not in ("id", "table_id", "database_id", "workspace_id", "order")
    }


def test_date_field_json_and_values(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    due = api.field(tid, "Due", "date", date_format="ISO")
    meeting = api.field(
        tid, "Meeting", "date", date_include_time=True, date_force_timezone="Europe/Amsterdam"
    )
    assert common(due) == {
        "name": "Due",
        "type": "date",
        "primary": False,
        "read_only": False,
        "immutable_type": False,
        "immutable_properties": False,
        "description": None,
        "db_index": False,
        "field_constraints": [],
        "date_format": "ISO",
        "date_include_time": False,
        "date_time_format": "24",
        "date_show_tzinfo": False,
        "date_force_timezone": None,
        "related_fields": [],
    }
    assert meeting["date_force_timezone"] == "Europe/Amsterdam"
    row = create(api, tid, {"Due": "2024-02-29", "Meeting": "2024-12-24T13:45:00+02:00"})
    assert (row["Due"], row["Meeting"]) == ("2024-02-29", "2024-12-24T11:45:00Z")
    assert (
        api.ok(patch(api, tid, row["id"], {"Meeting": "2024-12-24"}))["Meeting"]
        == "2024-12-24T00:00:00Z"
    )
    assert (
        api.ok(patch(api, tid, row["id"], {"Meeting": "2024-06-01 10:00"}))["Meeting"]
        == "2024-06-01T10:00:00Z"
    )
    body = assert_error(
        patch(api, tid, row["id"], {"Due": "2024-12-24T13:00:00Z"}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == {
        "Due": [
            {
                "error": "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                "code": "invalid",
            }
        ]
    }
    body = assert_error(
        patch(api, tid, row["id"], {"Meeting": "tomorrow-ish"}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"]["Meeting"][0]["error"].startswith("Datetime has wrong format.")
    assert api.ok(patch(api, tid, row["id"], {"Due": None}))["Due"] is None
    bad = api.post(
        f"/api/database/fields/table/{tid}/", {"name": "X", "type": "date", "date_format": "XX"}
    )
    assert_error(bad, 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_date_gains_and_loses_its_time(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    field = api.field(tid, "When", "date", date_include_time=True)
    row = create(api, tid, {"When": "2024-01-15T23:30:00Z"})
    api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"date_include_time": False}))
    assert api.rows(tid)[1]["When"] == "2024-01-15"
    api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"date_include_time": True}))
    assert [r["When"] for r in api.rows(tid)] == [None, "2024-01-15T00:00:00Z"]
    assert row["id"] == 2


def test_created_on_last_modified_are_read_only_and_track_updates(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    created = api.field(tid, "Created", "created_on", date_include_time=True)
    api.field(tid, "Modified", "last_modified", date_include_time=True)
    api.field(tid, "Day", "last_modified")
    assert created["read_only"] is True
    row = create(api, tid, {"Name": "b"})
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", row["Created"])
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", row["Day"])
    updated = api.ok(patch(api, tid, row["id"], {"Name": "c"}))
    assert updated["Created"] == row["Created"]
    assert updated["Modified"] > row["Modified"]
    body = assert_error(
        patch(api, tid, row["id"], {"Created": "2020-01-01T00:00:00Z"}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert body["detail"] == "Field of type created_on is read only and should not be set manually."


def test_duration_values(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    field = api.field(tid, "Took", "duration", duration_format="h:mm:ss")
    assert field["duration_format"] == "h:mm:ss"
    row = create(api, tid, {"Took": "1:01:05"})
    assert row["Took"] == 3665.0
    assert api.ok(patch(api, tid, row["id"], {"Took": 90.4}))["Took"] == 90.0
    assert_error(patch(api, tid, row["id"], {"Took": "soon"}), 400, "ERROR_REQUEST_BODY_VALIDATION")


def select_field(api: Api, tid: int, type_: str = "single_select") -> dict[str, Any]:
    options = [
        {"value": "Todo", "color": "blue"},
        {"value": "Doing", "color": "yellow"},
        {"value": "Done", "color": "green"},
    ]
    return api.field(tid, "Status", type_, select_options=options)


def test_single_select_by_id_and_name(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    field = select_field(api, tid)
    todo, doing, done = field["select_options"]
    assert [(o["value"], o["color"]) for o in field["select_options"]] == [
        ("Todo", "blue"),
        ("Doing", "yellow"),
        ("Done", "green"),
    ]
    assert field["single_select_default"] is None
    row = create(api, tid, {"Status": doing["id"]})
    assert row["Status"] == doing
    assert api.ok(patch(api, tid, row["id"], {"Status": "Done"}))["Status"] == done
    body = assert_error(
        patch(api, tid, row["id"], {"Status": "Nope"}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert body["detail"] == "The provided select option value 'Nope' is not a valid select option."
    body = assert_error(
        patch(api, tid, row["id"], {"Status": 99999999}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert (
        body["detail"]
        == "The provided select option value '99999999' is not a valid select option."
    )
    body = assert_error(
        patch(api, tid, row["id"], {"Status": [todo["id"]]}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert body["detail"] == {
        "Status": [
            {"error": "The provided value should be a valid integer or string", "code": "invalid"}
        ]
    }
    # options are edited with the field; a removed option clears the cells using it
    kept = [dict(todo, value="To do"), doing]
    updated = api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"select_options": kept}))
    assert updated["select_options"] == kept
    assert api.rows(tid)[1]["Status"] is None


def test_multiple_select_values(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"]])
    field = select_field(api, tid, "multiple_select")
    assert field["multiple_select_default"] is None
    todo, doing, done = field["select_options"]
    row = create(api, tid, {"Status": ["Done", "Todo"]})
    assert row["Status"] == [todo, done]  # names follow the option order
    # ids first
    assert api.ok(patch(api, tid, row["id"], {"Status": ["Todo", done["id"]]}))["Status"] == [
        done,
        todo,
    ]
    assert api.ok(patch(api, tid, row["id"], {"Status": "Doing"}))["Status"] == [doing]
    assert api.ok(patch(api, tid, row["id"], {"Status": []}))["Status"] == []
    body = assert_error(
        patch(api, tid, row["id"], {"Status": ["purple"]}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert (
        body["detail"] == "The provided select option value 'purple' is not a valid select option."
    )
    api.ok(patch(api, tid, row["id"], {"Status": [doing["id"], done["id"]]}))
    api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"select_options": [todo, done]}))
    assert api.rows(tid)[1]["Status"] == [done]
    assert api.delete(f"/api/database/rows/table/{tid}/{row['id']}/").status_code == 204
    assert api.ok(api.delete(f"/api/database/fields/{field['id']}/")) == {"related_fields": []}


def test_autonumber_and_uuid(api: Api) -> None:
    tid = api.table(data=[["Name"], ["a"], ["b"]])
    auto = api.field(tid, "Auto", "autonumber")
    uid = api.field(tid, "Uid", "uuid")
    assert (auto["read_only"], uid["read_only"]) == (True, True)
    assert "autonumber_next" not in auto
    assert [r["Auto"] for r in api.rows(tid)] == [1, 2]
    third = create(api, tid, {"Name": "c"})
    assert third["Auto"] == 3
    assert api.delete(f"/api/database/rows/table/{tid}/{third['id']}/").status_code == 204
    batch = api.ok(
        api.post(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true", {"items": [{}, {}]}
        )
    )
    assert [r["Auto"] for r in batch["items"]] == [4, 5]  # numbers are never handed out twice
    assert [r["id"] for r in batch["items"]] == [4, 5]  # nor are row ids
    uuids = [r["Uid"] for r in api.rows(tid)]
    assert all(UUID.match(u) for u in uuids) and len(set(uuids)) == 4
    body = assert_error(patch(api, tid, 1, {"Auto": 9}), 400, "ERROR_REQUEST_BODY_VALIDATION")
    assert body["detail"] == "Field of type autonumber is read only and should not be set manually."
    assert_error(patch(api, tid, 1, {"Uid": uuids[0]}), 400, "ERROR_REQUEST_BODY_VALIDATION")


def test_numbers_with_many_decimal_places_are_plain_digits(api: Api) -> None:
    tid = api.table(data=[["Name"], ["zero"], ["tiny"]])
    amount = api.field(tid, "Amount", "number", number_decimal_places=10)
    rows = api.rows(tid)
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true",
            {
                "items": [
                    {"id": rows[0]["id"], "Amount": "0"},
                    {"id": rows[1]["id"], "Amount": "0.00000001"},
                ]
            },
        )
    )
    assert [r["Amount"] for r in api.rows(tid)] == ["0.0000000000", "0.0000000100"]
    assert amount["number_decimal_places"] == 10
