"""GET /api/settings/: the instance's public settings, which clients and front ends read
first (Baserow's shape; no authentication). gridbase's settings come from its environment
(GRIDBASE_*), so what it lacks reads false: sign-up by invitation and password resets.
Imports: api.deps.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridbase.api.deps import CtxDep

router = APIRouter(prefix="/api/settings")


@router.get("/")
def get_settings(ctx: CtxDep) -> dict[str, Any]:
    """The instance's public settings."""
    return {
        "allow_new_signups": ctx.settings.allow_signup,
        "allow_signups_via_workspace_invitations": True,
        "allow_reset_password": True,  # POST /api/user/send-reset-password-email/
        "allow_global_workspace_creation": True,
        "account_deletion_grace_delay": ctx.settings.account_deletion_grace_days,
        "show_admin_signup_page": False,
        "track_workspace_usage": False,
        "show_baserow_help_request": False,
        "co_branding_logo": None,
        "email_verification": "no_verification",
        "verify_import_signature": True,
    }
