"""Users (sign-up, JWT sessions), workspaces and applications (databases)."""

from __future__ import annotations

from typing import Any

from gridbase.openapi.common import ref
from gridbase.openapi.ops import ANY_OBJ, BOOL, DATETIME, INT, STR, Op, array, obj

USER = obj(
    {
        "first_name": STR,
        "username": STR,
        "is_staff": BOOL,
        "id": INT,
        "language": STR,
        "email_notification_frequency": STR,
        "email_verified": BOOL,
        "completed_onboarding": BOOL,
        "completed_guided_tours": array(STR),
    },
    ["id", "username", "first_name"],
)
SESSION = obj(
    {
        "user": ref("User"),
        "token": STR,
        "access_token": STR,
        "refresh_token": STR,
        "user_session": STR,
        "permissions": array(ANY_OBJ),
        "user_notifications": ANY_OBJ,
    },
    ["user", "access_token"],
)
WORKSPACE_SHORT = obj(
    {"id": INT, "name": STR, "generative_ai_models_enabled": ANY_OBJ}, ["id", "name"]
)
WORKSPACE = obj(
    {
        "id": INT,
        "name": STR,
        "order": INT,
        "permissions": STR,
        "users": array(ANY_OBJ),
        "unread_notifications_count": INT,
        "generative_ai_models_enabled": ANY_OBJ,
    },
    ["id", "name"],
)
TABLE = obj(
    {
        "id": INT,
        "name": STR,
        "order": INT,
        "database_id": INT,
        "data_sync": {"type": ["object", "null"]},
    },
    ["id", "name", "order", "database_id"],
)
APPLICATION = obj(
    {
        "id": INT,
        "name": STR,
        "order": INT,
        "type": {"enum": ["database"]},
        "workspace": ref("WorkspaceShort"),
        "created_on": DATETIME,
        "tables": array(ref("Table")),
    },
    ["id", "name", "type", "workspace"],
)
SCHEMAS: dict[str, Any] = {
    "User": USER,
    "Session": SESSION,
    "WorkspaceShort": WORKSPACE_SHORT,
    "Workspace": WORKSPACE,
    "Table": TABLE,
    "Application": APPLICATION,
}

REFRESH = obj({"refresh_token": STR, "token": {"type": "string", "deprecated": True}})
NAME = obj({"name": {"type": "string", "maxLength": 165}}, ["name"])
U, W, A = "User", "Workspaces", "Applications"
NOT_MEMBER = ["ERROR_USER_NOT_IN_GROUP"]
WS_404 = ["ERROR_GROUP_DOES_NOT_EXIST"]
APP_404 = ["ERROR_APPLICATION_DOES_NOT_EXIST"]

SETTINGS = obj(
    {
        "allow_new_signups": BOOL,
        "allow_signups_via_workspace_invitations": BOOL,
        "allow_reset_password": BOOL,
        "allow_global_workspace_creation": BOOL,
        "account_deletion_grace_delay": INT,
        "show_admin_signup_page": BOOL,
        "track_workspace_usage": BOOL,
        "show_baserow_help_request": BOOL,
        "co_branding_logo": {"type": ["object", "null"]},
        "email_verification": STR,
        "verify_import_signature": BOOL,
    }
)

