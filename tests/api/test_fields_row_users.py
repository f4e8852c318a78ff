"""created_by and last_modified_by: every row write records its user (JWT, a token's owner;
single and batch; not a move), the field JSON, filters, sorting, search, read-only writes,
conversions, formulas, and tables from before rows kept their users."""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.app import build_context, create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from gridbase.storage import ddl
from tests.api.users_helpers import Team, names, rows_url, stored_users
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error

Q = {"user_field_names": "true"}


def setup(team: Team) -> int:
    ada = team.ada
    table = ada.table(team.database, data=[["Name"], ["old"]])
    ada.field(table, "By", "created_by")
    ada.field(table, "Last", "last_modified_by")
    return table


def test_field_json_lists_the_members_by_name(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = api.table(team.database, data=[["Name"], ["a"]])
    field = api.field(table, "By", "created_by")
    members = [{"id": team.ada_id, "name": "Ada"}, {"id": team.bob_id, "name": "Bob"}]
    expected = {
        "id": field["id"],
        "table_id": table,
        "name": "By",
        "order": 1,
        "type": "created_by",
        "primary": False,
        "read_only": True,
        "immutable_type": False,
        "immutable_properties": False,
        "description": None,
        "database_id": team.database,
        "workspace_id": team.workspace,
        "db_index": False,
        "field_constraints": [],
        "available_collaborators": members,
        "related_fields": [],
    }
    assert field == expected
    last = api.field(table, "Last", "last_modified_by")
    assert (last["type"], last["available_collaborators"]) == ("last_modified_by", members)
    assert api.get(f"/api/database/fields/{field['id']}/").json() == {
        k: v for k, v in expected.items() if k != "related_fields"
    }


def test_every_row_write_records_its_user(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    ada, bob = team.ada, team.bob
    table = setup(team)
    A, B = team.ada_id, team.bob_id  # the two users, named like in the rows
    user = {A: {"id": A, "name": "Ada"}, B: {"id": B, "name": "Bob"}}

    bob.ok(bob.post(rows_url(table), {"Name": "bob jwt"}, params=Q))
    bob_token = team.token(bob)
    bob.ok(bob.post(rows_url(table), {"Name": "bob token"}, params=Q, headers=bob_token))
    batch = {"items": [{"Name": "ada 1"}, {"Name": "ada 2"}]}
    ada.ok(ada.post(rows_url(table) + "batch/", batch, params=Q))
    assert stored_users(ctx, table) == {1: (A, A), 2: (B, B), 3: (B, B), 4: (A, A), 5: (A, A)}

    bob.ok(bob.patch(rows_url(table, 1), {"Name": "old, changed"}, params=Q, headers=bob_token))
    ada.ok(ada.patch(rows_url(table, 2), {}, params=Q))  # an empty update counts
    items = {"items": [{"id": 4, "Name": "x"}, {"id": 5}]}
    bob.ok(bob.patch(rows_url(table) + "batch/", items, params=Q))
    moved = bob.ok(bob.patch(rows_url(table, 3) + "move/", params=Q))
    assert moved["Last"] == user[B]  # a move is no change of the row's values (Baserow)
    ada.ok(ada.patch(rows_url(table, 3) + "move/?before_id=1", params=Q))
    assert stored_users(ctx, table) == {1: (A, B), 2: (B, A), 3: (B, B), 4: (A, B), 5: (A, B)}
    rows = {r["id"]: (r["By"], r["Last"]) for r in ada.rows(table)}
    assert rows == {
        1: (user[A], user[B]),
        2: (user[B], user[A]),
        3: (user[B], user[B]),
        4: (user[A], user[B]),
        5: (user[A], user[B]),
    }
    assert ada.ok(ada.get(rows_url(table, 2), params=Q))["By"] == user[B]


def test_a_failed_write_records_nobody(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = setup(team)
    before = stored_users(ctx, table)
    items = {"items": [{"id": 1, "Name": "x"}, {"id": 99, "Name": "y"}]}
    assert_error(team.bob.patch(rows_url(table) + "batch/", items), 404, "ERROR_ROW_DOES_NOT_EXIST")
    assert stored_users(ctx, table) == before


def test_values_are_read_only(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = setup(team)
    refused = "Field of type created_by is read only and should not be set manually."
    body = api.post(rows_url(table), {"By": {"id": 1}}, params=Q)
    assert body.status_code == 400
    assert body.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": refused}
    # a malformed value is worded first (DRF's serializer), with the other fields' errors
    body = api.patch(rows_url(table, 1), {"Last": None, "By": "x", "Name": {}}, params=Q).json()
    assert body["detail"] == {
        "Last": [{"error": "This field may not be null.", "code": "null"}],
        "By": {
            "non_field_errors": [
                {"error": "Invalid data. Expected a dictionary, but got str.", "code": "invalid"}
            ]
        },
        "Name": [{"error": "Not a valid string.", "code": "invalid"}],
    }
    body = api.patch(rows_url(table, 1), {"By": {"id": "x"}}, params=Q).json()
    assert body["detail"] == {
        "By": {"id": [{"error": "A valid integer is required.", "code": "invalid"}]}
    }
    assert stored_users(ctx, table) == {1: (team.ada_id, team.ada_id)}


def test_filters_user_is_and_user_is_not(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = setup(team)
    team.bob.ok(team.bob.post(rows_url(table), {"Name": "bob"}, params=Q))
    api.ok(api.post(rows_url(table), {"Name": "nobody"}, params=Q))
    t = sa.table(ddl.table_name(table), sa.column("id"), sa.column("created_by"))
    with ctx.db.write() as conn:  # a row from before rows kept their users
        conn.execute(t.update().where(t.c.id == 3).values(created_by=None))
    A, B = team.ada_id, team.bob_id

    def rows(filter_type: str, value: str) -> list[str]:
        found = api.rows(table, **{f"filter__By__{filter_type}": value})
        return [r["Name"] for r in found]

    assert rows("user_is", str(A)) == ["old"]
    assert rows("user_is", f" {B} ") == ["bob"]
    assert rows("user_is_not", str(A)) == ["bob", "nobody"]  # no user: not A either
    assert rows("user_is", str(team.cy_id)) == []
    assert rows("user_is_not", "99999999999999999999") == ["old", "bob", "nobody"]
    for off in ("", "x", f"{A}.0", f"{A},{B}"):  # not one integer: the filter is off
        assert rows("user_is", off) == rows("user_is_not", off) == ["old", "bob", "nobody"]
    for refused in ("empty", "equal", "contains", "multiple_collaborators_has"):
        r = api.get(rows_url(table), params={**Q, f"filter__Last__{refused}": "1"})
        assert_error(r, 400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD")


def test_sorted_and_searched_by_the_users_name(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    with ctx.db.write() as conn:  # "ada" < "Bob" only when case is ignored, as Baserow sorts
        users = sa.table("users", sa.column("id"), sa.column("first_name"))
        conn.execute(users.update().where(users.c.id == team.ada_id).values(first_name="ada"))
    table = setup(team)
    team.bob.ok(team.bob.post(rows_url(table), {"Name": "r2"}, params=Q))
    api.ok(api.post(rows_url(table), {"Name": "r3"}, params=Q))
    t = sa.table(ddl.table_name(table), sa.column("id"), sa.column("created_by"))
    with ctx.db.write() as conn:
        conn.execute(t.update().where(t.c.id == 3).values(created_by=None))

    def listed(**params: str) -> list[str]:
        return [r["Name"] for r in api.rows(table, **params)]

    assert listed(order_by="By") == ["r3", "old", "r2"]  # nobody first, then ada, Bob
    assert listed(order_by="-By") == ["r2", "old", "r3"]
    assert listed(order_by="-By,-Name") == ["r2", "old", "r3"]
    assert listed(search="BOB") == ["r2"]
    assert listed(search="ad") == ["old", "r3"]  # r3 was last modified by ada
    assert listed(search="bo", search_mode="full-text-with-count") == ["r2"]


def test_conversions(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = setup(team)
    fields = {f["name"]: f for f in api.fields(table)}
    note = api.field(table, "Note", "text")
    api.ok(api.patch(rows_url(table, 1), {"Note": "kept?"}, params=Q))
    team.bob.ok(team.bob.patch(rows_url(table, 1), {"Name": "changed"}, params=Q))
    ada, bob = {"id": team.ada_id, "name": "Ada"}, {"id": team.bob_id, "name": "Bob"}

    def field_url(name: str) -> str:
        return f"/api/database/fields/{(note if name == 'Note' else fields[name])['id']}/"

    # to: the row's users, whatever the cells held
    api.ok(api.patch(field_url("Note"), {"type": "last_modified_by"}))
    assert names(api, table, "Note") == [("changed", bob)]
    api.ok(api.patch(field_url("By"), {"type": "last_modified_by"}))
    assert names(api, table, "By") == [("changed", bob)]
    api.ok(api.patch(field_url("By"), {"type": "created_by"}))
    assert names(api, table, "By") == [("changed", ada)]
    # from: the values are gone
    api.ok(api.patch(field_url("Last"), {"type": "text"}))
    assert names(api, table, "Last") == [("changed", None)]


def test_formulas_and_lookups_cannot_read_them(client: TestClient, ctx: Ctx, api: Api) -> None:
    team = Team(client, ctx, api)
    table = setup(team)
    detail = (
        "Error with formula: A field of type created_by cannot be referenced in a Baserow formula.."
    )
    for formula in ("field('By')", "totext(field('By'))"):
        r = api.post(
            f"/api/database/fields/table/{table}/",
            {"name": "F", "type": "formula", "formula": formula},
        )
        assert assert_error(r, 400, "ERROR_WITH_FORMULA")["detail"] == detail
    other = api.table(team.database, name="Other", data=[["Name"], ["x"]])
    link = api.field(other, "Link", "link_row", link_row_table_id=table)
    target = next(f for f in api.fields(table) if f["name"] == "Last")
    body = {
        "name": "L",
        "type": "lookup",
        "through_field_id": link["id"],
        "target_field_id": target["id"],
    }
    r = api.post(f"/api/database/fields/table/{other}/", body)
    assert assert_error(r, 400, "ERROR_WITH_FORMULA")["detail"] == detail.replace(
        "created_by", "last_modified_by"
    )


def test_tables_from_before_get_the_user_columns_at_start(
    client: TestClient, ctx: Ctx, settings: Settings, api: Api
) -> None:
    table = api.table(data=[["Name"], ["old"]])
    with ctx.db.write() as conn:  # as an older gridbase made it
        for column in ddl.USER_COLUMNS:
            conn.exec_driver_sql(f"ALTER TABLE {ddl.table_name(table)} DROP COLUMN {column}")
    restarted = build_context(settings)
    try:
        with TestClient(create_app(settings, restarted)) as again:
            api.client = again
            api.field(table, "By", "created_by")
            api.ok(api.post(rows_url(table), {"Name": "new"}, params=Q))
            assert names(api, table, "By") == [
                ("old", None),  # nobody is known to have written it
                ("new", {"id": api.user["id"], "name": "Ada"}),
            ]
            ddl.ensure_user_columns(restarted.db)  # nothing left to do: idempotent
    finally:
        restarted.db.dispose()
