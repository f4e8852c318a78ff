"""count, rollup and lookup: values read through a link_row field, computed in SQL as
correlated subqueries over the link's junction table, so they are current on every read.

Imports: errors, fields (base, formula, link_row, number, props), formula, models, storage;
other tables through the context (FieldContext).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from gridbase import formula as fl
from gridbase.errors import FormulaError, GridbaseError
from gridbase.fields import jsonsql
from gridbase.fields.base import (
    REFRESH_LINKED,
    SORTABLE,
    FieldContext,
    Items,
    LinkedModel,
    Resolve,
    formula_infos,
)
from gridbase.fields.formula import (
    DISPLAY_DEFAULTS,
    Computed,
    array_source,
    serialize_items,
    serialize_value,
)
from gridbase.fields.link_row import junction_table, sides
from gridbase.fields.number import format_decimal
from gridbase.fields.props import Prop, PropError, check_id
from gridbase.models import Field
from gridbase.storage import schema as s


class InvalidThroughField(GridbaseError):
    code = "ERROR_INVALID_LOOKUP_THROUGH_FIELD"
    default_detail = (
        "The provided through field does not exist, is in a different table or is not a link "
        "row field."
    )


class InvalidTargetField(GridbaseError):
    code = "ERROR_INVALID_LOOKUP_TARGET_FIELD"
    default_detail = (
        "The provided target field does not exist or is in a different table to the table "
        "linked to by the through field."
    )


class InvalidCountThroughField(InvalidThroughField):
    code = "ERROR_INVALID_COUNT_THROUGH_FIELD"


class InvalidRollupThroughField(InvalidThroughField):
    code = "ERROR_INVALID_ROLLUP_THROUGH_FIELD"


class InvalidRollupTargetField(InvalidTargetField):
    code = "ERROR_INVALID_ROLLUP_TARGET_FIELD"


class ThroughLink:
    """The link field a computed field reads through, and the linked table's model."""

    def __init__(self, ctx: FieldContext, conn: sa.Connection, field: Field) -> None:
        self.ctx, self.conn, self.field = ctx, conn, field
        f = s.fields
        through_id = field.props.get("through_field_id")
        row = (
            conn.execute(sa.select(f.c.id, f.c.table_id).where(f.c.id == through_id)).first()
            if through_id
            else None
        )
        self.through: Field | None = None
        self.model: LinkedModel | None = None
        # The linked table under a name of its own: it may be the table the lookup is in (a
        # link to itself), or appear again further in (a cycle of links).
        self.linked: sa.FromClause | None = None
        # the through field, whatever its type now (None: deleted or in another table)
        self.named: Field | None = None
        if row is None or row.table_id != field.table_id:
            return
        through = ctx.fields_of(conn, row.table_id)
        self.named = next((x for x in through if x.id == row.id), None)
        self.through = next(
            (x for x in through if x.id == row.id and ctx.field_types.get(x.type).links_to(x)),
            None,
        )
        if self.through is None:
            return
        target_table = self.through.props.get("link_row_table_id")
        if target_table is None:
            self.through = None
            return
        self.model = ctx.model_of(conn, int(target_table))
        self.linked = self.model.sql.alias()

    def target(self, field_id: Any) -> Field | None:
        if self.model is None or field_id is None:
            return None
        return self.model.by_id.get(int(field_id))

    def value(self, target: Field) -> sa.ColumnElement[Any] | None:
        """How a row of the linked table (its alias) reads `target` (one of its fields)."""
        assert self.model is not None and self.linked is not None
        expr = self.model.expression(target.id)
        return None if expr is None else ClauseAdapter(self.linked).traverse(expr)

    def rows_of(
        self, outer_id: sa.ColumnElement[Any]
    ) -> tuple[sa.FromClause, sa.FromClause, sa.ColumnElement[bool]]:
        """(junction ⋈ linked table, linked table, condition correlating to the outer row),
        both under names of their own."""
        assert self.through is not None and self.linked is not None
        junction = junction_table(self.through, sa.MetaData()).alias()
        mine, other = sides(self.through)
        linked = self.linked
        joined = junction.join(linked, linked.c.id == junction.c[other])
        return joined, linked, junction.c[mine] == outer_id


class TargetInError(FormulaError):
    """The field a lookup or rollup reads is itself in Baserow's error state."""

    def __init__(self, error: str) -> None:
        super().__init__(f"Error with formula: {error}.")
        self.error = error


