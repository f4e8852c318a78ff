"""`upsert_on` on batch create (gridbase extension, issue 24): matching items update their
row with the fields they give, the others are created, all in one transaction; every
refusal is a 400 in Baserow's error shape that writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers import eventually
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver, receiving


class Table:
    """A table Name (text) | Qty (number) | Code (text) with rows a/1/x and b/2/y."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.id = api.table(api.database(), data=[["Name"], ["a"], ["b"]])
        api.field(self.id, "Qty", "number")
        api.field(self.id, "Code", "text", text_default="new")
        self.f = {f["name"]: f["id"] for f in api.fields(self.id)}
        self.ids = [r["id"] for r in api.rows(self.id)]
        api.ok(
            api.patch(
                f"/api/database/rows/table/{self.id}/batch/?user_field_names=true",
                {
                    "items": [
                        {"id": self.ids[0], "Qty": 1, "Code": "x"},
                        {"id": self.ids[1], "Qty": 2, "Code": "y"},
                    ]
                },
            )
        )

    def upsert(self, on: str, items: list[Any], names: bool = True, **kw: Any) -> Any:
        query = f"upsert_on={on}" + ("&user_field_names=true" if names else "")
        return self.api.post(
            f"/api/database/rows/table/{self.id}/batch/?{query}", {"items": items}, **kw
        )

    def stored(self) -> list[tuple[Any, ...]]:
        return [(r["id"], r["Name"], r["Qty"], r["Code"]) for r in self.api.rows(self.id)]


@pytest.fixture
def t(api: Api) -> Table:
    return Table(api)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def test_matching_items_update_the_others_are_created_in_request_order(t: Table) -> None:
    a, b = t.ids
    r = t.upsert("Name", [{"Name": "c", "Qty": 3}, {"Name": "a", "Qty": 10}, {"Name": "b"}])
    assert r.status_code == 200, r.text
    body = r.json()
    c = body["items"][0]["id"]
    assert body["upserted"] == {"created": [c], "updated": [a, b]}
    assert [(i["id"], i["Name"], i["Qty"], i["Code"]) for i in body["items"]] == [
        (c, "c", "3", "new"),  # a created row gets the defaults
        (a, "a", "10", "x"),  # an updated row keeps the fields its item leaves out
        (b, "b", "2", "y"),
    ]
    assert set(body["items"][0]) == {"id", "order", "Name", "Qty", "Code"}
    assert t.stored() == [(a, "a", "10", "x"), (b, "b", "2", "y"), (c, "c", "3", "new")]


def test_fields_named_by_id_as_field_keys_or_bare_ids(t: Table) -> None:
    name = t.f["Name"]
    for on in (f"field_{name}", str(name)):
        r = t.upsert(on, [{f"field_{name}": "a", f"field_{t.f['Qty']}": 7}], names=False)
        assert r.status_code == 200, r.text
        assert r.json()["upserted"] == {"created": [], "updated": [t.ids[0]]}
        assert r.json()["items"][0][f"field_{t.f['Qty']}"] == "7"


def test_several_key_fields_must_all_match(t: Table) -> None:
    r = t.upsert("Name,Qty", [{"Name": "a", "Qty": 1, "Code": "k"}, {"Name": "b", "Qty": 5}])
    created = r.json()["items"][1]["id"]
    assert r.json()["upserted"] == {"created": [created], "updated": [t.ids[0]]}
    assert len(t.stored()) == 3


def test_keys_compare_the_stored_value_exactly(t: Table) -> None:
    # text is case-sensitive and compared as it is written (trimmed, as Baserow writes a
    # text); a number compares as stored ("1" and 1 are one number)
    r = t.upsert("Name", [{"Name": "A"}, {"Name": " a "}])
    upserted = r.json()["upserted"]
    assert len(upserted["created"]) == 1 and upserted["updated"] == t.ids[:1]
    r = t.upsert("Qty", [{"Qty": 1, "Code": "one"}, {"Qty": "2", "Code": "two"}])
    assert r.json()["upserted"] == {"created": [], "updated": t.ids}


