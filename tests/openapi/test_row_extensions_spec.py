"""The per-database document describes the row extensions: Idempotency-Key on every write,
ETag / If-Match / If-None-Match on one row, the batch `if_match` map, 304/409/412/422."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from tests.conftest import Api


def codes(op: dict[str, Any], status: str) -> list[str]:
    schema = op["responses"][status]["content"]["application/json"]["schema"]
    return list(schema["properties"]["error"]["enum"])


def headers(op: dict[str, Any]) -> set[str]:
    return {p["name"] for p in op["parameters"] if p["in"] == "header"}


def test_the_database_document_describes_the_row_extensions(api: Api) -> None:
    database = api.database()
    table = api.table(database)
    spec = api.ok(api.get(f"/api/database/{database}/openapi.json"))
    validate(spec)
    base = f"/api/database/rows/table/{table}"
    paths = spec["paths"]
    writes = [
        paths[f"{base}/"]["post"],
        paths[base + "/{row_id}/"]["patch"],
        paths[base + "/{row_id}/"]["delete"],
        paths[base + "/{row_id}/move/"]["patch"],
        paths[f"{base}/batch/"]["post"],
        paths[f"{base}/batch/"]["patch"],
        paths[f"{base}/batch-delete/"]["post"],
    ]
    for op in writes:
        assert "Idempotency-Key" in headers(op)
        assert "ERROR_IDEMPOTENCY_KEY_IN_PROGRESS" in codes(op, "409")
        assert codes(op, "422") == ["ERROR_IDEMPOTENCY_KEY_REUSED"]
        assert "ERROR_INVALID_IDEMPOTENCY_KEY" in codes(op, "400")
        success = next(v for k, v in op["responses"].items() if k.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"]
    one_row = paths[base + "/{row_id}/"]
    for op in (one_row["patch"], one_row["delete"], paths[base + "/{row_id}/move/"]["patch"]):
        assert "If-Match" in headers(op)
        assert codes(op, "412") == ["ERROR_ROW_MODIFIED"]
    assert "412" not in paths[f"{base}/"]["post"]["responses"]  # a create has no version
    assert "If-None-Match" in headers(one_row["get"])
    assert "ETag" in one_row["get"]["responses"]["304"]["headers"]
    assert "ETag" in one_row["get"]["responses"]["200"]["headers"]
    for path, method in (("/batch/", "patch"), ("/batch-delete/", "post")):
        op = paths[base + path][method]
        body = op["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["if_match"]["additionalProperties"] == {"type": "string"}
        assert codes(op, "412") == ["ERROR_ROW_MODIFIED"]
