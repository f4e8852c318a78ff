"""Building blocks shared by both specs: security schemes, the Baserow error body, DRF
validation details, JSON request/response helpers. Pure data; imports nothing from gridbase."""

from __future__ import annotations

from typing import Any

OPENAPI_VERSION = "3.1.0"
JSON_TYPE = "application/json"

SECURITY_SCHEMES: dict[str, Any] = {
    "JWT": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT your_token",
        "description": "A user access token from `POST /api/user/token-auth/`. "
        "Send it as `Authorization: JWT <access_token>` (the word is JWT, not Bearer).",
    },
    "DatabaseToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "Token your_token",
        "description": 'Baserow\'s "Database token" scheme: '
        "a token from `POST /api/database/tokens/`. "
        "Send it as `Authorization: Token <key>` (the word is Token, not Bearer).",
    },
}

# What a row list's query parameters can be refused with (page, order_by, filters).
ROW_QUERY_ERRORS = [
    "ERROR_PAGE_SIZE_LIMIT",
    "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE",
    "ERROR_FILTER_FIELD_NOT_FOUND",
    "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
    "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
]

# Which schemes an endpoint accepts, by the dependency it authenticates with.
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "jwt": [{"JWT": []}],
    "any": [{"JWT": []}, {"DatabaseToken": []}],
    "token": [{"DatabaseToken": []}],
    "none": [],
}

DRF_LEAF: dict[str, Any] = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "code": {"type": "string"}},
    "required": ["error", "code"],
}

# Validation details nest: {"field": [leaf, ...]}, {"items": {"0": {...}}}, or a plain message.
VALIDATION_DETAIL: dict[str, Any] = {
    "description": "A message, or DRF-shaped errors keyed by field (lists of {error, code} leaves; "
    "list items keyed by index).",
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {}},
        {"type": "object", "additionalProperties": True},
    ],
}

# HTTP status -> codes every authenticated endpoint may answer with besides its own.
AUTH_CODES = [
    "ERROR_INVALID_ACCESS_TOKEN",
    "ERROR_DEACTIVATED_USER",
    "ERROR_INVALID_TOKEN_HEADER",
    "ERROR_TOKEN_DOES_NOT_EXIST",
    "ERROR_TOKEN_GROUP_MISMATCH",
    "ERROR_USER_NOT_ACTIVE",
    "ERROR_TOKEN_EXPIRED",
]
ALWAYS = {
    400: ["ERROR_REQUEST_BODY_VALIDATION", "ERROR_QUERY_PARAMETER_VALIDATION"],
    404: ["URL_NOT_FOUND", "URL_TRAILING_SLASH_MISSING"],
    413: ["ERROR_REQUEST_BODY_TOO_LARGE"],
}
STATUS_TEXT = {
    400: "Bad request: invalid body, query or state.",
    401: "Not authenticated, or not allowed.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "Conflict; retry later.",
    413: "Request body too large.",
    415: "Unsupported media type.",
    429: "Too many concurrent requests; see Retry-After.",
}


def error_schema(codes: list[str]) -> dict[str, Any]:
    """Baserow's error body. `error` is absent on DRF-native errors ({"detail": ...} only)."""
    error: dict[str, Any] = {"type": "string"}
    if codes:
        error["enum"] = sorted(set(codes))
    return {
        "type": "object",
        "properties": {"error": error, "detail": VALIDATION_DETAIL},
        "required": ["detail"],
    }


def error_responses(
    codes: dict[int, list[str]], *, auth: str = "jwt", body: bool = False
) -> dict[str, Any]:
    """Responses for every error status this operation can answer, with the code enums."""
    merged: dict[int, list[str]] = {status: list(found) for status, found in codes.items()}
    for status, found in ALWAYS.items():
        if status == 413 and not body:
            continue
        merged.setdefault(status, []).extend(found)
    if auth != "none":
        merged.setdefault(401, []).extend(AUTH_CODES)
        merged.setdefault(429, [])
    if auth == "token":
        merged.setdefault(403, []).extend(AUTH_CODES)
    if body:
        merged.setdefault(400, [])
        merged.setdefault(415, [])
    out: dict[str, Any] = {}
    for status in sorted(merged):
        out[str(status)] = {
            "description": STATUS_TEXT.get(status, "Error."),
            "content": {JSON_TYPE: {"schema": error_schema(merged[status])}},
        }
    return out


def json_content(schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {JSON_TYPE: media}


def ok(
    schema: dict[str, Any] | None, description: str = "OK", status: int = 200, example: Any = None
) -> dict[str, Any]:
    if schema is None:
        return {str(status): {"description": description}}
    return {str(status): {"description": description, "content": json_content(schema, example)}}


def body(schema: dict[str, Any], example: Any = None, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": json_content(schema, example)}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema, also accepting null (OpenAPI 3.1 / JSON Schema)."""
    return {"anyOf": [schema, {"type": "null"}]}


def query(
    name: str, schema: dict[str, Any], description: str, example: Any = None
) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }
    if example is not None:
        param["example"] = example
    return param


def path_param(name: str, description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "format": "int64"},
        "description": description or name.replace("_", " ").capitalize() + ".",
    }


FLAG = {"type": "string", "description": "y, yes, t, true, on, 1 (or empty) mean true."}
USER_FIELD_NAMES = query(
    "user_field_names",
    {"type": "boolean"},
    "Use field names instead of `field_<id>` as keys in the request and response "
    "(true/false, y/n, 1/0; a bare `?user_field_names` means true).",
)
SEND_WEBHOOK_EVENTS = query(
    "send_webhook_events",
    {"type": "boolean"},
    "Whether this change triggers webhooks (default true).",
)
