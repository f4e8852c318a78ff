"""A field as Baserow's field JSON: the common keys, then its type's own.

Imports: fields.base, models.
"""

from __future__ import annotations

from typing import Any

from gridbase.fields.base import FieldContext
from gridbase.models import Field


def field_json(
    ctx: FieldContext, field: Field, database_id: int, workspace_id: int, *, extra: bool = True
) -> dict[str, Any]:
    """`extra`: with the keys that read other metadata (FieldType.extra_json); a field nested
    in another's JSON goes without them."""
    ft = ctx.field_types.get(field.type)
    body: dict[str, Any] = {
        "id": field.id,
        "table_id": field.table_id,
        "name": field.name,
        "order": field.order,
        "type": field.type,
        "primary": field.primary,
        "read_only": ft.read_only,
        "immutable_type": False,
        "immutable_properties": False,
        "description": field.description,
        "database_id": database_id,
        "workspace_id": workspace_id,
        "db_index": field.db_index,
        "field_constraints": [{"type_name": name} for name in field.constraints],
    }
    body.update(ft.props_json(field))
    if extra:
        body.update(ft.extra_json(ctx, field))
    return body
