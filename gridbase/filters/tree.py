"""The `filters` JSON tree and legacy `filter__<field>__<type>` parameters -> one SQL clause.

Parsing checks the shape (ERROR_FILTERS_PARAM_VALIDATION_ERROR with DRF-style detail),
then each condition: the field must be one the request can see (ERROR_FILTER_FIELD_NOT_FOUND),
the type must exist (ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST) and suit the field
(ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD). Compiling combines the filter types' clauses.
Imports: errors, fields.base, filters.base, models, registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import sqlalchemy as sa

from gridbase.errors import (
    FilterFieldNotFound,
    FiltersParamValidation,
    ViewFilterTypeDoesNotExist,
    ViewFilterTypeUnsupportedField,
    field_error,
)
from gridbase.fields.base import FieldType
from gridbase.filters.base import Clause, FilterType, Target
from gridbase.models import Field
from gridbase.registry import Registry

LEGACY_KEY = re.compile(r"^filter__(.+)__(.+)$")
FIELD_ID = re.compile(r"^field_(\d+)$")


@dataclass(frozen=True)
class Condition:
    field: Field
    type: str
    value: str


@dataclass(frozen=True)
class Group:
    op: str = "AND"
    conditions: tuple[Condition, ...] = ()
    groups: tuple[Group, ...] = dc_field(default=())

    @property
    def empty(self) -> bool:
        return not self.conditions and all(g.empty for g in self.groups)


def check_condition(
    field_types: Registry[FieldType], filter_types: Registry[FilterType], field: Field, type_: str
) -> None:
    if type_ not in filter_types:
        raise ViewFilterTypeDoesNotExist(type_)
    if type_ not in field_types.get(field.type).compatible_filters(field):
        raise ViewFilterTypeUnsupportedField(type_, field.type)


# --- JSON tree ----------------------------------------------------------------------------


def _shape_error(path: list[str], message: str, code: str) -> FiltersParamValidation:
    detail: Any = field_error(message, code)
    for key in reversed(path):
        detail = {key: detail}
    return FiltersParamValidation(detail)


def _as_text(value: Any, path: list[str]) -> str:
    if value is None:
        raise _shape_error(path, "This field may not be null.", "null")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _shape_error(path, "Not a valid string.", "invalid")
    return str(value).replace("\x00", "")


def _check_tree(raw: Any, path: list[str]) -> None:
    if not isinstance(raw, dict):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(raw), type(raw).__name__
        )
        raise _shape_error(
            [*path, "non_field_errors"],
            f"Invalid data. Expected a dictionary, but got {kind}.",
            "invalid",
        )
    if "filter_type" not in raw:
        raise _shape_error([*path, "filter_type"], "This field is required.", "required")
    if raw["filter_type"] not in ("AND", "OR"):
        raise _shape_error(
            [*path, "filter_type"],
            f'"{raw["filter_type"]}" is not a valid choice.',
            "invalid_choice",
        )
    for key in ("filters", "groups"):
        items = raw.get(key, [])
        if not isinstance(items, list):
            kind = type(items).__name__
            raise _shape_error(
                [*path, key, "non_field_errors"],
                f'Expected a list of items but got type "{kind}".',
                "not_a_list",
            )
        for index, item in enumerate(items):
            here = [*path, key, str(index)]
            if key == "groups":
                _check_tree(item, here)
                continue
            if not isinstance(item, dict):
                raise _shape_error(
                    [*here, "non_field_errors"],
                    f"Invalid data. Expected a dictionary, but got {type(item).__name__}.",
                    "invalid",
                )
            for name in ("field", "type"):
                if name not in item:
                    raise _shape_error([*here, name], "This field is required.", "required")
            if isinstance(item["field"], bool) or not isinstance(item["field"], (int, str)):
                raise _shape_error([*here, "field"], "A valid integer is required.", "invalid")
            _as_text(item["type"], [*here, "type"])
            if "value" in item:
                _as_text(item["value"], [*here, "value"])


def build_tree(
    raw: Any, resolve: Callable[[Any], Field], check: Callable[[Field, str], None]
) -> Group:
    _check_tree(raw, [])
    return _build(raw, resolve, check)


def _build(
    raw: Mapping[str, Any], resolve: Callable[[Any], Field], check: Callable[[Field, str], None]
) -> Group:
    conditions = []
    for item in raw.get("filters", []):
        field = resolve(item["field"])
        type_ = str(item["type"])
        check(field, type_)
        conditions.append(Condition(field, type_, _as_text(item.get("value", ""), [])))
    groups = tuple(_build(g, resolve, check) for g in raw.get("groups", []))
    return Group(str(raw["filter_type"]), tuple(conditions), groups)


# --- legacy parameters ----------------------------------------------------------------------


def legacy_tree(
    items: Iterable[tuple[str, str]],
    filter_type: str,
    by_name: bool,
    fields: Mapping[int, Field],
    check: Callable[[Field, str], None],
) -> Group:
    """`filter__field_<id>__<type>=value` parameters (field names with user_field_names)."""
    conditions = []
    names = {f.name: f for f in fields.values()}
    for key, value in items:
        match = LEGACY_KEY.match(key)
        if not match:
            continue
        part, type_ = match.group(1), match.group(2)
        numbered = FIELD_ID.match(part)
        if by_name and part in names:
            field = names[part]
        elif numbered:
            digits = numbered.group(1)
            number = int(digits) if len(digits) <= 4000 else digits  # int() stops at 4,300
            if not isinstance(number, int) or number not in fields:
                raise FilterFieldNotFound(number)
            field = fields[number]
        else:
            continue  # a name that matches no field is ignored, as Baserow does
        check(field, type_)
        # PostgreSQL text holds no NUL
        conditions.append(Condition(field, type_, value.replace("\x00", "")))
    op = "OR" if filter_type.strip().upper() == "OR" else "AND"
    return Group(op, tuple(conditions))


# --- compile ----------------------------------------------------------------------------------


def compile_group(
    group: Group, filter_types: Registry[FilterType], target_for: Callable[[Field], Target]
) -> Clause | None:
    """One clause for the group; None when nothing filters (an empty group or switched-off
    filters)."""
    parts: list[Clause] = []
    for condition in group.conditions:
        clause = filter_types.get(condition.type).clause(
            target_for(condition.field), condition.value
        )
        # a switched-off filter drops out of AND and OR alike (Django's empty Q)
        if clause is not None:
            parts.append(clause)
    for child in group.groups:
        clause = compile_group(child, filter_types, target_for)
        if clause is not None:
            parts.append(clause)
    if not parts:
        return None
    return sa.and_(*parts) if group.op == "AND" else sa.or_(*parts)
