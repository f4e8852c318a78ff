"""Reading a user table's rows back as Baserow's row JSON (keyed `field_<id>`; the API
layer renames keys for user_field_names), with linked rows named by their primary text.

Imports: fields (display), models, storage, usertable (context, model, load).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from gridbase.fields.display import value_text
from gridbase.models import Field
from gridbase.storage import schema
from gridbase.storage.kept import linked_texts, meta_clock, statements, versions
from gridbase.storage.kept.versions import VERSION_COLUMN
from gridbase.usertable import renderers
from gridbase.usertable.context import TableContext
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel
from gridbase.usertable.renderers import format_order

Row = dict[str, Any]


def serialize_rows(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    records: list[Any],
    fields: list[Field],
) -> list[Row]:
    """Stored rows (as a select of model.columns reads them) -> row JSON."""
    return _serialize(ctx, conn, model, records, fields, general=False)


def serialize_rows_general(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    records: list[Any],
    fields: list[Field],
) -> list[Row]:
    """serialize_rows the plain way, a field type's serialize per value: the reference the
    compiled row renderer is held to (tests/test_render_equivalence.py)."""
    return _serialize(ctx, conn, model, records, fields, general=True)


def _serialize(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    records: list[Any],
    fields: list[Field],
    *,
    general: bool,
) -> list[Row]:
    if records and VERSION_COLUMN in records[0]._fields:  # before anything else is read
        names = records[0]._fields
        # the clock first: a retry after a moved schema must not use look-ups kept under the
        # old clock (they hold the old schema version, and the retry would meet it again)
        meta_clock.seen(conn, records[0][names.index(meta_clock.COLUMN)])
        versions.check_version(model.table.schema_version, records[0][names.index(VERSION_COLUMN)])
    ids = [r.id for r in records]
    relation_values: dict[int, dict[int, Any]] = _unfolded(records, fields)
    for field in fields:
        junction = model.relations.get(field.id)
        if junction is not None and ids and field.id not in relation_values:
            ft = ctx.field_types.get(field.type)
            target = ft.links_to(field)
            joined = (
                _joined_link_values(ctx, conn, field, junction, target, ids)
                if target is not None and not ctx.db.is_sqlite
                else None
            )
            if joined is not None:
                relation_values[field.id] = joined
                continue
            relation_values[field.id] = ft.load_relation(conn, field, junction, ids)
            if target is not None:
                relation_values[field.id] = link_values(
                    ctx, conn, target, relation_values[field.id]
                )
    if not records:
        return []
    # Where each field's value is: its junction values, a position in the row tuple, or nowhere.
    positions = {name: i for i, name in enumerate(records[0]._fields)}

    plan = [
        (
            f,
            ctx.field_types.get(f.type),
            f.column_name,
            relation_values.get(f.id),
            positions.get(f.column_name),
        )
        for f in fields
    ]
    # values that stand for others (user ids for users), read once for the whole page
    for i, (field, ft, name, related, position) in enumerate(plan):
        if ft.resolves_values and position is not None and related is None:
            found = ft.resolve_values(conn, field, {r[position] for r in records})
            plan[i] = (field, ft, name, {r.id: found.get(r[position]) for r in records}, None)
    if not general:
        render = renderers.row_renderer(
            ctx.field_types,
            model.memo,
            positions["id"],
            positions["order"],
            [(f, position, related is not None) for f, _ft, _name, related, position in plan],
        )
        relations = [related for *_, related, _position in plan if related is not None]
        return [render(record, relations) for record in records]
    out = []
    for record in records:
        row_id = record.id
        row: Row = {"id": row_id, "order": format_order(record.order)}
        for field, ft, name, related, position in plan:
            if related is not None:
                row[name] = ft.serialize(field, related.get(row_id))
            elif position is not None:
                row[name] = ft.serialize(field, record[position])
            else:
                row[name] = ft.serialize(field, None)
        out.append(row)
    return out


FOLDED = "gb_links_"  # + a link field's id: its values, read by the row select itself


@dataclass(frozen=True)
class Folded:
    """PostgreSQL: link fields' values read by a by-id row select itself, one round trip
    instead of two (bench.cpu get one row, 5,000 rows: 1.1-1.5 -> 0.76-0.91 ms of server
    CPU, 0.64-0.83 -> 0.51-0.59 ms of database CPU). Not for pages: a subquery per row cost
    the database more than the one join of _joined_link_values (list page 1: +1 ms).
    Each is a column FOLDED + field id holding `[[id, order, value], ...]` in the linked
    table's order, NULL when the linked table's schema is no longer the one the column was
    built from (then the field is read the usual way)."""

    key: tuple[tuple[int, int, int], ...]  # (field id, linked table, its schema version)
    columns: list[sa.ColumnElement[Any]]

    @contextmanager
    def reading(self, ctx: TableContext) -> Iterator[None]:
        """Around the select: a column a kept linked model names may be gone, and then the
        statement fails and the service call runs again (storage.engine.retryable), with
        those models forgotten so that the usual read loads the current ones."""
        try:
            yield
        except Exception:
            for _field, target, _version in self.key:
                ctx.kept.models.drop(target)
            raise


NOTHING_FOLDED = Folded((), [])


def folded_links(
    ctx: TableContext, model: TableModel, fields: list[Field], *, sqlite: bool
) -> Folded:
    """The link fields of `fields` whose values the row select can read itself: on
    PostgreSQL, those to a table whose model is kept (ctx.kept.models.latest) and whose
    primary field is stored as text (its value names the row, as _texts_of gives it) or
    missing. Kept with the model's statements, per set of linked schemas."""
    if sqlite:
        return NOTHING_FOLDED
    linked: list[tuple[Field, int, int, TableModel]] = []
    for field in fields:
        if field.id in model.relations:
            target = ctx.field_types.get(field.type).links_to(field)
            latest = ctx.kept.models.latest(target) if target is not None else None
            if target is not None and latest is not None:
                linked.append((field, target, *latest))
    if not linked:
        return NOTHING_FOLDED
    key = tuple((f.id, target, version) for f, target, version, _m in linked)
    return statements.on_table(
        model.sql, "gridbase_folded", key, lambda: _folded(ctx, model, linked)
    )


