"""Row filters a list request asks for, resolved as Baserow resolves them: the `filters` JSON
(core.filter_params) or else the legacy `filter__<field>__<type>` parameters, against the
fields the request sees, then compiled by usertable.filtering.

Legacy parameters also reach the row's own id (`filter__field_id__in=1,2`) and timestamps
(`filter__field_created_on__<type>`, `filter__field_updated_on__<type>`) without a field.

Imports: core (context, filter_params), errors, filters, models, usertable.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from gridbase.core import filter_params
from gridbase.core.context import Ctx
from gridbase.errors import FilterFieldNotFound
from gridbase.filters import tree
from gridbase.filters.junction import parse_ids
from gridbase.models import Field
from gridbase.usertable.filtering import where_for
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import Where

LEGACY_KEY = re.compile(r"filter__(.+)__(.+)$")
FIELD_KEY = re.compile(r"field_(\d+)$")
# The row timestamps as fields of their own: ids no real field has, read from the row.
STAMPS = {
    "field_created_on": Field(-1, 0, "created_on", 0, "created_on", False),
    "field_updated_on": Field(-2, 0, "updated_on", 0, "last_modified", False),
}
STAMP_COLUMNS = {-1: "created_on", -2: "updated_on"}


def checker(ctx: Ctx) -> Callable[[Field, str], None]:
    return lambda field, type_: tree.check_condition(
        ctx.field_types, ctx.filter_types, field, type_
    )


def _json_tree(ctx: Ctx, raw: str, by_name: bool, visible: Mapping[int, Field]) -> tree.Group:
    return _resolved(ctx, filter_params.parse(raw, by_name), by_name, visible)


def tree_where(
    ctx: Ctx, model: TableModel, data: Mapping[str, Any], fields: tuple[int, ...] | None
) -> Where | None:
    """The where() of a checked `filters` tree (filter_params.check) by field id, against
    the `fields` it may name (None: all); FilterFieldNotFound and the type errors."""
    visible = {f.id: f for f in model.fields if fields is None or f.id in fields}
    return _where(ctx, model, _resolved(ctx, data, False, visible))


def _resolved(
    ctx: Ctx, data: Mapping[str, Any], by_name: bool, visible: Mapping[int, Field]
) -> tree.Group:
    names = {f.name: f for f in visible.values()}
    check = checker(ctx)

    def resolve(ref: Any) -> Field:
        # by name a missing field is "None", as Baserow's lookup leaves it
        field = names.get(ref) if by_name else visible.get(ref)
        if field is None:
            raise FilterFieldNotFound(None if by_name else ref)
        return field

    def build(group: Mapping[str, Any]) -> tree.Group:
        conditions = []
        for item in group.get("filters", []):
            field = resolve(item["field"])
            check(field, item["type"])
            conditions.append(tree.Condition(field, item["type"], item["value"]))
        children = tuple(build(g) for g in group.get("groups", []))
        return tree.Group(group["filter_type"], tuple(conditions), children)

    return build(data)


@dataclasses.dataclass(frozen=True)
class Legacy:
    group: tree.Group
    row_ids: tuple[tuple[int, ...], ...] = ()  # `filter__field_id__in` lists


def _legacy(ctx: Ctx, params: Any, by_name: bool, visible: Mapping[int, Field]) -> Legacy | None:
    """Baserow's filter_by_fields_object: each value of each `filter__` key is a condition;
    a key naming no field is skipped; an id not among the visible fields is an error."""
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    names = {f.name: f for f in visible.values()} if by_name else {}
    check = checker(ctx)
    conditions: list[tree.Condition] = []
    row_ids: list[tuple[int, ...]] = []
    ids_seen: set[str] = set()
    for key, value in items:
        match = LEGACY_KEY.match(key)
        if not match:
            continue
        ref, type_ = match.group(1), match.group(2)
        if ref == "field_id" and type_ == "in":
            if key not in ids_seen:  # Baserow reads the first value of the key only
                ids_seen.add(key)
                row_ids.append(tuple(parse_ids(value)))
            continue
        field: Field | None
        if ref in names:
            field = names[ref]
        elif ref in STAMPS:
            field = STAMPS[ref]
        elif (numbered := FIELD_KEY.match(ref)) is not None:
            digits = numbered.group(1)
            number = int(digits) if len(digits) <= 4000 else digits  # int() stops at 4,300
            field = visible.get(number) if isinstance(number, int) else None
            if field is None:
                raise FilterFieldNotFound(number)
        else:
            continue
        check(field, type_)
        conditions.append(tree.Condition(field, type_, value.replace("\x00", "")))
    if not conditions and not any(row_ids):
        return None
    # the filter type is read as sent, not trimmed ("OR", any case; anything else is AND)
    op = "OR" if params.get("filter_type", "AND").upper() == "OR" else "AND"
    return Legacy(tree.Group(op, tuple(conditions)), tuple(r for r in row_ids if r))


def _with_stamps(model: TableModel) -> TableModel:
    """The model with the row timestamps readable as the STAMPS fields."""
    stamps = {fid: model.sql.c[column] for fid, column in STAMP_COLUMNS.items()}
    return dataclasses.replace(model, expressions={**model.expressions, **stamps})


def request_where(
    ctx: Ctx,
    model: TableModel,
    params: Mapping[str, str],
    by_name: bool,
    fields: tuple[int, ...] | None = None,
) -> Where | None:
    """The where() of the filters a list request asks for; None when it asks for none.
    `fields`: the fields the request sees (None: all)."""
    visible = {f.id: f for f in model.fields if fields is None or f.id in fields}
    raw = params.get("filters")
    if raw is not None:
        return _where(ctx, model, _json_tree(ctx, raw, by_name, visible))
    legacy = _legacy(ctx, params, by_name, visible)
    if legacy is None:
        return None
    where = _where(ctx, model, legacy.group)
    if not legacy.row_ids:
        return where

    def with_ids(m: TableModel) -> Any:
        parts: list[Any] = [m.sql.c.id.in_(ids) for ids in legacy.row_ids]
        found = where(m) if where is not None else None
        if found is not None:
            parts.append(found)
        return sa.or_(*parts) if legacy.group.op == "OR" else sa.and_(*parts)

    return with_ids


def _where(ctx: Ctx, model: TableModel, group: tree.Group) -> Where | None:
    where = where_for(ctx, model, group)
    if where is None or not any(c.field.id < 0 for c in group.conditions):
        return where
    return lambda m: where(_with_stamps(m))
