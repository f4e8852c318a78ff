"""Text-like field types: text, long_text, url, email, phone_number.

Imports: errors, fields (base, props), models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import regex
import sqlalchemy as sa

from gridbase.errors import field_error
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


def written_text(raw: Any) -> str | None:
    """A text cell as Baserow's row serializer reads it (DRF CharField, trim_whitespace):
    as_text, without surrounding whitespace (str.strip(): also no-break spaces, tabs and
    line breaks). Conversions and imports keep the text as it is, as Baserow's do."""
    text = as_text(raw)
    return text.strip() if text is not None else None


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
        return written_text(raw)

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
    """A text value that must match Baserow's pattern for its type (searched with the
    `regex` module, as Baserow's UnicodeRegexValidator does: its \\w is Unicode's); "" and
    null are always accepted, and stored as "" (Baserow's prepare_value_for_db), which is
    also what new and converted cells get. A written value is trimmed first, and one too
    long gets both errors, as DRF's CharField validators give them."""

    can_upsert = True

    pattern: regex.Pattern[str]
    max_length: ClassVar[int | None] = None

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        text = written_text(raw)
        if not text:
            return ""
        errors = [] if self.pattern.search(text) else field_error("Enter a valid value.")
        if self.max_length is not None and len(text) > self.max_length:
            errors += field_error(
                f"Ensure this field has no more than {self.max_length} characters.", "max_length"
            )
        if errors:
            raise FieldValueError(errors[0]["error"], detail=errors)
        return text

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        """Baserow's conversion SQL: the text as it is if it matches, else ""."""
        try:
            text = as_text(value)
        except FieldValueError:  # a boolean or a list: no text of it passes any pattern
            return ""
        return text if text and self.pattern.search(text) else ""

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
    pattern = regex.compile(r"^[^\s]{0,255}(?:\.|//)[^\s]{1,}$")
    example = "https://example.com/page"


class EmailFieldType(PatternFieldType):
    type = "email"
    unique_empty = ("",)  # unique_with_empty: "" and null may repeat
    formula_kind = "char"
    # Baserow's "highly permissive" pattern: a@b, .a@b.c and é@é pass; spaces, quotes and %
    # do not
    _word = r"[-\.\[\]!#$&*+/=?^_`{|}~\w]+"
    pattern = regex.compile(rf"(?i)(?=^.{{3,254}}$)^{_word}@{_word}$")
    max_length = 254
    example = "ada@example.com"

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email", "minLength": 3, "maxLength": 254}


class PhoneNumberFieldType(PatternFieldType):
    type = "phone_number"
    formula_kind = "char"
    pattern = regex.compile(r"^[0-9NnXx,+._*()#=;/ -]{1,100}$")
    max_length = 100
    example = "+1 (555) 010-9999"