def test_an_empty_key_matches_an_empty_value(t: Table) -> None:
    t.api.ok(
        t.api.patch(f"/api/database/rows/table/{t.id}/{t.ids[1]}/", {f"field_{t.f['Code']}": None})
    )
    r = t.upsert("Code", [{"Code": None, "Qty": 9}])
    assert r.json()["upserted"] == {"created": [], "updated": [t.ids[1]]}


def test_without_upsert_on_the_answer_is_baserows(t: Table) -> None:
    r = t.api.post(f"/api/database/rows/table/{t.id}/batch/", {"items": [{}]})
    assert list(r.json()) == ["items"]


def error(r: Any) -> tuple[int, str, Any]:
    return r.status_code, r.json()["error"], r.json()["detail"]


def test_refusals_write_nothing(t: Table) -> None:
    before = t.stored()
    assert error(t.upsert("Nope", [{"Name": "a"}])) == (
        400,
        "ERROR_UPSERT_FIELD_NOT_FOUND",
        "The field Nope was not found in the table.",
    )
    assert error(t.upsert("999999", [{}], names=False))[1] == "ERROR_UPSERT_FIELD_NOT_FOUND"
    assert error(t.upsert("", [{}])) == (
        400,
        "ERROR_QUERY_PARAMETER_VALIDATION",
        {"upsert_on": [{"error": "This field may not be blank.", "code": "blank"}]},
    )
    # a key missing from an item, a bad value in another: one body error, nothing written
    assert error(t.upsert("Name", [{"Name": "z"}, {"Qty": 1}, {"Name": "q", "Qty": "x"}])) == (
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
        {
            "items": {
                "1": {
                    "Name": [{"error": "This field is required by upsert_on.", "code": "required"}]
                }
            }
        },
    )
    r = t.upsert("Name", [{"Name": "z"}, {"Name": "q", "Qty": "x"}])
    assert error(r)[:2] == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert list(error(r)[2]["items"]) == ["1"]
    # two items with one key
    assert error(t.upsert("Name", [{"Name": "z"}, {"Name": "a"}, {"Name": "z", "Qty": 2}])) == (
        400,
        "ERROR_UPSERT_KEYS_NOT_UNIQUE",
        "The items [0, 2] have the same upsert_on key.",
    )
    # a key matching several rows names them
    t.api.ok(t.api.post(f"/api/database/rows/table/{t.id}/?user_field_names=true", {"Name": "b"}))
    dup = t.api.rows(t.id)[-1]["id"]
    before = t.stored()
    assert error(t.upsert("Name", [{"Name": "new"}, {"Name": "b", "Qty": 4}])) == (
        400,
        "ERROR_UPSERT_KEY_MATCHES_SEVERAL_ROWS",
        f"The upsert_on key of item 1 matches several rows: {[t.ids[1], dup]}.",
    )
    assert t.stored() == before


@pytest.mark.parametrize(
    ("type_", "props"),
    [("autonumber", {}), ("single_select", {}), ("created_on", {}), ("formula", {"formula": "1"})],
)
def test_types_that_cannot_be_keys_are_refused_by_name(
    t: Table, type_: str, props: dict[str, Any]
) -> None:
    t.api.field(t.id, "K", type_, **props)
    assert error(t.upsert("Name,K", [{"Name": "a"}])) == (
        400,
        "ERROR_UPSERT_FIELD_NOT_POSSIBLE",
        f"It is not possible to upsert on the field K: a {type_} field cannot be a key.",
    )


@pytest.mark.parametrize(
    ("type_", "props", "value", "other"),
    [
        ("long_text", {}, "x\ny", "x\nY"),
        ("url", {}, "https://a.example", "https://b.example"),
        ("email", {}, "a@example.com", "A@example.com"),
        ("phone_number", {}, "+1 555", "+1 556"),
        ("rating", {}, 3, 4),
        ("boolean", {}, True, False),
        ("date", {"date_include_time": False}, "2026-01-02", "2026-01-03"),
        (
            "date",
            {"date_include_time": True},
            "2026-01-02T10:00:00Z",
            "2026-01-02T10:00:01Z",
        ),
        ("duration", {"duration_format": "h:mm"}, 3600, 7200),
    ],
)
def test_every_key_type(
    t: Table, type_: str, props: dict[str, Any], value: Any, other: Any
) -> None:
    t.api.field(t.id, "K", type_, **props)
    # the table's rows would share a boolean's false
    t.api.ok(t.api.post(f"/api/database/rows/table/{t.id}/batch-delete/", {"items": t.ids}))
    first = t.upsert("K", [{"K": value, "Name": "one"}]).json()
    assert len(first["upserted"]["created"]) == 1, first
    again = t.upsert("K", [{"K": value, "Name": "two"}, {"K": other, "Name": "three"}]).json()
    assert again["upserted"]["updated"] == first["upserted"]["created"]
    assert len(again["upserted"]["created"]) == 1
    assert again["items"][0]["Name"] == "two"


