"""password: a write-only secret per cell, kept only as an argon2id hash.

Written as a text (set), null (cleared) or `true` (ignored: what reads show, so a row can
be sent back as read). Reads show whether one is set: true, null when not, and false for a
blank one (Baserow keeps "" for a text of only spaces). Never searchable, sortable or
exported as a hash: nothing the API answers carries it. `allow_endpoint_authentication`
lets POST /api/database/fields/password-authentication/ check a password against a cell.
Imports: fields (base, props), formula, models, passwords, sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.fields.base import (
    IGNORED,
    UNSORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    ValueContext,
    unreferenceable,
)
from gridbase.fields.props import Prop, check_flag
from gridbase.models import Field
from gridbase.passwords import hash_password, verify_password

BLANK = ""  # a password of nothing but spaces: set, but to nothing (reads false)


def matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one a cell keeps (a blank or unset cell matches none)."""
    return bool(stored) and verify_password(str(stored), password)


class PasswordFieldType(FieldType):
    type = "password"
    kind = "text"
    formula_kind = None
    sort_types = UNSORTABLE
    can_be_primary = False
    searchable = False
    keeps_values = False  # Baserow recreates the field on a change to or from this type
    props = (
        Prop(
            "allow_endpoint_authentication",
            False,
            check_flag("allow_endpoint_authentication"),
        ),
    )

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return sa.Text()

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Baserow's PasswordSerializer: hashes the text as sent (not trimmed); a text of
        only spaces is kept as blank. A value of another JSON type is refused (Baserow
        answers those with a 500)."""
        if raw is True:
            return IGNORED
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise FieldValueError("Not a valid string.")
        if not raw.strip():
            return BLANK
        return hash_password(raw)

    def serialize(self, field: Field, stored: Any) -> Any:
        if stored is None:
            return None
        return stored != BLANK

    def display_text(
        self, field: Field, expr: sa.ColumnElement[Any] | None, dialect: str
    ) -> sa.ColumnElement[str] | None:
        return None  # a hash is no text to compare

    def search_text(self, field: Field, value: Any) -> str:
        return ""

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        return unreferenceable(self.type)

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": ["boolean", "null"],
            "example": True,
            "description": "Whether a password is set: true; null when none is; false for "
            "a blank one. The password itself is never shown.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        return {
            "anyOf": [{"type": "string"}, {"type": "boolean", "enum": [True]}, {"type": "null"}],
            "example": "correct horse battery staple",
            "description": "A text sets the password (kept only as a hash), null clears it, "
            "true leaves it as it is.",
        }
