"""Webhooks and views of the global spec (JWT only)."""

from __future__ import annotations

from typing import Any

from gridbase.openapi.common import query, ref
from gridbase.openapi.ops import ANY_OBJ, BOOL, DATETIME, INT, STR, Op, array, obj

EVENTS = [
    "rows.created",
    "rows.updated",
    "rows.deleted",
    "field.created",
    "field.updated",
    "field.deleted",
    "view.created",
    "view.updated",
    "view.deleted",
]
METHODS = {"enum": ["POST", "GET", "PUT", "PATCH", "DELETE"]}
EVENT_CONFIG = array(
    obj({"event_type": {"enum": EVENTS}, "fields": array(INT), "views": array(INT)}, ["event_type"])
)
CALL = obj(
    {
        "id": INT,
        "event_id": STR,
        "event_type": STR,
        "called_time": DATETIME,
        "called_url": STR,
        "request": STR,
        "response": {"type": ["string", "null"]},
        "response_status": {"type": ["integer", "null"]},
        "error": {"type": ["string", "null"]},
    }
)
WEBHOOK = obj(
    {
        "id": INT,
        "name": STR,
        "url": STR,
        "request_method": METHODS,
        "headers": ANY_OBJ,
        "include_all_events": BOOL,
        "events": array(STR),
        "event_config": EVENT_CONFIG,
        "use_user_field_names": BOOL,
        "active": BOOL,
        "failed_triggers": INT,
        "created_on": DATETIME,
        "updated_on": DATETIME,
        "calls": array(CALL),
    },
    ["id", "name", "url"],
)
WEBHOOK_BODY = obj(
    {
        "url": {"type": "string", "maxLength": 2000},
        "name": {"type": "string", "maxLength": 255},
        "request_method": METHODS,
        "headers": ANY_OBJ,
        "include_all_events": BOOL,
        "events": array({"enum": EVENTS}),
        "event_config": EVENT_CONFIG,
        "use_user_field_names": BOOL,
    }
)
VIEW = obj(
    {
        "id": INT,
        "table_id": INT,
        "name": STR,
        "order": INT,
        "type": STR,
        "filter_type": {"enum": ["AND", "OR"]},
        "filters_disabled": BOOL,
        "public": BOOL,
    },
    ["id", "name", "type"],
    additionalProperties=True,
)
FILTER = obj(
    {
        "id": INT,
        "view": INT,
        "field": INT,
        "type": STR,
        "value": STR,
        "group": {"type": ["integer", "null"]},
    },
    ["id", "field", "type", "value"],
)
SORT = obj(
    {"id": INT, "view": INT, "field": INT, "order": {"enum": ["ASC", "DESC"]}},
    ["id", "field", "order"],
)
SCHEMAS: dict[str, Any] = {"Webhook": WEBHOOK, "View": VIEW, "ViewFilter": FILTER, "ViewSort": SORT}

H, V = "Database table webhooks", "Database table views"
NOT_MEMBER = ["ERROR_USER_NOT_IN_GROUP"]
TABLE_404 = ["ERROR_TABLE_DOES_NOT_EXIST"]
HOOK_404 = ["ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST"]
VIEW_404 = ["ERROR_VIEW_DOES_NOT_EXIST"]
HOOK_400 = [
    *NOT_MEMBER,
    "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED",
    "ERROR_TABLE_WEBHOOK_EVENT_CONFIG_FIELD_NOT_IN_TABLE",
]
FILTER_400 = [
    *NOT_MEMBER,
    "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
    "ERROR_FIELD_NOT_IN_TABLE",
]

