"""The formula field type: Baserow's formula language compiled to one SQL expression that
every select, filter and sort reads, so values are always current (nothing is stored).

Typing happens when the field is saved (and again when a field it uses changes, see
core.dependencies); compiling happens when the table model is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.errors import FormulaError, RequestBodyValidation, field_error
from gridbase.fields.base import FieldType, Prop, PropError
from gridbase.fields.number import format_decimal
from gridbase.models import Field
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
Resolve = Callable[[Field], "sa.ColumnElement[Any] | None"]


def _check_formula(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PropError("formula", "This field may not be blank.", "blank")
    if len(value) > MAX_FORMULA_LENGTH:
        raise PropError(
            "formula",
            f"Ensure this field has no more than {MAX_FORMULA_LENGTH} characters.",
            "max_length",
        )
    return value


def field_infos(
    ctx: Any, fields: Mapping[str, Field], conn: sa.Connection | None = None, linked: bool = True
) -> dict[str, fl.FieldInfo]:
    """What the formula language knows about each field of the table (with `conn`, link
    fields also describe the linked table's fields, one level deep)."""
    out = {}
    for name, f in fields.items():
        if f.type == "formula" and f.props.get("formula_type") in (None, "invalid"):
            continue
        if f.type in ("link_row", "lookup"):
            info = _link_info(ctx, f, conn) if linked and conn is not None else None
            if info is not None:
                out[name] = info
            continue
        info_of = getattr(ctx.field_types.get(f.type), "formula_info", None)
        out[name] = info_of(ctx, f) if info_of else fl.field_info_for(f.type, **f.props)
    return out


def _link_info(ctx: Any, f: Field, conn: sa.Connection) -> fl.FieldInfo | None:
    if f.type == "lookup":
        if f.props.get("formula_type") != "array":
            return None
        return fl.FieldInfo(
            "array",
            array_formula_type=f.props.get("array_formula_type"),
            lookup_through=f.props.get("through_field_name"),
            lookup_target=f.props.get("target_field_name"),
        )
    target = f.props.get("link_row_table_id")
    if target is None:
        return None
    model = ctx.model_of(conn, int(target))
    primary = model.primary
    infos = field_infos(ctx, {x.name: x for x in model.fields}, conn, linked=False)
    return fl.field_info_for(
        "link_row", link_fields=infos, link_primary=primary.name if primary else None
    )


def array_source(
    ctx: Any, conn: sa.Connection, by_name: Mapping[str, Field], sql: sa.Table
) -> fl.ArraySource:
    """For formulas over links: the linked rows' values of a target field, correlated to the row."""
    from gridbase.fields.link_row import junction_table, sides

    def source(link_name: str, target_name: str | None) -> sa.Select[Any]:
        link = by_name[link_name]
        model = ctx.model_of(conn, int(link.props["link_row_table_id"]))
        target = model.field_by_name(target_name) if target_name else model.primary
        if target is None:
            raise fl.FormulaCompileError(f"unknown field {target_name}")
        expr = model.expression(target.id)
        value = column_for(ctx, target, expr if expr is not None else sa.null())
        junction = junction_table(link, sa.MetaData())
        mine, other = sides(link)
        return (
            sa.select(value.label("value"))
            .select_from(junction.join(model.sql, model.sql.c.id == junction.c[other]))
            .where(junction.c[mine] == sql.c.id)
            .order_by(model.sql.c.order, model.sql.c.id)
        )

    return source


def typecheck(
    ctx: Any,
    field_name: str,
    text: str,
    fields: Mapping[str, Field],
    conn: sa.Connection | None = None,
) -> fl.TypedFormula:
    """Parse and type `text` against the table's fields; raises the API's FormulaError."""
    try:
        return fl.typecheck(fl.parse(text), field_infos(ctx, fields, conn), field_name=field_name)
    except fl.FormulaSelfReferenceError:
        from gridbase.errors import FieldSelfReference

        raise FieldSelfReference() from None
    except fl.FormulaError as exc:
        raise FormulaError(exc.api_detail) from None


def typed_props(
    ctx: Any, field: Field, fields: Mapping[str, Field], conn: sa.Connection | None = None
) -> dict[str, Any]:
    """The stored props of a formula: its text plus the inferred type, or the error state."""
    text = str(field.props.get("formula", ""))
    props = dict(DISPLAY_DEFAULTS, formula=text)
    try:
        props.update(typecheck(ctx, field.name, text, fields, conn).field_props())
    except FormulaError as exc:
        props.update(
            formula_type="invalid",
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
    if kind == "date":
        if isinstance(value, str):
            value = (
                datetime.fromisoformat(value.replace("Z", "+00:00"))
                if "T" in value or " " in value
                else date.fromisoformat(value)
            )
        if not props.get("date_include_time"):
            return (value.date() if isinstance(value, datetime) else value).isoformat()
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value if isinstance(value, str) else str(value)


def column_for(ctx: Any, field: Field, expr: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """How a referenced field reads inside a formula (select options give their text)."""
    if field.type == "single_select":
        o = s.select_options
        return sa.select(o.c.value).where(o.c.id == expr).scalar_subquery()
    return expr


class FormulaFieldType(FieldType):
    type = "formula"
    read_only = True
    props = (Prop("formula", None, _check_formula),)
    filters = frozenset(
        {
            "equal",
            "not_equal",
            "contains",
            "contains_not",
            "contains_word",
            "doesnt_contain_word",
            "higher_than",
            "higher_than_or_equal",
            "lower_than",
            "lower_than_or_equal",
            "is_even_and_whole",
            "boolean",
            "empty",
            "not_empty",
            "length_is_lower_than",
        }
    )

    def column_type(self, field: Field) -> None:
        return None

    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        if "formula" not in raw and not (current or {}).get("formula"):
            raise PropError("formula", "This field is required.", "required")
        return super().clean_props(raw, current)

    def props_json(self, field: Field) -> dict[str, Any]:
        out = {k: field.props.get(k, v) for k, v in DISPLAY_DEFAULTS.items()}
        out.update(
            formula=field.props.get("formula"), available_collaborators=[], select_options=[]
        )
        return out

    def formula_info(self, ctx: Any, field: Field) -> fl.FieldInfo:
        return fl.field_info_for("formula", **field.props)

    def after_create(
        self, ctx: Any, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        fields = {f.name: f for f in ctx.fields_of(conn, field.table_id)}
        # refuses a bad formula
        typed = typecheck(ctx, field.name, str(field.props["formula"]), fields, conn)
        props = dict(DISPLAY_DEFAULTS, formula=field.props["formula"], **typed.field_props())
        conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
        return []

    def after_update(
        self, ctx: Any, conn: sa.Connection, old: Field, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        return self.after_create(ctx, conn, field, raw)

    def expression(
        self,
        ctx: Any,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any]:
        if field.props.get("formula_type") in (None, "invalid", "array"):
            return sa.null()
        try:
            typed = fl.typecheck(
                fl.parse(str(field.props["formula"])),
                field_infos(ctx, by_name, conn),
                field_name=field.name,
            )
            used = fl.referenced_fields(fl.parse(str(field.props["formula"])))
            columns = {}
            for name in used:
                if name in by_name:
                    expr = resolve(by_name[name])
                    columns[name] = column_for(
                        ctx, by_name[name], expr if expr is not None else sa.null()
                    )
            source = array_source(ctx, conn, by_name, sql) if conn is not None else None
            return fl.compile_sql(typed, columns, ctx.db.dialect, source, row_id=sql.c.id)
        except fl.FormulaError:
            return sa.null()

    def serialize(self, field: Field, stored: Any) -> Any:
        return serialize_value(field.props, stored)

    def json_schema(self, field: Field) -> dict[str, Any]:
        """The read format follows the formula's type (see serialize_value)."""
        kind = field.props.get("formula_type")
        places = int(field.props.get("number_decimal_places") or 0)
        decimals = rf"\.\d{{{places}}}" if places else ""
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
                "format": "date-time" if field.props.get("date_include_time") else "date",
                "example": "2024-03-01T12:30:00Z"
                if field.props.get("date_include_time")
                else "2024-03-01",
            },
            "invalid": {
                "type": "null",
                "description": "The formula is invalid: " + str(field.props.get("error") or ""),
            },
        }
        schema = by_kind.get(str(kind), {"type": ["string", "null"], "example": "text"})
        return dict(
            schema,
            description=f"Computed by `{field.props.get('formula')}` ({kind}). "
            + str(schema.get("description", "")),
        )


def formula_error(message: str) -> RequestBodyValidation:
    return RequestBodyValidation({"formula": field_error(message)})