def _folded(
    ctx: TableContext, model: TableModel, linked: list[tuple[Field, int, int, TableModel]]
) -> Folded:
    key: list[tuple[int, int, int]] = []
    columns: list[sa.ColumnElement[Any]] = []
    for field, target, version, linked_model in linked:
        linked_t = linked_model.sql.alias("gb_linked")
        value = stored_name(ctx, linked_model, linked_t)
        if value is None:
            continue
        mine, other = ctx.field_types.get(field.type).junction_sides(field)
        junction = model.relations[field.id]
        # IN: a row linked twice is named once
        linked_ids = (
            sa.select(junction.c[other])
            .where(junction.c[mine] == model.sql.c.id)
            .correlate(model.sql)
        )
        item = sa.func.json_build_array(linked_t.c.id, sa.cast(linked_t.c.order, sa.Text), value)
        items = sa.func.json_agg(aggregate_order_by(item, linked_t.c.order, linked_t.c.id))
        values = (
            sa.select(sa.cast(items, sa.Text))
            .where(linked_t.c.id.in_(linked_ids))
            .correlate(model.sql)
            .scalar_subquery()
        )
        same = schema.live_version(target).scalar_subquery() == version
        column = sa.case((same, sa.func.coalesce(values, "[]")), else_=sa.null())
        columns.append(column.label(f"{FOLDED}{field.id}"))
        key.append((field.id, target, version))
    return Folded(tuple(key), columns) if key else NOTHING_FOLDED


