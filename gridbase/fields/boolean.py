"""The boolean field type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gridbase.fields.base import (
    SORTABLE,
    FieldType,
    FieldValueError,
    JsonSql,
    ValueContext,
)
from gridbase.fields.props import FALSE_WORDS, TRUE_WORDS, Prop, check_bool
from gridbase.models import Field


class BooleanFieldType(FieldType):
    can_upsert = True
    type = "boolean"
    kind = "bool"
    formula_kind = "boolean"
    formula_nullable = False
    sort_types = SORTABLE
    can_have_db_index = True
    props = (Prop("boolean_default", False, check_bool("boolean_default")),)

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Boolean()

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        if raw is None:
            raise FieldValueError("This field may not be null.", "null")
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            word = raw.lower()  # no strip: Baserow refuses " true "
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS and word != "":
                return False
        raise FieldValueError("Must be a valid boolean.")

    def default(self, field: Field) -> Any:
        return bool(field.props.get("boolean_default", False))

    def serialize(self, field: Field, stored: Any) -> Any:
        return bool(stored)

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        return bool

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        # json() marks the text as JSON: json_object embeds true, not "true"; a number's
        # truth in SQL is bool()'s
        return sa.func.json(sa.case((expr, "true"), else_="false")), None

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "boolean", "example": True}

    def write_schema(self, field: Field) -> dict[str, Any]:
        words = sorted(w for w in TRUE_WORDS | FALSE_WORDS if w)
        return {
            "anyOf": [{"type": "boolean"}, {"type": "string", "enum": words}],
            "example": True,
            "description": "true/false, or a word such as yes/no, on/off, 1/0, checked/unchecked.",
        }
