"""Compile a ``TypedFormula`` into a SQLAlchemy Core column expression.

Scalar formulas compile to a plain expression over the given ``columns``.
Aggregates over lookups (``sum(lookup('Link', 'Points'))``) compile to
scalar subqueries built from the ``array_source`` callback, which returns a
``SELECT`` whose first column is the looked-up value, correlated to the
outer row (its ORDER BY gives the order used by ``join``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from dataclasses import field as dataclass_field
from typing import Any

import sqlalchemy as sa

from . import sqlbuild
from .errors import FormulaCompileError
from .functions.base import TypedExpr
from .functions.registry import get_function
from .typecheck import TypedFormula

Expr = sa.ColumnElement[Any]
SourceKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class ArraySelect:
    """The rows a lookup reads, correlated to the outer row: FROM `joined` WHERE
    `correlate`, each row's `value` as formulas read it, its `whole` value where that is
    more (select options as JSON), the linked row's `item_id`, and the rows' `order`.
    `sibling(target)`: another field of the same linked row (a filter's condition reads it)."""

    joined: sa.FromClause
    correlate: Expr
    value: Expr
    item_id: Expr
    order: tuple[Expr, ...]
    whole: Expr | None = None
    sibling: Callable[[str | None], Expr] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class CompiledArray:
    """An array formula's items: FROM `joined` WHERE `correlate`, one `value` per linked row
    (`whole`: the value to show, when it is more than `value`), `item_id` and `order`."""

    joined: sa.FromClause
    correlate: Expr
    value: Expr
    whole: Expr | None
    item_id: Expr
    order: tuple[Expr, ...]


ArraySource = Callable[[str, "str | None"], ArraySelect]
# formula types whose values are objects (JSON): select options
OBJECT_TYPES = ("single_select", "multiple_select")


def _filter_conditions(expr: TypedExpr) -> list[TypedExpr]:
    """The conditions of the filter() calls in `expr`: they narrow the rows it aggregates."""
    found = [expr.args[1]] if expr.op == "call" and expr.name == "filter" else []
    for arg in expr.args[:1] if found else expr.args:
        found += _filter_conditions(arg)
    return found


def _unfiltered(expr: TypedExpr) -> TypedExpr:
    while expr.op == "call" and expr.name == "filter":
        expr = expr.args[0]
    return expr


def _many_sources(expr: TypedExpr) -> set[SourceKey]:
    if expr.many and expr.op == "lookup":
        return {(expr.name, expr.target)}
    if expr.many and expr.op == "field":
        return {(expr.name, "")}
    found: set[SourceKey] = set()
    for arg in expr.args:
        found |= _many_sources(arg)
    return found


@dataclass(frozen=True, slots=True)
class _Context:
    dialect: str
    columns: Mapping[str, Expr]
    array_source: ArraySource | None
    row_id_column: Expr | None
    many_values: Mapping[SourceKey, Expr]
    objects: Mapping[str, Expr] = dataclass_field(default_factory=dict)

    def compile_object(self, expr: TypedExpr) -> Expr:
        """A select-typed value whole (its option objects), where `compile` gives its text:
        a field's object, through if() and when_empty(); anything else has none."""
        if expr.op == "field":
            return self.objects.get(expr.name, sa.null())
        if expr.op == "call" and expr.name == "if":
            condition, then, otherwise = expr.args
            return sa.case(
                (self.compile(condition), self.compile_object(then)),
                else_=self.compile_object(otherwise),
            )
        if expr.op == "call" and expr.name == "when_empty":
            return sa.func.coalesce(*(self.compile_object(arg) for arg in expr.args))
        return sa.null()

    def compile(self, expr: TypedExpr) -> Expr:
        if expr.op == "literal":
            return self._literal(expr)
        if expr.op in ("field", "lookup"):
            return self._reference(expr)
        definition = get_function(expr.name)
        if definition is None:  # pragma: no cover - typed trees only hold known calls
            raise FormulaCompileError(f"{expr.name} is not a valid function")
        return definition.compile(self, expr)

    def _literal(self, expr: TypedExpr) -> Expr:
        value = expr.value
        if isinstance(value, bool):
            return sqlbuild.boolean_literal(value)
        if isinstance(value, str):
            return sqlbuild.text_literal(value)
        places = expr.ftype.number_decimal_places or 0
        if expr.ftype.kind == "number" and places == 0 and value == int(value):
            return sqlbuild.number_literal(int(value), self.dialect)
        return sqlbuild.number_literal(value, self.dialect)

    def _reference(self, expr: TypedExpr) -> Expr:
        if expr.many:
            key = (expr.name, expr.target)
            if key not in self.many_values:
                raise FormulaCompileError(
                    "a lookup can only be compiled to SQL inside an aggregate function"
                )
            return self.many_values[key]
        if expr.name not in self.columns:
            raise FormulaCompileError(f"no column given for the field {expr.name}")
        column = self.columns[expr.name]
        if expr.ftype.kind == "date":
            return sqlbuild.normalise_date(column, expr.ftype, self.dialect)
        return column

    def source(self, expr: TypedExpr) -> tuple[SourceKey, ArraySelect]:
        """The one lookup `expr` reads many values of (its filter()'s conditions may read
        other fields of the same linked rows: `inner` gives them)."""
        sources = _many_sources(_unfiltered(expr))
        if len(sources) != 1:
            raise FormulaCompileError("an aggregate must use values of exactly one lookup")
        key = next(iter(sources))
        if self.array_source is None:
            raise FormulaCompileError("compiling a lookup needs an array_source")
        return key, self.array_source(key[0], key[1] or None)

    def inner(self, expr: TypedExpr, key: SourceKey, source: ArraySelect) -> _Context:
        """The context compiling `expr` per linked row: its lookups read that row."""
        values = {**self.many_values, key: source.value}
        for other in _many_sources(expr) - {key}:
            if other[0] != key[0] or source.sibling is None:
                raise FormulaCompileError("an aggregate must read the rows of one link")
            values[other] = source.sibling(other[1] or None)
        return replace(self, many_values=values)

    def aggregate(
        self,
        expr: TypedExpr,
        build: Callable[[Expr, Sequence[Any]], Expr],
        *,
        whole: bool = False,
    ) -> Expr:
        """SELECT build(value) over the rows `expr` reads (those its filter() keeps);
        `whole`: build from each row's whole value (select options as JSON)."""
        key, source = self.source(expr)
        inner = self.inner(expr, key, source)
        conditions = [inner.compile(c) for c in _filter_conditions(expr)]
        value = source.whole if whole and source.whole is not None else inner.compile(expr)
        aggregated = build(value, source.order)
        return (
            sa.select(aggregated)
            .select_from(source.joined)
            .where(source.correlate, *conditions)
            .scalar_subquery()
        )

    def row_id(self) -> Expr:
        if self.row_id_column is None:
            raise FormulaCompileError("row_id() needs the row_id column")
        return self.row_id_column


def _finish(formula: TypedFormula, value: Expr, dialect: str) -> Expr:
    kind = formula.formula_type
    if kind == "number":
        places = formula.number_decimal_places or 0
        rounded = sqlbuild.round_number(value, places, dialect)
        return sa.type_coerce(rounded, sa.Numeric(scale=places, asdecimal=True))
    if kind == "boolean":
        return sa.type_coerce(sa.func.coalesce(value, sa.false()), sa.Boolean())
    if kind in ("text", "char", "url"):
        return sa.type_coerce(value, sa.String())
    if kind in ("duration", "date_interval"):
        return sa.type_coerce(value, sa.Float())
    if kind == "date" and dialect == sqlbuild.SQLITE:
        date_type = sa.DateTime() if formula.date_include_time else sa.Date()
        return sa.type_coerce(value, date_type)
    return value


def compile_array(
    typed: TypedFormula,
    columns: Mapping[str, Expr],
    dialect_name: str,
    array_source: ArraySource,
    *,
    row_id: Expr | None = None,
    objects: Mapping[str, Expr] | None = None,
) -> CompiledArray:
    """The items of an array formula (a lookup, or functions applied to each looked-up
    value): one value per linked row of its one lookup."""
    dialect = sqlbuild.check_dialect(dialect_name)
    context = _Context(dialect, columns, array_source, row_id, {}, objects or {})
    key, source = context.source(typed.expr)
    inner = context.inner(typed.expr, key, source)
    plain = _unfiltered(typed.expr).op in ("field", "lookup")  # the looked-up value itself
    conditions = [inner.compile(c) for c in _filter_conditions(typed.expr)]
    return CompiledArray(
        source.joined,
        sa.and_(source.correlate, *conditions),
        source.value if plain else inner.compile(typed.expr),
        source.whole if plain else None,
        source.item_id,
        source.order,
    )


def compile_sql(
    typed: TypedFormula,
    columns: Mapping[str, Expr],
    dialect_name: str,
    array_source: ArraySource | None = None,
    *,
    row_id: Expr | None = None,
    objects: Mapping[str, Expr] | None = None,
) -> Expr:
    """SQL expression computing ``typed`` for the row the columns belong to.

    ``columns`` maps referenced field names to their column expressions
    (single select fields: an expression giving the option's value text;
    durations: seconds); ``objects`` the whole values of those that have one (select
    options as JSON), which a select-typed formula gives. Array formulas (non-aggregated
    lookups) cannot be compiled and raise :class:`FormulaCompileError`.
    """
    dialect = sqlbuild.check_dialect(dialect_name)
    if typed.formula_type == "array":
        raise FormulaCompileError("array formulas cannot be compiled to a scalar expression")
    context = _Context(dialect, columns, array_source, row_id, {}, objects or {})
    if typed.formula_type in OBJECT_TYPES:
        return context.compile_object(typed.expr)
    return _finish(typed, context.compile(typed.expr), dialect)
