"""Database endpoints of the global spec: tables, fields, rows (generic; the per-database
spec types them), database tokens and the per-database OpenAPI document."""

from __future__ import annotations

from typing import Any

from gridbase.openapi.common import (
    ROW_QUERY_ERRORS,
    SEND_WEBHOOK_EVENTS,
    USER_FIELD_NAMES,
    query,
    ref,
)
from gridbase.openapi.ops import ANY_OBJ, BOOL, INT, STR, Op, array, obj

FIELD = obj(
    {
        "id": INT,
        "table_id": INT,
        "name": STR,
        "order": INT,
        "type": STR,
        "primary": BOOL,
        "read_only": BOOL,
        "description": {"type": ["string", "null"]},
        "database_id": INT,
        "workspace_id": INT,
        "db_index": BOOL,
        "field_constraints": array(obj({"type_name": STR}, ["type_name"])),
    },
    ["id", "table_id", "name", "type", "primary"],
    additionalProperties=True,
    description="Field JSON: the common keys plus the type's own properties "
    "(see the field type reference).",
)
ROW = obj(
    {"id": INT, "order": {"type": "string", "example": "1.00000000000000000000"}},
    ["id", "order"],
    additionalProperties=True,
    description="A row: `id`, `order` and one key per field "
    "(`field_<id>`, or names with user_field_names). "
    "`GET /api/database/{database_id}/openapi.json` describes the exact keys and formats "
    "of a database's tables.",
    example={"id": 1, "order": "1.00000000000000000000", "field_1": "Ada"},
)
PERMISSION = {
    "anyOf": [BOOL, array({"type": "array", "prefixItems": [{"enum": ["database", "table"]}, INT]})]
}
TOKEN = obj(
    {
        "id": INT,
        "name": STR,
        "workspace": INT,
        "key": STR,
        "permissions": obj(dict.fromkeys(("create", "read", "update", "delete"), PERMISSION)),
    },
    ["id", "name", "workspace", "key", "permissions"],
)
SCHEMAS: dict[str, Any] = {"Field": FIELD, "Row": ROW, "Token": TOKEN}

T, F, R, K, D = (
    "Database tables",
    "Database table fields",
    "Database table rows",
    "Database tokens",
    "API docs",
)
NOT_MEMBER = ["ERROR_USER_NOT_IN_GROUP"]
TABLE_404 = ["ERROR_TABLE_DOES_NOT_EXIST"]
ROW_404 = [*TABLE_404, "ERROR_ROW_DOES_NOT_EXIST"]
# `field_constraints` in a field create/update body
CONSTRAINTS = {
    "field_constraints": {
        **array(obj({"type_name": {"type": "string", "maxLength": 255}}, ["type_name"])),
        "description": "Constraints on the field's values: `unique_with_empty` (text, long "
        "text, url, email, number, rating, date, duration, single select) refuses a value "
        "another row holds; empty values may repeat. Update: replaces the field's "
        "constraints; left out, they stay.",
    }
}
FIELD_400 = [
    *NOT_MEMBER,
    "ERROR_INVALID_FIELD_CONSTRAINT",
    "ERROR_FIELD_CONSTRAINT",
    "ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE",
    "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
    "ERROR_RESERVED_BASEROW_FIELD_NAME",
    "ERROR_INVALID_BASEROW_FIELD_NAME",
    "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED",
    "ERROR_MAX_FIELD_COUNT_EXCEEDED",
    "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE",
    "ERROR_LINK_ROW_TABLE_NOT_PROVIDED",
    "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE",
    "ERROR_WITH_FORMULA",
    "ERROR_FIELD_SELF_REFERENCE",
    "ERROR_FIELD_CIRCULAR_REFERENCE",
    "ERROR_CANNOT_CHANGE_FIELD_TYPE",
]
NO_PERMISSION = ["ERROR_NO_PERMISSION_TO_TABLE", "PERMISSION_DENIED"]
ROW_WRITE_400 = [*NOT_MEMBER, "ERROR_FIELD_DATA_CONSTRAINT"]  # a value a constraint refuses
ROWS_BODY = obj(
    {"items": {"type": "array", "minItems": 1, "maxItems": 200, "items": ref("Row")}}, ["items"]
)
ROW_VALUES = obj(
    {}, additionalProperties=True, description="Field values keyed by `field_<id>` or by name."
)
PAGE = obj(
    {
        "count": INT,
        "next": {"type": ["string", "null"]},
        "previous": {"type": ["string", "null"]},
        "results": array(ref("Row")),
    },
    ["count", "next", "previous", "results"],
)
LIST_PARAMS = (
    query("page", {"type": "integer", "minimum": 1}, "Page number."),
    query(
        "size", {"type": "integer", "minimum": 1, "maximum": 200}, "Rows per page (default 100)."
    ),
    query("search", STR, "Only rows containing this text."),
    query("order_by", STR, "Comma-separated fields; `-` prefix for descending."),
    query("include", STR, "Only these fields."),
    query("exclude", STR, "Leave out these fields."),
    query("filters", STR, "A JSON filter tree."),
    query("filter_type", {"enum": ["AND", "OR"]}, "Legacy filter join."),
    USER_FIELD_NAMES,
)
WRITE_PARAMS = (USER_FIELD_NAMES, SEND_WEBHOOK_EVENTS)
TOKEN_404 = ["ERROR_TOKEN_DOES_NOT_EXIST"]

