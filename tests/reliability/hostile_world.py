"""A table with a field of every writable kind, and the hostile values and filter values the
hostile-input suite sends to it. Imports: tests.conftest."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

INT64 = 2**63
# JSON texts (sent raw, so that 1e400 stays a number). NUL and lone surrogates are refused
# for the whole body, whatever the field (test_hostile's issue cases), so they are not here.
VALUES: list[bytes] = [
    b"1e400",
    b"-1e400",
    str(INT64).encode(),
    str(-INT64 - 1).encode(),
    b"1" + b"0" * 30,
    b"1e308",
    b"-0.0",
    b"1.5",
    b'"1e400"',
    b'"inf"',
    b'"-Infinity"',
    b'"' + b"9" * 1001 + b'"',
    b'"' + str(INT64).encode() + b'"',
    b'"\\ud83d\\ude00"',  # a valid pair: accepted where text is
    b"[" + str(INT64).encode() + b"]",
    b"[1e400]",
    b'["' + str(INT64).encode() + b'"]',
    b'[{"id": ' + str(INT64).encode() + b"}]",
    b'{"id": ' + str(INT64).encode() + b"}",
    b'{"value": 1e400}',
    b"[[[[[[[[[[]]]]]]]]]]",
    b"true",
    b'""',
    b"[]",
    b"{}",
]
FILTER_VALUES: list[str] = [
    "1e400",
    "-1e400",
    "9" * 5000,
    str(INT64),
    str(-INT64 - 1),
    "Infinity",
    "NaN",
    "1.5",
    "99999-12-31",
    "UTC?" + str(INT64),
    "Europe/Berlin?1e400",
    "1," + str(INT64),
    "\ufffd",
]


def build(api: Api) -> tuple[int, dict[str, dict[str, Any]]]:
    """(table id, fields by name): one field of each type a client can write or filter."""
    database = api.database()
    table = api.table(database)
    other = api.table(database, name="Other")
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("long", "long_text", {}),
        ("url", "url", {}),
        ("email", "email", {}),
        ("phone", "phone_number", {}),
        ("number", "number", {"number_decimal_places": 2, "number_negative": True}),
        ("rating", "rating", {"max_value": 10}),
        ("bool", "boolean", {}),
        ("date", "date", {"date_include_time": True}),
        ("created", "created_on", {}),
        ("duration", "duration", {"duration_format": "h:mm:ss"}),
        ("single", "single_select", {"select_options": [{"value": "a", "color": "blue"}]}),
        ("multi", "multiple_select", {"select_options": [{"value": "a", "color": "blue"}]}),
        ("link", "link_row", {"link_row_table_id": other}),
        ("auto", "autonumber", {}),
        ("uuid", "uuid", {}),
        ("formula", "formula", {"formula": "field('number') * 2"}),
        ("count", "count", {"through_field_name": "link"}),
        ("file", "file", {}),
        ("by", "created_by", {}),
        ("people", "multiple_collaborators", {}),
        ("password", "password", {}),
    ]
    for name, type_, props in specs:
        if type_ == "count":
            link_id = next(f["id"] for f in api.fields(table) if f["name"] == "link")
            props = {"through_field_id": link_id}
        api.field(table, name, type_, **props)
    return table, {f["name"]: f for f in api.fields(table)}
