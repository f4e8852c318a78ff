"""Text-like field types: text, long_text, url, email, phone_number.

Imports: fields (base, props), models.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import (
    SORTABLE,
    FieldType,
    FieldValueError,
    JsonSql,
    ValueContext,
)
from gridbase.fields.props import Prop, check_bool, check_str
from gridbase.models import Field


def as_text(raw: Any) -> str | None:
    """DRF CharField coercion: numbers become their text; objects are refused."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise FieldValueError("Not a valid string.")
    return str(raw)


def _or_blank(stored: Any) -> Any:
    return stored if stored is not None else ""


class TextLike(FieldType):
    """A text column whose value is its displayed text."""

    kind = "text"
    formula_kind = "text"
    sort_types = SORTABLE
    collates = True
    stores_text = True
    can_have_db_index = True

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        # a TEXT column holds text or NULL: its affinity turns a number into text
        return (expr, None) if self.renderer(field) is None else None


class PlainText(TextLike):
    """Free text: numbers become their text; a converted boolean reads true/false."""

    can_upsert = True

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        return as_text(raw)

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return as_text(value)


class TextFieldType(PlainText):
    type = "text"
    unique_empty = ("",)  # unique_with_empty: "" and null may repeat
    props = (Prop("text_default", "", check_str("text_default", 255)),)

    def default(self, field: Field) -> Any:
        return field.props.get("text_default") or None

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["string", "null"], "example": "Some text"}

    def write_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": ["string", "null"],
            "example": "Some text",
            "description": "Text; numbers are accepted and stored as their text. "
            "Omitted on create: the text default.",
        }


class LongTextFieldType(PlainText):
    type = "long_text"
    history_props = ("long_text_enable_rich_text",)
    unique_empty = ("",)  # unique_with_empty: "" and null may repeat
    props = (
        Prop(
            "long_text_enable_rich_text",
            None,
            check_bool("long_text_enable_rich_text"),
            converted=lambda: False,
        ),
    )

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["string", "null"], "example": "A longer text\nover several lines."}


class PatternFieldType(TextLike):
    """A text value that must match a pattern; "" and null are always accepted, and stored
    as "" (Baserow's prepare_value_for_db), which is also what new and converted cells get."""

    can_upsert = True

    pattern: re.Pattern[str]

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        text = as_text(raw)
        if text and not self.pattern.match(text):
            raise FieldValueError("Enter a valid value.")
        return text or ""

    def default(self, field: Field) -> Any:
        return ""

    def serialize(self, field: Field, stored: Any) -> Any:
        return stored if stored is not None else ""

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        return _or_blank

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        return sa.func.coalesce(expr, ""), None

    example: ClassVar[str] = ""

    def value_schema(self) -> dict[str, Any]:
        """JSON Schema of a valid (non-empty) value: the pattern itself."""
        return {"type": "string", "pattern": self.pattern.pattern}

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": "string",
            "example": self.example,
            "description": "Empty string when no value is set.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        return {
            "anyOf": [self.value_schema(), {"type": "string", "maxLength": 0}, {"type": "null"}],
            "example": self.example,
            "description": 'A valid value, "" or null (both clear the cell).',
        }


class UrlFieldType(PatternFieldType):
    type = "url"
    unique_empty = ("",)  # unique_with_empty: "" and null may repeat
    formula_kind = "url"
    pattern = re.compile(r"^[^\s]{0,255}(?:\.|//)[^\s]{1,}$")
    example = "https://example.com/page"


class EmailFieldType(PatternFieldType):
    type = "email"
    unique_empty = ("",)  # unique_with_empty: "" and null may repeat
    formula_kind = "char"
    pattern = re.compile(
        r"^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
        r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$"
    )
    example = "ada@example.com"

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email", "minLength": 3, "maxLength": 254}


class PhoneNumberFieldType(PatternFieldType):
    type = "phone_number"
    formula_kind = "char"
    pattern = re.compile(r"^[0-9NnXx,+._*()#=;/ -]{1,100}$")
    example = "+1 (555) 010-9999"