def stored_name(
    ctx: TableContext, linked: TableModel, table: sa.FromClause
) -> sa.ColumnElement[Any] | None:
    """SQL naming a row of `linked` read from `table` (its table or an alias of it) as
    _texts_of names it: its primary field's stored text, "" when blank; None when the
    primary is not a text column of the row (then serialize names it)."""
    primary = linked.primary
    if primary is None:
        return sa.literal("")
    stored = linked.expressions.get(primary.id)
    if not isinstance(stored, sa.Column) or not ctx.field_types.get(primary.type).stores_text:
        return None
    # a text column holds text (SQLite's affinity turns numbers into text): it names the row
    return sa.func.coalesce(table.c[stored.name], "")


def _unfolded(records: list[Any], fields: list[Field]) -> dict[int, dict[int, Any]]:
    """The link values a row select read itself (Folded), per field whose column is there
    and holds them for every row."""
    if not records:
        return {}
    names = records[0]._fields
    out: dict[int, dict[int, Any]] = {}
    for field in fields:
        name = f"{FOLDED}{field.id}"
        if name not in names:
            continue
        at = names.index(name)
        if any(r[at] is None for r in records):
            continue  # the linked table's schema moved: read the usual way
        out[field.id] = {
            r.id: [
                {"id": i, "value": value, "order": order} for i, order, value in orjson.loads(r[at])
            ]
            for r in records
        }
    return out


def primary_texts(
    ctx: TableContext, conn: sa.Connection, model: TableModel, row_ids: list[int]
) -> linked_texts.Texts:
    """row id -> (order, primary value as text) for the rows of `model` that exist."""
    return _primary_texts(ctx, conn, model, row_ids)[0]


