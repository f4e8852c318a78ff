"""The change stream's operation in the per-database document
(`GET /api/database/rows/table/<id>/events/`, api.row_events): parameters, the SSE frame
format and its errors. Pure."""

from __future__ import annotations

from typing import Any

from gridbase.models import Table
from gridbase.openapi.common import USER_FIELD_NAMES, error_responses, query

EVENT_TYPES = [
    "rows.created",
    "rows.updated",
    "rows.deleted",
    "field.created",
    "field.updated",
    "field.deleted",
]

DESCRIPTION = (
    "Server-Sent Events (a gridbase extension). Each change of the table is one event: "
    "`id:` a sequence number increasing per database, `event:` the webhook event type "
    f"({', '.join(EVENT_TYPES)}), `data:` the JSON body the webhook of that event sends "
    "(`webhook_id` null; rows keyed as `user_field_names`, `include` and `exclude` ask). "
    "Resume with `Last-Event-ID` (or `?after=`): every later event, in order, once. A "
    "resume point older than the retention (GRIDBASE_EVENTS_RETENTION_HOURS) gets "
    "`event: reset` (re-read the table; its `id:` is where the stream goes on). A "
    "`: heartbeat` comment is sent every GRIDBASE_EVENTS_HEARTBEAT_SECONDS; the stream ends "
    "when the caller loses read permission (a revoked token) or the table is deleted."
)

FRAME_EXAMPLE = (
    'id: 42\nevent: rows.created\ndata: {"table_id": 1, "database_id": 1, "workspace_id": 1, '
    '"webhook_id": null, "event_id": "…", "event_type": "rows.created", "items": [...]}\n\n'
)


def events_operation(
    table: Table, op_prefix: str, tags: list[str], security: Any, errors: dict[int, list[str]]
) -> dict[str, Any]:
    return {
        "operationId": f"stream_{op_prefix}_events",
        "summary": f"Follow the changes of {table.name} (Server-Sent Events)",
        "description": DESCRIPTION,
        "tags": tags,
        "security": security,
        "parameters": [
            {
                "name": "Last-Event-ID",
                "in": "header",
                "required": False,
                "schema": {"type": "integer", "minimum": 0},
                "description": "Resume after this event id (what an EventSource resends).",
            },
            query(
                "after",
                {"type": "integer", "minimum": 0},
                "Resume after this event id (Last-Event-ID wins). Neither: only new events.",
            ),
            USER_FIELD_NAMES,
            query("include", {"type": "string"}, "Only these fields in rows (comma separated)."),
            query("exclude", {"type": "string"}, "Not these fields in rows (comma separated)."),
        ],
        "responses": {
            "200": {
                "description": "An endless text/event-stream of the table's events.",
                "content": {
                    "text/event-stream": {
                        "schema": {"type": "string"},
                        "example": FRAME_EXAMPLE,
                    }
                },
            },
            **error_responses(errors, auth="any"),
        },
    }
