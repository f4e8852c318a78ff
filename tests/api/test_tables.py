"""Tables: example and imported data, rename, order, delete, access."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import Api
from tests.helpers import assert_error


def test_default_table_has_example_fields_and_two_rows(api: Api) -> None:
    tid = api.table(name="Defaults")
    fields = api.fields(tid)
    assert [(f["name"], f["type"], f["primary"]) for f in fields] == [
        ("Name", "text", True),
        ("Notes", "long_text", False),
        ("Active", "boolean", False),
    ]
    rows = api.rows(tid)
    assert [(r["id"], r["Name"], r["Notes"], r["Active"]) for r in rows] == [
        (1, "", "", False),
        (2, "", "", False),
    ]


def test_table_from_data_with_header(api: Api) -> None:
    data = [["City", "Country"], ["Paris", "FR"], ["Oslo", None], [""], [True, 2.5]]
    tid = api.table(name="Imported", data=data)
    assert [f["name"] for f in api.fields(tid)] == ["City", "Country"]
    rows = api.rows(tid)
    # Baserow's rule: str() of every given cell, a missing cell null
    assert [(r["City"], r["Country"]) for r in rows] == [
        ("Paris", "FR"),
        ("Oslo", "None"),
        ("", None),
        ("True", "2.5"),
    ]


def test_table_is_a_real_sql_table_dropped_on_delete(api: Api, ctx) -> None:
    tid = api.table()
    assert sa.inspect(ctx.db.engine).has_table(f"database_table_{tid}")
    assert api.delete(f"/api/database/tables/{tid}/").status_code == 204
    assert_error(api.get(f"/api/database/tables/{tid}/"), 404, "ERROR_TABLE_DOES_NOT_EXIST")
    # in the trash its SQL table is kept; emptying the trash drops it
    assert sa.inspect(ctx.db.engine).has_table(f"database_table_{tid}")
    workspace = api.ok(api.get("/api/workspaces/"))[0]["id"]
    assert api.delete(f"/api/trash/workspace/{workspace}/").status_code == 204
    assert not sa.inspect(ctx.db.engine).has_table(f"database_table_{tid}")


def test_rename_order_and_access(client, api: Api) -> None:
    did = api.database()
    a, b = api.table(did, "A"), api.table(did, "B")
    assert api.ok(api.patch(f"/api/database/tables/{a}/", {"name": "A2"}))["name"] == "A2"
    assert (
        api.post(f"/api/database/tables/database/{did}/order/", {"table_ids": [b, a]}).status_code
        == 204
    )
    assert [t["id"] for t in api.ok(api.get(f"/api/database/tables/database/{did}/"))] == [b, a]
    assert_error(
        api.post(f"/api/database/tables/database/{did}/order/", {"table_ids": [999999]}),
        400,
        "ERROR_TABLE_NOT_IN_DATABASE",
    )
    other = Api(client, "bob@example.com")
    assert_error(other.get(f"/api/database/tables/{a}/"), 400, "ERROR_USER_NOT_IN_GROUP")
    assert_error(other.get(f"/api/database/tables/database/{did}/"), 400, "ERROR_USER_NOT_IN_GROUP")


def test_bad_table_bodies(api: Api) -> None:
    did = api.database()
    assert_error(
        api.post(f"/api/database/tables/database/{did}/", {}), 400, "ERROR_REQUEST_BODY_VALIDATION"
    )
    assert_error(
        api.post(f"/api/database/tables/database/{did}/", {"name": "x", "data": "nope"}),
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    )
    assert_error(
        api.post(
            f"/api/database/tables/database/{did}/",
            {"name": "x", "data": [["a", "a"]], "first_row_header": True},
        ),
        400,
        "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES",
    )
    assert_error(
        api.post("/api/database/tables/database/999999/", {"name": "x"}),
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    )
