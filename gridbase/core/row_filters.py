"""Row filtering for list endpoints: request parameters or a view's saved filters -> where().

Installed as ctx.hooks["parse_filters"]; the filter layer parses and compiles, this module
supplies what it cannot know itself (the clock, the dialect, linked tables' primary text).
Imports: core.table_model, filters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from gridbase.core import table_model
from gridbase.core.context import Ctx
from gridbase.core.table_model import TableModel
from gridbase.errors import FilterFieldNotFound, TableDoesNotExist
from gridbase.filters import default_filter_types, tree
from gridbase.filters.base import Clause, Target
from gridbase.models import Field

Where = Callable[[TableModel], Clause | None]
LINK_FILTERS = frozenset(
    {
        "link_row_contains",
        "link_row_not_contains",
        "contains",
        "contains_not",
        "contains_word",
        "doesnt_contain_word",
    }
)


def target(
    ctx: Ctx,
    model: TableModel,
    field: Field,
    related: Mapping[int, TableModel] | None = None,
    arrays: Mapping[int, Any] | None = None,
) -> Target:
    base = Target(
        field,
        ctx.field_types.get(field.type),
        model.expression(field.id),
        model.sql.c.id,
        model.relations.get(field.id),
        ctx.clock,
        ctx.db.dialect,
    )
    if arrays and field.id in arrays:
        return dataclasses.replace(base, items=arrays[field.id])
    links_to = base.field_type.links_to(field)
    if links_to is None or not related or links_to not in related:
        return base
    other = related[links_to]
    primary = other.primary
    if primary is None:
        return base
    text = target(ctx, other, primary).text()
    if text is None:
        return base
    return Target(
        base.field,
        base.field_type,
        base.expr,
        base.row_id,
        base.junction,
        base.clock,
        base.dialect,
        (other.sql, text),
    )


def related_models(
    ctx: Ctx, conn: sa.Connection | None, group: tree.Group
) -> dict[int, TableModel]:
    """Models of the tables that link-row text filters in `group` read."""
    wanted: set[int] = set()

    def walk(g: tree.Group) -> None:
        for c in g.conditions:
            links_to = ctx.field_types.get(c.field.type).links_to(c.field)
            if links_to is not None and c.type in LINK_FILTERS:
                wanted.add(links_to)
        for child in g.groups:
            walk(child)

    walk(group)
    if not wanted:
        return {}

    def load(c: sa.Connection) -> dict[int, TableModel]:
        out = {}
        for table_id in wanted:
            try:
                out[table_id] = table_model.model_for(ctx, c, table_model.load_table(c, table_id))
            except TableDoesNotExist:  # a dangling link target filters as "no text"
                continue
        return out

    if conn is not None:
        return load(conn)
    with ctx.db.read() as fresh:
        return load(fresh)


def array_sources(
    ctx: Ctx, conn: sa.Connection | None, model: TableModel, group: tree.Group
) -> dict[int, Any]:
    """For lookup fields in `group`: the linked values their has_value_* filters test."""
    wanted: dict[int, Field] = {}

    def walk(g: tree.Group) -> None:
        for c in g.conditions:
            if ctx.field_types.get(c.field.type).reads_items:
                wanted[c.field.id] = c.field
        for child in g.groups:
            walk(child)

    walk(group)
    if not wanted:
        return {}

    def load(c: sa.Connection) -> dict[int, Any]:
        found = {
            fid: ctx.field_types.get(f.type).items_source(ctx, c, f, model.sql)
            for fid, f in wanted.items()
        }
        return {fid: source for fid, source in found.items() if source is not None}

    if conn is not None:
        return load(conn)
    with ctx.db.read() as fresh:
        return load(fresh)


def where_for(
    ctx: Ctx, model: TableModel, group: tree.Group, conn: sa.Connection | None = None
) -> Where | None:
    if group.empty:
        return None
    related = related_models(ctx, conn, group)
    arrays = array_sources(ctx, conn, model, group)

    def where(m: TableModel) -> Clause | None:
        return tree.compile_group(
            group, ctx.filter_types, lambda f: target(ctx, m, f, related, arrays)
        )

    return where


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


def parse_filters(ctx: Ctx) -> Callable[..., Where | None]:
    def parse(
        model: TableModel,
        params: Mapping[str, str],
        by_name: bool,
        fields: tuple[int, ...] | None = None,
    ) -> Where | None:
        group = request_tree(ctx, model, params, by_name, fields)
        return where_for(ctx, model, group) if group is not None else None

    return parse


def install(ctx: Ctx) -> None:
    """Register the filter registry and the list endpoints' filter hook on a context."""
    if ctx.filter_types is None:
        ctx.filter_types = default_filter_types()
    ctx.hooks["parse_filters"] = parse_filters(ctx)
    from gridbase.core import search  # search builds on this module

    search.install(ctx)
