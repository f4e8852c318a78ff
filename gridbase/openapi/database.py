"""The per-database OpenAPI document: for every table the caller may see, the row endpoints
with a row schema typed from the table's current fields. Pure — built on every request from
the metadata the caller passes, so it changes the moment the schema does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gridbase.models import Database, Field, Table
from gridbase.openapi import row_extensions
from gridbase.openapi import row_schemas as rs
from gridbase.openapi.common import (
    OPENAPI_VERSION,
    ROW_QUERY_ERRORS,
    SECURITY,
    SECURITY_SCHEMES,
    SEND_WEBHOOK_EVENTS,
    USER_FIELD_NAMES,
    body,
    error_responses,
    ok,
    path_param,
    query,
    ref,
)
from gridbase.openapi.stream import events_operation


def before_param(rows: str) -> dict[str, Any]:
    return query(
        "before", {"type": "integer", "format": "int64"}, f"Place the {rows} before this row."
    )


def batch_rows(row: str) -> dict[str, Any]:
    """A batch endpoint's answer: its rows, in input order."""
    items = {"type": "array", "items": ref(row)}
    return {
        "type": "object",
        "properties": {"items": items, "metadata": {"type": "object"}},
        "required": ["items"],
    }


UPSERT_ON = query(
    "upsert_on",
    {"type": "string"},
    "gridbase extension: comma separated key fields (`field_<id>` or `<id>`, names with "
    "`user_field_names`). An item whose key values equal an existing row's updates that row "
    "with the fields it gives; the others are created, in one transaction. Key types: text, "
    "long_text, url, email, phone_number, number, rating, boolean, date, duration; compared "
    "as stored (text exactly, case-sensitive; empty matches empty). Every item gives every "
    "key, no two items share a key, and a key may match at most one row (400 otherwise).",
)
UPSERT_400 = [
    "ERROR_UPSERT_FIELD_NOT_FOUND",
    "ERROR_UPSERT_FIELD_NOT_POSSIBLE",
    "ERROR_UPSERT_KEYS_NOT_UNIQUE",
    "ERROR_UPSERT_KEY_MATCHES_SEVERAL_ROWS",
    "ERROR_QUERY_PARAMETER_VALIDATION",
]


def upserted_rows(row: str) -> dict[str, Any]:
    """The batch create answer, with `upserted` when `upsert_on` was given."""
    ids = {"type": "array", "items": {"type": "integer", "format": "int64"}}
    answer = batch_rows(row)
    answer["properties"]["upserted"] = {
        "type": "object",
        "description": "Only with `upsert_on`: the ids of the rows created and updated.",
        "properties": {"created": ids, "updated": ids},
        "required": ["created", "updated"],
    }
    return answer


LIST_400 = ["ERROR_USER_NOT_IN_GROUP", *ROW_QUERY_ERRORS, "ERROR_INVALID_JOIN_PARAMETER"]
WRITE_400 = [
    "ERROR_USER_NOT_IN_GROUP",
    "ERROR_FIELD_DATA_CONSTRAINT",
    "ERROR_CANNOT_CREATE_ROWS_IN_TABLE",
]
NO_PERMISSION = ["ERROR_NO_PERMISSION_TO_TABLE", "PERMISSION_DENIED"]
TABLE_404 = ["ERROR_TABLE_DOES_NOT_EXIST"]
ROW_404 = ["ERROR_TABLE_DOES_NOT_EXIST", "ERROR_ROW_DOES_NOT_EXIST"]
CONFLICT = {409: ["ERROR_DATABASE_DEADLOCK"]}
WRITE_ERRORS = error_responses(
    {400: WRITE_400, 401: NO_PERMISSION, 404: ROW_404, **CONFLICT}, auth="any", body=True
)


class _Names:
    """Component and operation names for one table (unique within the document)."""

    def __init__(self, table: Table, op_prefix: str) -> None:
        self.id = table.id
        self.op = op_prefix
        base = f"Table{table.id}"
        self.row, self.write, self.update_item = (
            f"{base}Row",
            f"{base}RowValues",
            f"{base}RowUpdateItem",
        )
        self.page, self.filters = f"{base}Page", f"{base}Filters"