OPERATIONS: dict[tuple[str, str], Op] = {
    ("get", "/api/database/tables/all-tables/"): Op(
        "Tables a database token can use",
        T,
        array(obj({"id": INT, "name": STR, "order": INT, "database_id": INT})),
    ),
    ("get", "/api/database/tables/database/{database_id}/"): Op(
        "List the tables of a database",
        T,
        array(ref("Table")),
        errors={400: NOT_MEMBER, 404: ["ERROR_APPLICATION_DOES_NOT_EXIST"]},
    ),
    ("post", "/api/database/tables/database/{database_id}/"): Op(
        "Create a table (with example fields, or from data)",
        T,
        ref("Table"),
        request=obj(
            {
                "name": {"type": "string", "maxLength": 255},
                "data": array(array({})),
                "first_row_header": BOOL,
            },
            ["name"],
        ),
        errors={
            400: [
                *NOT_MEMBER,
                "ERROR_INVALID_INITIAL_TABLE_DATA",
                "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES",
            ],
            404: ["ERROR_APPLICATION_DOES_NOT_EXIST"],
        },
    ),
    ("post", "/api/database/tables/database/{database_id}/order/"): Op(
        "Order the tables of a database",
        T,
        None,
        204,
        request=obj({"table_ids": array(INT)}, ["table_ids"]),
        errors={
            400: [*NOT_MEMBER, "ERROR_TABLE_NOT_IN_DATABASE"],
            404: ["ERROR_APPLICATION_DOES_NOT_EXIST"],
        },
    ),
    ("get", "/api/database/tables/{table_id}/"): Op(
        "Get a table", T, ref("Table"), errors={400: NOT_MEMBER, 404: TABLE_404}
    ),
    ("patch", "/api/database/tables/{table_id}/"): Op(
        "Rename a table",
        T,
        ref("Table"),
        request=obj({"name": {"type": "string", "maxLength": 255}}, ["name"]),
        errors={400: NOT_MEMBER, 404: TABLE_404},
    ),
    ("delete", "/api/database/tables/{table_id}/"): Op(
        "Delete a table", T, None, 204, errors={400: NOT_MEMBER, 404: TABLE_404}
    ),
    ("get", "/api/database/fields/table/{table_id}/"): Op(
        "List the fields of a table",
        F,
        array(ref("Field")),
        errors={400: NOT_MEMBER, 401: NO_PERMISSION, 404: TABLE_404},
    ),
    ("post", "/api/database/fields/table/{table_id}/"): Op(
        "Create a field",
        F,
        ref("Field"),
        request=obj(
            {"name": {"type": "string", "maxLength": 255}, "type": STR, **CONSTRAINTS},
            ["name", "type"],
            additionalProperties=True,
        ),
        errors={400: FIELD_400, 401: NO_PERMISSION, 404: TABLE_404},
    ),
    ("get", "/api/database/fields/{field_id}/"): Op(
        "Get a field",
        F,
        ref("Field"),
        errors={400: NOT_MEMBER, 404: ["ERROR_FIELD_DOES_NOT_EXIST"]},
    ),
    ("patch", "/api/database/fields/{field_id}/"): Op(
        "Update a field (rename, change type or properties)",
        F,
        ref("Field"),
        request=obj(
            {"name": {"type": "string", "maxLength": 255}, "type": STR, **CONSTRAINTS},
            additionalProperties=True,
        ),
        errors={400: FIELD_400, 404: ["ERROR_FIELD_DOES_NOT_EXIST"]},
    ),
    ("delete", "/api/database/fields/{field_id}/"): Op(
        "Delete a field",
        F,
        obj({"related_fields": array(ref("Field"))}, ["related_fields"]),
        errors={
            400: [*NOT_MEMBER, "ERROR_CANNOT_DELETE_PRIMARY_FIELD"],
            404: ["ERROR_FIELD_DOES_NOT_EXIST"],
        },
    ),
    ("post", "/api/database/fields/password-authentication/"): Op(
        "Check a password against a password field's cell",
        F,
        obj({"is_correct": BOOL}, ["is_correct"]),
        request=obj(
            {"field_id": INT, "row_id": INT, "password": {"type": "string", "minLength": 1}},
            ["field_id", "row_id", "password"],
        ),
        description="The field must have `allow_endpoint_authentication` set to true (any "
        'other field answers ERROR_FIELD_DOES_NOT_EXIST). 200 `{"is_correct": true}` when '
        "the password is the one the cell keeps; a wrong one, a blank or unset cell: 401 "
        "ERROR_INVALID_PASSWORD_FIELD_PASSWORD. A database token needs read access to the "
        "table; the caller must be a member of its workspace (else 401 PERMISSION_DENIED).",
        errors={
            401: [
                "ERROR_NO_PERMISSION_TO_TABLE",
                "ERROR_INVALID_PASSWORD_FIELD_PASSWORD",
                "PERMISSION_DENIED",
            ],
            404: ["ERROR_FIELD_DOES_NOT_EXIST", "ERROR_ROW_DOES_NOT_EXIST"],
        },
    ),
    ("get", "/api/database/rows/table/{table_id}/"): Op(
        "List rows",
        R,
        PAGE,
        params=LIST_PARAMS,
        errors={
            400: [*NOT_MEMBER, *ROW_QUERY_ERRORS],
            401: NO_PERMISSION,
            404: [*TABLE_404, "ERROR_VIEW_DOES_NOT_EXIST"],
        },
    ),
    ("post", "/api/database/rows/table/{table_id}/"): Op(
        "Create a row",
        R,
        ref("Row"),
        request=ROW_VALUES,
        params=WRITE_PARAMS,
        errors={400: ROW_WRITE_400, 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("get", "/api/database/rows/table/{table_id}/{row_id}/"): Op(
        "Get a row",
        R,
        ref("Row"),
        params=(USER_FIELD_NAMES,),
        errors={
            400: [*NOT_MEMBER, "ERROR_CANNOT_INCLUDE_ROW_METADATA"],
            401: NO_PERMISSION,
            404: ROW_404,
        },
    ),
    ("patch", "/api/database/rows/table/{table_id}/{row_id}/"): Op(
        "Update a row",
        R,
        ref("Row"),
        request=ROW_VALUES,
        params=WRITE_PARAMS,
        errors={400: ROW_WRITE_400, 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("patch", "/api/database/rows/table/{table_id}/{row_id}/move/"): Op(
        "Move a row",
        R,
        ref("Row"),
        params=(query("before_id", INT, "Place before this row."), *WRITE_PARAMS),
        errors={400: NOT_MEMBER, 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("delete", "/api/database/rows/table/{table_id}/{row_id}/"): Op(
        "Delete a row",
        R,
        None,
        204,
        params=(SEND_WEBHOOK_EVENTS,),
        errors={400: NOT_MEMBER, 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("post", "/api/database/rows/table/{table_id}/batch/"): Op(
        "Create rows (batch)",
        R,
        ROWS_BODY,
        request=obj({"items": array(ROW_VALUES)}, ["items"]),
        params=WRITE_PARAMS,
        errors={400: ROW_WRITE_400, 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("patch", "/api/database/rows/table/{table_id}/batch/"): Op(
        "Update rows (batch)",
        R,
        ROWS_BODY,
        params=WRITE_PARAMS,
        request=obj(
            {"items": array(obj({"id": INT}, ["id"], additionalProperties=True))}, ["items"]
        ),
        errors={
            400: [*ROW_WRITE_400, "ERROR_ROW_IDS_NOT_UNIQUE"],
            401: NO_PERMISSION,
            404: ROW_404,
        },
    ),
    ("post", "/api/database/rows/table/{table_id}/batch-delete/"): Op(
        "Delete rows (batch)",
        R,
        None,
        204,
        request=obj({"items": array(INT)}, ["items"]),
        params=(SEND_WEBHOOK_EVENTS,),
        errors={400: [*NOT_MEMBER, "ERROR_ROW_IDS_NOT_UNIQUE"], 401: NO_PERMISSION, 404: ROW_404},
    ),
    ("get", "/api/database/rows/names/"): Op(
        "Primary field texts of rows, by table",
        R,
        {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": STR}},
        params=(
            query(
                "table__{table_id}",
                STR,
                "Comma-separated row ids of table {table_id} (repeat per table).",
            ),
        ),
        description='`?table__12=1,2&table__13=5` answers `{"12": {"1": "Acme", ...}, ...}`; '
        "missing rows are left out.",
        errors={400: NOT_MEMBER, 401: NO_PERMISSION, 404: TABLE_404},
    ),
    ("get", "/api/database/tokens/"): Op("List my database tokens", K, array(ref("Token"))),
    ("post", "/api/database/tokens/"): Op(
        "Create a database token",
        K,
        ref("Token"),
        request=obj(
            {"name": {"type": "string", "maxLength": 100}, "workspace": INT}, ["name", "workspace"]
        ),
        errors={400: NOT_MEMBER, 404: ["ERROR_GROUP_DOES_NOT_EXIST"]},
    ),
    ("get", "/api/database/tokens/{token_id}/"): Op(
        "Get a database token", K, ref("Token"), errors={400: NOT_MEMBER, 404: TOKEN_404}
    ),
    ("patch", "/api/database/tokens/{token_id}/"): Op(
        "Rename a token, set its permissions or rotate its key",
        K,
        ref("Token"),
        request=obj({"name": STR, "permissions": ANY_OBJ, "rotate_key": BOOL}),
        errors={
            400: [
                *NOT_MEMBER,
                "ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP",
                "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP",
            ],
            404: TOKEN_404,
        },
    ),
    ("delete", "/api/database/tokens/{token_id}/"): Op(
        "Delete a database token", K, None, 204, errors={400: NOT_MEMBER, 404: TOKEN_404}
    ),
    ("get", "/api/database/tokens/check/"): Op(
        "Check a database token", K, obj({"token": {"enum": ["OK"]}}, ["token"])
    ),
    ("get", "/api/schema.json"): Op(
        "OpenAPI document of every endpoint",
        D,
        {"type": "object", "description": "An OpenAPI 3.1 document."},
        description="This document. Rendered at `/api-docs/`.",
    ),
    ("get", "/api/database/{database_id}/openapi.json"): Op(
        "OpenAPI document of one database",
        D,
        {"type": "object", "description": "An OpenAPI 3.1 document."},
        description="The row endpoints of every table the caller may see "
        "(a token: tables it has any grant on), with row schemas typed from the current fields. "
        "Rendered at `/api-docs/database/{database_id}`.",
        errors={400: NOT_MEMBER, 401: NO_PERMISSION, 404: ["ERROR_APPLICATION_DOES_NOT_EXIST"]},
    ),
}
