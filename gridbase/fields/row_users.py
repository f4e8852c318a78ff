"""created_by and last_modified_by: read-only, the user who created / last changed the row.

Every row keeps both user ids in columns of its own (storage.ddl.USER_COLUMNS, written by
core.rows with created_on / updated_on), so a field of these types owns no column and shows
every row's user from the moment it is created, as Baserow's (whose field column is a copy
kept in step with the row's). A value reads as {"id", "name"}; rows from before gridbase
kept users read null. Imports: errors, fields (base, members), formula, models, sqlalchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.errors import field_error
from gridbase.fields import members
from gridbase.fields.base import (
    SORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    ValueContext,
    unreferenceable,
)
from gridbase.models import Field

DECIMAL_ZEROS = re.compile(r"\.0*\s*$")  # DRF's IntegerField drops a trailing ".0"
MAX_STRING_LENGTH = 1000  # DRF's IntegerField refuses longer strings


def collaborator_id(raw: Any) -> tuple[int | None, Any]:
    """DRF's CollaboratorSerializer ({"id": integer}; other keys ignored): (the id, None), or
    (None, its errors as DRF words them)."""
    if raw is None:
        return None, field_error("This field may not be null.", "null")
    if not isinstance(raw, dict):
        got = type(raw).__name__  # DRF names the Python type: str, int, float, bool, list
        return None, {
            "non_field_errors": field_error(f"Invalid data. Expected a dictionary, but got {got}.")
        }
    if "id" not in raw:
        return None, {"id": field_error("This field is required.", "required")}
    value = raw["id"]
    if value is None:
        return None, {"id": field_error("This field may not be null.", "null")}
    if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
        return None, {"id": field_error("String value too large.", "max_string_length")}
    try:  # the text of the value less a trailing ".0"; true/false are no integers
        return int(DECIMAL_ZEROS.sub("", str(value))), None
    except ValueError:
        return None, {"id": field_error("A valid integer is required.")}


def user_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    }


class RowUserFieldType(FieldType):
    """A user id the row keeps (`source`), shown as the user."""

    kind = "int"  # a user id; filters compare ids, search and sorting the user's name
    formula_kind = None
    sort_types = SORTABLE
    read_only = True
    keeps_values = False  # Baserow: converting away empties the cells; to: the row's users
    search_by_text = True
    resolves_values = True
    source: str  # the row's column
    verb: str  # for the documentation

    def column_type(self, field: Field) -> None:
        return None

    def select_expression(self, field: Field, table: sa.Table) -> sa.ColumnElement[Any]:
        return table.c[self.source]

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Only to word a malformed value as Baserow does before it refuses any value."""
        _, error = collaborator_id(raw)
        if error is not None:
            raise FieldValueError("Invalid user.", detail=error)
        return raw

    def resolve_values(
        self, conn: sa.Connection, field: Field, stored: set[Any]
    ) -> Mapping[Any, Any]:
        return {i: {"id": i, "name": n} for i, n in members.user_names(conn, stored).items()}

    def serialize(self, field: Field, stored: Any) -> Any:
        return stored  # the resolved user, or None

    def sort_expression(self, field: Field, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """By the user's name (Baserow: first_name, collated); no user sorts first."""
        return sa.func.lower(members.name_of(column))

    def display_text(
        self, field: Field, expr: sa.ColumnElement[Any] | None, dialect: str
    ) -> sa.ColumnElement[str] | None:
        return None if expr is None else members.name_of(expr)

    def search_text(self, field: Field, value: Any) -> str:
        return str(value["name"]) if isinstance(value, dict) else ""

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        return unreferenceable(self.type)

    def extra_json(self, ctx: FieldContext, field: Field) -> dict[str, Any]:
        with ctx.db.read() as conn:
            return {"available_collaborators": members.members_json(conn, field)}

    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "anyOf": [user_schema(), {"type": "null"}],
            "example": {"id": 1, "name": "Ada"},
            "description": f"The user who {self.verb} the row: id and name (read only).",
        }


class CreatedByFieldType(RowUserFieldType):
    type = "created_by"
    source = "created_by"
    verb = "created"


class LastModifiedByFieldType(RowUserFieldType):
    type = "last_modified_by"
    source = "last_modified_by"
    verb = "last changed"
