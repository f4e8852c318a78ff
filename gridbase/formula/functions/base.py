"""Building blocks shared by every formula function definition.

A :class:`FunctionDef` bundles a function's name, arity, argument type
rules, result type rule and SQL compiler. :func:`call_function` types a call
exactly like Baserow's ``type_function_given_typed_args``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from ..ftypes import EMPTY_VALUE_KINDS, FType, invalid_type, number_type, text_type

# A kind accepts its own values and those of its "sub classes" in Baserow (a link is no text:
# its text is its label, through totext).
KIND_PARENTS = {"url": "text", "char": "text", "button": "link"}


def kind_matches(kind: str, wanted: str) -> bool:
    """True when a value of ``kind`` is usable where ``wanted`` is required."""
    if wanted == "*":
        return kind != "invalid"
    current: str | None = kind
    while current is not None:
        if current == wanted:
            return True
        current = KIND_PARENTS.get(current)
    return False


@dataclass(frozen=True, slots=True)
class TypedExpr:
    """A typed expression tree node (``op``: literal, field, lookup, call)."""

    op: str
    ftype: FType
    many: bool = False
    value: Any = None
    name: str = ""
    target: str = ""
    args: tuple[TypedExpr, ...] = ()


@dataclass(frozen=True, slots=True)
class Many:
    """Argument must be a "many" expression (a lookup) of one of ``kinds``."""

    kinds: tuple[str, ...] = ("*",)

    def describe(self) -> str:
        names = ", or ".join(kind for kind in self.kinds if kind != "*")
        return f"a list of {names + ' ' if names else ''}values obtained from a lookup"

    def check(self, expr: TypedExpr) -> bool:
        return expr.many and any(kind_matches(expr.ftype.kind, k) for k in self.kinds)


ArgEntry = str | Many
ArgSpecs = Callable[[int, Sequence[FType]], tuple[ArgEntry, ...]]


@dataclass(frozen=True, slots=True)
class Arity:
    """How many arguments a function takes (``maximum`` None = unbounded)."""

    minimum: int
    maximum: int | None

    def accepts(self, count: int) -> bool:
        return count >= self.minimum and (self.maximum is None or count <= self.maximum)

    def describe(self) -> str:
        if self.maximum == self.minimum:
            plural = "" if self.minimum == 1 else "s"
            return f"exactly {self.minimum} argument{plural}"
        if self.maximum is None:
            return f"more than {self.minimum - 1} arguments"
        # Baserow's NumOfArgsBetween, word for word
        return f"more than {self.minimum} and less than {self.maximum} (inclusive=True) arguments"


class CompileContext(Protocol):
    """What a function's SQL compiler may use (see ``compiler.py``)."""

    @property
    def dialect(self) -> str: ...

    def compile(self, expr: TypedExpr) -> sa.ColumnElement[Any]: ...

    def compile_object(self, expr: TypedExpr) -> sa.ColumnElement[Any]: ...

    def aggregate(
        self,
        expr: TypedExpr,
        build: Callable[[sa.ColumnElement[Any], Sequence[Any]], sa.ColumnElement[Any]],
        *,
        whole: bool = False,
    ) -> sa.ColumnElement[Any]: ...

    def row_id(self) -> sa.ColumnElement[Any]: ...


TypeRule = Callable[["FunctionDef", list[TypedExpr]], TypedExpr]
Compiler = Callable[[CompileContext, TypedExpr], sa.ColumnElement[Any]]


def fixed_specs(*entries: tuple[ArgEntry, ...]) -> ArgSpecs:
    """Argument specs given per position (the last one repeats)."""

    def specs(index: int, _types: Sequence[FType]) -> tuple[ArgEntry, ...]:
        return entries[min(index, len(entries) - 1)]

    return specs


ANY: tuple[ArgEntry, ...] = ("*",)
TEXT: tuple[ArgEntry, ...] = ("text",)
NUMBER: tuple[ArgEntry, ...] = ("number",)
BOOLEAN: tuple[ArgEntry, ...] = ("boolean",)
DATE: tuple[ArgEntry, ...] = ("date",)


@dataclass(frozen=True, slots=True)
class FunctionDef:
    """One formula function: typing rules plus SQL compilation."""

    name: str
    arity: Arity
    arg_specs: ArgSpecs
    type_rule: TypeRule
    compile: Compiler = field(compare=False)
    operator: str | None = None
    aggregate: bool = False
    coerce_nullable: bool = True

    def describe(self) -> str:
        """``function upper`` or ``operator +`` as used in error messages."""
        if self.operator is None:
            return f"function {self.name}"
        return f"operator {self.operator}"


