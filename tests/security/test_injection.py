"""Injection corpus: hostile strings as field names, cell values, filter values, filter field
names, order_by, search, include/exclude and select option names. Every answer is a correct
result or a clear 4xx — never a 500 — and nothing outside the token's grant leaks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.conftest import Api

CORPUS = [
    "'",
    "''",
    "`",
    "\\",
    "\\'",
    '\\"',
    "--",
    "/*",
    "*/",
    ";",
    "%",
    "_",
    "%_%",
    "*",
    "' OR '1'='1",
    '" OR 1=1 --',
    "'; DROP TABLE users; --",
    "1); DELETE FROM tokens; --",
    "Robert'); DROP TABLE database_table_1;--",
    "UNION SELECT key_digest FROM tokens",
    "field_1",
    "-field_1",
    "field_1,field_2",
    "id",
    "-id",
    "order",
    "+",
    "-",
    ",",
    ",,",
    '"a,b"',
    '"',
    '"unclosed',
    "name[order]",
    "x[",
    "]",
    "$where",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    '{"filter_type": "OR", "filters": []}',
    "[1, 2, 3]",
    "null",
    "true",
    "0",
    "-1",
    "1e309",
    "NaN",
    "ñandú",
    "日本語テキスト",
    "😀🔥",
    "\u202eevil",
    "a\u200bb",
    "\ufeffbom",
    "e\u0301",
    "\n\r\t",
    " padded ",
    "a" * 300,
    "é" * 5000,
    "nul\x00byte",
]
SECRET = "TOPSECRET"
OK_OR_CLIENT_ERROR = {200, 400, 404}


class Arena:
    """Table A (token may read and create), table B in the same database and a table of
    another workspace, both holding a secret the token must never see."""

    def __init__(self, api: Api) -> None:
        self.api = api
        ws = api.workspace()
        db = api.database(ws)
        self.table = api.table(db, "A")
        hidden = api.table(db, "B")
        api.ok(
            api.post(
                f"/api/database/rows/table/{hidden}/",
                {"field_" + str(self._primary(hidden)): SECRET + "-B"},
            )
        )
        other = api.table(api.database(api.workspace("Other")), "C")
        api.ok(
            api.post(
                f"/api/database/rows/table/{other}/",
                {"field_" + str(self._primary(other)): SECRET + "-C"},
            )
        )
        token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
        api.ok(
            api.patch(
                f"/api/database/tokens/{token['id']}/",
                {
                    "permissions": {
                        "create": [["table", self.table]],
                        "read": [["table", self.table]],
                        "update": False,
                        "delete": False,
                    }
                },
            )
        )
        self.headers = {"Authorization": f"Token {token['key']}"}
        self.text_field = self._primary(self.table)
        self.problems: list[str] = []

    def _primary(self, table: int) -> int:
        return int(next(f["id"] for f in self.api.fields(table) if f["primary"]))

    def get(self, params: dict[str, str]) -> Any:
        r = self.api.client.get(
            f"/api/database/rows/table/{self.table}/", params=params, headers=self.headers
        )
        return self.check(r)

    def check(self, r: Any) -> Any:
        """Record (rather than raise) a bad answer, so one run reports every offending input."""
        body = (
            r.json() if r.headers.get("content-type", "").startswith("application/json") else None
        )
        if (
            r.status_code not in OK_OR_CLIENT_ERROR
            or SECRET in r.text
            or (
                r.status_code != 200
                and not (isinstance(body, dict) and ("error" in body or "detail" in body))
            )
        ):
            sent = r.request.content[:120].decode("utf-8", "replace")
            self.problems.append(
                f"{r.request.method} {r.request.url} {sent} -> {r.status_code} {r.text[:200]}"
            )
        return r


@pytest.fixture
def arena(ctx: Ctx, settings: Settings) -> Iterator[Arena]:
    # Server errors come back as 500 responses (recorded as problems) instead of raising.
    with TestClient(create_app(settings, ctx), raise_server_exceptions=False) as client:
        yield Arena(Api(client))


def test_hostile_strings_in_every_query_position(arena: Arena) -> None:
    for evil in CORPUS:
        _query_positions(arena, evil)
    assert not arena.problems, "\n".join(arena.problems)


def _query_positions(arena: Arena, evil: str) -> None:
    f = f"field_{arena.text_field}"
    created = arena.check(
        arena.api.client.post(
            f"/api/database/rows/table/{arena.table}/", json={f: evil}, headers=arena.headers
        )
    )
    # stored exactly, not interpreted (trimmed, as Baserow's serializer trims a text)
    if created.status_code == 200 and created.json()[f] != evil.strip():
        arena.problems.append(f"value {evil!r} came back as {created.json()[f]!r}")
    for params in (
        {"search": evil},
        {"order_by": evil},
        {"include": evil},
        {"exclude": evil},
        {"order_by": evil, "user_field_names": "true"},
        {"include": evil, "user_field_names": "true"},
        {f"filter__{f}__contains": evil},
        {f"filter__{evil}__equal": "x"},
        {f"filter__{evil}__equal": "x", "user_field_names": "true"},
        {f"filter__{f}__{evil}": "x"},
        {
            "filters": json.dumps(
                {
                    "filter_type": "AND",
                    "filters": [{"field": arena.text_field, "type": "contains", "value": evil}],
                }
            )
        },
        {
            "filters": json.dumps(
                {"filter_type": "AND", "filters": [{"field": evil, "type": "equal", "value": "x"}]}
            ),
            "user_field_names": "true",
        },
        {"filters": evil},
        {"filter_type": evil},
        {"size": evil},
        {"page": evil},
    ):
        arena.get(params)


def test_hostile_field_names_round_trip_or_are_refused(arena: Arena) -> None:
    for evil in CORPUS:
        _field_name(arena, evil)
    assert not arena.problems, "\n".join(arena.problems)


def _field_name(arena: Arena, evil: str) -> None:
    r = arena.check(
        arena.api.post(f"/api/database/fields/table/{arena.table}/", {"name": evil, "type": "text"})
    )
    if r.status_code != 200:
        return
    name = r.json()["name"]
    created = arena.check(
        arena.api.client.post(
            f"/api/database/rows/table/{arena.table}/?user_field_names=true",
            json={name: "v"},
            headers=arena.headers,
        )
    )
    if created.status_code != 200 or created.json().get(name) != "v":
        arena.problems.append(
            f"field {name!r}: row written by name came back as {created.text[:200]}"
        )
    listed = arena.get(
        {"user_field_names": "true", "include": json.dumps(name) if "," in name else name}
    )
    if listed.status_code != 200:
        arena.problems.append(f"field {name!r}: include by name answered {listed.status_code}")
    arena.get({"user_field_names": "true", "order_by": name})
    arena.get({"user_field_names": "true", f"filter__{name}__equal": "v"})


def test_hostile_select_option_names(arena: Arena, ctx: Ctx) -> None:
    if "single_select" not in {ft.type for ft in ctx.field_types}:
        pytest.skip("single_select is not available")
    for index, evil in enumerate(CORPUS):
        _select_option(arena, index, evil)
    assert not arena.problems, "\n".join(arena.problems)


def _select_option(arena: Arena, index: int, evil: str) -> None:
    r = arena.check(
        arena.api.post(
            f"/api/database/fields/table/{arena.table}/",
            {
                "name": f"Choice {index}",
                "type": "single_select",
                "select_options": [{"value": evil, "color": "blue"}],
            },
        )
    )
    if r.status_code != 200:
        return
    field_id = r.json()["id"]
    option = r.json()["select_options"][0]
    created = arena.check(
        arena.api.client.post(
            f"/api/database/rows/table/{arena.table}/",
            json={f"field_{field_id}": option["id"]},
            headers=arena.headers,
        )
    )
    if (
        created.status_code != 200
        or (created.json()[f"field_{field_id}"] or {}).get("value") != option["value"]
    ):
        arena.problems.append(f"option {evil!r}: {created.text[:200]}")
    arena.get({f"filter__field_{field_id}__single_select_equal": str(option["id"])})
    arena.get({f"filter__field_{field_id}__contains": evil})
