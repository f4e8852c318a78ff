"""The formula field type: Baserow's formula language compiled to one SQL expression that
every select, filter and sort reads, so values are always current (nothing is stored).

Typing happens when the field is saved (and again when a field it uses changes, see
core.dependencies); compiling happens when the table model is built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from gridbase import formula as fl
from gridbase.errors import FieldSelfReference, FormulaError
from gridbase.fields import filtering, jsonsql
from gridbase.fields.base import (
    REFRESH_OWN,
    SORTABLE,
    FieldContext,
    FieldType,
    Items,
    Resolve,
    SortKey,
    ValueKind,
    all_dependencies,
    formula_infos,
    names_itself,
)
from gridbase.fields.date import check_timezone
from gridbase.fields.duration import FORMATS as DURATION_FORMATS
from gridbase.fields.duration import duration_filter_value
from gridbase.fields.members import members_json
from gridbase.fields.number import SEPARATOR_CHOICES, format_decimal
from gridbase.fields.props import (
    Prop,
    PropError,
    check_bool,
    check_choice,
    check_int_choice,
    check_str,
)
from gridbase.models import Field
from gridbase.storage import collation
from gridbase.storage import schema as s

MAX_FORMULA_LENGTH = 10_000
DISPLAY_DEFAULTS: dict[str, Any] = {
    "formula_type": "text",
    "array_formula_type": None,
    "nullable": True,
    "number_decimal_places": None,
    "date_include_time": None,
    "date_format": None,
    "date_time_format": None,
    "date_show_tzinfo": None,
    "date_force_timezone": None,
    "duration_format": None,
    "error": None,
    "number_prefix": "",
    "number_separator": "",
    "number_suffix": "",
}


def _check_formula(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PropError("formula", "This field may not be blank.", "blank")
    text: str = value.strip()  # DRF's CharField trims, as Baserow's serializer does
    if len(text) > MAX_FORMULA_LENGTH:
        raise PropError(
            "formula",
            f"Ensure this field has no more than {MAX_FORMULA_LENGTH} characters.",
            "max_length",
        )
    return text


def array_source(
    ctx: FieldContext, conn: sa.Connection, by_name: Mapping[str, Field], sql: sa.Table
) -> fl.ArraySource:
    """For formulas over links: the linked rows' values of a target field, correlated to the row."""
    from gridbase.fields.link_row import junction_table, sides

    def source(link_name: str, target_name: str | None) -> fl.ArraySelect:
        link = by_name[link_name]
        model = ctx.model_of(conn, int(link.props["link_row_table_id"]))
        target = model.field_by_name(target_name) if target_name else model.primary
        if target is None:
            raise fl.FormulaCompileError(f"unknown field {target_name}")
        # the linked table under a name of its own: it may be this very table (a link to
        # itself), or appear again further in (a cycle of links)
        linked = model.sql.alias()
        expr = model.expression(target.id)
        own = ClauseAdapter(linked).traverse(expr) if expr is not None else sa.null()
        target_type = ctx.field_types.get(target.type)
        junction = junction_table(link, sa.MetaData()).alias()
        mine, other = sides(link)

        def sibling(name: str | None) -> sa.ColumnElement[Any]:
            field = model.field_by_name(name) if name else model.primary
            if field is None:
                raise fl.FormulaCompileError(f"unknown field {name}")
            expr = model.expression(field.id)
            own = ClauseAdapter(linked).traverse(expr) if expr is not None else sa.null()
            return ctx.field_types.get(field.type).formula_expression(field, own)

        return fl.ArraySelect(
            joined=junction.join(linked, linked.c.id == junction.c[other]),
            correlate=junction.c[mine] == sql.c.id,
            value=target_type.formula_expression(target, own),
            item_id=linked.c.id,
            order=(linked.c.order, linked.c.id),
            whole=target_type.formula_object(target, own, linked.c.id, ctx.db.dialect),
            sibling=sibling,
        )

    return source


