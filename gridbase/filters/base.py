"""The filter-type contract: a filter compiles (field, value) to one SQLAlchemy clause.

A filter never looks at rows in Python. `clause` returns None when the filter is switched
off (Baserow's empty `Q()`: every row matches) and `NOTHING` when the value cannot be used
(Baserow's `default_filter_on_exception`: no row matches). A negated type is the exact
complement of its positive type, NULLs included. Imports: fields, models, sqlalchemy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from gridbase.fields.base import FieldType, Items, ValueKind
from gridbase.models import Field

Clause = sa.ColumnElement[bool]
NOTHING: Clause = sa.false()


@dataclass(frozen=True)
class Target:
    """What a filter compiles against: the field, its type and how the row reads it."""

    field: Field
    field_type: FieldType
    expr: sa.ColumnElement[Any] | None  # model.expression(field.id); None for junction types
    row_id: sa.ColumnElement[Any]  # the user table's id column
    junction: sa.Table | None  # model.relations.get(field.id)
    clock: Callable[[], datetime]
    dialect: str
    # a link row's linked table and the text of its rows' primary field
    link_text: tuple[sa.FromClause, sa.ColumnElement[str]] | None = None
    # array fields (lookups): what their items are (FieldType.items_source)
    items: Items | None = None

    @property
    def kind(self) -> ValueKind:
        """How the field's value compares (FieldType.value_kind)."""
        return self.field_type.value_kind(self.field)

    def text(self) -> sa.ColumnElement[str] | None:
        """The field's displayed text as SQL (FieldType.display_text); None when it has no
        single text (booleans, many values)."""
        return self.field_type.display_text(self.field, self.expr, self.dialect)


# contains_word: the word must sit between two non-word characters (ASCII word chars, like
# PostgreSQL's \m \M); the same character class on both backends gives identical results.
NOT_WORD = "[^a-z0-9_]"


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def has_word(text: sa.ColumnElement[Any], word: str, dialect: str) -> Clause:
    """`word` (lower case) stands as a whole word in `text`, case-insensitively."""
    padded = sa.literal(" ") + sa.func.lower(text) + sa.literal(" ")
    if dialect == "sqlite":
        return padded.op("GLOB", is_comparison=True)(f"*{NOT_WORD}{glob_escape(word)}{NOT_WORD}*")
    return padded.op("~", is_comparison=True)(f"{NOT_WORD}{re.escape(word)}{NOT_WORD}")


# The only characters PostgreSQL's lower() (and ours on SQLite) turns into ASCII ones,
# "İ" -> "i" and the Kelvin sign -> "k", as a GLOB that finds either
LOWER_TO_ASCII = "*[\u0130\u212a]*"


def icontains(text: sa.ColumnElement[Any], value: str, dialect: str) -> Clause:
    """`value` is a substring of `text`, case-insensitively (lower() on both; % and _ are
    plain characters). SQLite, an ASCII value: LIKE itself, which folds ASCII case in C,
    matches exactly what lower(text) LIKE matches, except in a text holding one of
    LOWER_TO_ASCII, which alone still goes through lower() (a Python function there, about
    a microsecond a value)."""
    if dialect != "sqlite" or not value.isascii():
        return text.icontains(value, autoescape=True)
    direct = text.contains(value, autoescape=True)  # LIKE '%' || ? || '%' ESCAPE '/'
    folded = text.op("GLOB", is_comparison=True)(LOWER_TO_ASCII)
    return sa.or_(direct, sa.and_(folded, text.icontains(value, autoescape=True)))


def parse_decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class FilterType:
    # the wire name: a class attribute, or set per instance where one class serves several
    type: str

    def clause(self, target: Target, value: str) -> Clause | None:
        raise NotImplementedError


def complement(clause: Clause | None) -> Clause | None:
    """NOT of a filter, NULL-safe: rows where the positive clause is NULL are in the complement."""
    if clause is None:
        return None
    return sa.not_(sa.func.coalesce(clause, sa.false()))


class Negated(FilterType):
    """The exact complement of a positive filter type."""

    def __init__(self, type_: str, positive: FilterType) -> None:
        self.type = type_
        self.positive = positive

    def clause(self, target: Target, value: str) -> Clause | None:
        return complement(self.positive.clause(target, value))
