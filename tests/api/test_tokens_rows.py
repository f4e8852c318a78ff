"""Every endpoint a database token may use checks the operation Baserow checks: rows
(list/get/create/update/move/delete, batch), field list, all-tables."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

NONE = {"create": False, "read": False, "update": False, "delete": False}
DENIED = {
    "error": "ERROR_NO_PERMISSION_TO_TABLE",
    "detail": "The token does not have permissions to the table.",
}


class Setup:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.ws = api.workspace()
        self.db = api.database(self.ws)
        self.table = api.table(self.db, "A")
        self.other = api.table(self.db, "B")
        token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": self.ws}))
        self.token_id, self.headers = token["id"], {"Authorization": f"Token {token['key']}"}

    def grant(self, **ops: Any) -> None:
        self.api.ok(
            self.api.patch(
                f"/api/database/tokens/{self.token_id}/", {"permissions": {**NONE, **ops}}
            )
        )

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.api.client.request(method, path, json=body, headers=self.headers)


@pytest.fixture
def setup(api: Api) -> Setup:
    return Setup(api)


def rows_path(table: int, suffix: str = "") -> str:
    return f"/api/database/rows/table/{table}/{suffix}"


# (operation the endpoint needs, method, path suffix, body, status when allowed)
ENDPOINTS = [
    ("read", "GET", "", None, 200),
    ("read", "GET", "1/", None, 200),
    ("create", "POST", "", {}, 200),
    ("create", "POST", "batch/", {"items": [{}]}, 200),
    ("update", "PATCH", "1/", {}, 200),
    ("update", "PATCH", "1/move/", None, 200),
    ("update", "PATCH", "batch/", {"items": [{"id": 1}]}, 200),
    ("delete", "DELETE", "999999/", None, 404),
    ("delete", "POST", "batch-delete/", {"items": [999999]}, 404),
]


@pytest.mark.parametrize(
    ("op", "method", "suffix", "body", "ok"),
    ENDPOINTS,
    ids=[f"{m} {s or '.'}" for _, m, s, _, _ in ENDPOINTS],
)
def test_row_endpoints_check_their_operation(
    setup: Setup, op: str, method: str, suffix: str, body: Any, ok: int
) -> None:
    for other_op in ("create", "read", "update", "delete"):
        if other_op == op:
            continue
        setup.grant(**{other_op: True})
        r = setup.call(method, rows_path(setup.table, suffix), body)
        assert (r.status_code, r.json()) == (401, DENIED), other_op
    for grant in (True, [["table", setup.table]], [["database", setup.db]]):
        setup.grant(**{op: grant})
        assert setup.call(method, rows_path(setup.table, suffix), body).status_code == ok, grant
    setup.grant(**{op: [["table", setup.other]]})
    r = setup.call(method, rows_path(setup.table, suffix), body)
    assert (r.status_code, r.json()) == (401, DENIED)


def test_unknown_table_is_404_before_the_grant(setup: Setup) -> None:
    setup.grant()
    for method, suffix, body in (
        ("GET", "", None),
        ("POST", "", {}),
        ("PATCH", "1/", {}),
        ("DELETE", "1/", None),
    ):
        r = setup.call(method, rows_path(999999, suffix), body)
        assert (r.status_code, r.json()["error"]) == (404, "ERROR_TABLE_DOES_NOT_EXIST")


def test_get_row_with_metadata_is_refused_for_tokens(setup: Setup) -> None:
    r = setup.call("GET", rows_path(setup.table, "1/") + "?include=metadata")
    assert (r.status_code, r.json()["error"]) == (400, "ERROR_CANNOT_INCLUDE_ROW_METADATA")


def test_field_list_needs_read_create_or_update(setup: Setup) -> None:
    path = f"/api/database/fields/table/{setup.table}/"
    for op in ("read", "create", "update"):
        setup.grant(**{op: [["table", setup.table]]})
        assert [f["name"] for f in setup.call("GET", path).json()] == ["Name", "Notes", "Active"]
    setup.grant(delete=True)
    r = setup.call("GET", path)
    assert (r.status_code, r.json()) == (401, DENIED)


def test_all_tables_lists_tables_with_any_grant(setup: Setup, api: Api) -> None:
    second_db = api.database(setup.ws, "DB2")
    third = api.table(second_db, "C")
    api.table(api.database(api.workspace("Elsewhere")), "X")
    entry = {
        setup.table: {"id": setup.table, "name": "A", "order": 1, "database_id": setup.db},
        setup.other: {"id": setup.other, "name": "B", "order": 2, "database_id": setup.db},
        third: {"id": third, "name": "C", "order": 1, "database_id": second_db},
    }

    def listed() -> list[Any]:
        # Across databases the order is not part of the contract: compare by id.
        return sorted(
            setup.call("GET", "/api/database/tables/all-tables/").json(), key=lambda t: t["id"]
        )

    assert listed() == [entry[setup.table], entry[setup.other], entry[third]]
    setup.grant()
    assert listed() == []
    setup.grant(delete=[["table", setup.other]], update=[["database", second_db]])
    assert listed() == [entry[setup.other], entry[third]]


def test_grant_on_a_deleted_table_does_not_pass_to_a_new_table(setup: Setup, api: Api) -> None:
    setup.grant(read=[["table", setup.other]], create=[["database", setup.db]])
    api.delete(f"/api/database/tables/{setup.other}/")
    newer = api.table(setup.db, "C")  # SQLite may hand out the freed id again
    assert (
        api.ok(api.get(f"/api/database/tokens/{setup.token_id}/"))["permissions"]["read"] is False
    )
    r = setup.call("GET", rows_path(newer))
    assert (r.status_code, r.json()) == (401, DENIED)


def test_grant_on_a_deleted_database_does_not_pass_to_a_new_database(
    setup: Setup, api: Api
) -> None:
    setup.grant(read=[["database", setup.db]])
    api.delete(f"/api/applications/{setup.db}/")
    newer_db = api.database(setup.ws, "again")
    newer = api.table(newer_db, "C")
    assert (
        api.ok(api.get(f"/api/database/tokens/{setup.token_id}/"))["permissions"]["read"] is False
    )
    r = setup.call("GET", rows_path(newer))
    assert (r.status_code, r.json()) == (401, DENIED)