def typecheck(
    ctx: FieldContext,
    field_name: str,
    text: str,
    fields: Mapping[str, Field],
    conn: sa.Connection | None = None,
) -> fl.TypedFormula:
    """Parse and type `text` against the table's fields; raises the API's FormulaError."""
    try:
        return fl.typecheck(fl.parse(text), formula_infos(ctx, fields, conn), field_name=field_name)
    except fl.FormulaSelfReferenceError:
        raise FieldSelfReference() from None
    except fl.FormulaError as exc:
        raise FormulaError(exc.api_detail) from None


LINK_KINDS = frozenset({"link", "button"})  # formula types whose value is {"url", "label"}
# Baserow's user_overridable_formatting_option_fields of each formula type
OVERRIDABLE: dict[str, tuple[str, ...]] = {
    "number": ("number_decimal_places", "number_prefix", "number_suffix", "number_separator"),
    "date": (
        "date_format", "date_include_time", "date_time_format", "date_show_tzinfo",
        "date_force_timezone",
    ),
    "duration": ("duration_format",),
}  # fmt: skip


def _nullable(check: Any) -> Any:
    return lambda value: None if value is None else check(value)


# the formatting a create or update body may give a formula (checked as Baserow's
# serializer checks them; null: not set)
FORMATTING = (
    Prop("number_decimal_places", None,
         _nullable(check_int_choice("number_decimal_places", range(11)))),
    Prop("number_prefix", "", check_str("number_prefix", 10)),
    Prop("number_suffix", "", check_str("number_suffix", 100)),
    Prop("number_separator", "", check_choice("number_separator", SEPARATOR_CHOICES)),
    Prop("date_format", None, _nullable(check_choice("date_format", ("EU", "US", "ISO")))),
    Prop("date_include_time", None, _nullable(check_bool("date_include_time"))),
    Prop("date_time_format", None, _nullable(check_choice("date_time_format", ("24", "12")))),
    Prop("date_show_tzinfo", None, _nullable(check_bool("date_show_tzinfo"))),
    Prop("date_force_timezone", None, check_timezone("date_force_timezone")),
    Prop("duration_format", None, _nullable(
        check_choice("duration_format", tuple(DURATION_FORMATS)))),
)  # fmt: skip


def with_formatting(
    typed: dict[str, Any], given: Mapping[str, Any], kept_type: Any
) -> dict[str, Any]:
    """Baserow's persist_onto_formula_field: the formatting options of the formula's type
    are the field's own (stored, and as the body sets them) when the field had this type
    already, or when the body set any of them to other than its default; otherwise those
    the type worked out (a number's decimal places from the fields it reads, ...)."""
    keys = OVERRIDABLE.get(str(typed.get("formula_type")), ())
    chosen = kept_type == typed.get("formula_type") or any(
        given.get(k, DISPLAY_DEFAULTS[k]) != DISPLAY_DEFAULTS[k] for k in keys
    )
    if not chosen:
        return typed
    return dict(typed, **{k: given.get(k, DISPLAY_DEFAULTS[k]) for k in keys})


def typed_props(
    ctx: FieldContext, field: Field, fields: Mapping[str, Field], conn: sa.Connection | None = None
) -> dict[str, Any]:
    """The stored props of a formula: its text plus the inferred type, or the error state."""
    text = str(field.props.get("formula", ""))
    props = dict(DISPLAY_DEFAULTS, formula=text)
    try:
        props.update(typecheck(ctx, field.name, text, fields, conn).field_props())
    except FormulaError as exc:
        props.update(
            formula_type="invalid",
            nullable=False,
            error=str(exc.detail).removeprefix("Error with formula: ").rstrip("."),
        )
    return props


