"""A field's create body as Baserow 1.35.3's serializers read it (asked of it): the answers
to bad type properties, names and types."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.helpers import assert_error


def _refused(api: Api, table: int, body: dict[str, Any]) -> Any:
    r = api.post(f"/api/database/fields/table/{table}/", {"name": "F", **body})
    return assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")["detail"]


def leaf(message: str, code: str = "invalid") -> list[dict[str, str]]:
    return [{"error": message, "code": code}]


def test_bad_properties(api: Api) -> None:
    table = api.table(data=[["Name"], ["x"]])
    number = {"type": "number"}
    for places in (11, -1, 2.5):
        detail = _refused(api, table, {**number, "number_decimal_places": places})
        message = f'"{places}" is not a valid choice.'
        assert detail == {"number_decimal_places": leaf(message, "invalid_choice")}
    assert _refused(api, table, {**number, "number_decimal_places": None}) == {
        "number_decimal_places": leaf("This field may not be null.", "null")
    }
    assert _refused(api, table, {**number, "number_negative": None}) == {
        "number_negative": leaf("This field may not be null.", "null")
    }
    assert _refused(api, table, {"type": "rating", "color": ""}) == {
        "color": leaf("This field may not be blank.", "blank")
    }
    assert _refused(api, table, {"type": "single_select", "select_options": "a"}) == {
        "select_options": {
            "non_field_errors": leaf('Expected a list of items but got type "str".', "not_a_list")
        }
    }
    options = [{"value": " ", "color": "red"}]
    assert _refused(api, table, {"type": "single_select", "select_options": options}) == {
        "select_options": [{"value": leaf("This field may not be blank.", "blank")}]
    }
    made = api.field(table, "P", "number", number_decimal_places="2")
    assert made["number_decimal_places"] == 2


def test_bad_names_types_and_links(api: Api) -> None:
    table = api.table(data=[["Name"], ["x"]])
    for type_ in ("", None):
        assert _refused(api, table, {"type": type_}) == {
            "type": leaf("This field is required.", "required")
        }
    r = api.post(f"/api/database/fields/table/{table}/", {"name": "  ", "type": "text"})
    assert assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")["detail"] == {
        "name": leaf("This field may not be blank.", "blank")
    }
    r = api.post(f"/api/database/fields/table/{table}/", {"name": "L", "type": "link_row"})
    assert assert_error(r, 400, "ERROR_LINK_ROW_TABLE_NOT_PROVIDED")["detail"] == (
        "The `link_row_table_id` must be provided."
    )


def test_formula_formatting_set_by_the_body_and_kept(api: Api) -> None:
    """Baserow's user-overridable formatting of a formula: given in the body, the type's
    options come from the body (null where not given); not given, from the type; kept
    while the formula keeps its type, also when the fields it reads change."""
    table = api.table(data=[["Name", "N", "D"], ["x", "1.5", "2024-01-02"]])
    fields = {f["name"]: f["id"] for f in api.fields(table)}
    api.ok(api.patch(f"/api/database/fields/{fields['N']}/",
                     {"type": "number", "number_decimal_places": 2}))  # fmt: skip
    api.ok(api.patch(f"/api/database/fields/{fields['D']}/", {"type": "date", "date_format": "US"}))

    def made(formula: str, **given: Any) -> tuple[dict[str, Any], Any]:
        field = api.field(table, f"F{len(api.fields(table))}", "formula", formula=formula, **given)
        return field, api.rows(table)[0][field["name"]]

    field, value = made("1", number_decimal_places=3)
    assert (field["number_decimal_places"], value) == (3, "1.000")
    field, value = made("field('N') * 2", number_suffix=" kg")
    assert (field["number_decimal_places"], field["number_suffix"], value) == (None, "kg", "3")
    field, value = made("field('N') * 2")
    assert (field["number_decimal_places"], value) == (2, "3.00")
    twice = field
    field, value = made("field('D')", date_format="ISO")
    assert (field["date_format"], field["date_include_time"], value) == ("ISO", None, "2024-01-02")
    field, _ = made("date_interval('1 hour')", duration_format="h:mm:ss")
    assert field["duration_format"] == "h:mm:ss"
    # kept: the field read gets 3 decimal places, the formula keeps its 2
    api.ok(api.patch(f"/api/database/fields/{fields['N']}/", {"number_decimal_places": 3}))
    assert api.rows(table)[0][twice["name"]] == "3.00"
    # an update names the formula, even to rename it (Baserow's serializer requires it)
    path = f"/api/database/fields/{twice['id']}/"
    r = api.patch(path, {"name": "Twice"})
    assert assert_error(r, 400, "ERROR_REQUEST_BODY_VALIDATION")["detail"] == {
        "formula": leaf("This field is required.", "required")
    }
    body = {"formula": "field('N') * 2", "number_decimal_places": 4}
    assert api.ok(api.patch(path, body))["number_decimal_places"] == 4
    assert api.rows(table)[0][twice["name"]] == "3.0000"