OPERATIONS: dict[tuple[str, str], Op] = {
    ("get", "/api/settings/"): Op(
        "The instance's public settings",
        "Settings",
        SETTINGS,
        description="No authentication. Sign-up follows GRIDBASE_ALLOW_SIGNUP; what gridbase "
        "does not offer (invitations, password resets) reads false.",
    ),
    ("post", "/api/user/"): Op(
        "Create a user account",
        U,
        obj({"user": ref("User"), "access_token": STR}),
        request=obj(
            {
                "name": STR,
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string", "minLength": 8, "maxLength": 256},
                "language": STR,
                "authenticate": BOOL,
            },
            ["name", "email", "password"],
        ),
        errors={400: ["ERROR_EMAIL_ALREADY_EXISTS", "ERROR_DISABLED_SIGNUP"]},
        description="With `authenticate: true` the answer is a session (tokens included).",
        request_example={
            "name": "Ada",
            "email": "ada@example.com",
            "password": "correct horse",
            "authenticate": True,
        },
    ),
    ("post", "/api/user/token-auth/"): Op(
        "Log in: email and password for a JWT session",
        U,
        ref("Session"),
        request=obj(
            {"email": STR, "username": {"type": "string", "deprecated": True}, "password": STR},
            ["password"],
        ),
        errors={401: ["ERROR_INVALID_CREDENTIALS", "ERROR_DEACTIVATED_USER"]},
    ),
    ("post", "/api/user/token-refresh/"): Op(
        "A new access token from a refresh token",
        U,
        ref("Session"),
        request=REFRESH,
        errors={401: ["ERROR_INVALID_REFRESH_TOKEN"]},
    ),
    ("post", "/api/user/token-verify/"): Op(
        "Check a refresh token",
        U,
        obj({"user": ref("User"), "permissions": array(ANY_OBJ)}),
        request=REFRESH,
        errors={401: ["ERROR_INVALID_REFRESH_TOKEN"]},
    ),
    ("post", "/api/user/token-blacklist/"): Op(
        "Log out: invalidate a refresh token",
        U,
        None,
        204,
        request=REFRESH,
        errors={401: ["ERROR_INVALID_REFRESH_TOKEN"]},
    ),
    ("get", "/api/workspaces/"): Op("List my workspaces", W, array(ref("Workspace"))),
    ("post", "/api/workspaces/"): Op("Create a workspace", W, ref("Workspace"), request=NAME),
    ("patch", "/api/workspaces/{workspace_id}/"): Op(
        "Rename a workspace",
        W,
        ref("WorkspaceShort"),
        request=NAME,
        errors={400: NOT_MEMBER, 404: WS_404},
    ),
    ("delete", "/api/workspaces/{workspace_id}/"): Op(
        "Delete a workspace", W, None, 204, errors={400: NOT_MEMBER, 404: WS_404}
    ),
    ("post", "/api/workspaces/order/"): Op(
        "Order my workspaces", W, None, 204, request=obj({"workspaces": array(INT)}, ["workspaces"])
    ),
    ("get", "/api/applications/"): Op(
        "List the applications of all my workspaces", A, array(ref("Application"))
    ),
    ("get", "/api/applications/workspace/{workspace_id}/"): Op(
        "List the applications of a workspace",
        A,
        array(ref("Application")),
        errors={400: NOT_MEMBER, 404: WS_404},
    ),
    ("post", "/api/applications/workspace/{workspace_id}/"): Op(
        "Create a database",
        A,
        ref("Application"),
        request=obj({"name": STR, "type": {"enum": ["database"]}}, ["name", "type"]),
        errors={400: NOT_MEMBER, 404: WS_404},
    ),
    ("post", "/api/applications/workspace/{workspace_id}/order/"): Op(
        "Order the applications of a workspace",
        A,
        None,
        204,
        request=obj({"application_ids": array(INT)}, ["application_ids"]),
        errors={400: [*NOT_MEMBER, "ERROR_APPLICATION_NOT_IN_GROUP"], 404: WS_404},
    ),
    ("get", "/api/applications/{application_id}/"): Op(
        "Get an application", A, ref("Application"), errors={400: NOT_MEMBER, 404: APP_404}
    ),
    ("patch", "/api/applications/{application_id}/"): Op(
        "Rename an application",
        A,
        ref("Application"),
        request=NAME,
        errors={400: NOT_MEMBER, 404: APP_404},
    ),
    ("delete", "/api/applications/{application_id}/"): Op(
        "Delete an application", A, None, 204, errors={400: NOT_MEMBER, 404: APP_404}
    ),
}
