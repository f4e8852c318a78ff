"""Field constraint types (Baserow's field_constraint_registry): the `type_name` a client
sends in `field_constraints`, which field types take it, whether it allows a default value,
and the unique rule a database index enforces (storage.unique builds the index).

Baserow registers three classes under one wire name, `unique_with_empty`, one per family of
field types; here the field type says what counts as empty for it (FieldType.unique_empty).
Adding a constraint type: a class here and a line in default_field_constraints.
Imports: fields.base, models, registry, storage.unique.
"""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa

from gridbase.fields.base import FieldType
from gridbase.models import Field
from gridbase.registry import Registry
from gridbase.storage.unique import UniqueRule


class FieldConstraintType:
    type: ClassVar[str]  # the wire `type_name`
    allows_default: ClassVar[bool]  # Baserow's can_support_default_value

    def supports(self, ft: FieldType) -> bool:
        """Whether fields of this type may carry the constraint."""
        raise NotImplementedError

    def rule(self, ft: FieldType, field: Field) -> UniqueRule:
        """The unique index that enforces the constraint on `field`'s column."""
        raise NotImplementedError


class UniqueWithEmpty(FieldConstraintType):
    """No two rows hold the same value, except empty ones (NULL and the type's unique_empty:
    "" for texts, 0 for ratings)."""

    type = "unique_with_empty"
    allows_default = False  # a default would put the same value in every new row

    def supports(self, ft: FieldType) -> bool:
        return ft.unique_empty is not None

    def rule(self, ft: FieldType, field: Field) -> UniqueRule:
        text = isinstance(ft.column_type(field), (sa.Text, sa.String))
        return UniqueRule(tuple(ft.unique_empty or ()), text)


FieldConstraintTypes = Registry[FieldConstraintType]


def default_field_constraints() -> FieldConstraintTypes:
    return Registry("field constraint", [UniqueWithEmpty()])