def serialize_value(props: Mapping[str, Any], value: Any) -> Any:
    """A computed value in Baserow's format for its formula type."""
    kind = props.get("formula_type")
    if kind == "invalid":
        return None
    if value is None:
        return False if kind == "boolean" else None
    if kind == "number":
        return format_decimal(value, int(props.get("number_decimal_places") or 0))
    if kind == "boolean":
        return bool(value)
    if kind in ("duration", "date_interval"):
        return float(value)
    if kind in ("single_select", "multiple_select"):  # option objects as JSON
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    if kind in LINK_KINDS:  # {"url", "label"}, a label link() was not given: null
        found = json.loads(value) if isinstance(value, (str, bytes)) else value
        return {"url": found.get("url"), "label": found.get("label")}
    if kind == "date":
        moment = _as_date(value)
        if not props.get("date_include_time"):
            return (moment.date() if isinstance(moment, datetime) else moment).isoformat()
        return _as_datetime(moment).replace(tzinfo=None).isoformat() + "Z"
    return value if isinstance(value, str) else str(value)


def serialize_item(props: Mapping[str, Any], value: Any) -> Any:
    """One item of an array (a lookup's value) in the format of its formula type: numbers,
    booleans, durations and dates as a formula's value, but a datetime keeps its "+00:00"
    offset (Baserow 1.35.3 answers so); any other item as SQL gave it."""
    kind = props.get("formula_type")
    if kind == "date" and props.get("date_include_time") and value is not None:
        return _as_datetime(_as_date(value)).isoformat()
    if kind in ("number", "boolean", "duration", "date_interval", "date"):
        return serialize_value(props, value)
    return value


def serialize_items(props: Mapping[str, Any], stored: Any) -> list[dict[str, Any]]:
    """An array value ([{"id", "value"}] as JSON) with each item in its type's format."""
    if stored is None:
        return []
    items = json.loads(stored) if isinstance(stored, (str, bytes)) else stored
    item_props = dict(props, formula_type=props.get("array_formula_type"))
    return [{"id": i["id"], "value": serialize_item(item_props, i.get("value"))} for i in items]


def _as_date(value: Any) -> date:
    """A date or datetime as SQL hands it back (a string in JSON and on SQLite)."""
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]  # a date or datetime already
    if "T" in value or " " in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date.fromisoformat(value)


