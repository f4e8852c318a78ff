"""search and search_mode, order_by rules and filter errors on the rows list endpoint."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import assert_error


def make(api: Api) -> int:
    table = api.table(
        data=[["Name", "Amount"], ["Alpha", "12.5"], ["beta", "-3"], ["Gamma", "100"], ["", "7"]]
    )
    amount = next(f for f in api.fields(table) if f["name"] == "Amount")
    api.ok(
        api.patch(
            f"/api/database/fields/{amount['id']}/",
            {"type": "number", "number_decimal_places": 2, "number_negative": True},
        )
    )
    return table


def test_search_modes_and_row_id(api: Api) -> None:
    table = make(api)
    for mode in ("compat", "full-text-with-count", None):
        extra = {"search_mode": mode} if mode else {}
        assert [r["Name"] for r in api.rows(table, search="ALPHA", **extra)] == ["Alpha"]
        assert [r["Name"] for r in api.rows(table, search="12.5", **extra)] == ["Alpha"]
    assert [r["id"] for r in api.rows(table, search="3")] == [2, 3]  # "-3.00" and the row with id 3
    assert [r["id"] for r in api.rows(table, search="03")] == []
    assert api.rows(table, search="apple") == []
    assert len(api.rows(table, search="  ")) == 4
    # only included fields are searched; a number field cannot hold "alpha", so nothing is
    # compared and every row matches (Baserow skips a field whose contains_query raises)
    assert len(api.rows(table, search="alpha", include="Amount")) == 4
    assert [r["id"] for r in api.rows(table, search="12", include="Amount")] == [1]
    assert_error(
        api.get(f"/api/database/rows/table/{table}/", params={"search": "a", "search_mode": "x"}),
        400,
        "ERROR_QUERY_PARAMETER_VALIDATION",
    )


def test_a_term_names_a_row_id_as_pythons_int_reads_it(api: Api) -> None:
    # found by the schema fuzzer: "²" passed str.isdigit() and int() then failed (500);
    # Baserow reads the id with int(): signs, underscores and any decimal digits count
    table = api.table()
    for _ in range(10):
        api.ok(api.post(f"/api/database/rows/table/{table}/", {}))
    cases = {"²": [], "+2": [2], "1_0": [10], " 3 ": [3], "02": [], "-1": [], "١": [1],
             "99999999999999999999999": []}  # fmt: skip
    for mode in ("compat", "full-text-with-count"):
        for term, ids in cases.items():
            assert [r["id"] for r in api.rows(table, search=term, search_mode=mode)] == ids, term


def test_order_by(api: Api) -> None:
    table = make(api)
    assert [r["Name"] for r in api.rows(table, order_by="Name")] == ["", "Alpha", "beta", "Gamma"]
    assert [r["Amount"] for r in api.rows(table, order_by="-Amount")] == [
        "100.00",
        "12.50",
        "7.00",
        "-3.00",
    ]
    body = assert_error(
        api.get(f"/api/database/rows/table/{table}/", params={"order_by": "-id"}),
        400,
        "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    )
    assert body["detail"] == "The field -id was not found in the table."


def test_filter_errors(api: Api) -> None:
    table = make(api)
    url = f"/api/database/rows/table/{table}/"
    body = assert_error(
        api.get(url, params={"filters": "{x"}), 400, "ERROR_FILTERS_PARAM_VALIDATION_ERROR"
    )
    assert body["detail"] == {
        "error": "The provided filters are not valid JSON.",
        "code": "invalid_json",
    }
    body = assert_error(
        api.get(url, params={"filters": '{"filter_type": "XOR"}'}),
        400,
        "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    )
    assert body["detail"] == {
        "filter_type": [{"error": '"XOR" is not a valid choice.', "code": "invalid_choice"}]
    }
    body = assert_error(
        api.get(
            url,
            params={
                "filters": '{"filter_type": "AND", '
                '"filters": [{"field": 999, "type": "equal", "value": ""}]}'
            },
        ),
        400,
        "ERROR_FILTER_FIELD_NOT_FOUND",
    )
    assert body["detail"] == "The field 999 was not found in the table."
    body = assert_error(
        api.get(url, params={"filter__Name__nope": "x", "user_field_names": "1"}),
        400,
        "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    )
    assert body["detail"] == "The view filter type nope doesn't exist."
    filters = (
        '{"filter_type": "OR", '
        '"filters": [{"field": "Name", "type": "equal", "value": "beta"}], "groups": ['
        '{"filter_type": "AND", '
        '"filters": [{"field": "Amount", "type": "higher_than", "value": "50"}]}]}'
    )
    assert [r["Name"] for r in api.rows(table, filters=filters)] == ["beta", "Gamma"]


def _only(api: Api, table: int, type_: str, **props: object) -> int:
    """A table of three rows whose only searched field is a new `type_` field (its primary
    is a boolean, which compat search leaves out); the new field's id."""
    primary = api.fields(table)[0]
    api.ok(api.patch(f"/api/database/fields/{primary['id']}/", {"type": "boolean"}))
    return int(api.field(table, "X", type_, **props)["id"])