def _prefixes(tables: Sequence[Table]) -> dict[int, str]:
    """Operation id prefix per table: its name as an identifier, made unique with the id."""
    slugs = {t.id: rs.slug(t.name) for t in tables}
    counts: dict[str, int] = {}
    for value in slugs.values():
        counts[value] = counts.get(value, 0) + 1
    out = {}
    for tid, value in slugs.items():
        if not value or not value[0].isalpha() or counts[value] > 1:
            value = f"{value}_{tid}".strip("_") if value and value[0].isalpha() else f"table_{tid}"
        out[tid] = value
    return out


def _components(table: Table, docs: Sequence[rs.FieldDoc], n: _Names) -> dict[str, Any]:
    values = rs.write_schema(table, docs)
    id_prop = {
        "id": {"type": "integer", "format": "int64", "description": "The id of the row to update."}
    }
    item = dict(
        values,
        properties={**id_prop, **values["properties"]},
        required=["id"],
        example={"id": 1, **values["example"]},
        title=f"{table.name} row update",
    )
    return {
        n.row: rs.row_schema(table, docs),
        n.write: values,
        n.update_item: item,
        n.filters: rs.filters_schema(table, docs, n.filters),
        n.page: {
            "type": "object",
            "title": f"{table.name} rows page",
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Rows matching the query, on all pages.",
                },
                "next": {"type": ["string", "null"], "description": "URL of the next page."},
                "previous": {
                    "type": ["string", "null"],
                    "description": "URL of the previous page.",
                },
                "results": {"type": "array", "items": ref(n.row)},
            },
            "required": ["count", "next", "previous", "results"],
        },
    }


def _list_params(n: _Names, page_size_limit: int) -> list[dict[str, Any]]:
    return [
        query("page", {"type": "integer", "minimum": 1}, "Page number (default 1).", 1),
        query(
            "size",
            {"type": "integer", "minimum": 1, "maximum": page_size_limit},
            f"Rows per page (default 100, at most {page_size_limit}).",
            100,
        ),
        query("search", {"type": "string"}, "Only rows with a cell containing this text."),
        query("search_mode", {"enum": ["compat", "full-text-with-count"]}, "How `search` matches."),
        query(
            "order_by",
            {"type": "string"},
            "Comma-separated fields to sort by (`field_<id>`, or names with `user_field_names`); "
            "prefix `-` for descending.",
        ),
        query(
            "include", {"type": "string"}, "Comma-separated fields to return (all when omitted)."
        ),
        query("exclude", {"type": "string"}, "Comma-separated fields to leave out."),
        USER_FIELD_NAMES,
        query(
            "filters",
            {"type": "string", "contentMediaType": "application/json", "x-schema": ref(n.filters)},
            f"A JSON filter tree (see the `{n.filters}` schema for the filter types each field "
            "accepts), e.g. "
            '`{"filter_type":"AND","filters":[{"field":1,"type":"equal","value":"x"}],'
            '"groups":[]}`. '
            "Legacy form: `filter__field_<id>__<type>=<value>` parameters combined with "
            "`filter_type`.",
        ),
        query(
            "filter_type",
            {"enum": ["AND", "OR"]},
            "How legacy `filter__…` parameters combine (default AND).",
        ),
        query(
            "view_id",
            {"type": "integer", "format": "int64"},
            "Apply this view's filters and sorts.",
        ),
    ]


