"""GET /api/settings/: the instance's public settings, which clients and front ends read
first (Baserow's shape; no authentication). gridbase's settings come from its environment
(GRIDBASE_*), so what it lacks reads false. PATCH /api/settings/update/ refuses what
Baserow refuses (no session, not staff) and tells staff to change the environment.
Imports: api.deps, errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gridbase.api.deps import CtxDep, UserDep
from gridbase.errors import NotStaff, SettingsFromEnvironment

router = APIRouter(prefix="/api/settings")


@router.get("/")
def get_settings(ctx: CtxDep) -> dict[str, Any]:
    """The instance's public settings."""
    return {
        "allow_new_signups": ctx.settings.allow_signup,
        "allow_signups_via_workspace_invitations": True,
        "allow_reset_password": ctx.settings.allow_reset_password,
        "allow_global_workspace_creation": True,
        "account_deletion_grace_delay": ctx.settings.account_deletion_grace_days,
        "show_admin_signup_page": False,
        "track_workspace_usage": False,
        "show_baserow_help_request": False,
        "co_branding_logo": None,
        "email_verification": "no_verification",
        "verify_import_signature": True,
    }


@router.patch("/update/")
def update_settings(user: UserDep) -> Any:
    """Baserow checks IsAdminUser before the body, so a non-staff user gets 403 for any."""
    if not user.is_staff:
        raise NotStaff()
    raise SettingsFromEnvironment()
