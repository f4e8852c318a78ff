"""The field-type contract: everything the rest of gridbase asks of a field type.

A field type is a small class in one module, registered by one line in fields/__init__.py.
It declares the class attributes named in `DECLARED` (they have no default here, so a type
that forgets one is refused when the registry is built: fields.check_declared) and
overrides the methods whose defaults do not fit it. Nothing outside a type's own module
asks for a type by its name: callers ask the type.

What callers ask, by section:
- storage: column_type, relation_table, junction_sides, select_expression / expression,
  load_relation, write_relation, links_to, items_source
- writes: validate, validate_together, default, conversion_source, convert_value,
  fills_new_rows / new_values, fill_existing
- reads: resolve_values, serialize / renderer, sortable, sort_expression, sort_keys, sample_value,
  search_text
- filters and formulas: value_kind, compatible_filters, display_text, item_text,
  formula_info, formula_expression
- properties and field JSON: props, clean_props, props_json, extra_json
- schema changes: after_create, after_update, before_delete, refresh_pass / refresh_props
- documentation: json_schema, write_schema
Imports: formula (FieldInfo), fields (display, props), models, registry, storage (collation),
sqlalchemy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, Protocol, get_args

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.fields import display, filtering
from gridbase.fields.props import Prop
from gridbase.models import Field, Table
from gridbase.registry import Registry
from gridbase.storage import collation

# How a field's values compare in filters and read as text. "array": many values per row
# (junction tables, lookups); filters on those test the items.
ValueKind = Literal["text", "decimal", "int", "duration", "bool", "date", "datetime", "array"]
VALUE_KINDS: frozenset[str] = frozenset(get_args(ValueKind))
DATE_KINDS = frozenset({"date", "datetime"})
NUMBER_KINDS = frozenset({"decimal", "int", "duration"})
# Baserow's boolean words (fields/constants.py), exactly: a filter value is not lower-cased
FILTER_TRUE = frozenset({"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on",
                         "On", "ON", "1", "checked"})  # fmt: skip
FILTER_FALSE = frozenset({"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
                          "off", "Off", "OFF", "0", "0.0", "unchecked"})  # fmt: skip


# The widest values every comparison binds without an overflow on both backends: SQL
# `integer` (every integer column gridbase makes, ids included, and the cast PostgreSQL's
# driver puts on an integer parameter), and numbers a double holds (SQLite compares numerics
# as doubles). A filter value past them is held at the bound: no stored value reaches it,
# so every comparison answers as it would with the value itself.
INT_BOUND = 2**31 - 1
DECIMAL_BOUND = Decimal("1e300")


def bounded_int(value: int) -> int:
    """`value` held within SQL's `integer` (see INT_BOUND)."""
    return max(-INT_BOUND, min(value, INT_BOUND))


def bounded_decimal(value: Decimal) -> Decimal:
    """`value` held within what SQL compares as a number (see DECIMAL_BOUND)."""
    return max(-DECIMAL_BOUND, min(value, DECIMAL_BOUND))


def parse_kind_value(kind: ValueKind, value: str) -> Any:
    """A non-empty filter value as a value of `kind` (Django's get_prep_value and Baserow's
    overrides); ValueError when it is none."""
    if kind == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(value) from None
        if not number.is_finite():
            raise ValueError(value)
        return bounded_decimal(number)
    if kind == "int":
        return bounded_int(int(value))
    if kind == "bool":
        if value in FILTER_TRUE:
            return True
        if value in FILTER_FALSE:
            return False
        raise ValueError(value)
    return value


REFRESH_OWN = 0  # refresh_pass of fields computed from their own table's fields (formulas)
REFRESH_LINKED = 1  # ... of fields read through links (count, rollup, lookup), after those
SORTABLE = frozenset({"default"})  # sort_types of a type order_by sorts by its value
UNSORTABLE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SortKey:
    """One expression order_by sorts on. `follows`: it turns with the requested direction;
    False: always ascending (Baserow puts rows without links first both ways)."""

    expr: sa.ColumnElement[Any]
    follows: bool = True