def _operations(
    table: Table, n: _Names, page_size_limit: int, batch_limit: int
) -> dict[str, dict[str, Any]]:
    tag = [f"{table.name} (table {table.id})"]
    sec = SECURITY["any"]
    row_ok = ok(ref(n.row), "The row.")
    write_body = body(ref(n.write))
    items = {"type": "array", "minItems": 1, "maxItems": batch_limit}

    def op(op_id: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "operationId": f"{op_id}",
            "summary": summary,
            "tags": tag,
            "security": sec,
            "responses": responses,
            **extra,
        }

    row_path = [path_param("row_id", "The row's id.")]
    return {
        "list": op(
            f"list_{n.op}_rows",
            f"List rows of {table.name}",
            {
                **ok(ref(n.page), "A page of rows."),
                **error_responses(
                    {
                        400: LIST_400,
                        401: NO_PERMISSION,
                        404: [
                            *TABLE_404,
                            "ERROR_VIEW_DOES_NOT_EXIST",
                            "ERROR_FIELD_DOES_NOT_EXIST",
                        ],
                    },
                    auth="any",
                ),
            },
            parameters=_list_params(n, page_size_limit),
            description="Rows in `order`, then `id`, unless `order_by` says otherwise. "
            "Without `user_field_names` rows are keyed by `field_<id>`.",
        ),
        "create": op(
            f"create_{n.op}_row",
            f"Create a row in {table.name}",
            {
                **row_ok,
                **WRITE_ERRORS,
            },
            parameters=[
                before_param("row"),
                USER_FIELD_NAMES,
                SEND_WEBHOOK_EVENTS,
            ],
            requestBody=write_body,
        ),
        "get": op(
            f"get_{n.op}_row",
            f"Get a row of {table.name}",
            {
                **row_ok,
                **error_responses(
                    {
                        400: ["ERROR_CANNOT_INCLUDE_ROW_METADATA", "ERROR_USER_NOT_IN_GROUP"],
                        401: NO_PERMISSION,
                        404: ROW_404,
                    },
                    auth="any",
                ),
            },
            parameters=[
                *row_path,
                USER_FIELD_NAMES,
                query("include", {"type": "string"}, "`metadata` adds row metadata (JWT only)."),
            ],
        ),
        "update": op(
            f"update_{n.op}_row",
            f"Update a row of {table.name}",
            {
                **row_ok,
                **WRITE_ERRORS,
            },
            parameters=[*row_path, USER_FIELD_NAMES, SEND_WEBHOOK_EVENTS],
            requestBody=write_body,
        ),
        "delete": op(
            f"delete_{n.op}_row",
            f"Delete a row of {table.name}",
            {
                **ok(None, "Deleted.", 204),
                **error_responses(
                    {
                        400: [
                            "ERROR_USER_NOT_IN_GROUP",
                            "ERROR_CANNOT_DELETE_ROWS_IN_TABLE",
                            "ERROR_CANNOT_DELETE_ALREADY_DELETED_ITEM",
                        ],
                        401: NO_PERMISSION,
                        404: ROW_404,
                        **CONFLICT,
                    },
                    auth="any",
                ),
            },
            parameters=[*row_path, SEND_WEBHOOK_EVENTS],
        ),
        "move": op(
            f"move_{n.op}_row",
            f"Move a row of {table.name}",
            {
                **row_ok,
                **error_responses(
                    {
                        400: ["ERROR_USER_NOT_IN_GROUP"],
                        401: NO_PERMISSION,
                        404: ROW_404,
                        **CONFLICT,
                    },
                    auth="any",
                ),
            },
            parameters=[
                *row_path,
                query(
                    "before_id",
                    {"type": "integer", "format": "int64"},
                    "Place the row before this row; at the end when omitted.",
                ),
                USER_FIELD_NAMES,
                SEND_WEBHOOK_EVENTS,
            ],
        ),
        "batch_create": op(
            f"batch_create_{n.op}_rows",
            f"Create up to {batch_limit} rows in {table.name}",
            {
                **ok(upserted_rows(n.row), "The created (or upserted) rows, in input order."),
                **error_responses(
                    {400: [*WRITE_400, *UPSERT_400], 401: NO_PERMISSION, 404: ROW_404, **CONFLICT},
                    auth="any",
                    body=True,
                ),
            },
            parameters=[
                before_param("rows"),
                USER_FIELD_NAMES,
                SEND_WEBHOOK_EVENTS,
                UPSERT_ON,
            ],
            requestBody=body(
                {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": dict(items, items=ref(n.write))},
                }
            ),
        ),
        "batch_update": op(
            f"batch_update_{n.op}_rows",
            f"Update up to {batch_limit} rows of {table.name}",
            {
                **ok(batch_rows(n.row), "The updated rows."),
                **error_responses(
                    {
                        400: [*WRITE_400, "ERROR_ROW_IDS_NOT_UNIQUE"],
                        401: NO_PERMISSION,
                        404: ROW_404,
                        **CONFLICT,
                    },
                    auth="any",
                    body=True,
                ),
            },
            parameters=[USER_FIELD_NAMES, SEND_WEBHOOK_EVENTS],
            requestBody=body(
                {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": dict(items, items=ref(n.update_item))},
                }
            ),
        ),
        "batch_delete": op(
            f"batch_delete_{n.op}_rows",
            f"Delete up to {batch_limit} rows of {table.name}",
            {
                **ok(None, "Deleted.", 204),
                **error_responses(
                    {
                        400: [
                            "ERROR_USER_NOT_IN_GROUP",
                            "ERROR_ROW_IDS_NOT_UNIQUE",
                            "ERROR_CANNOT_DELETE_ROWS_IN_TABLE",
                        ],
                        401: NO_PERMISSION,
                        404: ROW_404,
                        **CONFLICT,
                    },
                    auth="any",
                    body=True,
                ),
            },
            parameters=[SEND_WEBHOOK_EVENTS],
            requestBody=body(
                {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": dict(items, items={"type": "integer", "format": "int64"})
                    },
                },
                {"items": [1, 2]},
            ),
        ),
    }


