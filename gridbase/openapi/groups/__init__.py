"""Hand-written operation docs per endpoint group, merged into one lookup by (method, path).
Routes no group describes still appear in the spec, with generic bodies (see spec._generic)."""

from __future__ import annotations

from gridbase.openapi.groups import core, database, files, webhooks
from gridbase.openapi.ops import Op

OPERATIONS: dict[tuple[str, str], Op] = {
    **core.OPERATIONS,
    **database.OPERATIONS,
    **webhooks.OPERATIONS,
    **files.OPERATIONS,
}
SCHEMAS = {**core.SCHEMAS, **database.SCHEMAS, **webhooks.SCHEMAS, **files.SCHEMAS}
