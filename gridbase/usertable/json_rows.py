"""SQLite: a page's rows as JSON text made by SQLite itself (json_object per row), for the
list endpoint. The compiled renderer (renderers.py) builds each row's dict in Python from
converted values and orjson encodes it; here the same JSON comes out of the query (a list
request of the bench table: 1.4 -> 1.15 ms CPU, 1.1 -> 0.85 ms without its link field).

Each field type says how its stored value becomes that JSON (FieldType.json_sql) and where
that is exactly what serialize gives; the page's select reads one JSON text per row, NULL
where a value is not exact. A page is only answered from here when every field has a
json_sql and every row's text is there - otherwise (or with None from row_json) the caller
renders it the usual way, so both answer the same bytes (tests/api/test_json_rows.py).

Imports: fields (through the registry), models, storage.kept, usertable (context, load, model,
read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from gridbase.models import Field
from gridbase.storage.kept import statements
from gridbase.usertable.context import TableContext
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel
from gridbase.usertable.read import stored_name

JSON_COLUMN = "gb_json"
# A row's order is a double, which format_order writes from its shortest repr with 20
# decimals. SQLite's printf is exact to 15 digits only (printf('%.20f', 31.0) is
# "30.99999999999999000000"): whole numbers below 10**15 are written as integers, multiples
# of 1/1024 below 100,000 with their 10 decimals (at most 15 digits), then padded with zeros.
_STEP = 1024
_PAD = "0" * 10


def _order(expr: sa.ColumnElement[Any]) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[bool]]:
    whole = expr == sa.cast(expr, sa.Integer)
    fine = expr * _STEP
    text = sa.case(
        (whole, sa.func.printf("%d", expr) + "." + _PAD + _PAD),
        else_=sa.func.printf("%.10f", expr) + _PAD,
    )
    exact = sa.or_(
        sa.and_(whole, sa.func.abs(expr) < 10**15),
        sa.and_(fine == sa.cast(fine, sa.Integer), sa.func.abs(expr) < 100_000),
    )
    return text, exact


def _links(
    ctx: TableContext, model: TableModel, field: Field, linked: TableModel | None
) -> sa.ColumnElement[Any] | None:
    """A link field's [{"id", "value", "order"}] in the `linked` table's order, or SQL NULL
    where a linked row's order is not exact (which the caller finds as `"key":null`)."""
    ft = ctx.field_types.get(field.type)
    junction = model.relations.get(field.id)
    if linked is None or junction is None:
        return None
    l_table = linked.sql.alias("gb_linked")
    value = stored_name(ctx, linked, l_table)
    if value is None:
        return None
    mine, other = ft.junction_sides(field)
    # DISTINCT: a row linked twice is named once; an aggregate over a subquery with ORDER
    # BY reads its rows in that order (SQLite does not flatten it into the aggregate)
    rows = (
        sa.select(l_table.c.id, value.label("value"), l_table.c.order)
        .distinct()
        .select_from(junction.join(l_table, l_table.c.id == junction.c[other]))
        .where(junction.c[mine] == model.sql.c.id)
        .order_by(l_table.c.order, l_table.c.id)
        .correlate(model.sql)
        .subquery()
    )
    order, exact = _order(rows.c.order)
    item = sa.func.json_object("id", rows.c.id, "value", rows.c.value, "order", order)
    array = sa.select(
        sa.case(
            (sa.func.min(sa.cast(exact, sa.Integer)) == 0, sa.null()),
            else_=sa.func.json_group_array(item),
        )
    )
    return sa.func.json(array.correlate(model.sql).scalar_subquery())


@dataclass(frozen=True)
class RowJson:
    key: Any  # what a statement reading `column` is kept under (with the model's)
    column: sa.ColumnElement[Any]  # a row's JSON text, labelled JSON_COLUMN
    inexact: list[bytes]  # what a row's JSON holds where a link field's value was not exact


def row_json(
    ctx: TableContext, conn: sa.Connection, model: TableModel, fields: list[Field], by_name: bool
) -> RowJson | None:
    """How a page select reads its rows' JSON, keyed by name or `field_<id>`; None when a
    field has no json_sql (or a field named id or order would collide with those keys).
    Kept with the model's statements, per set of fields and the linked tables' schemas."""
    linked = {
        f.id: model_of(ctx, conn, target)
        for f in fields
        if f.id in model.relations
        and (target := ctx.field_types.get(f.type).links_to(f)) is not None
    }
    versions = tuple((i, m.table.schema_version) for i, m in linked.items())
    key = ("row_json", tuple(f.id for f in fields), by_name, versions)
    return statements.on_table(
        model.sql,
        "gridbase_row_json",
        key,
        lambda: _row_json(ctx, model, fields, by_name, key, linked),
    )


def _row_json(
    ctx: TableContext,
    model: TableModel,
    fields: list[Field],
    by_name: bool,
    key: Any,
    linked: dict[int, TableModel],
) -> RowJson | None:
    if by_name and any(f.name in ("id", "order") for f in fields):
        return None
    t = model.sql
    order, exact = _order(t.c.order)
    pairs: list[Any] = ["id", t.c.id, "order", order]
    checks = [exact]
    inexact: list[bytes] = []
    for f in fields:
        name = f.name if by_name else f.column_name
        if f.id in model.relations:
            links = _links(ctx, model, f, linked.get(f.id))
            if links is None:
                return None
            pairs += [name, links]
            inexact.append(orjson.dumps(name) + b":null")
            continue
        expr = model.expressions.get(f.id)
        made = ctx.field_types.get(f.type).json_sql(f, expr) if expr is not None else None
        if made is None:
            return None
        pairs += [name, made[0]]
        if made[1] is not None:
            checks.append(made[1])
    # NULL where a value's JSON would not be serialize's
    column = sa.case((sa.and_(*checks), sa.func.json_object(*pairs)), else_=sa.null())
    return RowJson(key, column.label(JSON_COLUMN), inexact)


def page_json(rows: list[tuple[Any, ...]], inexact: list[bytes]) -> bytes | None:
    """The JSON array of the rows read with row_json's column; None when one is not exact."""
    texts = [row[0] for row in rows]
    if None in texts:
        return None
    joined = ("[" + ",".join(texts) + "]").encode()
    # (or a text that holds the same characters: then rendered the usual way too)
    return None if any(found in joined for found in inexact) else joined