def _as_datetime(value: date) -> datetime:
    """A UTC datetime (a date is its midnight; a naive value is UTC)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# How the values of each formula type compare and read (FieldType.value_kind).
FORMULA_KINDS: dict[str, ValueKind] = {
    "text": "text", "char": "text", "url": "text", "link": "text", "button": "text",
    "single_select": "text", "invalid": "text", "number": "decimal", "boolean": "bool",
    "duration": "duration", "date_interval": "duration", "date": "date", "array": "array",
    "multiple_select": "array", "multiple_collaborators": "array", "single_file": "array",
}  # fmt: skip


# Baserow 1.35.3's formula types with can_order_by False, and the item types of arrays
# that can be sorted (can_order_by_in_array), with how their items compare.
UNSORTABLE_FORMULAS = frozenset(
    {"invalid", "multiple_select", "multiple_collaborators", "single_file", "link", "button"}
)
SORT_ITEM_KINDS = {
    "text": "text", "char": "text", "url": "text", "number": "number", "duration": "number",
    "boolean": "bytes", "date": "bytes", "single_select": "bytes",
}  # fmt: skip
SORTABLE_IN_ARRAY = frozenset(SORT_ITEM_KINDS)


class Computed(FieldType):
    """A read-only type computed in SQL (formula, count, rollup, lookup): how its values
    compare and what a formula reading it sees follow the formula type in its props
    (`formula_type` and its formatting options, set whenever the field is saved)."""

    kind = None
    formula_kind = None
    read_only = True
    stores_text = True  # a text-typed expression is the text itself
    lists_choices: ClassVar[bool] = False  # its JSON has select_options, available_collaborators

    def column_type(self, field: Field) -> None:
        return None

    def value_kind(self, field: Field) -> ValueKind:
        formula_type = str(field.props.get("formula_type") or "text")  # not typed yet: text
        if formula_type == "date":
            return "datetime" if field.props.get("date_include_time") else "date"
        return FORMULA_KINDS[formula_type]

    def parse_filter_value(self, field: Field, value: str) -> Any:
        if self.value_kind(field) == "duration":
            return duration_filter_value(value, str(field.props.get("duration_format") or "h:mm"))
        return super().parse_filter_value(field, value)

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        formula_type = field.props.get("formula_type")
        if formula_type is None:
            return None
        if formula_type == "invalid":  # a formula reading it shows its error (Baserow)
            return fl.FieldInfo("invalid", error=str(field.props.get("error") or "invalid"))
        return fl.field_info(str(formula_type), field.props)

    def serialize(self, field: Field, stored: Any) -> Any:
        return serialize_value(field.props, stored)

    def display_text(
        self, field: Field, expr: sa.ColumnElement[Any] | None, dialect: str
    ) -> sa.ColumnElement[str] | None:
        kind = field.props.get("formula_type")
        if expr is not None and kind == "single_select":
            return jsonsql.get_text(dialect, expr, "value")  # the option object's value
        if expr is not None and kind in LINK_KINDS:  # its URL, then its label, a line each
            obj = sa.cast(expr, sa.JSON) if dialect == "postgresql" else expr  # (a jsonb there)
            url, label = (
                sa.func.coalesce(jsonsql.get_text(dialect, obj, k), "") for k in ("url", "label")
            )
            return sa.type_coerce(url.op("||")("\n").op("||")(label), sa.Text)
        return super().display_text(field, expr, dialect)

    def searched_as_text(self, field: Field) -> bool:
        """A link or button formula: Baserow's contains_query matches its URL or its label."""
        return field.props.get("formula_type") in LINK_KINDS

    def search_text(self, field: Field, value: Any) -> str:
        if isinstance(value, dict) and field.props.get("formula_type") in LINK_KINDS:
            return f"{value.get('url') or ''}\n{value.get('label') or ''}"
        return super().search_text(field, value)

    def option_id(
        self, field: Field, expr: sa.ColumnElement[Any], dialect: str
    ) -> sa.ColumnElement[Any]:
        return sa.cast(jsonsql.get_text(dialect, expr, "id"), sa.Integer)

    def sortable(self, field: Field, sort_type: str) -> bool:
        """Baserow's can_order_by of the formula type (only the default sort type); an array
        by its items' type (can_order_by_in_array)."""
        if sort_type not in self.sort_types:
            return False
        formula_type = field.props.get("formula_type")
        if formula_type == "array":
            return field.props.get("array_formula_type") in SORTABLE_IN_ARRAY
        return formula_type not in UNSORTABLE_FORMULAS

    def sort_keys(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        column: sa.ColumnElement[Any],
        sql: sa.Table,
        sort_type: str,
    ) -> list[SortKey]:
        dialect = ctx.db.dialect
        formula_type = field.props.get("formula_type")
        if formula_type == "array":
            items = self.items_source(ctx, conn, field, sql)
            if items is None:
                return []
            kind = SORT_ITEM_KINDS.get(str(field.props.get("array_formula_type")), "bytes")
            keys = collation.array_order(
                dialect, ((items.value, kind),), items.joined, items.correlate, items.order
            )
            return [SortKey(key) for key in keys]
        if formula_type == "single_select":  # by the option's value
            return [
                SortKey(collation.text_order(jsonsql.get_text(dialect, column, "value"), dialect))
            ]
        if self.value_kind(field) == "text":
            return [SortKey(collation.text_order(column, dialect))]
        return [SortKey(column)]

    def extra_json(self, ctx: FieldContext, field: Field) -> dict[str, Any]:
        """Formulas and lookups list the select options of every field they depend on when
        they can hold options (select types, arrays), and the workspace's members when they
        can hold users (arrays, collaborators): Baserow 1.35.3's serializers."""
        if not self.lists_choices:
            return {}
        kind = str(field.props.get("formula_type"))
        with ctx.db.read() as conn:
            options = []
            if kind in ("single_select", "multiple_select", "array"):
                deps = [f.id for f in all_dependencies(ctx, conn, field)]
                o = s.select_options
                found = conn.execute(
                    sa.select(o.c.id, o.c.value, o.c.color)
                    .where(o.c.field_id.in_(deps))
                    .order_by(o.c.order, o.c.id)
                )
                options = [{"id": r.id, "value": r.value, "color": r.color} for r in found]
            members = []
            if kind in ("array", "multiple_collaborators"):
                members = members_json(conn, field)
        return {"select_options": options, "available_collaborators": members}

    def compatible_filters(self, field: Field) -> frozenset[str]:
        """By its formula type, as Baserow names it: "number", "array(text)", ..."""
        formula_type = str(field.props.get("formula_type"))
        if formula_type == "array":
            formula_type = f"array({field.props.get('array_formula_type')})"
        return filtering.for_formula_type(formula_type)


