"""Hostile input through the real ASGI stack, on SQLite and PostgreSQL: every request a client
can send answers a Baserow-style error (never a 5xx) and leaves the data as it was.

- the cases of issue 21, each with the exact status and body Baserow 1.35.3 answers (or,
  where Baserow answers 500, the Baserow-style 400 gridbase answers instead);
- a sweep of hostile values (non-finite and over-range numbers, NUL, lone surrogates,
  over-long texts, nested lists) through every field type, and hostile filter values
  through every filter type each field type accepts;
- over-range ids in paths, query parameters and bodies of every route family.
Connection-level cases (keep-alive, header floods, slow clients) are in test_hostile_wire.
"""

# ruff: noqa: E501  (the case table reads one case to a line, however long)
from __future__ import annotations

import json
from typing import Any

from gridbase.fields import filtering
from tests.conftest import Api
from tests.reliability import hostile_world as world

BIG = "99999999999999999999"  # past 64 bits
I64 = str(2**63)
DIGITS = "9" * 5000  # past Python's int() limit of 4,300 digits
DEEP = b"[" * 1200 + b"]" * 1200
DEEP_OBJECT = b'{"a":' * 1200 + b"1" + b"}" * 1200


def parse_error(message: str) -> dict[str, Any]:
    return {"detail": f"JSON parse error - {message}"}


def validation(key: str, message: str, code: str) -> dict[str, Any]:
    return {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {key: [{"error": message, "code": code}]},
    }


NO_DATA = validation("non_field_errors", "No data provided", "null")
DEPTH = parse_error("Nesting deeper than 128 levels is not allowed.")
SURROGATE = "Surrogate characters are not allowed: U+{}."


class Counter:
    """Requests sent and server errors seen, for the suite's figures."""

    cases = 0
    requests = 0
    server_errors = 0


def send(api: Api, method: str, path: str, raw: bytes | None = None, **kw: Any) -> Any:
    headers = {**kw.pop("headers", api.headers)}
    if raw is not None:
        headers.setdefault("Content-Type", "application/json")
    response = api.client.request(method, path, content=raw, headers=headers, **kw)
    Counter.requests += 1
    if response.status_code >= 500:
        Counter.server_errors += 1
    return response


def state(api: Api, table: int, database: int) -> Any:
    """Everything a refused request could have changed: the rows, fields and tables."""
    rows = api.ok(api.get(f"/api/database/rows/table/{table}/", params={"size": 200}))
    fields = api.fields(table)
    tables = api.ok(api.get(f"/api/database/tables/database/{database}/"))
    return rows, fields, tables


def not_utf8(raw: bytes) -> dict[str, Any]:
    at = raw.index(b"\xed")
    return parse_error(
        f"'utf-8' codec can't decode byte 0xed in position {at}: invalid continuation byte"
    )


def surrogate(key: str, code_point: str) -> dict[str, Any]:
    return validation(key, SURROGATE.format(code_point), "surrogate_characters_not_allowed")


def not_compliant(literal: str) -> dict[str, Any]:
    return parse_error(f"Out of range float values are not JSON compliant: '{literal}'")


def item_error(message: str) -> dict[str, Any]:
    return {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {"items": {"0": {"id": [{"error": message, "code": "invalid"}]}}},
    }


EMPTY_PAGE = {"count": 0, "next": None, "previous": None, "results": []}
NOT_INTEGER = "A valid integer is required."
NULL_PARTIAL = {
    "error": "ERROR_REQUEST_BODY_VALIDATION",
    "detail": {
        "non_field_errors": [
            {
                "code": "invalid",
                "error": "Invalid data. Expected types are: dict, but got NoneType.",
            }
        ]
    },
}
FILTERS_NOT_JSON = {
    "error": "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    "detail": {"error": "The provided filters are not valid JSON.", "code": "invalid_json"},
}
TOO_MANY_DIGITS = (
    "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; "
    "use sys.set_int_max_str_digits() to increase the limit"
)


