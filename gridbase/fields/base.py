"""The field-type contract: how a field is stored, validated, serialized, sorted and described.

A field type is a small class; it overrides only what differs from these defaults.
Imports: core.models, errors (leaf), sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.models import Field


class FieldValueError(Exception):
    """A written cell value is invalid; becomes one DRF leaf under the field's key."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PropError(Exception):
    """A type property in a field create/update body is invalid."""

    def __init__(self, name: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Prop:
    """One type-specific property: its default and a validator of written values."""

    name: str
    default: Any
    check: Callable[[Any], Any] | None = None  # returns the cleaned value or raises PropError
    write_only: bool = False


class ValueContext:
    """What value validation may need beyond the field itself (linked tables, the connection)."""

    def __init__(
        self, conn: sa.Connection | None = None, resolve: Any = None, rows: Any = None
    ) -> None:
        self.conn = conn
        self.resolve = resolve  # core hook: (field, names) -> ids, for link rows by text
        # core helper for link rows: .existing(table_id, ids) -> set,
        # .named(table_id, names) -> {name: id}
        self.rows = rows


class SchemaHooks:
    """Optional hooks for types that own more than a column (options, junction tables,
    related fields). `conn` is the open write transaction; `ctx` the service context."""

    def after_create(
        self, ctx: Any, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        """Called after the field row and column exist; returns related fields it changed."""
        return []

    def after_update(
        self, ctx: Any, conn: sa.Connection, old: Field, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        return []

    def before_delete(self, ctx: Any, conn: sa.Connection, field: Field) -> list[Field]:
        """Called before the field's column is dropped; returns related fields it changed."""
        return []


class FieldType(SchemaHooks):
    type: ClassVar[str]
    read_only: ClassVar[bool] = False
    can_be_primary: ClassVar[bool] = True
    can_have_db_index: ClassVar[bool] = False  # `db_index` may put a SQL index on its column
    sortable: ClassVar[bool] = True
    searchable: ClassVar[bool] = True
    props: ClassVar[tuple[Prop, ...]] = ()
    filters: ClassVar[frozenset[str]] = frozenset({"empty", "not_empty"})

    # --- storage --------------------------------------------------------------------------
    def column_type(self, field: Field) -> sa.types.TypeEngine[Any] | None:
        """The SQL type of `field_<id>`; None when the value lives elsewhere (junction table)."""
        return sa.Text()

    def relation_table(self, field: Field, metadata: sa.MetaData) -> sa.Table | None:
        """A junction table holding this field's values, for many-valued types."""
        return None

    def select_expression(self, field: Field, table: sa.Table) -> sa.ColumnElement[Any] | None:
        """What a row select reads for this field (computed types return an expression)."""
        return table.c[field.column_name] if self.column_type(field) is not None else None

    def load_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, row_ids: list[int]
    ) -> dict[int, Any]:
        """Stored values of a junction-table field for these rows (one query for all rows)."""
        raise NotImplementedError

    def write_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, values: dict[int, Any]
    ) -> None:
        """Replace the junction-table values of these rows (row id -> validated value)."""
        raise NotImplementedError

    # --- writes ---------------------------------------------------------------------------
    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Client value -> value to store. Raises FieldValueError."""
        return raw

    def default(self, field: Field) -> Any:
        """Value of the field on a new row when the client sends none."""
        return None

    # --- reads ----------------------------------------------------------------------------
    def serialize(self, field: Field, stored: Any) -> Any:
        """Stored value -> JSON value, in Baserow's format."""
        return stored

    def sort_expression(self, field: Field, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """What order_by sorts on. Text sorts case-insensitively, like Baserow's collation."""
        if isinstance(self.column_type(field), (sa.Text, sa.String)):
            return sa.func.lower(column)
        return column

    # --- properties -----------------------------------------------------------------------
    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Type properties from a create/update body, merged over the current ones."""
        out = dict(current or {})
        for prop in self.props:
            if prop.name in raw:
                value = raw[prop.name]
                out[prop.name] = prop.check(value) if prop.check else value
            elif prop.name not in out and not prop.write_only:
                out[prop.name] = prop.default
        return out

    def props_json(self, field: Field) -> dict[str, Any]:
        """Type-specific keys merged into the field JSON."""
        return {p.name: field.props.get(p.name, p.default) for p in self.props if not p.write_only}

    # --- documentation (OpenAPI) ----------------------------------------------------------
    def json_schema(self, field: Field) -> dict[str, Any]:
        """JSON Schema (OpenAPI 3.1) of this field's value in row responses, with an `example`.
        The default allows any value; types override it with their exact read format."""
        return {"description": f"A `{self.type}` value."}

    def write_schema(self, field: Field) -> dict[str, Any]:
        """JSON Schema of the values row create/update accept for this field (not used for
        read-only types). Defaults to the read format."""
        return self.json_schema(field)


# --- reusable property validators ----------------------------------------------------------


def check_bool(name: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise PropError(name, "Must be a valid boolean.")

    return check


def check_int(name: str, low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str, float)):
            raise PropError(name, "A valid integer is required.")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise PropError(name, "A valid integer is required.") from None
        if low is not None and number < low:
            raise PropError(
                name, f"Ensure this value is greater than or equal to {low}.", "min_value"
            )
        if high is not None and number > high:
            raise PropError(
                name, f"Ensure this value is less than or equal to {high}.", "max_value"
            )
        return number

    return check


def check_choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise PropError(name, f'"{value}" is not a valid choice.', "invalid_choice")
        return value

    return check


def check_str(name: str, max_length: int, allow_null: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            if allow_null:
                return None
            raise PropError(name, "This field may not be null.", "null")
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise PropError(name, "Not a valid string.")
        text = str(value)
        if len(text) > max_length:
            raise PropError(
                name, f"Ensure this field has no more than {max_length} characters.", "max_length"
            )
        return text

    return check


TRUE_WORDS = frozenset({"t", "y", "yes", "true", "on", "1", "checked"})
FALSE_WORDS = frozenset({"f", "n", "no", "false", "off", "0", "0.0", "unchecked", ""})


def as_items(raw: Any) -> list[Any] | None:
    """The items of a many-valued cell as written: a list, one integer, or a comma-separated
    string; None for any other JSON type (each field type words that error itself)."""
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, int) and not isinstance(raw, bool):
        return [raw]
    if isinstance(raw, list):
        return raw
    return None