class ThroughFieldType(Computed):
    """Shared by count, rollup and lookup: read-only, no column, one SQL expression."""

    # what it forgets when its link is deleted
    forgets: ClassVar[dict[str, Any]] = {"through_field_id": None}

    sort_types = SORTABLE
    refresh_pass = REFRESH_LINKED
    bad_through: type[GridbaseError] = InvalidThroughField
    bad_target: type[GridbaseError] = InvalidTargetField
    needs_target = True

    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        out = super().clean_props(raw, current)
        if out.get("through_field_id") is None:
            raise PropError("through_field_id", "This field is required.", "required")
        return out

    def dependencies(self, ctx: FieldContext, conn: sa.Connection, field: Field) -> list[Field]:
        """Baserow's graph: the target (a count: the linked table's primary), or the
        through field itself while it is no link."""
        link = ThroughLink(ctx, conn, field)
        if link.through is None:
            return [link.named] if link.named is not None else []
        if self.needs_target:
            target = link.target(field.props.get("target_field_id"))
            return [target] if target is not None else []
        return ctx.field_types.get(link.through.type).dependencies(ctx, conn, link.through)

    def check(
        self, ctx: FieldContext, conn: sa.Connection, field: Field
    ) -> tuple[ThroughLink, Field | None]:
        link = ThroughLink(ctx, conn, field)
        if link.through is None:
            raise self.bad_through()
        target = link.target(field.props.get("target_field_id")) if self.needs_target else None
        if self.needs_target and target is None:
            raise self.bad_target()
        if target is not None and target.props.get("formula_type") == "invalid":
            # a computed target in its error state: refused, and a lookup already reading
            # it shows the target's error (Baserow: "first lookup function argument ...")
            raise TargetInError(str(target.props.get("error") or ""))
        if target is not None:  # a type formulas cannot read (password, created_by): refused
            info = ctx.field_types.get(target.type).formula_info(ctx, target, None)
            if info is not None and info.formula_type == "invalid" and info.error:
                raise FormulaError(f"Error with formula: {info.error}.")
        return link, target

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        link, target = self.check(ctx, conn, field)
        props = dict(field.props, **self.display(ctx, link, target))
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
        return self.after_create(ctx, conn, field, raw)

    def refresh_props(
        self,
        ctx: FieldContext,
        conn: sa.Connection,
        field: Field,
        fields: Mapping[str, Field],
        rename: tuple[str, str] | None,
    ) -> dict[str, Any]:
        """Checked again, with the target's formula type and formatting; when the link or the
        target is gone, Baserow's error state (which forgets the link, and names it)."""
        try:
            link, target = self.check(ctx, conn, field)
        except GridbaseError as exc:
            if field.props.get("formula_type") == "invalid":
                return dict(field.props)
            broken = {**field.props, **DISPLAY_DEFAULTS}
            broken.update(formula_type="invalid", nullable=False)
            link = ThroughLink(ctx, conn, field)
            if isinstance(exc, TargetInError):
                broken["error"] = exc.error
            elif link.through is None and link.named is not None:
                # the link became another type: Baserow keeps it, and recovers with it
                broken["error"] = self.not_a_link(ctx, link.named)
            elif link.through is None:
                # a lookup names the link it read through; count and rollup cannot
                name = str(field.props.get("through_field_name") or "")
                broken.update(self.forgets, error=f"references the deleted or unknown field {name}")
            else:
                broken["error"] = str(exc.detail)
            return broken
        return dict(field.props, **self.display(ctx, link, target))

    def not_a_link(self, ctx: FieldContext, through: Field) -> str:
        """The error when the through field is no link row any more (Baserow's words)."""
        return "first lookup function argument must be a link row field"

    def display(self, ctx: FieldContext, link: ThroughLink, target: Field | None) -> dict[str, Any]:
        return dict(
            DISPLAY_DEFAULTS, formula_type="number", nullable=False, number_decimal_places=0
        )

    def props_json(self, field: Field) -> dict[str, Any]:
        out = {k: field.props.get(k, v) for k, v in DISPLAY_DEFAULTS.items()}
        out.update({p.name: field.props.get(p.name, p.default) for p in self.props})
        return out

    def expression(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any]:
        if conn is None:
            return sa.null()
        link = ThroughLink(ctx, conn, field)
        target = link.target(field.props.get("target_field_id")) if self.needs_target else None
        if link.through is None or (self.needs_target and target is None):
            return sa.null()
        joined, linked, correlate = link.rows_of(sql.c.id)
        value = link.value(target) if target is not None else None
        return self.aggregate(ctx, field, joined, linked, correlate, value, target)

    def aggregate(
        self,
        ctx: FieldContext,
        field: Field,
        joined: sa.FromClause,
        linked: sa.FromClause,
        correlate: sa.ColumnElement[bool],
        value: Any,
        target: Field | None,
    ) -> sa.ColumnElement[Any]:
        raise NotImplementedError

    def serialize(self, field: Field, stored: Any) -> Any:
        if field.props.get("formula_type") == "invalid":  # its link or target is gone
            return None
        return format_decimal(
            stored if stored is not None else 0, int(field.props.get("number_decimal_places") or 0)
        )

    def json_schema(self, field: Field) -> dict[str, Any]:
        places = int(field.props.get("number_decimal_places") or 0)
        decimals = rf"\.\d{{{places}}}" if places else ""
        return {
            "type": "string",
            "pattern": rf"^-?\d+{decimals}$",
            "example": format_decimal(3, places),
            "description": "A decimal string computed over the rows linked through field "
            f"{field.props.get('through_field_id')}.",
        }