def build_database_spec(
    database: Database,
    tables: Sequence[Table],
    fields: Mapping[int, Sequence[Field]],
    field_types: Any,
    filter_types: Iterable[Any] | None = None,
    *,
    page_size_limit: int = 200,
    batch_limit: int = 200,
    version: str = "",
) -> dict[str, Any]:
    """OpenAPI 3.1 document for the row endpoints of `tables` (fields keyed by table id)."""
    filters = list(filter_types) if filter_types is not None else None
    prefixes = _prefixes(tables)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags = []
    for table in tables:
        docs = rs.field_docs(list(fields.get(table.id, ())), field_types, filters)
        n = _Names(table, prefixes[table.id])
        schemas.update(_components(table, docs, n))
        ops = row_extensions.extend(_operations(table, n, page_size_limit, batch_limit))
        base = f"/api/database/rows/table/{table.id}"
        paths[f"{base}/"] = {"get": ops["list"], "post": ops["create"]}
        paths[f"{base}/batch/"] = {"post": ops["batch_create"], "patch": ops["batch_update"]}
        paths[f"{base}/batch-delete/"] = {"post": ops["batch_delete"]}
        paths[base + "/{row_id}/"] = {
            "get": ops["get"],
            "patch": ops["update"],
            "delete": ops["delete"],
        }
        paths[base + "/{row_id}/move/"] = {"patch": ops["move"]}
        paths[f"{base}/events/"] = {
            "get": events_operation(
                table,
                n.op,
                [f"{table.name} (table {table.id})"],
                SECURITY["any"],
                {400: ["ERROR_QUERY_PARAMETER_VALIDATION"], 401: NO_PERMISSION, 404: TABLE_404},
            )
        }
        tags.append(
            {
                "name": f"{table.name} (table {table.id})",
                "description": f"Table id {table.id}. Fields:\n\n{rs.summary_table(docs)}",
            }
        )
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{database.name} — gridbase database API",
            "version": version or "1",
            "description": f"Row endpoints of database {database.name!r} (id {database.id}), "
            "generated from its current tables and fields. "
            "Authenticate with `Authorization: JWT <access token>` or "
            "`Authorization: Token <database token>`. Rows are keyed by `field_<id>` unless "
            "`user_field_names=true` is given, then by field name.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
        "security": SECURITY["any"],
    }


__all__ = ["build_database_spec"]