def _registry_lookup(name: str) -> FunctionDef:
    from .registry import get_function

    definition = get_function(name)
    if definition is None:  # pragma: no cover - internal names always exist
        raise KeyError(name)
    return definition


def make_call(name: str, args: Sequence[TypedExpr], ftype: FType) -> TypedExpr:
    """A typed call node; ``many`` is inherited unless the call aggregates."""
    aggregate = _registry_lookup(name).aggregate
    many = False if aggregate else any(arg.many for arg in args)
    return TypedExpr("call", ftype, many, name=name, args=tuple(args))


def literal(value: str | int | Decimal | bool) -> TypedExpr:
    """A typed literal node."""
    if isinstance(value, bool):
        return TypedExpr("literal", FType("boolean"), value=value)
    if isinstance(value, str):
        return TypedExpr("literal", text_type(), value=value)
    decimal = Decimal(value)
    exponent = decimal.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return TypedExpr("literal", number_type(places), value=decimal)


def coerce_not_null(expr: TypedExpr) -> TypedExpr:
    """Baserow's ``try_coerce_to_not_null``: ``when_empty(expr, empty)``."""
    ftype = expr.ftype
    if not ftype.nullable or ftype.kind not in EMPTY_VALUE_KINDS:
        return expr
    if ftype.kind in ("number", "duration", "date_interval"):
        placeholder = replace(literal(0), ftype=replace(ftype, nullable=False))
    else:
        placeholder = literal("")
    return make_call("when_empty", [expr, placeholder], ftype.with_nullable(False))


def _check_arg(
    definition: FunctionDef, index: int, arg: TypedExpr, types: Sequence[FType]
) -> str | None:
    valid_names: list[str] = []
    for entry in definition.arg_specs(index, types):
        if isinstance(entry, Many):
            if entry.check(arg):
                return None
            valid_names.append(entry.describe())
        elif kind_matches(arg.ftype.kind, entry):
            return None
        else:
            valid_names.append(entry)
    if len(valid_names) == 1:
        postfix = f"the only usable type for this argument is {valid_names[0]}"
    elif not valid_names:
        postfix = "there are no possible types usable here"
    else:
        postfix = f"the only usable types for this argument are {','.join(valid_names)}"
    return (
        f"argument number {index + 1} given to {definition.describe()} was of type "
        f"{arg.ftype.kind} but {postfix}"
    )


def needs_aggregate(expr: TypedExpr) -> bool:
    """A filter() call: its rows are only filtered inside an aggregate (or as the whole
    formula), Baserow's requires_aggregate_wrapper."""
    return expr.op == "call" and expr.name == "filter" and expr.ftype.is_valid


def call_function(name: str, args: Sequence[TypedExpr], coerce: bool = False) -> TypedExpr:
    """Type a call of ``name`` with already typed ``args``.

    ``coerce`` applies Baserow's null coercion of arguments, which only
    happens for calls written by the user (not internal rewrites).
    """
    definition = _registry_lookup(name)
    args = list(args)
    if coerce and not definition.aggregate:
        unwrapped = [str(i + 1) for i, arg in enumerate(args) if needs_aggregate(arg)]
        if unwrapped:
            numbered = "s numbered" if len(unwrapped) > 1 else " number"
            return make_call(
                name,
                args,
                invalid_type(
                    f"input{numbered} {','.join(unwrapped)} to {definition.describe()} must be "
                    "directly wrapped by an aggregate function like sum, avg, count etc"
                ),
            )
    if coerce and definition.coerce_nullable:
        args = [coerce_not_null(arg) for arg in args]
    types = [arg.ftype for arg in args]
    errors: list[str] = []
    for index, arg in enumerate(args):
        if not arg.ftype.is_valid:
            errors.append(arg.ftype.error or "invalid")
            continue
        message = _check_arg(definition, index, arg, types)
        if message is not None:
            errors.append(message)
    if errors:
        return make_call(name, args, invalid_type(", ".join(errors)))
    result = definition.type_rule(definition, args)
    if definition.aggregate:
        result = replace(result, many=False)
    return result


def same_type_rule(nullable_from_args: bool = True) -> TypeRule:
    """Result has the type of the first argument."""

    def rule(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
        ftype = args[0].ftype
        if not nullable_from_args:
            ftype = ftype.with_nullable(False)
        return make_call(definition.name, args, ftype)

    return rule


def fixed_type_rule(build: Callable[[list[TypedExpr]], FType]) -> TypeRule:
    """Result type computed from the arguments by ``build``."""

    def rule(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
        return make_call(definition.name, args, build(args))

    return rule
