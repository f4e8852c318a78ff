"""Baserow's permission object: what its front end reads to decide which actions to offer,
in a session's answer (no workspace) and from GET /api/workspaces/{id}/permissions/.

It is one entry per permission manager of Baserow 1.35.3's open-source edition, in its
order (settings.PERMISSION_MANAGERS), leaving out the managers that answer None: "member"
is false outside the workspace (None inside it), "basic" appears only for a member.
gridbase has no templates, and its instance always allows creating workspaces.
Imports: core.workspaces, models.
"""

from __future__ import annotations

from typing import Any

from gridbase.core.workspaces import ADMIN, ADMIN_ONLY
from gridbase.models import User

# read-only operations Baserow allows on a template workspace, for every application type
TEMPLATE_OPERATIONS = [
    "workspace.read",
    "workspace.list_applications",
    "application.list_integrations",
    "application.list_user_sources",
    "application.user_source.login",
    "database.table.field_rules.read_field_rules",
    "database.list_tables",
    "database.table.list_fields",
    "database.table.list_rows",
    "database.table.list_views",
    "database.table.read_row",
    "database.table.view.read",
    "database.table.view.read_field_options",
    "database.table.view.list_decoration",
    "database.table.view.list_aggregations",
    "database.table.view.read_aggregation",
    "builder.list_pages",
    "builder.page.list_elements",
    "builder.page.list_workflow_actions",
    "builder.page.data_source.dispatch",
    "builder.page.list_data_sources",
    "dashboard.widget.read",
    "dashboard.list_widgets",
    "dashboard.data_source.read",
    "dashboard.list_data_sources",
    "dashboard.data_source.dispatch",
]


def permission_object(user: User, role: str | None) -> list[dict[str, Any]]:
    """`role`: the user's role in the workspace asked about; None without a workspace or
    when the user is not one of its members."""
    entries: list[dict[str, Any]] = [
        {"name": "core", "permissions": ["list_workspaces"]},
        {
            "name": "setting_operation",
            "permissions": {
                "always_allowed_operations": ["create_workspace"],
                "staff_only_operations": [],
            },
        },
        {
            "name": "staff",
            "permissions": {
                "is_staff": user.is_staff,
                "staff_only_operations": ["settings.update"],
            },
        },
        {
            "name": "allow_if_template",
            "permissions": {
                "allowed_operations_on_templates": TEMPLATE_OPERATIONS,
                "workspace_template_ids": [],
            },
        },
    ]
    if role is None:
        entries.append({"name": "member", "permissions": False})
    else:
        admin_only = {"admin_only_operations": list(ADMIN_ONLY), "is_admin": role == ADMIN}
        entries.append({"name": "basic", "permissions": admin_only})
    return entries
