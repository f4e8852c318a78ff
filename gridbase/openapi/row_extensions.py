"""The additive row extensions in the per-database document: the Idempotency-Key header on
every row write, ETag / If-Match / If-None-Match on one row, and the `if_match` map of the
batch update and delete (api.idempotent, api.conditional). Pure: it adds to operations
database.py built, and changes nothing Baserow's own document says."""

from __future__ import annotations

import copy
from typing import Any

from gridbase.openapi.common import JSON_TYPE, STATUS_TEXT, error_schema

WRITES = ("create", "update", "delete", "move", "batch_create", "batch_update", "batch_delete")
CHECKED = ("update", "delete", "move")  # one row, If-Match
ANSWER_ETAG = ("get", "create", "update", "move")
BATCH_CHECKED = ("batch_update", "batch_delete")

STRING: dict[str, Any] = {"type": "string"}


def _header(name: str, description: str, schema: dict[str, Any] = STRING) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": schema,
        "description": description,
    }


IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    "Makes the write safe to retry: its first answer (status and body, client errors "
    "included) is kept with the key for GRIDBASE_IDEMPOTENCY_RETENTION_HOURS and replayed, "
    "without writing again, to a repeat with the same key, method, path and body. Keys "
    "belong to their user or database token.",
    {"type": "string", "minLength": 1, "maxLength": 255},
)
IF_MATCH = _header(
    "If-Match",
    "Write only if the row still has one of these ETags (from a GET, or a write's answer); "
    "else 412 ERROR_ROW_MODIFIED. `*` matches any version.",
)
IF_NONE_MATCH = _header(
    "If-None-Match", "Answer 304 with no body while the row still has one of these ETags."
)
ETAG = {"description": "The row's version (a strong ETag).", "schema": STRING}
REPLAYED = {
    "description": "`true` when this is the kept answer of an earlier request with the "
    "same Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}
IF_MATCH_MAP = {
    "type": "object",
    "additionalProperties": STRING,
    "description": "gridbase extension: row id -> the ETag that row must still have; "
    "if one has changed, nothing is written and the answer is 412 ERROR_ROW_MODIFIED "
    "naming the changed rows.",
    "example": {"1": '"3f2a9c0e7b1d4a5f8e6c2b1a0d9e8f7c"'},
}
EXTRA_STATUS_TEXT = {
    412: "Precondition failed: a row changed since the ETag given.",
    422: "The Idempotency-Key was used for a different request.",
}


def _add_error(responses: dict[str, Any], status: int, code: str) -> None:
    found = responses.get(str(status))
    if found is None:
        text = STATUS_TEXT.get(status) or EXTRA_STATUS_TEXT.get(status, "Error.")
        responses[str(status)] = {
            "description": text,
            "content": {JSON_TYPE: {"schema": error_schema([code])}},
        }
        return
    error = found["content"][JSON_TYPE]["schema"]["properties"]["error"]
    if "enum" in error:
        error["enum"] = sorted({*error["enum"], code})


def extend(built: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One table's operations (as database._operations names them) with the extensions. A
    deep copy: the operations share response objects with each other and with constants."""
    ops = copy.deepcopy(built)
    for name in WRITES:
        op = ops[name]
        op["parameters"] = [*op.get("parameters", []), IDEMPOTENCY_KEY]
        responses = op["responses"]
        _add_error(responses, 400, "ERROR_INVALID_IDEMPOTENCY_KEY")
        _add_error(responses, 409, "ERROR_IDEMPOTENCY_KEY_IN_PROGRESS")
        _add_error(responses, 422, "ERROR_IDEMPOTENCY_KEY_REUSED")
        success = next(v for k, v in responses.items() if k.startswith("2"))
        success.setdefault("headers", {})["Idempotent-Replayed"] = REPLAYED
    for name in CHECKED:
        ops[name]["parameters"] = [*ops[name]["parameters"], IF_MATCH]
        _add_error(ops[name]["responses"], 412, "ERROR_ROW_MODIFIED")
    for name in BATCH_CHECKED:
        schema = ops[name]["requestBody"]["content"][JSON_TYPE]["schema"]
        schema["properties"] = {**schema["properties"], "if_match": IF_MATCH_MAP}
        _add_error(ops[name]["responses"], 412, "ERROR_ROW_MODIFIED")
    for name in ANSWER_ETAG:
        ops[name]["responses"]["200"].setdefault("headers", {})["ETag"] = ETAG
    get = ops["get"]
    get["parameters"] = [*get["parameters"], IF_NONE_MATCH]
    get["responses"]["304"] = {
        "description": "Not modified: the row still has an ETag If-None-Match named.",
        "headers": {"ETag": ETAG},
    }
    for op in ops.values():
        op["responses"] = dict(sorted(op["responses"].items()))
    return ops
