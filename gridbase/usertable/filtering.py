"""Filters over a user table: a parsed filter tree (filters.tree) compiled against a table
model into one where() clause, with what the filter layer cannot know itself: the clock, the
dialect, linked tables' primary text (link-row filters) and lookups' items.

Imports: errors, fields.base, filters, models, usertable (context, load, model, query).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from gridbase.errors import TableDoesNotExist
from gridbase.fields.base import Items
from gridbase.filters import tree
from gridbase.filters.base import Clause, Target
from gridbase.models import Field
from gridbase.usertable.context import TableContext
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import Where

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
    ctx: TableContext,
    model: TableModel,
    field: Field,
    related: Mapping[int, TableModel] | None = None,
    arrays: Mapping[int, Items] | None = None,
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
    # the linked table under a name of its own: it may be the filtered table itself
    linked = other.sql.alias()
    return dataclasses.replace(base, link_text=(linked, ClauseAdapter(linked).traverse(text)))


def related_models(
    ctx: TableContext, conn: sa.Connection | None, group: tree.Group
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
                out[table_id] = model_of(ctx, c, table_id)
            except TableDoesNotExist:  # a dangling link target filters as "no text"
                continue
        return out

    if conn is not None:
        return load(conn)
    with ctx.db.read() as fresh:
        return load(fresh)


def array_sources(
    ctx: TableContext, conn: sa.Connection | None, model: TableModel, group: tree.Group
) -> dict[int, Items]:
    """For array fields in `group` (lookups, array formulas): their items, which the has_*
    filters and emptiness test."""
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

    # built once per model: each one's SQL follows from the model's schema and what its
    # fields read in other tables, whose changes give the model a new schema version
    kept: dict[int, Items | None] = model.memo.setdefault("items", {})
    found = {fid: kept[fid] for fid in wanted if fid in kept}

    def load(c: sa.Connection) -> None:
        for fid, f in wanted.items():
            if fid not in found:
                found[fid] = ctx.field_types.get(f.type).items_source(ctx, c, f, model.sql)
                if model.by_id.get(fid) == f:  # (a field of the model as it is)
                    kept[fid] = found[fid]

    if len(found) < len(wanted):
        if conn is not None:
            load(conn)
        else:
            with ctx.db.read() as fresh:
                load(fresh)
    return {fid: source for fid, source in found.items() if source is not None}


def where_for(
    ctx: TableContext, model: TableModel, group: tree.Group, conn: sa.Connection | None = None
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