class FieldValueError(Exception):
    """A written cell value is invalid; becomes one DRF leaf under the field's key, or
    `detail` as it is (a nested serializer's errors: per item of a list, per key)."""

    def __init__(self, message: str, code: str = "invalid", detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail


# What validate returns for a value that is ignored, as if its key had not been sent (a
# password cell's `true`: what reads show, so a client may send a row back unchanged).
IGNORED = object()
# a value as SQLite's json_object() embeds it, and where that is serialize's JSON (None:
# wherever a value written by gridbase can be)
JsonSql = tuple["sa.ColumnElement[Any]", "sa.ColumnElement[bool] | None"]


class LinkedRowsLookup(Protocol):
    """What link-row validation asks of the linked table (core.row_values.LinkedRows)."""

    def existing(self, table_id: int, ids: list[int]) -> set[int]: ...

    def named(self, table_id: int, names: list[str]) -> dict[str, int]: ...


class ValueContext:
    """What value validation may need beyond the field itself."""

    def __init__(
        self,
        conn: sa.Connection | None = None,
        rows: LinkedRowsLookup | None = None,
        *,
        one_row: bool = False,
    ):
        self.conn = conn
        self.rows = rows  # linked tables' rows, for link_row values
        self.one_row = one_row  # the single-row create endpoint (Baserow checks some apart)


class LinkedModel(Protocol):
    """Another table's model (usertable.TableModel), as field types read it."""

    @property
    def sql(self) -> sa.Table: ...

    @property
    def fields(self) -> tuple[Field, ...]: ...

    @property
    def by_id(self) -> Mapping[int, Field]: ...

    @property
    def primary(self) -> Field | None: ...

    @property
    def table(self) -> Table: ...

    def expression(self, field_id: int) -> sa.ColumnElement[Any] | None: ...

    def field_by_name(self, name: str) -> Field | None: ...


class Db(Protocol):
    """The database, as field types use it (storage.engine.Database)."""

    @property
    def dialect(self) -> str: ...

    def read(self) -> AbstractContextManager[sa.Connection]: ...


class FieldContext(Protocol):
    """What field types may ask of the service context (core.context.Ctx): the database,
    the registry, and other tables' fields and models."""

    @property
    def db(self) -> Db: ...

    @property
    def field_types(self) -> Registry[FieldType]: ...

    def model_of(self, conn: sa.Connection, table_id: int) -> LinkedModel: ...

    def fields_of(self, conn: sa.Connection, table_id: int) -> list[Field]: ...


@dataclass(frozen=True)
class Items:
    """An array field's items (lookups, array formulas), correlated to the outer row: FROM
    `joined` WHERE `correlate`, one per linked row: its `value` as formulas read it (a
    select option: its text), its `whole` value where that is more (select types: their
    option objects as JSON), the linked row's `item_id`, in `order`."""

    joined: sa.FromClause
    correlate: sa.ColumnElement[bool]
    value: sa.ColumnElement[Any]
    item_id: sa.ColumnElement[Any]
    order: tuple[sa.ColumnElement[Any], ...]
    whole: sa.ColumnElement[Any] | None = None


class FieldType:
    # --- declared by every type (no defaults: fields.check_declared) ----------------------
    type: ClassVar[str]  # wire name, e.g. "boolean"
    # How values compare and read (value_kind); None: it depends on the field, and the
    # type overrides value_kind.
    kind: ClassVar[ValueKind | None]
    # Baserow's formula type of its values, for formulas and lookups that read it
    # (formula_info); None: it depends on the field, and the type overrides formula_info.
    formula_kind: ClassVar[str | None]
    sort_types: ClassVar[frozenset[str]]  # order_by sort types; empty: it cannot be sorted
    DECLARED: ClassVar[tuple[str, ...]] = ("type", "kind", "formula_kind", "sort_types")

    # --- capabilities ---------------------------------------------------------------------
    read_only: ClassVar[bool] = False
    # may be an `upsert_on` key or an import's upsert field (Baserow's can_upsert)
    can_upsert: ClassVar[bool] = False
    can_be_primary: ClassVar[bool] = True
    can_have_db_index: ClassVar[bool] = False  # `db_index` may put a SQL index on its column
    # The `unique_with_empty` field constraint (fields.constraints): the stored values that,
    # besides NULL, count as empty and may repeat; None: the type cannot have it.
    unique_empty: ClassVar[tuple[Any, ...] | None] = None
    searchable: ClassVar[bool] = True  # compat search compares its displayed text
    stores_text: ClassVar[bool] = False  # its column holds its displayed text itself
    fills_new_rows: ClassVar[bool] = False  # the server makes its values (new_values)
    reads_items: ClassVar[bool] = False  # its items are read through links (items_source)
    formula_nullable: ClassVar[bool] = True  # a formula reading it may meet NULL
    refresh_pass: ClassVar[int | None] = None  # computed from other fields: refresh_props
    # A type change to or from it converts the values; False: they are lost (Baserow drops
    # the column and makes a new one: password, collaborators, created/last modified by).
    keeps_values: ClassVar[bool] = True
    # compat search matches its display_text although the contains filter refuses it
    # (Baserow's contains_query: users by their name, a rating's digits, a uuid's text)
    search_by_text: ClassVar[bool] = False
    resolves_values: ClassVar[bool] = False  # serialize reads what resolve_values found
    validates_together: ClassVar[bool] = False  # a request's values: validate_together
    collates: ClassVar[bool] = False  # sorts as text under Baserow's collation (sort_keys)
    props: ClassVar[tuple[Prop, ...]] = ()

    # --- storage --------------------------------------------------------------------------
    def column_type(self, field: Field) -> sa.types.TypeEngine[Any] | None:
        """The SQL type of `field_<id>`; None when the value lives elsewhere (junction table)."""
        return sa.Text()

    def relation_table(self, field: Field, metadata: sa.MetaData) -> sa.Table | None:
        """A junction table holding this field's values, for many-valued types."""
        return None

    def select_expression(self, field: Field, table: sa.Table) -> sa.ColumnElement[Any] | None:
        """What a row select reads for this field: its column; None for junction types."""
        return table.c[field.column_name] if self.column_type(field) is not None else None

    def expression(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any] | None:
        """What a row select reads for this field in a table model: computed types build an
        expression from the fields they use (`resolve(field)` gives a field's expression)."""
        return self.select_expression(field, sql)

    def load_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, row_ids: list[int]
    ) -> dict[int, Any]:
        """Stored values of a junction-table field for these rows (one query for all rows)."""
        raise NotImplementedError(f"{self.type} has no junction table")

    def write_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, values: dict[int, Any]
    ) -> None:
        """Replace the junction-table values of these rows (row id -> validated value)."""
        raise NotImplementedError(f"{self.type} has no junction table")

    def junction_sides(self, field: Field) -> tuple[str, str]:
        """(column of this table's row ids, column of the items) of its relation_table."""
        raise NotImplementedError(f"{self.type} has no junction table")

    def item_text(self, field: Field, item: sa.ColumnElement[Any]) -> sa.ColumnElement[str] | None:
        """The text of one item of a junction-table field, from its item column (select
        options); None when the text lives in another table (link rows)."""
        return None

    def links_to(self, field: Field) -> int | None:
        """The table whose rows this field's values are (link rows): their primary texts
        are read with the values."""
        return None

    def items_source(
        self, ctx: FieldContext, conn: sa.Connection | None, field: Field, sql: sa.Table
    ) -> Items | None:
        """For array fields (lookups, array formulas): their items, which the field's value
        lists and the has_* filters test."""
        return None

    # --- writes ---------------------------------------------------------------------------
    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """Client value -> value to store. Raises FieldValueError."""
        return raw

    def upsert_value(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """An import's upsert value -> the stored value it matches (types with can_upsert).
        Baserow prepares these with prepare_value_for_db, which for some types accepts more
        than a row write does. Raises FieldValueError."""
        return self.validate(field, raw, vc)

    def validate_together(self, field: Field, values: list[Any], vc: ValueContext) -> None:
        """Types with validates_together: a check of every value one request writes to this
        field, after each passed validate (one query for all rows, as Baserow's
        prepare_value_for_db_in_bulk). Raises RequestBodyValidation."""
        raise NotImplementedError(f"{self.type} does not validate values together")

    def default(self, field: Field) -> Any:
        """Value of the field on a new row when the client sends none."""
        return None

    def conversion_source(self, field: Field, value: Any) -> Any:
        """What one of its values (JSON) becomes on the way to another type: the value itself
        by default; dates give their text in their own format (Baserow's TO_CHAR)."""
        return value

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        """A value of another type (its JSON, lists and options already reduced to text)
        -> a value to store, on a type change. Raises FieldValueError (the cell is emptied)."""
        return self.validate(field, value, vc)

    def new_values(self, conn: sa.Connection, field: Field, count: int) -> list[Any]:
        """Server-made values of `count` new rows (types with fills_new_rows)."""
        raise NotImplementedError(f"{self.type} does not fill new rows")

    def fill_existing(
        self, ctx: FieldContext, conn: sa.Connection, table: Table, field: Field
    ) -> bool:
        """Give the existing rows their values when the field is created or converted to this
        type; False leaves it to core (which writes the type's default)."""
        return False

    # --- reads ----------------------------------------------------------------------------
    def resolve_values(
        self, conn: sa.Connection, field: Field, stored: set[Any]
    ) -> Mapping[Any, Any]:
        """Types with resolves_values: what the stored values of a page stand for, read once
        per page (a user id -> the user's id and name); serialize is given that (or None
        for a value not found) instead of the stored value."""
        raise NotImplementedError(f"{self.type} does not resolve values")

    def serialize(self, field: Field, stored: Any) -> Any:
        """Stored value -> JSON value, in Baserow's format."""
        return stored

    def renderer(self, field: Field) -> Callable[[Any], Any] | None:
        """serialize() for this one field, with what depends on the field alone (places,
        options) worked out once: a page calls it for every value. None when serialize
        returns the stored value as it is. Must answer exactly as serialize does
        (tests/test_render_equivalence.py)."""
        if type(self).serialize is FieldType.serialize:
            return None
        return functools.partial(self.serialize, field)

    def json_sql(self, field: Field, expr: sa.ColumnElement[Any]) -> JsonSql | None:
        """SQLite: the stored value `expr` as what json_object() embeds for it - exactly the
        JSON serialize gives - and a check that holds on the rows where it does (a page with
        a row where it does not is rendered by serialize; None: on every value gridbase
        writes, given the column's type affinity). None: not available here (the page is
        rendered by serialize). Held to serialize by tests/api/test_json_rows.py."""
        return None

    # --- row history ----------------------------------------------------------------------
    history_props: ClassVar[tuple[str, ...]] = ()  # props an entry keeps with a change

    def history_value(self, field: Field, value: Any) -> tuple[Any, dict[str, Any]]:
        """A serialized cell as row history keeps it, and what it adds to the field's
        metadata in the entry (Baserow's serialize_metadata_for_row_history)."""
        return value, {}

    def history_metadata(self, field: Field) -> dict[str, Any]:
        """The metadata of a field in a row history entry, before its values add theirs."""
        defaults = {p.name: p.default for p in self.props}
        kept = {name: field.props.get(name, defaults.get(name)) for name in self.history_props}
        return {"id": field.id, "type": self.type, **kept}

    def sortable(self, field: Field, sort_type: str) -> bool:
        """Whether order_by can sort by the field with `sort_type` (Baserow's
        check_can_order_by)."""
        return sort_type in self.sort_types

    def sort_expression(self, field: Field, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """What order_by sorts on: the value; types with `collates` compare it as text under
        Baserow's collation (sort_keys)."""
        return column

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        """The keys order_by sorts by, most significant first (`column`: the field's model
        expression, or the row id for types without one; `sql`: the table's model)."""
        expr = self.sort_expression(field, column)
        if self.collates:
            expr = collation.text_order(expr, ctx.db.dialect)
        return [SortKey(expr)]

    def sample_value(self, field: Field) -> Any:
        """The JSON value of an unsaved row (a webhook's test call): the type's default;
        nothing for computed and server-made values."""
        if self.read_only:
            return None
        stored = self.default(field) if self.column_type(field) is not None else None
        return self.serialize(field, stored)

    def searched_as_text(self, field: Field) -> bool:
        """Whether compat search compares its display_text although the contains filter
        refuses the field (search_by_text; a formula by its type)."""
        return self.search_by_text

    def search_text(self, field: Field, value: Any) -> str:
        """A serialized value as text for the full-text document."""
        if self.value_kind(field) in DATE_KINDS:
            return display.date_value_text(field, value)
        return value if type(value) is str else display.value_text(value)

    # --- filters and formulas -------------------------------------------------------------
    def value_kind(self, field: Field) -> ValueKind:
        assert self.kind is not None, f"{self.type} declares no kind: it overrides value_kind"
        return self.kind

    def compatible_filters(self, field: Field) -> frozenset[str]:
        """The filter types this field accepts (Baserow's compatibility table, by type)."""
        return filtering.for_field_type(self.type)

    def parse_filter_value(self, field: Field, value: str) -> Any:
        """A filter's value as this field compares it (Baserow's parse_filter_value): None
        for "" (the filter is off), ValueError when the field cannot hold it."""
        if value == "":
            return None
        return parse_kind_value(self.value_kind(field), value)

    def display_text(
        self, field: Field, expr: sa.ColumnElement[Any] | None, dialect: str
    ) -> sa.ColumnElement[str] | None:
        """The displayed text as SQL (what contains and compat search compare), from the
        select expression; None when there is no single text (booleans, many values)."""
        if expr is None:
            return None
        kind = self.value_kind(field)
        if kind == "text":
            return expr if self.stores_text else sa.cast(expr, sa.Text)
        if kind == "decimal":
            places = int(field.props.get("number_decimal_places") or 0)
            return display.decimal_sql(expr, places, dialect)
        if kind == "int":
            return sa.cast(expr, sa.Text)
        if kind in DATE_KINDS:
            return display.date_sql(field, expr, kind == "datetime", dialect)
        return None

    def option_id(
        self, field: Field, expr: sa.ColumnElement[Any], dialect: str
    ) -> sa.ColumnElement[Any]:
        """The select option id a single-select value holds (select filters compare it)."""
        return expr

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        """What a formula referencing this field knows of it; None: it cannot be used.
        `conn` is given when link rows may describe their linked table."""
        assert self.formula_kind is not None, f"{self.type} overrides formula_info"
        return fl.field_info(self.formula_kind, field.props, nullable=self.formula_nullable)

    def formula_expression(
        self, field: Field, expr: sa.ColumnElement[Any]
    ) -> sa.ColumnElement[Any]:
        """How this field's value reads inside a formula (select options: their text)."""
        return expr

    def formula_object(
        self, field: Field, expr: sa.ColumnElement[Any], row_id: sa.ColumnElement[Any], dialect: str
    ) -> sa.ColumnElement[Any] | None:
        """The value a formula of this field's formula type shows, when that is more than
        formula_expression (select types: their option objects, as JSON); None: the same."""
        return None

    # --- properties and field JSON --------------------------------------------------------
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
                convert = prop.converted if current is not None else None
                out[prop.name] = convert() if convert is not None else prop.default
        return out

    def props_json(self, field: Field) -> dict[str, Any]:
        """Type-specific keys merged into the field JSON."""
        return {p.name: field.props.get(p.name, p.default) for p in self.props if not p.write_only}

    def extra_json(self, ctx: FieldContext, field: Field) -> dict[str, Any]:
        """Keys of the field JSON that read other metadata (another table, the members)."""
        return {}

    def dependencies(self, ctx: FieldContext, conn: sa.Connection, field: Field) -> list[Field]:
        """The fields whose values or schema this field's value is made of, directly (a
        formula's references, a lookup's link and target). See all_dependencies."""
        return []

    # --- schema changes (inside the change's write transaction) --------------------------
    def refresh_props(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        field: Field,
        fields: Mapping[str, Field],
        rename: tuple[str, str] | None,
    ) -> dict[str, Any]:
        """A computed field's props after a field it may read changed (types with a
        refresh_pass): `fields` are its table's by name, `rename` the changed field's old
        and new name."""
        return field.props

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        """Called after the field row and column exist; returns related fields it changed."""
        return []

    def after_update(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        old: Field,
        field: Field,
        raw: Mapping[str, Any],
    ) -> list[Field]:
        """Called after an update that kept the type; returns related fields it changed."""
        return []

    def before_delete(
        self, ctx: FieldContext | None, conn: sa.Connection, field: Field
    ) -> list[Field]:
        """Called before the field's column is dropped (also when its type changes, and with
        no context when a whole database goes); returns related fields it changed."""
        return []

    # --- documentation (OpenAPI) ----------------------------------------------------------
    def json_schema(self, field: Field) -> dict[str, Any]:
        """JSON Schema (OpenAPI 3.1) of this field's value in row responses, with an `example`.
        The default allows any value; types override it with their exact read format."""
        return {"description": f"A `{self.type}` value."}

    def write_schema(self, field: Field) -> dict[str, Any]:
        """JSON Schema of the values row create/update accept for this field (not used for
        read-only types). Defaults to the read format."""
        return self.json_schema(field)


class Resolve(Protocol):
    """A field's select expression while a model is built (TableModel: depth first)."""

    def __call__(self, field: Field) -> sa.ColumnElement[Any] | None: ...


def unreferenceable(type_: str) -> fl.FieldInfo:
    """What a formula sees of a field of a type Baserow formulas cannot read: the error."""
    return fl.FieldInfo(
        "invalid", error=f"A field of type {type_} cannot be referenced in a Baserow formula."
    )


def formula_infos(
    ctx: FieldContext, fields: Mapping[str, Field], conn: sa.Connection | None
) -> dict[str, fl.FieldInfo]:
    """What the formula language knows of each field a formula may reference, by name (with
    `conn`, link rows also describe their linked table's fields, one level deep)."""
    out = {}
    for name, field in fields.items():
        info = ctx.field_types.get(field.type).formula_info(ctx, field, conn)
        if info is not None:
            out[name] = info
    return out


def undeclared(ft: FieldType) -> Iterator[str]:
    """What a type fails to declare: missing DECLARED attributes, or a per-field kind or
    formula kind (None) without the method that answers it."""
    cls = type(ft)
    for name in FieldType.DECLARED:
        if not hasattr(cls, name):
            yield name
    if getattr(cls, "kind", "") is None and cls.value_kind is FieldType.value_kind:
        yield "value_kind"
    if getattr(cls, "formula_kind", "") is None and cls.formula_info is FieldType.formula_info:
        yield "formula_info"
    if getattr(cls, "kind", None) not in VALUE_KINDS | {None}:
        yield f"kind (not one of {sorted(VALUE_KINDS)})"
    if cls.fills_new_rows and cls.new_values is FieldType.new_values:
        yield "new_values"
    if cls.reads_items and cls.items_source is FieldType.items_source:
        yield "items_source"
    if cls.refresh_pass is not None and cls.refresh_props is FieldType.refresh_props:
        yield "refresh_props"
    if cls.resolves_values and cls.resolve_values is FieldType.resolve_values:
        yield "resolve_values"
    if cls.validates_together and cls.validate_together is FieldType.validate_together:
        yield "validate_together"


def int_or_text(raw: Any) -> int | str:
    """Baserow's IntegerOrStringField (a select option, a linked row): an integer (a
    boolean is none: DRF's IntegerField refuses it), or a text trimmed as DRF's CharField
    trims it."""
    if isinstance(raw, bool):
        raise FieldValueError("A valid integer is required.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        return raw.strip()
    raise FieldValueError("The provided value should be a valid integer or string")


def each_item(items: list[Any]) -> list[int | str]:
    """int_or_text of every item, as DRF's ListField reads its child: the errors keyed by
    the items' positions."""
    out: list[int | str] = []
    errors: dict[str, Any] = {}
    for index, item in enumerate(items):
        try:
            out.append(int_or_text(item))
        except FieldValueError as exc:
            errors[str(index)] = [{"error": exc.message, "code": exc.code}]
    if errors:
        raise FieldValueError(next(iter(errors.values()))[0]["error"], detail=errors)
    return out


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


def all_dependencies(ctx: FieldContext, conn: sa.Connection, field: Field) -> list[Field]:
    """Every field `field` depends on, directly or through others (Baserow's
    get_all_field_dependencies), each once, in the order they are found; `field` itself
    is left out (see reads_itself)."""
    return [dep for dep in _walk(ctx, conn, field) if dep.id != field.id]


def names_itself(ctx: FieldContext, conn: sa.Connection, field: Field) -> bool:
    """Whether `field` is among its own direct dependencies: a primary formula reading a
    link to its own table (Baserow: a self reference)."""
    deps = ctx.field_types.get(field.type).dependencies(ctx, conn, field)
    return any(dep.id == field.id for dep in deps)


def reads_itself(
    ctx: FieldContext,
    conn: sa.Connection,
    field: Field,
    memo: dict[int, list[Field]] | None = None,
) -> bool:
    """Whether `field` is among its own dependencies: a circular reference. `memo`: each
    field's direct dependencies, shared by the walks of one schema change."""
    return any(dep.id == field.id for dep in _walk(ctx, conn, field, memo))


def _walk(
    ctx: FieldContext,
    conn: sa.Connection,
    field: Field,
    memo: dict[int, list[Field]] | None = None,
) -> list[Field]:
    memo = {} if memo is None else memo
    found: dict[int, Field] = {}
    todo = [field]
    while todo:
        current = todo.pop()
        if current.id not in memo:
            ft = ctx.field_types.get(current.type)
            memo[current.id] = ft.dependencies(ctx, conn, current)
        for dep in memo[current.id]:
            if dep.id not in found:
                found[dep.id] = dep
                todo.append(dep)
    return list(found.values())