def test_the_cases_of_issue_21(api: Api) -> None:
    """Each case's status and whole body (Baserow's, or the Baserow-style 400 where Baserow
    answers 500: deep nesting), and nothing changed."""
    database = api.database()
    table = api.table(database)
    name = next(f["id"] for f in api.fields(table) if f["name"] == "Name")
    stars = api.field(table, "Stars", "rating")["id"]
    rows = f"/api/database/rows/table/{table}/"
    fields = f"/api/database/fields/table/{table}/"
    tables = f"/api/database/tables/database/{database}/"
    raw_row = b'{"field_%d": "a\xed\xa0\x80b"}' % name
    raw_name = b'{"name": "x\xed\xa0\x80"}'
    filters = json.dumps(
        {"filter_type": "AND", "filters": [{"type": "equal", "field": name, "value": "\ud800"}]}
    )
    surrogate_filter = {
        "error": "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
        "detail": {"filters": {"0": {"value": surrogate("v", "D800")["detail"]["v"]}}},
    }
    cases: list[tuple[str, str, bytes | None, int, Any]] = [
        # lone surrogates: escaped (DRF's CharField refuses them) or raw (not UTF-8)
        ("POST", rows, b'{"field_%d": "a\\ud800b"}' % name, 400, surrogate(f"field_{name}", "D800")),
        ("POST", rows, raw_row, 400, not_utf8(raw_row)),
        ("PATCH", f"/api/database/tables/{table}/", b'{"name": "x\\udc00"}', 400, surrogate("name", "DC00")),
        ("PATCH", f"/api/database/tables/{table}/", raw_name, 400, not_utf8(raw_name)),
        ("POST", fields, b'{"name": "x\\ud800", "type": "text"}', 400, surrogate("name", "D800")),
        ("POST", rows + "?user_field_names=true", b'{"Name": ["a", {"b": "\\udfff"}]}', 400, surrogate("Name", "DFFF")),
        ("GET", rows + "?filters=" + filters, None, 400, surrogate_filter),
        ("POST", rows + "batch/", b'{"items": [{"field_%d": "a"}, {"field_%d": "\\u0000"}]}' % (name, name), 400,
         validation("items", "Null characters are not allowed.", "null_characters_not_allowed")),
        # bytes that are not UTF-8 JSON: UTF-16, a byte order mark
        ("POST", rows, '{"a": 1}'.encode("utf-16"), 400,
         parse_error("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")),
        ("POST", rows, b"\xef\xbb\xbf{}", 400,
         parse_error("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")),
        # non-finite numbers: 1e400 reads as inf (as in DRF), the literals are not JSON
        ("POST", rows, b'{"field_%d": 1e400}' % stars, 400, validation(f"field_{stars}", NOT_INTEGER, "invalid")),
        ("POST", rows, b'{"field_%d": -1e400}' % stars, 400, validation(f"field_{stars}", NOT_INTEGER, "invalid")),
        ("POST", rows, b'{"field_%d": Infinity}' % stars, 400, not_compliant("Infinity")),
        ("POST", rows, b'{"field_%d": NaN}' % name, 400, not_compliant("NaN")),
        ("POST", rows, b'{"field_%d": -Infinity}' % name, 400, not_compliant("-Infinity")),
        ("PATCH", rows + "batch/", b'{"items": [{"id": Infinity}]}', 400, not_compliant("Infinity")),
        ("PATCH", rows + "batch/", b'{"items": [{"id": 1e400}]}', 400, item_error(NOT_INTEGER)),
        ("PATCH", rows + "batch/", b'{"items": [{"id": 1.5, "field_%d": "x"}]}' % name, 400, item_error(NOT_INTEGER)),
        ("POST", rows, b'{"field_%d": %s}' % (name, DIGITS.encode()), 400, parse_error(TOO_MANY_DIGITS)),
        # a JSON null body
        ("POST", rows, b"null", 400, NO_DATA),
        ("PATCH", rows + "1/", b"null", 400, NULL_PARTIAL),
        ("POST", rows + "batch/", b"null", 400, NO_DATA),
        ("POST", tables, b"null", 400, NO_DATA),
        ("POST", "/api/user/token-auth/", b"null", 400, {"non_field_errors": ["No data provided"]}),
        # over-range numbers in the query string
        ("GET", rows + f"?page={I64}", None, 200,
         {**EMPTY_PAGE, "count": 2, "previous": f"http://testserver{rows}?page={2**63 - 1}"}),
        ("GET", rows + f"?order_by=field_{DIGITS}", None, 400, {
            "error": "ERROR_ORDER_BY_FIELD_NOT_FOUND",
            "detail": f"The field field_{DIGITS} was not found in the table."}),
        ("GET", rows + f"?filter__field_{stars}__equal=1e400", None, 200, EMPTY_PAGE),
        ("GET", rows + f"?filter__field_{stars}__higher_than={DIGITS}", None, 200, EMPTY_PAGE),
        ("GET", rows + f"?filter__field_{stars}__higher_than={I64}", None, 200, EMPTY_PAGE),
        ("GET", rows + f"?filter__field_{name}__length_is_lower_than={I64}", None, 200, None),
        # an over-range id in a body: as any id of nothing (Baserow's answer)
        ("POST", fields, b'{"name": "L", "type": "link_row", "link_row_table_id": %s}' % BIG.encode(), 404,
         {"error": "ERROR_TABLE_DOES_NOT_EXIST", "detail": "The requested table does not exist."}),
        # nested past any Baserow body (Baserow: 500), in every kind of body and in `filters`
        ("POST", rows, DEEP, 400, DEPTH),
        ("POST", rows, b'{"field_%d": ' % name + DEEP + b"}", 400, DEPTH),
        ("POST", rows + "batch/", DEEP_OBJECT, 400, DEPTH),
        ("POST", fields, DEEP_OBJECT, 400, DEPTH),
        ("POST", tables, DEEP, 400, DEPTH),
        ("POST", "/api/database/tokens/", DEEP, 400, DEPTH),
        ("POST", "/api/user/", DEEP_OBJECT, 400, DEPTH),
        ("POST", "/api/user/token-auth/", DEEP, 400, DEPTH),
        ("GET", rows + "?filters=" + DEEP.decode(), None, 400, FILTERS_NOT_JSON),
    ]  # fmt: skip
    before = state(api, table, database)
    for method, path, raw, status, body in cases:
        response = send(api, method, path, raw)
        assert response.status_code == status, (method, path, raw and raw[:80], response.text)
        if body is not None:
            assert response.json() == body, (method, path, raw and raw[:80])
        assert state(api, table, database) == before, (method, path, raw and raw[:80])
    Counter.cases += len(cases)
    # a database token's row writes take the hot routes (api/hot.py): the same answers
    workspace = api.ok(api.get(f"/api/applications/{database}/"))["workspace"]["id"]
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": workspace}))
    headers = {"Authorization": f"Token {token['key']}"}
    for method, path, raw, status, body in (
        cases[:2] + cases[18:21] + cases[-9:-8]
    ):  # rows, nulls, deep
        response = send(api, method, path, raw, headers=headers)
        assert (response.status_code, response.json()) == (status, body), (method, path, raw)
    assert state(api, table, database) == before