def ids(api: Api, table: int, term: str, mode: str = "compat") -> list[int]:
    return [r["id"] for r in api.rows(table, search=term, search_mode=mode)]


def test_what_compat_search_compares_per_field_type(api: Api) -> None:
    """Asked of Baserow 1.35.3 (each field type's contains_query, a field skipped when it
    raises, every row when nothing is left to compare)."""
    database = api.database()
    # a number formula, count or rollup is a number: a term it cannot hold skips it
    table = api.table(database, data=[["Name"], ["a"], ["b"], ["c"]])
    _only(api, table, "formula", formula="row_id() - 2")  # -1, 0, 1
    assert ids(api, table, "-") == [1, 2, 3] and ids(api, table, "a") == [1, 2, 3]
    assert ids(api, table, "-1") == [1] and ids(api, table, "0") == [2]
    # Decimal() reads NaN and Infinity (Baserow's LenientDecimalField): searched, no row
    assert ids(api, table, "NaN") == [] and ids(api, table, "-inf") == []
    # a rating: its digits, for a term int() reads
    table = api.table(database, data=[["Name"], ["a"], ["b"], ["c"]])
    rating = _only(api, table, "rating", max_value=5)
    api.ok(api.patch(f"/api/database/rows/table/{table}/batch/", {"items": [
        {"id": 1, f"field_{rating}": 0}, {"id": 2, f"field_{rating}": 3}]}))  # fmt: skip
    assert ids(api, table, "0") == [1, 3] and ids(api, table, "01") == []
    assert ids(api, table, "1.5") == [1, 2, 3]
    # a uuid: its text
    table = api.table(database, data=[["Name"], ["a"], ["b"]])
    _only(api, table, "uuid")
    first = api.rows(table)[0]["X"]
    assert ids(api, table, first[2:10].upper()) == [1]
    # a link or a lookup: left out by compat search, read by full-text search
    others = api.table(database, "Others", data=[["Name"], ["zebra"]])
    table = api.table(database, data=[["Name"], ["apple"], ["pear"]])
    link = api.field(table, "L", "link_row", link_row_table_id=others, has_related_field=False)
    api.field(table, "K", "lookup", through_field_id=link["id"],
              target_field_id=api.fields(others)[0]["id"])  # fmt: skip
    api.ok(api.patch(f"/api/database/rows/table/{table}/1/", {f"field_{link['id']}": [1]}))
    assert ids(api, table, "zeb") == [] and ids(api, table, "apple") == [1]
    assert ids(api, table, "zebra", "full-text-with-count") == [1]
    primary = api.fields(table)[0]
    api.ok(api.patch(f"/api/database/fields/{primary['id']}/", {"type": "boolean"}))
    assert ids(api, table, "zeb") == [1, 2]  # nothing left to compare


def test_button_formulas_and_days_of_timestamps(api: Api) -> None:
    """Asked of Baserow 1.35.3: a button or link formula is searched by its URL or its
    label; a created on field without its time by its day in the field's time zone."""
    table = api.table(data=[["Name"], ["a"], ["b"]])
    _only(api, table, "formula", formula="button('http://x-1.io', 'Bee')")
    assert ids(api, table, "x-1") == [1, 2] and ids(api, table, "bee") == [1, 2]
    assert ids(api, table, "a") == [] and ids(api, table, "Bee http") == []
    table = api.table(data=[["Name"], ["a"]])
    _only(api, table, "created_on", date_format="ISO", date_include_time=False,
          date_force_timezone="Pacific/Kiritimati")  # fmt: skip
    day = api.rows(table)[0]["X"]  # the day there (UTC+14)
    assert ids(api, table, day) == [1] and ids(api, table, day[5:]) == [1]
    assert ids(api, table, ":") == []  # no time is compared
