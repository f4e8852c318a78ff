"""Field types: one small class each, collected in one explicit registry."""

from __future__ import annotations

from gridbase.fields.auto import AutonumberFieldType, UuidFieldType
from gridbase.fields.base import FieldType
from gridbase.fields.boolean import BooleanFieldType
from gridbase.fields.date import CreatedOnFieldType, DateFieldType, LastModifiedFieldType
from gridbase.fields.duration import DurationFieldType
from gridbase.fields.formula import FormulaFieldType
from gridbase.fields.link_row import LinkRowFieldType
from gridbase.fields.lookups import CountFieldType, LookupFieldType, RollupFieldType
from gridbase.fields.number import NumberFieldType, RatingFieldType
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
        ],
    )