def _primary_texts(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    row_ids: list[int],
    *,
    versioned: bool = False,
) -> tuple[linked_texts.Texts, int | None]:
    """primary_texts, and with `versioned` the table's schema version as the statement saw
    it (None when no row was found)."""
    out: linked_texts.Texts = {}
    version = None
    primary = model.primary
    t = model.sql

    def build() -> sa.Select[Any]:
        columns = model.columns([primary] if primary is not None else [])
        if versioned:
            tables = schema.database_tables
            columns.append(
                sa.select(tables.c.schema_version)
                .where(tables.c.id == model.table.id)
                .scalar_subquery()
                .label("table_version")
            )
        return sa.select(*columns).where(t.c.id.in_(sa.bindparam("ids", expanding=True)))

    unique = list(dict.fromkeys(row_ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        records = model.records(conn, ("primary_texts", versioned), build, {"ids": chunk})
        out.update(_texts_of(ctx, conn, model, records))
        if records and versioned:
            version = records[-1].table_version
    return out, version


def _texts_of(
    ctx: TableContext, conn: sa.Connection, model: TableModel, records: list[Any]
) -> linked_texts.Texts:
    """row id -> (order, primary text) of records read with model.columns([primary])."""
    primary = model.primary
    if primary is None:
        return {r.id: (format_order(r.order), "") for r in records}
    rows = serialize_rows(ctx, conn, model, records, [primary])
    name = primary.column_name
    # blank or null: "" (as in Baserow 1.35.3)
    return {row["id"]: (row["order"], value_text(row.get(name))) for row in rows}


LINK_ROW = "gb_link_row"  # what the joined read names the linking row's id as
LINKED_VERSION = "gb_linked_version"  # ... and the linked table's schema version


def _joined_link_values(
    ctx: TableContext,
    conn: sa.Connection,
    field: Field,
    junction: sa.Table,
    target: int,
    ids: list[int],
) -> dict[int, list[dict[str, Any]]] | None:
    """PostgreSQL, where linked texts are not kept: a link field's values for these rows in
    one statement - its junction rows joined to the linked rows' primary values, with the
    linked table's schema version (None once it is in the trash) - instead of three (the
    junction rows, the linked table, its texts). Read with the linked table's last model;
    None when that model is not the table's current one (read again the usual way, which
    loads the current one)."""
    latest = ctx.kept.models.latest(target)
    if latest is None:
        return None
    version, linked = latest
    primary = linked.primary
    mine, other = ctx.field_types.get(field.type).junction_sides(field)

    def build() -> sa.Select[Any]:
        t = linked.sql
        columns: list[sa.ColumnElement[Any]] = [t.c.id, t.c.order]
        expression = linked.expressions.get(primary.id) if primary is not None else None
        if primary is not None and expression is not None:
            columns.append(expression.label(primary.column_name))
        version_now = schema.live_version(linked.table.id).scalar_subquery()
        return (
            sa.select(junction.c[mine].label(LINK_ROW), *columns, version_now.label(LINKED_VERSION))
            .select_from(junction.join(t, t.c.id == junction.c[other]))
            .where(junction.c[mine].in_(sa.bindparam("ids", expanding=True)))
            .order_by(junction.c.id)
        )

    try:
        records = linked.records(conn, ("linked_by", junction.name, mine), build, {"ids": ids})
    except Exception:
        # a column the kept model names is gone: the call runs again (storage.engine.retryable),
        # and then loads the current model
        ctx.kept.models.drop(target)
        raise
    if not records:
        return {}
    if records[0][-1] != version:
        return None
    by_target = {r.id: r for r in records}
    texts = _texts_of(ctx, conn, linked, list(by_target.values()))
    linked_ids: dict[int, list[int]] = defaultdict(list)
    for record in records:
        linked_ids[record[0]].append(record.id)
    return _arranged(linked_ids, texts)


def _linked_primary(ctx: TableContext, table_id: int) -> linked_texts.Primary | None:
    latest = ctx.kept.models.latest(table_id)
    if latest is None:
        return None
    model = latest[1]
    return linked_texts.Primary(model.primary_stored, model.reads_clock)


def _read_linked_texts(
    ctx: TableContext, conn: sa.Connection, table_id: int, row_ids: list[int]
) -> linked_texts.Texts:
    """On SQLite the linked table's last model goes first, with the table's schema version
    read by the same statement: one statement instead of two (the table row, then the
    texts) while that schema holds still; otherwise the usual way."""
    latest = ctx.kept.models.latest(table_id)
    # a failed statement would end a PostgreSQL transaction
    if latest is not None and conn.dialect.name == "sqlite":
        version, model = latest
        try:
            texts, seen = _primary_texts(ctx, conn, model, row_ids, versioned=True)
        # a column the cached model names is gone (a Prepared statement raises the driver's
        # error as it is)
        except (sa.exc.OperationalError, sqlite3.OperationalError):
            pass
        else:
            if seen is None or seen == version:  # no row found: there is nothing to name either way
                return texts
    return primary_texts(ctx, conn, model_of(ctx, conn, table_id), row_ids)


def link_values(
    ctx: TableContext, conn: sa.Connection, target: int, linked: dict[int, list[int]]
) -> dict[int, list[dict[str, Any]]]:
    """row id -> [{"id", "value", "order"}] of its linked rows, in the linked table's order."""
    every = [i for ids in linked.values() for i in ids]
    if not every:
        return {row_id: [] for row_id in linked}
    # (may hold many more texts, kept)
    texts = linked_texts.texts(
        conn,
        target,
        every,
        lambda ids: _read_linked_texts(ctx, conn, target, ids),
        lambda: _linked_primary(ctx, target),
    )
    return _arranged(linked, texts)


def _arranged(
    linked: dict[int, list[int]], texts: linked_texts.Texts
) -> dict[int, list[dict[str, Any]]]:
    """row id -> its linked rows that exist, once each, as items in the linked table's order."""
    every = [i for ids in linked.values() for i in ids]
    # Once per linked row, not per link, and only for these rows: its place among them in
    # the linked table's order (order, id).
    present = [i for i in dict.fromkeys(every) if i in texts]
    present.sort(key=lambda i: (Decimal(texts[i][0]), i))
    place = {i: k for k, i in enumerate(present)}
    out = {}
    for row_id, ids in linked.items():
        if len(ids) == 1:  # (most links: no duplicates to drop, nothing to sort)
            found = ids if ids[0] in place else []
        else:
            found = sorted({i for i in ids if i in place}, key=place.__getitem__)
        out[row_id] = [{"id": i, "value": texts[i][1], "order": texts[i][0]} for i in found]
    return out
