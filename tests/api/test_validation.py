"""Request validation that the compatibility transcripts cannot pin down: gridbase's answers
where Baserow 1.35.3 answers 500 (tests/compat/known-differences.txt), and that a refused
request changes nothing. Baserow's own answers are replayed by tests/compat."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.helpers import assert_error


def body_error(response: Any) -> Any:
    return assert_error(response, 400, "ERROR_REQUEST_BODY_VALIDATION")["detail"]


def test_an_application_without_a_type_is_a_clear_error(api: Api) -> None:
    ws = api.workspace()
    path = f"/api/applications/workspace/{ws}/"
    required = {"type": [{"error": "This field is required.", "code": "required"}]}
    assert body_error(api.post(path, {})) == required
    assert body_error(api.post(path, {"name": "D"})) == required
    assert body_error(api.post(path, [])) == {
        "non_field_errors": [
            {"error": "Invalid data. Expected a dictionary, but got list.", "code": "invalid"}
        ]
    }
    # Baserow validates twice, the second time from nothing: any error brings these two
    assert body_error(api.post(path, {"name": "", "type": "database"})) == {
        "name": [{"error": "This field is required.", "code": "required"}],
        "type": [{"error": "This field is required.", "code": "required"}],
    }
    assert api.ok(api.get(path)) == []


def test_init_with_data_creates_the_example_table(api: Api) -> None:
    ws = api.workspace()
    db = api.ok(
        api.post(
            f"/api/applications/workspace/{ws}/",
            {"name": "D", "type": "database", "init_with_data": True},
        )
    )
    [table] = db["tables"]
    assert table["name"] == "Table"
    fields = api.fields(table["id"])
    assert [(f["name"], f["type"], f["primary"]) for f in fields] == [
        ("Name", "text", True),
        ("Notes", "long_text", False),
        ("Active", "boolean", False),
    ]
    assert fields[1]["long_text_enable_rich_text"] is False
    assert api.rows(table["id"]) == [
        {"id": 1, "order": "1.00000000000000000000", "Name": "", "Notes": "", "Active": False},
        {"id": 2, "order": "2.00000000000000000000", "Name": "", "Notes": "", "Active": False},
    ]
    [grid] = api.ok(api.get(f"/api/database/views/table/{table['id']}/"))
    assert (grid["name"], grid["owned_by_id"]) == ("Grid", api.user["id"])
    options = api.ok(api.get(f"/api/database/views/{grid['id']}/field-options/"))
    widths = {f["name"]: options["field_options"][str(f["id"])]["width"] for f in fields}
    assert widths == {"Name": 200, "Notes": 400, "Active": 100}
    plain = api.ok(
        api.post(f"/api/applications/workspace/{ws}/", {"name": "P", "type": "database"})
    )
    assert plain["tables"] == []


def test_table_rows_that_are_no_list_are_refused(api: Api) -> None:
    db = api.database()
    path = f"/api/database/tables/database/{db}/"
    assert body_error(api.post(path, {"name": "T", "data": [["a"], 5, None]})) == {
        "data": {
            "1": [{"error": 'Expected a list of items but got type "int".', "code": "not_a_list"}],
            "2": [{"error": 'Expected a list of items but got type "null".', "code": "not_a_list"}],
        }
    }
    # a null header cell is a blank field name (Baserow: 500)
    r = api.post(path, {"name": "T", "data": [["a", None], ["1", "2"]], "first_row_header": True})
    assert_error(r, 400, "ERROR_INVALID_BASEROW_FIELD_NAME")
    assert api.ok(api.get(path)) == []


def test_view_bodies_that_baserow_cannot_read(api: Api) -> None:
    table = api.table()
    views = f"/api/database/views/table/{table}/"
    assert body_error(api.post(views, "x")) == {
        "non_field_errors": [
            {"error": "Invalid data. Expected a dictionary, but got str.", "code": "invalid"}
        ]
    }
    r = api.get(views, params={"limit": "-1"})
    assert assert_error(r, 400, "ERROR_QUERY_PARAMETER_VALIDATION")["detail"] == {
        "limit": [
            {"error": "Ensure this value is greater than or equal to 0.", "code": "min_value"}
        ]
    }
    [grid] = api.ok(api.get(views))
    options = f"/api/database/views/{grid['id']}/field-options/"
    before = api.ok(api.get(options))
    for bad in ([], "x"):
        kind = type(bad).__name__
        assert body_error(api.patch(options, {"field_options": bad})) == {
            "field_options": [
                {
                    "error": f'Expected a dictionary of items but got type "{kind}".',
                    "code": "not_a_dict",
                }
            ]
        }
    name = str(api.fields(table)[0]["id"])
    r = api.patch(options, {"field_options": {name: {"width": 150}, "x": {"width": 1}}})
    assert body_error(r) == {
        "field_options": [{"error": "Field option key must be numeric.", "code": "invalid_key"}]
    }
    assert api.ok(api.get(options)) == before  # nothing of a refused body is kept
    group = api.ok(api.post(f"/api/database/views/{grid['id']}/filter-groups/", {}))
    path = f"/api/database/views/filter-group/{group['id']}/"
    assert api.ok(api.patch(path, {})) == group  # Baserow: 500
    assert api.ok(api.get(path)) == group


def test_a_refused_filter_or_sort_changes_nothing(api: Api) -> None:
    table = api.table()
    [grid] = api.ok(api.get(f"/api/database/views/table/{table}/"))
    name = api.fields(table)[0]["id"]
    base = f"/api/database/views/{grid['id']}/"
    made = api.ok(api.post(f"{base}filters/", {"field": name, "type": "equal", "value": " a "}))
    assert made["value"] == "a"  # DRF trims texts
    r = api.patch(f"/api/database/views/filter/{made['id']}/", {"type": "equal", "value": None})
    assert body_error(r) == {"value": [{"error": "This field may not be null.", "code": "null"}]}
    r = api.patch(f"/api/database/views/filter/{made['id']}/", {"type": "bogus"})
    assert body_error(r) == {
        "type": [{"error": '"bogus" is not a valid choice.', "code": "invalid_choice"}]
    }
    assert api.ok(api.get(f"/api/database/views/filter/{made['id']}/")) == made
    sort = api.ok(api.post(f"{base}sortings/", {"field": name}))
    r = api.patch(f"/api/database/views/sort/{sort['id']}/", {"order": "DESC", "type": "bogus"})
    assert_error(r, 400, "ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED")
    assert api.ok(api.get(f"/api/database/views/sort/{sort['id']}/")) == sort


def test_a_public_view_password_is_kept_hashed(api: Api) -> None:
    table = api.table()
    [grid] = api.ok(api.get(f"/api/database/views/table/{table}/"))
    path = f"/api/database/views/{grid['id']}/"
    assert api.ok(api.patch(path, {"public_view_password": "long enough"}))[
        "public_view_has_password"
    ]
    assert api.ok(api.get(path))["public_view_has_password"]
    # `public` without a password removes it, as Baserow's serializer does
    assert not api.ok(api.patch(path, {"public": True}))["public_view_has_password"]