OPERATIONS: dict[tuple[str, str], Op] = {
    ("get", "/api/database/webhooks/table/{table_id}/"): Op(
        "List the webhooks of a table",
        H,
        array(ref("Webhook")),
        errors={400: NOT_MEMBER, 404: TABLE_404},
    ),
    ("post", "/api/database/webhooks/table/{table_id}/"): Op(
        "Create a webhook",
        H,
        ref("Webhook"),
        request=dict(WEBHOOK_BODY, required=["url", "name"]),
        errors={400: HOOK_400, 404: TABLE_404},
    ),
    ("post", "/api/database/webhooks/table/{table_id}/test-call/"): Op(
        "Send a test call",
        H,
        obj(
            {
                "request": STR,
                "response": {"type": ["string", "null"]},
                "status_code": {"type": ["integer", "null"]},
                "is_unreachable": BOOL,
            }
        ),
        request=obj(
            {
                "url": STR,
                "event_type": {"enum": EVENTS},
                "request_method": METHODS,
                "headers": ANY_OBJ,
                "use_user_field_names": BOOL,
            },
            ["url", "event_type"],
        ),
        errors={400: NOT_MEMBER, 404: TABLE_404},
    ),
    ("get", "/api/database/webhooks/{webhook_id}/"): Op(
        "Get a webhook", H, ref("Webhook"), errors={400: NOT_MEMBER, 404: HOOK_404}
    ),
    ("patch", "/api/database/webhooks/{webhook_id}/"): Op(
        "Update a webhook",
        H,
        ref("Webhook"),
        request=obj({**WEBHOOK_BODY["properties"], "active": BOOL}),
        errors={400: HOOK_400, 404: HOOK_404},
    ),
    ("delete", "/api/database/webhooks/{webhook_id}/"): Op(
        "Delete a webhook", H, None, 204, errors={400: NOT_MEMBER, 404: HOOK_404}
    ),
    ("get", "/api/database/webhooks/{webhook_id}/secret/"): Op(
        "Get the signing secret (gridbase extension)",
        H,
        obj({"secret": STR}, ["secret"]),
        description="The Standard Webhooks secret receivers verify `webhook-signature` with.",
        errors={400: NOT_MEMBER, 404: HOOK_404},
    ),
    ("post", "/api/database/webhooks/{webhook_id}/secret/rotate/"): Op(
        "Rotate the signing secret (gridbase extension)",
        H,
        obj({"secret": STR}, ["secret"]),
        errors={400: NOT_MEMBER, 404: HOOK_404},
    ),
    ("get", "/api/database/views/table/{table_id}/"): Op(
        "List the views of a table", V, array(ref("View")), errors={400: NOT_MEMBER, 404: TABLE_404}
    ),
    ("post", "/api/database/views/table/{table_id}/"): Op(
        "Create a view",
        V,
        ref("View"),
        request=obj({"name": STR, "type": STR}, ["name", "type"], additionalProperties=True),
        errors={400: NOT_MEMBER, 404: TABLE_404},
    ),
    ("get", "/api/database/views/{view_id}/"): Op(
        "Get a view", V, ref("View"), errors={400: NOT_MEMBER, 404: VIEW_404}
    ),
    ("patch", "/api/database/views/{view_id}/"): Op(
        "Update a view",
        V,
        ref("View"),
        request=obj({"name": STR}, additionalProperties=True),
        errors={400: NOT_MEMBER, 404: VIEW_404},
    ),
    ("delete", "/api/database/views/{view_id}/"): Op(
        "Delete a view", V, None, 204, errors={400: NOT_MEMBER, 404: VIEW_404}
    ),
    ("get", "/api/database/views/{view_id}/filters/"): Op(
        "List the filters of a view",
        V,
        array(ref("ViewFilter")),
        errors={400: NOT_MEMBER, 404: VIEW_404},
    ),
    ("post", "/api/database/views/{view_id}/filters/"): Op(
        "Add a filter to a view",
        V,
        ref("ViewFilter"),
        request=obj(
            {"field": INT, "type": STR, "value": STR, "group": {"type": ["integer", "null"]}},
            ["field", "type"],
        ),
        errors={400: FILTER_400, 404: [*VIEW_404, "ERROR_FIELD_DOES_NOT_EXIST"]},
    ),
    ("get", "/api/database/views/filter/{filter_id}/"): Op(
        "Get a view filter",
        V,
        ref("ViewFilter"),
        errors={400: NOT_MEMBER, 404: ["ERROR_VIEW_FILTER_DOES_NOT_EXIST"]},
    ),
    ("patch", "/api/database/views/filter/{filter_id}/"): Op(
        "Update a view filter",
        V,
        ref("ViewFilter"),
        request=obj(
            {"field": INT, "type": STR, "value": STR, "group": {"type": ["integer", "null"]}}
        ),
        errors={
            400: FILTER_400,
            404: ["ERROR_VIEW_FILTER_DOES_NOT_EXIST", "ERROR_FIELD_DOES_NOT_EXIST"],
        },
    ),
    ("delete", "/api/database/views/filter/{filter_id}/"): Op(
        "Delete a view filter",
        V,
        None,
        204,
        errors={400: NOT_MEMBER, 404: ["ERROR_VIEW_FILTER_DOES_NOT_EXIST"]},
    ),
    ("get", "/api/database/views/sort/{sort_id}/"): Op(
        "Get a view sort",
        V,
        ref("ViewSort"),
        errors={400: NOT_MEMBER, 404: ["ERROR_VIEW_SORT_DOES_NOT_EXIST"]},
    ),
    ("patch", "/api/database/views/sort/{sort_id}/"): Op(
        "Update a view sort",
        V,
        ref("ViewSort"),
        request=obj({"field": INT, "order": {"enum": ["ASC", "DESC"]}}),
        errors={
            400: NOT_MEMBER,
            404: ["ERROR_VIEW_SORT_DOES_NOT_EXIST", "ERROR_FIELD_DOES_NOT_EXIST"],
        },
    ),
    ("delete", "/api/database/views/sort/{sort_id}/"): Op(
        "Delete a view sort",
        V,
        None,
        204,
        errors={400: NOT_MEMBER, 404: ["ERROR_VIEW_SORT_DOES_NOT_EXIST"]},
    ),
    ("get", "/api/database/views/grid/{view_id}/"): Op(
        "List the rows of a grid view (its filters and sorts applied)",
        V,
        {
            "anyOf": [
                obj(
                    {
                        "count": INT,
                        "next": {"type": ["string", "null"]},
                        "previous": {"type": ["string", "null"]},
                        "results": array(ref("Row")),
                    },
                    ["results"],
                ),
                array(ref("Row")),
            ]
        },
        params=(
            query("page", INT, "Page number."),
            query("size", INT, "Rows per page."),
            query("limit", INT, "Rows to return (with offset, instead of page/size)."),
            query("offset", INT, "Rows to skip."),
            query("search", STR, "Only rows containing this text."),
            query("include_fields", STR, "Only these fields."),
            query("exclude_fields", STR, "Leave out these fields."),
        ),
        errors={400: [*NOT_MEMBER, "ERROR_FILTERS_PARAM_VALIDATION_ERROR"], 404: VIEW_404},
    ),
    ("get", "/api/database/views/{view_id}/sortings/"): Op(
        "List the sorts of a view",
        V,
        array(ref("ViewSort")),
        errors={400: NOT_MEMBER, 404: VIEW_404},
    ),
    ("post", "/api/database/views/{view_id}/sortings/"): Op(
        "Add a sort to a view",
        V,
        ref("ViewSort"),
        request=obj({"field": INT, "order": {"enum": ["ASC", "DESC"]}}, ["field"]),
        errors={
            400: [
                *NOT_MEMBER,
                "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS",
                "ERROR_VIEW_SORT_NOT_SUPPORTED",
                "ERROR_FIELD_NOT_IN_TABLE",
            ],
            404: [*VIEW_404, "ERROR_FIELD_DOES_NOT_EXIST"],
        },
    ),
}
