"""Property: for random token grants over several databases and tables, every row endpoint
allows exactly what the grants allow — on both backends, through the real HTTP stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Api

OPS = ("create", "read", "update", "delete")
DENIED = {
    "error": "ERROR_NO_PERMISSION_TO_TABLE",
    "detail": "The token does not have permissions to the table.",
}

# action -> (operations any one of which allows it, method, path suffix, body, status when allowed)
ACTIONS: dict[str, tuple[tuple[str, ...], str, str, Any, int]] = {
    "list": (("read",), "GET", "", None, 200),
    "get": (("read",), "GET", "1/", None, 200),
    "create": (("create",), "POST", "", {}, 200),
    "update": (("update",), "PATCH", "1/", {}, 200),
    "move": (("update",), "PATCH", "1/move/", None, 200),
    "delete": (("delete",), "DELETE", "999999/", None, 404),
    "batch_create": (("create",), "POST", "batch/", {"items": [{}]}, 200),
    "batch_update": (("update",), "PATCH", "batch/", {"items": [{"id": 1}]}, 200),
    "batch_delete": (("delete",), "POST", "batch-delete/", {"items": [999999]}, 404),
    "fields": (("read", "create", "update"), "GET", "", None, 200),
}


@dataclass
class World:
    api: Api
    token_id: int
    headers: dict[str, str]
    database_of: dict[int, int]  # table id -> database id, tables of the token's workspace
    foreign: list[int]  # tables of another workspace of the same user
    checks: int = 0

    @property
    def scopes(self) -> list[tuple[str, int]]:
        return [("database", d) for d in sorted(set(self.database_of.values()))] + [
            ("table", t) for t in self.database_of
        ]


@pytest.fixture
def world(api: Api) -> World:
    ws = api.workspace("granted")
    database_of: dict[int, int] = {}
    for db_name in ("one", "two"):
        db = api.database(ws, db_name)
        for table_name in ("a", "b"):
            database_of[api.table(db, table_name)] = db
    foreign = [api.table(api.database(api.workspace("elsewhere")), "x")]
    token = api.ok(api.post("/api/database/tokens/", {"name": "prop", "workspace": ws}))
    return World(api, token["id"], {"Authorization": f"Token {token['key']}"}, database_of, foreign)


Grant = Any  # bool | list[tuple[str, int]]


def allows(world: World, grants: dict[str, Grant], op: str, table: int) -> bool:
    if table not in world.database_of:
        return False
    grant = grants[op]
    if isinstance(grant, bool):
        return grant
    return ("table", table) in grant or ("database", world.database_of[table]) in grant


def grants_strategy(world: World) -> st.SearchStrategy[dict[str, Grant]]:
    one = st.one_of(st.booleans(), st.lists(st.sampled_from(world.scopes), max_size=3, unique=True))
    return st.fixed_dictionaries(dict.fromkeys(OPS, one))


def request(world: World, action: str, table: int) -> Any:
    _, method, suffix, body, _ = ACTIONS[action]
    path = (
        f"/api/database/fields/table/{table}/"
        if action == "fields"
        else f"/api/database/rows/table/{table}/{suffix}"
    )
    return world.api.client.request(method, path, json=body, headers=world.headers)


def test_api_allows_exactly_what_the_grants_allow(world: World) -> None:
    tables = list(world.database_of) + world.foreign
    call = st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from(tables))

    @settings(
        max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(grants=grants_strategy(world), calls=st.lists(call, min_size=12, max_size=20))
    def prop(grants: dict[str, Grant], calls: list[tuple[str, int]]) -> None:
        body = {
            op: g if isinstance(g, bool) else [list(scope) for scope in g]
            for op, g in grants.items()
        }
        world.api.ok(
            world.api.patch(f"/api/database/tokens/{world.token_id}/", {"permissions": body})
        )
        for action, table in calls:
            ops, _, _, _, ok = ACTIONS[action]
            allowed = any(allows(world, grants, op, table) for op in ops)
            r = request(world, action, table)
            if allowed:
                assert r.status_code == ok, (action, table, grants, r.text)
            else:
                assert (r.status_code, r.json()) == (401, DENIED), (action, table, grants)
            world.checks += 1
        listed = {
            t["id"]
            for t in world.api.client.get(
                "/api/database/tables/all-tables/", headers=world.headers
            ).json()
        }
        assert listed == {
            t for t in world.database_of if any(allows(world, grants, op, t) for op in OPS)
        }
        world.checks += 1

    prop()
    assert world.checks >= 1000  # every check above: 0 escapes allowed