def _refused_items(response: Any) -> set[int]:
    """The indexes of the batch items a 400 names."""
    body = response.json()
    assert set(body) == {"error", "detail"}, response.text
    items = body["detail"].get("items") if isinstance(body["detail"], dict) else None
    return {int(i) for i in items} if isinstance(items, dict) else set()


def _filters(api: Api, rows: str, field_id: int, types: list[str], values: list[str]) -> int:
    conditions = [{"field": field_id, "type": t, "value": v} for t in types for v in values]
    tree = json.dumps({"filter_type": "OR", "filters": conditions})
    response = send(api, "GET", rows, params={"filters": tree, "size": 1})
    assert response.status_code in (200, 400), (types, values, response.text)
    return int(response.status_code)


def test_hostile_values_and_filter_values_through_every_type(api: Api) -> None:
    """Every value of world.VALUES into every field, by batch create and batch update: the
    batch of all of them is written, or refused with a 400 that wrote nothing, and then its
    items that were not refused are written (so each value was stored or refused, never a
    5xx). Then every value of world.FILTER_VALUES through every filter type each field
    accepts (in OR trees): 200, or a 400."""
    table, fields = world.build(api)
    rows = f"/api/database/rows/table/{table}/"
    items = json.dumps({"items": [{}] * len(world.VALUES)}).encode()
    ids = [r["id"] for r in api.ok(send(api, "POST", rows + "batch/", items))["items"]]

    def listed(field_id: int | None = None) -> Any:
        # a batch about one field can change only that field's values and the row count
        params = {"size": 200, **({"include": f"field_{field_id}"} if field_id else {})}
        return api.ok(api.get(rows, params=params))

    for field in fields.values():
        key = f"field_{field['id']}".encode()
        snapshot = listed(field["id"])
        for method, entries in (
            ("POST", [b'{"%s": %s}' % (key, raw) for raw in world.VALUES]),
            (
                "PATCH",
                [
                    b'{"id": %d, "%s": %s}' % (i, key, raw)
                    for i, raw in zip(ids, world.VALUES, strict=True)
                ],
            ),
        ):
            response = send(api, method, rows + "batch/", b'{"items": [%s]}' % b",".join(entries))
            assert response.status_code in (200, 400), (field["type"], method, response.text)
            if response.status_code == 200:
                snapshot = listed(field["id"])
                continue
            refused = _refused_items(response)
            assert listed(field["id"]) == snapshot, (field["type"], method)  # nothing written
            kept = [entry for index, entry in enumerate(entries) if index not in refused]
            if kept and refused:
                again = send(api, method, rows + "batch/", b'{"items": [%s]}' % b",".join(kept))
                assert again.status_code in (200, 400), (field["type"], method, again.text)
                if again.status_code == 400:  # refused as a whole (a read-only field)
                    assert not _refused_items(again), again.text
                snapshot = listed(field["id"])
    snapshot = listed()
    for field in fields.values():
        types = sorted(filtering.for_field_type(field["type"]))
        # filter types and values of this field in a few OR trees; when one is refused (a
        # value some type refuses), each type on its own, then each value
        for group in (types[i : i + 6] for i in range(0, len(types), 6)):  # URLs under 64 KiB
            status = _filters(api, rows, field["id"], group, world.FILTER_VALUES)
            if status == 400:
                for filter_type in group:
                    if _filters(api, rows, field["id"], [filter_type], world.FILTER_VALUES) == 400:
                        for value in world.FILTER_VALUES:
                            _filters(api, rows, field["id"], [filter_type], [value])
    assert listed() == snapshot  # reading changed nothing


