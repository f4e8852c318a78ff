"""Row filters a list request asks for: the `filters` JSON or legacy `filter__` parameters,
checked against the fields the request may see and compiled by usertable.filtering.

Imports: core.context, errors, filters, models, usertable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gridbase.core.context import Ctx
from gridbase.errors import FilterFieldNotFound
from gridbase.filters import tree
from gridbase.models import Field
from gridbase.usertable.filtering import where_for
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import Where


def checker(ctx: Ctx) -> Callable[[Field, str], None]:
    return lambda field, type_: tree.check_condition(
        ctx.field_types, ctx.filter_types, field, type_
    )


def request_tree(
    ctx: Ctx,
    model: TableModel,
    params: Mapping[str, str],
    by_name: bool,
    fields: tuple[int, ...] | None = None,
) -> tree.Group | None:
    """The filters a list request asks for: the `filters` JSON, else legacy parameters."""
    visible = {f.id: f for f in model.fields if fields is None or f.id in fields}
    names = {f.name: f for f in visible.values()}
    check = checker(ctx)
    raw = params.get("filters")
    if raw is not None:

        def resolve(ref: Any) -> Field:
            if isinstance(ref, str) and by_name and ref in names:
                return names[ref]
            try:
                field_id = int(ref)
            except (TypeError, ValueError):
                raise FilterFieldNotFound(ref) from None
            if field_id not in visible:
                raise FilterFieldNotFound(ref)
            return visible[field_id]

        return tree.build_tree(tree.parse_json(raw), resolve, check)
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    legacy = [(k, v) for k, v in items if k.startswith("filter__")]
    if not legacy:
        return None
    return tree.legacy_tree(legacy, params.get("filter_type", "AND"), by_name, visible, check)


def request_where(
    ctx: Ctx,
    model: TableModel,
    params: Mapping[str, str],
    by_name: bool,
    fields: tuple[int, ...] | None = None,
) -> Where | None:
    """The where() of the filters a list request asks for; None when it asks for none."""
    group = request_tree(ctx, model, params, by_name, fields)
    return where_for(ctx, model, group) if group is not None else None
