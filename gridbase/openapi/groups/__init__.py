"""Hand-written operation docs per endpoint group, merged into one lookup by (method, path)."""

from __future__ import annotations

from gridbase.openapi.groups import core, database
from gridbase.openapi.ops import Op

OPERATIONS: dict[tuple[str, str], Op] = {**core.OPERATIONS, **database.OPERATIONS}
SCHEMAS = {**core.SCHEMAS, **database.SCHEMAS}