class CountFieldType(ThroughFieldType):
    type = "count"
    can_have_db_index = True  # a number formula (FormulaFieldType's note)
    props = (Prop("through_field_id", None, check_id("through_field_id")),)
    bad_through = InvalidCountThroughField
    needs_target = False

    def not_a_link(self, ctx: FieldContext, through: Field) -> str:
        info = ctx.field_types.get(through.type).formula_info(ctx, through, None)
        kind = info.formula_type if info is not None else "invalid"
        return (
            f"argument number 1 given to function count was of type {kind} but the only usable"
            " types for this argument are a list of values obtained from a lookup,"
            "multiple_select,multiple_collaborators"
        )

    def aggregate(
        self,
        ctx: FieldContext,
        field: Field,
        joined: sa.FromClause,
        linked: sa.FromClause,
        correlate: sa.ColumnElement[bool],
        value: Any,
        target: Field | None,
    ) -> sa.ColumnElement[Any]:
        return sa.select(sa.func.count()).select_from(joined).where(correlate).scalar_subquery()


class InvalidRollupFunction(GridbaseError):
    code = "ERROR_INVALID_ROLLUP_FORMULA_FUNCTION"
    default_detail = "The provided rollup formula function does not exist."


class RollupFieldType(ThroughFieldType):
    can_have_db_index = True  # a number formula (FormulaFieldType's note)
    """The formula `<rollup_function>(lookup(through, target))`, as in Baserow: any formula
    function, typed and computed as a formula (no linked row: 0)."""

    type = "rollup"
    props = (
        Prop("through_field_id", None, check_id("through_field_id")),
        Prop("target_field_id", None, check_id("target_field_id")),
        Prop("rollup_function", "sum", None),
    )
    bad_through = InvalidRollupThroughField
    bad_target = InvalidRollupTargetField

    def clean_props(
        self, raw: Mapping[str, Any], current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        out = super().clean_props(raw, current)
        if out.get("rollup_function") not in fl.function_names():
            raise InvalidRollupFunction()
        return out

    def display(self, ctx: FieldContext, link: ThroughLink, target: Field | None) -> dict[str, Any]:
        assert link.through is not None and target is not None
        fields = {f.name: f for f in ctx.fields_of(link.conn, link.through.table_id)}
        function = str(link.field.props.get("rollup_function"))
        node = fl.FunctionCall(function, (fl.LookupReference(link.through.name, target.name),))
        try:
            typed = fl.typecheck(node, formula_infos(ctx, fields, link.conn))
        except fl.FormulaError as exc:
            raise FormulaError(exc.api_detail) from None
        return dict(DISPLAY_DEFAULTS, **typed.field_props())

    def expression(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any]:
        if conn is None:
            return sa.null()
        link = ThroughLink(ctx, conn, field)
        target = link.target(field.props.get("target_field_id"))
        if link.through is None or target is None:
            return sa.null()
        function = str(field.props.get("rollup_function"))
        node = fl.FunctionCall(function, (fl.LookupReference(link.through.name, target.name),))
        try:
            typed = fl.typecheck(node, formula_infos(ctx, by_name, conn))
            source = array_source(ctx, conn, by_name, sql)
            value = fl.compile_sql(typed, {}, ctx.db.dialect, source, row_id=sql.c.id)
        except fl.FormulaError:
            return sa.null()
        return sa.func.coalesce(value, 0) if typed.formula_type == "number" else value

    def serialize(self, field: Field, stored: Any) -> Any:
        return serialize_value(field.props, stored)


class LookupFieldType(ThroughFieldType):
    """An array of {"id", "value"} of the linked rows' target values (JSON-aggregated in SQL)."""

    type = "lookup"
    forgets: ClassVar[dict[str, Any]] = {
        "through_field_id": None,
        "through_field_name": None,
        "target_field_id": None,
        "target_field_name": None,
    }
    props = (
        Prop("through_field_id", None, check_id("through_field_id")),
        Prop("target_field_id", None, check_id("target_field_id")),
    )
    reads_items = True
    lists_choices = True

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        """Referencing a lookup reads as lookup(through, target)."""
        if field.props.get("formula_type") != "array":
            return None
        return fl.FieldInfo(
            "array",
            array_formula_type=field.props.get("array_formula_type"),
            lookup_through=field.props.get("through_field_name"),
            lookup_target=field.props.get("target_field_name"),
        )

    def display(self, ctx: FieldContext, link: ThroughLink, target: Field | None) -> dict[str, Any]:
        """Typed as the formula lookup(through, target) is (its items' formatting)."""
        assert link.through is not None and target is not None
        fields = {f.name: f for f in ctx.fields_of(link.conn, link.through.table_id)}
        node = fl.LookupReference(link.through.name, target.name)
        try:
            typed = fl.typecheck(node, formula_infos(ctx, fields, link.conn)).field_props()
        except fl.FormulaError:  # a target that cannot be read: an array of its texts
            typed = {"formula_type": "array", "array_formula_type": "text", "nullable": True}
        return dict(
            DISPLAY_DEFAULTS,
            **typed,
            through_field_name=link.through.name,
            target_field_name=target.name,
            target_field_type=target.type,
            target_props=dict(target.props),
        )

    def props_json(self, field: Field) -> dict[str, Any]:
        out = super().props_json(field)
        out.update(
            through_field_name=field.props.get("through_field_name"),
            target_field_name=field.props.get("target_field_name"),
        )
        return out

    def items_source(
        self, ctx: FieldContext, conn: sa.Connection | None, field: Field, sql: sa.Table
    ) -> Items | None:
        """The target's values in the rows linked to `sql`'s row."""
        if conn is None:
            return None
        link = ThroughLink(ctx, conn, field)
        target = link.target(field.props.get("target_field_id"))
        if link.through is None or target is None:
            return None
        joined, linked, correlate = link.rows_of(sql.c.id)
        own = link.value(target)
        own = own if own is not None else sa.null()
        target_type = ctx.field_types.get(target.type)
        return Items(
            joined=joined,
            correlate=correlate,
            value=target_type.formula_expression(target, own),
            item_id=linked.c.id,
            order=(linked.c.order, linked.c.id),
            whole=target_type.formula_object(target, own, linked.c.id, ctx.db.dialect),
        )

    def expression(
        self,
        ctx: FieldContext,
        conn: sa.Connection | None,
        field: Field,
        by_name: Mapping[str, Field],
        resolve: Resolve,
        sql: sa.Table,
    ) -> sa.ColumnElement[Any]:
        items = self.items_source(ctx, conn, field, sql)
        return sa.null() if items is None else jsonsql.items_array(ctx.db.dialect, items)

    def serialize(self, field: Field, stored: Any) -> Any:
        if field.props.get("formula_type") == "invalid":  # its link or target is gone
            return None
        return serialize_items(field.props, stored)

    def json_schema(self, field: Field) -> dict[str, Any]:
        item = {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "value": {}},
            "required": ["id", "value"],
        }
        return {
            "type": "array",
            "items": item,
            "example": [{"id": 1, "value": "Linked value"}],
            "description": f"The `{field.props.get('target_field_name')}` values of the rows "
            f"linked through `{field.props.get('through_field_name')}` "
            "(`value` in the target field's format).",
        }
