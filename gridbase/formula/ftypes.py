"""Formula types (``FType``) and the ``FieldInfo`` describing referenced fields.

Kinds use Baserow's formula type names: ``text``, ``char``, ``number``,
``boolean``, ``date``, ``duration``, ``date_interval``, ``single_select``,
``multiple_select``, ``link``, ``button``, ``url``, ``single_file``,
``multiple_collaborators``, ``array`` and ``invalid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

NUMBER_MAX_DECIMAL_PLACES = 10
DEFAULT_DURATION_FORMAT = "d h:mm:ss"

# Kinds whose nulls Baserow coalesces to an "empty" value before most calls (its types with
# a placeholder_empty_baserow_expression; links and buttons have none).
EMPTY_VALUE_KINDS = frozenset({"text", "char", "number", "duration", "date_interval", "url"})
TEXT_KINDS = frozenset({"text", "char", "url"})
# Every formula type (Baserow's names); a field's props hold one as `formula_type`.
FORMULA_TYPES = frozenset(
    {
        "text", "char", "number", "boolean", "date", "duration", "date_interval",
        "single_select", "multiple_select", "link", "button", "url", "single_file",
        "multiple_collaborators", "array", "invalid",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FType:
    """The type of a (sub-)expression, with Baserow's formatting options."""

    kind: str
    nullable: bool = False
    number_decimal_places: int | None = None
    date_include_time: bool | None = None
    date_format: str | None = None
    date_time_format: str | None = None
    date_show_tzinfo: bool | None = None
    date_force_timezone: str | None = None
    duration_format: str | None = None
    sub: FType | None = None
    error: str | None = None

    @property
    def is_valid(self) -> bool:
        """False only for the ``invalid`` type."""
        return self.kind != "invalid"

    def with_nullable(self, nullable: bool) -> FType:
        """Copy with ``nullable`` replaced."""
        return replace(self, nullable=nullable)


def text_type(nullable: bool = False) -> FType:
    """A text type."""
    return FType("text", nullable=nullable)


def number_type(decimal_places: int, nullable: bool = False) -> FType:
    """A number type with ``decimal_places`` decimals."""
    return FType("number", nullable=nullable, number_decimal_places=decimal_places)


def boolean_type() -> FType:
    """A boolean type (never nullable in Baserow)."""
    return FType("boolean")


def date_type(
    include_time: bool,
    date_format: str = "ISO",
    time_format: str = "24",
    *,
    nullable: bool = False,
    show_tzinfo: bool = False,
    force_timezone: str | None = None,
) -> FType:
    """A date (``include_time`` false) or datetime type."""
    return FType(
        "date",
        nullable=nullable,
        date_include_time=include_time,
        date_format=date_format,
        date_time_format=time_format,
        date_show_tzinfo=show_tzinfo,
        date_force_timezone=force_timezone,
    )


def duration_type(duration_format: str = DEFAULT_DURATION_FORMAT, nullable: bool = False) -> FType:
    """A duration type (values are seconds in SQL)."""
    return FType("duration", nullable=nullable, duration_format=duration_format)


def invalid_type(error: str) -> FType:
    """The invalid type carrying Baserow's error message."""
    return FType("invalid", error=error)


def array_type(sub: FType) -> FType:
    """An array of ``sub``."""
    return FType("array", nullable=True, sub=sub)


def calculate_number_type(types: list[FType], min_decimal_places: int = 0) -> FType:
    """Baserow's rule: the result keeps the largest number of decimals."""
    places = max([min_decimal_places] + [t.number_decimal_places or 0 for t in types])
    return number_type(places)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What a formula needs to know about a field it may reference.

    ``formula_type`` and the formatting options describe the field's value as
    a formula type. Link row fields set ``link_fields`` (the fields of the
    linked table) and ``link_primary`` (its primary field name); lookup-like
    fields set ``lookup_through``/``lookup_target`` so referencing them acts
    as ``lookup(through, target)``.
    """

    formula_type: str
    number_decimal_places: int | None = None
    date_include_time: bool | None = None
    date_format: str | None = None
    date_time_format: str | None = None
    date_show_tzinfo: bool | None = None
    date_force_timezone: str | None = None
    duration_format: str | None = None
    array_formula_type: str | None = None
    nullable: bool = True
    link_fields: Mapping[str, FieldInfo] | None = field(default=None, hash=False, compare=False)
    link_primary: str | None = None
    link_table_name: str = ""
    lookup_through: str | None = None
    lookup_target: str | None = None
    error: str | None = None  # formula_type "invalid": why the field cannot be referenced

    @property
    def is_link(self) -> bool:
        """True for link row fields."""
        return self.link_fields is not None

    def to_ftype(self) -> FType:
        """The formula type of this field's value."""
        if self.formula_type == "invalid" and self.error:
            return invalid_type(self.error)
        if self.formula_type == "array":
            sub = replace(self, formula_type=self.array_formula_type or "text")
            return array_type(sub.to_ftype())
        kind = self.formula_type
        if kind == "number":
            return number_type(self.number_decimal_places or 0, self.nullable)
        if kind == "boolean":
            return boolean_type()
        if kind == "date":
            return date_type(
                bool(self.date_include_time),
                self.date_format or "ISO",
                self.date_time_format or "24",
                nullable=self.nullable,
                show_tzinfo=bool(self.date_show_tzinfo),
                force_timezone=self.date_force_timezone,
            )
        if kind in ("duration", "date_interval"):
            fmt = self.duration_format or DEFAULT_DURATION_FORMAT
            return FType(kind, nullable=self.nullable, duration_format=fmt)
        return FType(kind, nullable=self.nullable)


def field_info(
    formula_type: str, props: Mapping[str, object], *, nullable: bool = True
) -> FieldInfo:
    """A ``FieldInfo`` of formula type ``formula_type``, with the formatting options found in a
    field's ``props`` (``number_decimal_places``, ``date_*``, ``duration_format``, ...).
    ``nullable`` applies unless the props say (computed fields keep their own)."""
    known = set(FieldInfo.__dataclass_fields__)
    kwargs: dict[str, Any] = {key: value for key, value in props.items() if key in known}
    kwargs["formula_type"] = formula_type
    kwargs.setdefault("nullable", nullable)
    return FieldInfo(**kwargs)