def test_over_range_ids_on_every_route_family(api: Api) -> None:
    """Ids of 20 and 5,000 digits, and 1e400, in the paths, query parameters and bodies of
    every route family: a 4xx in Baserow's error shape (a list that filters on one: 200),
    and nothing changed."""
    database = api.database()
    table = api.table(database)
    name = next(f["id"] for f in api.fields(table) if f["name"] == "Name")
    link = api.field(table, "Link", "link_row", link_row_table_id=api.table(database, name="L"))
    single = api.field(table, "S", "single_select", select_options=[{"value": "a", "color": "red"}])
    view = api.ok(api.post(f"/api/database/views/table/{table}/", {"name": "V", "type": "grid"}))
    workspace = api.ok(api.get(f"/api/database/tables/{table}/"))["database_id"]
    t = f"/api/database/rows/table/{table}/"
    paths: list[str] = []
    for big in (BIG, DIGITS):
        paths += [
            f"/api/database/rows/table/{big}/", f"{t}{big}/", f"{t}{big}/move/",
            f"/api/database/fields/{big}/", f"/api/database/fields/table/{big}/",
            f"/api/database/tables/{big}/", f"/api/database/tables/database/{big}/",
            f"/api/database/views/{big}/", f"/api/database/views/table/{big}/",
            f"/api/database/views/{big}/filters/", f"/api/database/views/filter/{big}/",
            f"/api/database/views/sort/{big}/", f"/api/database/views/grid/{big}/",
            f"/api/database/tokens/{big}/", f"/api/database/webhooks/{big}/",
            f"/api/database/webhooks/table/{big}/", f"/api/workspaces/{big}/",
            f"/api/applications/{big}/", f"/api/applications/workspace/{big}/",
        ]  # fmt: skip
    requests: list[tuple[str, str, bytes | None]] = [
        (method, path, b"{}" if method == "PATCH" else None)
        for path in paths
        for method in ("GET", "PATCH", "DELETE")
    ]
    for big in (BIG, DIGITS, I64, "1e400"):
        requests += [
            ("GET", f"{t}?{param}={big}", None)
            for param in ("page", "size", "view_id", "include", "exclude", "order_by", "before")
        ]
        requests += [
            ("GET", f"{t}?order_by=field_{big}", None),
            ("GET", f"{t}?include=field_{big},field_{name}", None),
            ("GET", f"{t}?filter__field_{big}__equal=1", None),
            ("GET", f"{t}?filter__field_{single['id']}__single_select_equal={big}", None),
            ("GET", f"{t}?filter__field_{link['id']}__link_row_has={big}", None),
            ("GET", f"/api/database/rows/names/?table__{table}={big}", None),
            ("GET", f"/api/database/views/grid/{view['id']}/?offset={big}&limit={big}", None),
            ("POST", f"{t}?before={big}", b"{}"),
            ("PATCH", f"{t}1/move/?before_id={big}", None),
        ]
        number = big.encode() if big != "1e400" else b"1e400"
        requests += [
            ("PATCH", f"{t}1/", b'{"field_%d": [%s]}' % (link["id"], number)),
            ("PATCH", f"{t}1/", b'{"field_%d": %s}' % (single["id"], number)),
            ("PATCH", f"{t}batch/", b'{"items": [{"id": %s}]}' % number),
            ("POST", f"{t}batch-delete/", b'{"items": [%s]}' % number),
            ("POST", f"/api/database/fields/table/{table}/", b'{"name": "x", "type": "link_row", "link_row_table_id": %s}' % number),
            ("POST", f"/api/database/fields/table/{table}/", b'{"name": "x", "type": "number", "number_decimal_places": %s}' % number),
            ("POST", f"/api/database/views/{view['id']}/filters/", b'{"field": %s, "type": "equal", "value": "1"}' % number),
            ("POST", f"/api/database/views/{view['id']}/sortings/", b'{"field": %s}' % number),
            ("PATCH", f"/api/database/views/{view['id']}/field-options/", b'{"field_options": {"%s": {"width": 10}}}' % big.encode()),
            ("POST", "/api/database/tokens/", b'{"name": "t", "workspace": %s}' % number),
            ("POST", f"/api/database/tables/database/{database}/order/", b'{"table_ids": [%s]}' % number),
            ("POST", "/api/workspaces/order/", b'{"workspaces": [%s]}' % number),
            ("POST", f"/api/applications/workspace/{workspace}/order/", b'{"application_ids": [%s]}' % number),
            ("POST", f"/api/database/views/table/{table}/order/", b'{"view_ids": [%s]}' % number),
        ]  # fmt: skip
    before = state(api, table, database)
    for method, path, raw in requests:
        response = send(api, method, path, raw)
        assert response.status_code < 500, (method, path[:120], response.text)
        if response.status_code >= 400:
            assert set(response.json()) <= {"error", "detail"}, (method, path[:120], response.text)
    assert state(api, table, database) == before
    Counter.cases += len(requests)