def _items(compiled: fl.CompiledArray) -> Items:
    return Items(
        joined=compiled.joined,
        correlate=compiled.correlate,
        value=compiled.value,
        item_id=compiled.item_id,
        order=compiled.order,
        whole=compiled.whole,
    )


class FormulaFieldType(Computed):
    type = "formula"
    # Baserow: for a text, number, boolean or date formula; gridbase computes formulas as it
    # reads them (no column), so the flag is kept and there is no SQL index to make
    can_have_db_index = True
    lists_choices = True
    reads_items = True
    sort_types = SORTABLE
    props = (Prop("formula", None, _check_formula), *FORMATTING)
    refresh_pass = REFRESH_OWN

    def refresh_props(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        field: Field,
        fields: Mapping[str, Field],
        rename: tuple[str, str] | None,
    ) -> dict[str, Any]:
        """Its text with a renamed field's references rewritten, typed again."""
        text = str(field.props.get("formula", ""))
        if rename is not None and rename[0] != rename[1]:
            with contextlib.suppress(fl.FormulaError):
                text = fl.rename_field_references(text, rename[0], rename[1])
        current = dataclasses.replace(field, props=dict(field.props, formula=text))
        typed = typed_props(ctx, current, fields, conn)
        return with_formatting(typed, field.props, field.props.get("formula_type"))

    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        if "formula" not in raw:  # Baserow's serializer: an update too, even a rename
            raise PropError("formula", "This field is required.", "required")
        return super().clean_props(raw, current)

    def props_json(self, field: Field) -> dict[str, Any]:
        out = {k: field.props.get(k, v) for k, v in DISPLAY_DEFAULTS.items()}
        out.update(formula=field.props.get("formula"))
        return out

    def dependencies(self, ctx: FieldContext, conn: sa.Connection, field: Field) -> list[Field]:
        """The fields its text names, as Baserow's graph has them: a link stands for the
        linked table's primary, a lookup through it for its target (not the link itself)."""
        try:
            node = fl.parse(str(field.props.get("formula", "")))
        except fl.FormulaError:
            return []
        mine = {f.name: f for f in ctx.fields_of(conn, field.table_id)}
        out: list[Field] = []
        for name, target in fl.references(node):
            used = mine.get(name)
            if used is None:
                continue
            linked = ctx.field_types.get(used.type).links_to(used)
            if linked is None:
                out.append(used)
                continue
            theirs = ctx.fields_of(conn, int(linked))
            out += [f for f in theirs if (f.name == target if target else f.primary)]
        return out

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        return self._typed(ctx, conn, field, None)

    def _typed(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, kept_type: Any
    ) -> list[Field]:
        if names_itself(ctx, conn, field):  # through a link: typing would call it unknown
            raise FieldSelfReference()
        fields = {f.name: f for f in ctx.fields_of(conn, field.table_id)}
        # refuses a bad formula
        typed = typecheck(ctx, field.name, str(field.props["formula"]), fields, conn)
        props = dict(DISPLAY_DEFAULTS, formula=field.props["formula"], **typed.field_props())
        props = with_formatting(props, field.props, kept_type)
        conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
        return []

    def after_update(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        old: Field,
        field: Field,
        raw: Mapping[str, Any],
    ) -> list[Field]:
        kept = old.props.get("formula_type") if old.type == self.type else None
        return self._typed(ctx, conn, field, kept)

    def expression(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any]:
        kind = field.props.get("formula_type")
        if kind in (None, "invalid"):
            return sa.null()
        try:
            typed, columns, objects = self._inputs(ctx, conn, field, by_name, resolve, sql)
            source = array_source(ctx, conn, by_name, sql) if conn is not None else None
            if kind == "array":
                if source is None:
                    return sa.null()
                items = fl.compile_array(
                    typed, columns, ctx.db.dialect, source, row_id=sql.c.id, objects=objects
                )
                return jsonsql.items_array(ctx.db.dialect, _items(items))
            return fl.compile_sql(
                typed, columns, ctx.db.dialect, source, row_id=sql.c.id, objects=objects
            )
        except fl.FormulaError:
            return sa.null()

    def items_source(
        self, ctx: FieldContext, conn: sa.Connection | None, field: Field, sql: sa.Table
    ) -> Items | None:
        """An array formula's items (each linked row's value, after the functions applied
        to it), in the table model `sql` belongs to."""
        if conn is None or field.props.get("formula_type") != "array":
            return None
        model = ctx.model_of(conn, field.table_id)
        by_name = {f.name: f for f in model.fields}
        try:
            typed, columns, objects = self._inputs(
                ctx, conn, field, by_name, lambda f: model.expression(f.id), sql
            )
            source = array_source(ctx, conn, by_name, sql)
            compiled = fl.compile_array(
                typed, columns, ctx.db.dialect, source, row_id=sql.c.id, objects=objects
            )
        except fl.FormulaError:
            return None
        return _items(compiled)

    def _inputs(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> tuple[fl.TypedFormula, dict[str, Any], dict[str, Any]]:
        """The typed formula, and the values (and whole values) of the fields it reads."""
        parsed = fl.parse(str(field.props["formula"]))
        typed = fl.typecheck(parsed, formula_infos(ctx, by_name, conn), field_name=field.name)
        columns, objects = {}, {}
        for name in fl.referenced_fields(parsed):
            if name in by_name:
                used = by_name[name]
                used_type = ctx.field_types.get(used.type)
                expr = resolve(used)
                expr = expr if expr is not None else sa.null()
                columns[name] = used_type.formula_expression(used, expr)
                whole = used_type.formula_object(used, expr, sql.c.id, ctx.db.dialect)
                if whole is not None:
                    objects[name] = whole
        return typed, columns, objects

    def serialize(self, field: Field, stored: Any) -> Any:
        if field.props.get("formula_type") == "array":
            return serialize_items(field.props, stored)
        return serialize_value(field.props, stored)

    def json_schema(self, field: Field) -> dict[str, Any]:
        """The read format follows the formula's type (see serialize_value)."""
        kind = field.props.get("formula_type")
        places = int(field.props.get("number_decimal_places") or 0)
        decimals = rf"\.\d{{{places}}}" if places else ""
        with_time = bool(field.props.get("date_include_time"))
        by_kind: dict[str, dict[str, Any]] = {
            "number": {
                "type": ["string", "null"],
                "pattern": rf"^-?\d+{decimals}$",
                "example": "1" + ("." + "0" * places if places else ""),
            },
            "boolean": {"type": "boolean", "example": True},
            "duration": {"type": ["number", "null"], "example": 3600.0},
            "date_interval": {"type": ["number", "null"], "example": 3600.0},
            "date": {
                "type": ["string", "null"],
                "format": "date-time" if with_time else "date",
                "example": "2024-03-01T12:30:00Z" if with_time else "2024-03-01",
            },
            "link": {
                "type": ["object", "null"],
                "properties": {
                    "url": {"type": ["string", "null"]},
                    "label": {"type": ["string", "null"]},
                },
                "example": {"url": "https://baserow.io", "label": "Baserow"},
            },
            "invalid": {
                "type": "null",
                "description": "The formula is invalid: " + str(field.props.get("error") or ""),
            },
        }
        by_kind["button"] = by_kind["link"]
        schema = by_kind.get(str(kind), {"type": ["string", "null"], "example": "text"})
        return dict(
            schema,
            description=f"Computed by `{field.props.get('formula')}` ({kind}). "
            + str(schema.get("description", "")),
        )