def test_a_token_needs_create_and_update(api: Api, t: Table) -> None:
    ws = api.ok(api.get("/api/workspaces/"))[0]["id"]
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))
    headers = {"Authorization": f"Token {token['key']}"}
    perms = {"create": True, "read": False, "update": False, "delete": False}
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": perms}))
    r = t.upsert("Name", [{"Name": "a"}], headers=headers)
    assert error(r)[:2] == (401, "ERROR_NO_PERMISSION_TO_TABLE")
    perms["update"] = True
    api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"permissions": perms}))
    r = t.upsert("Name", [{"Name": "a", "Qty": 5}], headers=headers)
    assert r.json()["upserted"] == {"created": [], "updated": [t.ids[0]]}


def test_webhooks_get_created_and_updated_as_separate_events(t: Table, receiver: Receiver) -> None:
    make_hook(t.api, t.id, receiver.url(), use_user_field_names=True, include_all_events=True)
    body = t.upsert("Name", [{"Name": "new"}, {"Name": "a", "Qty": 8}]).json()
    calls = eventually(lambda: receiver.count(2))
    by_type = {c.headers["X-Baserow-Event"]: c.body for c in calls}
    assert by_type["rows.created"]["items"] == [body["items"][0]]
    assert by_type["rows.updated"]["items"] == [body["items"][1]]
    assert by_type["rows.updated"]["old_items"][0]["Qty"] == "1"


def test_the_database_openapi_document_describes_it(api: Api, t: Table) -> None:
    apps = api.ok(api.get("/api/applications/"))
    db = next(a["id"] for a in apps if any(x["id"] == t.id for x in a["tables"]))
    spec = api.ok(api.get(f"/api/database/{db}/openapi.json"))
    op = spec["paths"][f"/api/database/rows/table/{t.id}/batch/"]["post"]
    assert "upsert_on" in [p["name"] for p in op["parameters"]]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert "upserted" in schema["properties"]


def test_created_rows_go_before_the_given_row(t: Table) -> None:
    a, b = t.ids
    path = f"/api/database/rows/table/{t.id}/batch/?user_field_names=true&upsert_on=Name&before={b}"
    body = t.api.ok(t.api.post(path, {"items": [{"Name": "new"}, {"Name": "a", "Qty": 4}]}))
    assert [r["Name"] for r in t.api.rows(t.id)] == ["a", "new", "b"]
    assert body["upserted"]["updated"] == [a]


def test_items_that_are_not_objects_are_refused_as_in_a_batch_create(t: Table) -> None:
    before = t.stored()
    r = t.upsert("Name", [{"Name": "z"}, "x"])
    assert error(r) == (
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
        {
            "items": {
                "1": {
                    "non_field_errors": [
                        {
                            "error": "Invalid data. Expected a dictionary, but got str.",
                            "code": "invalid",
                        }
                    ]
                }
            }
        },
    )
    assert error(t.upsert("Name", []))[1] == "ERROR_REQUEST_BODY_VALIDATION"
    assert t.stored() == before


def test_many_key_fields_are_matched_in_chunks(t: Table) -> None:
    # 40 key fields x 200 items: the key match runs in several statements (MATCH_PARAMETERS)
    for n in range(39):
        t.api.field(t.id, f"K{n}", "number")
    keys = ",".join(["Name", *(f"K{n}" for n in range(39))])
    items = [{"Name": f"n{i}", **{f"K{n}": i for n in range(39)}} for i in range(200)]
    first = t.upsert(keys, items)
    assert len(first.json()["upserted"]["created"]) == 200, first.text
    again = t.upsert(keys, [dict(item, Qty=5) for item in items]).json()
    assert again["upserted"]["updated"] == first.json()["upserted"]["created"]
