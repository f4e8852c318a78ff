"""Field types: one small class each, collected in one explicit registry.

Adding a type: a module with its class (fields.base lists the contract), and one line in
default_field_types. The registry refuses a type that does not declare its whole contract.
"""

from __future__ import annotations

from gridbase.fields.auto import AutonumberFieldType, UuidFieldType
from gridbase.fields.base import FieldType, undeclared
from gridbase.fields.boolean import BooleanFieldType
from gridbase.fields.collaborators import MultipleCollaboratorsFieldType
from gridbase.fields.date import CreatedOnFieldType, DateFieldType, LastModifiedFieldType
from gridbase.fields.duration import DurationFieldType
from gridbase.fields.file import FileFieldType
from gridbase.fields.formula import FormulaFieldType
from gridbase.fields.link_row import LinkRowFieldType
from gridbase.fields.lookups import CountFieldType, LookupFieldType, RollupFieldType
from gridbase.fields.number import NumberFieldType, RatingFieldType
from gridbase.fields.password import PasswordFieldType
from gridbase.fields.row_users import CreatedByFieldType, LastModifiedByFieldType
from gridbase.fields.select import MultipleSelectFieldType, SingleSelectFieldType
from gridbase.fields.text import (
    EmailFieldType,
    LongTextFieldType,
    PhoneNumberFieldType,
    TextFieldType,
    UrlFieldType,
)
from gridbase.registry import Registry

FieldTypes = Registry[FieldType]


def field_registry(types: list[FieldType]) -> FieldTypes:
    """The registry of these types; ValueError names any type that misses part of its contract."""
    for ft in types:
        missing = list(undeclared(ft))
        if missing:
            raise ValueError(
                f"field type {type(ft).__name__} does not declare {', '.join(missing)}"
            )
    return Registry("field", types)


def default_field_types() -> FieldTypes:
    return field_registry(
        [
            TextFieldType(),
            LongTextFieldType(),
            UrlFieldType(),
            EmailFieldType(),
            PhoneNumberFieldType(),
            NumberFieldType(),
            RatingFieldType(),
            BooleanFieldType(),
            DateFieldType(),
            CreatedOnFieldType(),
            LastModifiedFieldType(),
            DurationFieldType(),
            SingleSelectFieldType(),
            MultipleSelectFieldType(),
            LinkRowFieldType(),
            AutonumberFieldType(),
            UuidFieldType(),
            FormulaFieldType(),
            CountFieldType(),
            RollupFieldType(),
            LookupFieldType(),
            FileFieldType(),
            CreatedByFieldType(),
            LastModifiedByFieldType(),
            MultipleCollaboratorsFieldType(),
            PasswordFieldType(),
        ]
    )
