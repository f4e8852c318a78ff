"""Cell values as Baserow 1.35.3's row serializers read them (DRF's fields and Baserow's
own, asked of it value by value): dates through Django's ISO parsers, booleans without
trimming, select options and linked rows by trimmed text, a list's errors per item, and
durations through Baserow's patterns for the field's format."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

DATE_ERROR = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DATETIME_ERROR = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


@pytest.fixture
def cells(api: Api) -> Any:
    database = api.database()
    other = api.table(database, "Other", data=[["Name"], ["alpha"], ["beta"]])
    table = api.table(database, "T", data=[["Name"], ["x"]])
    options = [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]
    specs = {
        "num": {"type": "number", "number_decimal_places": 2, "number_negative": True},
        "bool": {"type": "boolean"},
        "date": {"type": "date", "date_format": "EU"},
        "dt": {"type": "date", "date_include_time": True, "date_format": "ISO"},
        "ss": {"type": "single_select", "select_options": options},
        "ms": {"type": "multiple_select", "select_options": options},
        "dur": {"type": "duration", "duration_format": "h:mm:ss"},
        "link": {"type": "link_row", "link_row_table_id": other, "has_related_field": False},
    }
    fields = {name: api.field(table, name, str(spec.pop("type")), **spec)
              for name, spec in specs.items()}  # fmt: skip

    def write(name: str, value: Any) -> tuple[int, Any]:
        key = f"field_{fields[name]['id']}"
        r = api.patch(f"/api/database/rows/table/{table}/1/", {key: value})
        body = r.json()
        return r.status_code, body[key] if r.status_code == 200 else body["detail"].get(key)

    write.fields = fields  # type: ignore[attr-defined]
    return write


def test_dates_read_as_django_does(cells: Any) -> None:
    for given, stored in [("2024-1-5", "2024-01-05"), ("20240131", "2024-01-31"),
                          ("2024-01-31", "2024-01-31")]:  # fmt: skip
        assert cells("date", given) == (200, stored)
    for given in [" 2024-01-31 ", "2024-01-31T10:00:00Z", "31/01/2024", "2024-02-30", 5]:
        assert cells("date", given) == (400, [{"error": DATE_ERROR, "code": "invalid"}]), given
    for given, stored in [
        ("2024-01-31T10:00:00.123456789Z", "2024-01-31T10:00:00.123456Z"),
        ("2024-01-31 10:00", "2024-01-31T10:00:00Z"),
        ("2024-01-31T10:00:00+05:00", "2024-01-31T05:00:00Z"),
        ("2024-1-5 1:2", "2024-01-05T01:02:00Z"),
    ]:
        assert cells("dt", given) == (200, stored), given
    for given in [" 2024-01-31T10:00:00Z ", "2024-01-31T25:00:00Z", "1700000000", 1700000000]:
        assert cells("dt", given) == (400, [{"error": DATETIME_ERROR, "code": "invalid"}])


def test_booleans_and_numbers(cells: Any) -> None:
    assert cells("bool", " true ")[0] == 400 and cells("bool", "checked") == (200, True)
    assert cells("num", " ") == (200, None) and cells("num", " 1.5 ") == (200, "1.50")


def test_select_options_and_links_by_trimmed_text(cells: Any) -> None:
    red = cells.fields["ss"]["select_options"][0]
    assert cells("ss", " Red ") == (200, red)
    assert cells("ss", True) == (
        400,
        [{"error": "A valid integer is required.", "code": "invalid"}],
    )
    invalid = {"error": "The provided value should be a valid integer or string", "code": "invalid"}
    assert cells("ms", [{"id": 1}]) == (400, {"0": [invalid]})
    assert cells("ms", ["Red", True]) == (
        400, {"1": [{"error": "A valid integer is required.", "code": "invalid"}]}
    )  # fmt: skip
    assert cells("ms", None) == (400, [{"error": "This field may not be null.", "code": "null"}])
    assert [o["value"] for o in cells("ms", [" Blue "])[1]] == ["Blue"]
    assert [r["value"] for r in cells("link", [" alpha "])[1]] == ["alpha"]
    assert cells("link", [True]) == (
        400, {"0": [{"error": "A valid integer is required.", "code": "invalid"}]}
    )  # fmt: skip
    assert cells("link", [1, {"id": 2}]) == (
        400, [{"error": "All list values must be same type.", "code": "not_same_type"}]
    )  # fmt: skip


def test_durations_read_by_the_fields_format(cells: Any) -> None:
    for given, seconds in [("1:00", 60.0), ("1:00:00", 3600.0), (" 1:00:00 ", 3600.0),
                           ("61", 61.0), (1.5, 2.0), ("1h", 3600.0), ("25:61:61", 93721.0),
                           ("-1:00:00", -3600.0)]:  # fmt: skip
        assert cells("dur", given) == (200, seconds), given
    assert cells("dur", "soon") == (
        400, [{"error": "The value soon is not a valid duration.", "code": "invalid"}]
    )  # fmt: skip


def test_a_uuid_value_is_read_before_the_field_refuses_it(api: Api) -> None:
    table = api.table(data=[["Name"], ["x"]])
    api.field(table, "U", "uuid")
    r = api.post(f"/api/database/rows/table/{table}/?user_field_names=true", {"U": "x"})
    assert r.status_code == 400
    assert r.json()["detail"] == {"U": [{"error": "Must be a valid UUID.", "code": "invalid"}]}
