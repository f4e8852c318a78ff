"""Field types: one small class each, collected in one explicit registry."""

from __future__ import annotations

from gridbase.fields.base import FieldType
from gridbase.fields.boolean import BooleanFieldType
from gridbase.fields.formula import FormulaFieldType
from gridbase.fields.number import NumberFieldType, RatingFieldType
from gridbase.fields.text import (
    EmailFieldType,
    LongTextFieldType,
    PhoneNumberFieldType,
    TextFieldType,
    UrlFieldType,
)
from gridbase.registry import Registry

FieldTypes = Registry[FieldType]


def default_field_types() -> FieldTypes:
    return Registry(
        "field",
        [
            TextFieldType(),
            LongTextFieldType(),
            UrlFieldType(),
            EmailFieldType(),
            PhoneNumberFieldType(),
            NumberFieldType(),
            RatingFieldType(),
            BooleanFieldType(),
            FormulaFieldType(),
        ],
    )
