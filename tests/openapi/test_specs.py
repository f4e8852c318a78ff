"""Both OpenAPI documents are valid, follow the schema at once, and show only what the
caller may see."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from gridbase.api.docs import flat_routes
from gridbase.fields import default_field_types
from gridbase.fields.base import FieldType
from tests.conftest import Api
from tests.helpers import assert_error


def spec_of(api: Api, database_id: int, **kw: Any) -> dict[str, Any]:
    r = api.get(f"/api/database/{database_id}/openapi.json", **kw)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_global_spec_is_valid_and_lists_every_api_route(api: Api) -> None:
    r = api.client.get("/api/schema.json")
    assert r.status_code == 200
    spec = r.json()
    validate(spec)
    served = set()
    for path, route in flat_routes(api.client.app.routes):  # type: ignore[attr-defined]
        if path.startswith("/api/") and route.include_in_schema:
            for method in route.methods - {"HEAD", "OPTIONS"}:
                served.add((method.lower(), path.replace(":int", "")))
    assert ("get", "/api/database/rows/table/{table_id}/") in served
    assert ("get", "/api/schema.json") in served
    documented = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert served == documented
    rows = spec["paths"]["/api/database/rows/table/{table_id}/"]
    assert rows["get"]["security"] == [{"JWT": []}, {"DatabaseToken": []}]
    assert (
        "ERROR_TABLE_DOES_NOT_EXIST"
        in rows["get"]["responses"]["404"]["content"]["application/json"]["schema"]["properties"][
            "error"
        ]["enum"]
    )
    assert spec["paths"]["/api/workspaces/"]["get"]["security"] == [{"JWT": []}]
    assert spec["components"]["securitySchemes"]["JWT"]["bearerFormat"] == "JWT your_token"


def test_database_spec_types_rows_from_fields(api: Api) -> None:
    database = api.database()
    table = api.table(database, name="Customers")
    amount = api.field(table, "Amount", "number", number_decimal_places=2)
    spec = spec_of(api, database)
    validate(spec)
    row = spec["components"]["schemas"][f"Table{table}Row"]
    key = f"field_{amount['id']}"
    assert row["properties"][key]["type"] == ["string", "null"]
    assert row["properties"][key]["pattern"] == r"^-?\d+\.\d{2}$"
    assert row["properties"][key]["example"] == "1234.50"
    assert "higher_than" in row["properties"][key]["x-filters"]
    assert row["properties"]["Amount"] == row["properties"][key]
    assert row["properties"]["Amount"]["x-field-id"] == amount["id"]
    names = {f["name"] for f in api.fields(table)}
    assert set(row["properties"]) == {"id", "order", "metadata"} | names | {
        f"field_{f['id']}" for f in api.fields(table)
    }
    paths = set(spec["paths"])
    base = f"/api/database/rows/table/{table}"
    assert paths == {
        f"{base}/",
        f"{base}/batch/",
        f"{base}/batch-delete/",
        base + "/{row_id}/",
        base + "/{row_id}/move/",
        f"{base}/events/",
    }
    assert spec["paths"][f"{base}/"]["get"]["operationId"] == "list_customers_rows"
    events = spec["paths"][f"{base}/events/"]["get"]
    assert events["operationId"] == "stream_customers_events"
    assert list(events["responses"]["200"]["content"]) == ["text/event-stream"]
    assert {p["name"] for p in events["parameters"]} == {
        "Last-Event-ID",
        "after",
        "user_field_names",
        "include",
        "exclude",
    }


def test_database_spec_changes_with_the_schema(api: Api) -> None:
    database = api.database()
    table = api.table(database, name="T")
    before = spec_of(api, database)["components"]["schemas"][f"Table{table}Row"]["properties"]
    field = api.field(table, "Email", "email")
    after = spec_of(api, database)["components"]["schemas"][f"Table{table}Row"]["properties"]
    assert set(after) - set(before) == {"Email", f"field_{field['id']}"}
    api.ok(api.patch(f"/api/database/fields/{field['id']}/", {"name": "Mail"}))
    renamed = spec_of(api, database)["components"]["schemas"][f"Table{table}Row"]["properties"]
    assert "Mail" in renamed and "Email" not in renamed
    api.ok(api.delete(f"/api/database/fields/{field['id']}/"))
    assert set(
        spec_of(api, database)["components"]["schemas"][f"Table{table}Row"]["properties"]
    ) == set(before)
    second = api.table(database, name="Second")
    assert f"Table{second}Row" in spec_of(api, database)["components"]["schemas"]
    api.ok(api.delete(f"/api/database/tables/{second}/"))
    assert f"Table{second}Row" not in spec_of(api, database)["components"]["schemas"]


def test_database_spec_needs_access(api: Api) -> None:
    database = api.database()
    r = api.client.get(f"/api/database/{database}/openapi.json")
    assert_error(r, 401, None)
    other = Api(api.client, "bob@example.com")
    assert_error(
        other.get(f"/api/database/{database}/openapi.json"), 400, "ERROR_USER_NOT_IN_GROUP"
    )
    assert_error(
        api.get("/api/database/999999/openapi.json"), 404, "ERROR_APPLICATION_DOES_NOT_EXIST"
    )


def test_docs_pages_are_served_offline(api: Api) -> None:
    database = api.database()
    for path in ("/api-docs/", f"/api-docs/database/{database}"):
        r = api.client.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "/api-docs/static/swagger-ui-bundle.js" in r.text
        assert "http://" not in r.text and "https://" not in r.text
    assert (
        f'data-spec-url="/api/database/{database}/openapi.json"'
        in api.client.get(f"/api-docs/database/{database}").text
    )
    for name, kind in (
        ("swagger-ui-bundle.js", "application/javascript"),
        ("swagger-ui.css", "text/css"),
        ("api-docs.js", "application/javascript"),
    ):
        r = api.client.get(f"/api-docs/static/{name}")
        assert (r.status_code, r.headers["content-type"].split(";")[0]) == (200, kind)
        assert len(r.content) > 1000
    assert_error(api.client.get("/api-docs/static/..%2Fapp.py"), 404, "URL_NOT_FOUND")


def test_database_spec_with_a_token_shows_only_granted_tables(api: Api) -> None:
    workspace = api.workspace()
    database = api.database(workspace)
    shown, hidden = api.table(database, name="Shown"), api.table(database, name="Hidden")
    token = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": workspace}))
    api.ok(
        api.patch(
            f"/api/database/tokens/{token['id']}/",
            {
                "permissions": {
                    "create": False,
                    "read": [["table", shown]],
                    "update": False,
                    "delete": False,
                }
            },
        )
    )
    spec = spec_of(api, database, headers={"Authorization": f"Token {token['key']}"})
    validate(spec)
    assert {t["name"] for t in spec["tags"]} == {f"Shown (table {shown})"}
    assert f"Table{hidden}Row" not in spec["components"]["schemas"]
    api.ok(
        api.patch(
            f"/api/database/tokens/{token['id']}/",
            {"permissions": {"create": False, "read": False, "update": False, "delete": False}},
        )
    )
    assert spec_of(api, database, headers={"Authorization": f"Token {token['key']}"})["paths"] == {}
    other = api.database(api.workspace("Other"))
    r = api.get(
        f"/api/database/{other}/openapi.json", headers={"Authorization": f"Token {token['key']}"}
    )
    assert_error(r, 401, "ERROR_NO_PERMISSION_TO_TABLE")


def load_fuzz_script() -> Any:
    path = Path(__file__).resolve().parents[2] / "scripts" / "fuzz.py"
    spec = importlib.util.spec_from_file_location("gridbase_fuzz", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("ft", list(default_field_types()), ids=lambda ft: ft.type)
def test_every_field_type_describes_its_values(ft: FieldType) -> None:
    """A new field type must say how its values read (write_schema defaults to the same)."""
    assert type(ft).json_schema is not FieldType.json_schema, f"{ft.type} needs json_schema()"


def test_spec_of_a_table_with_every_field_type_is_valid(client: Any) -> None:
    fuzz = load_fuzz_script()
    seeder = fuzz.Api("", client)
    database, key = fuzz.seed(seeder)
    spec = spec_of_headers(client, database, {"Authorization": f"Token {key}"})
    validate(spec)
    everything = next(
        name
        for name, s in spec["components"]["schemas"].items()
        if s.get("title") == "Everything row"
    )
    props = spec["components"]["schemas"][everything]["properties"]
    types = {p["x-field-type"] for p in props.values() if "x-field-type" in p}
    assert types == {ft.type for ft in default_field_types()}
    rows = client.get(
        f"/api/database/rows/table/{everything.removeprefix('Table').removesuffix('Row')}/",
        headers={"Authorization": f"Token {key}"},
    ).json()["results"]
    for row in rows:
        jsonschema_validate(
            row, {**spec["components"]["schemas"][everything], "components": spec["components"]}
        )


def jsonschema_validate(instance: Any, schema: dict[str, Any]) -> None:
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        instance
    )


def spec_of_headers(client: Any, database_id: int, headers: dict[str, str]) -> dict[str, Any]:
    r = client.get(f"/api/database/{database_id}/openapi.json", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())
