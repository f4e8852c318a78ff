"""JSON values built in SQL, the same on SQLite and PostgreSQL: objects, arrays aggregated
in a given order, and option objects of select fields. Imports: storage.schema, sqlalchemy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by

from gridbase.storage import schema as s

Expr = sa.ColumnElement[Any]


def build_object(dialect: str, *pairs: tuple[str, Any]) -> Expr:
    args = [part for key, value in pairs for part in (key, value)]
    if dialect == "postgresql":
        return sa.func.json_build_object(*args)
    return sa.func.json_object(*args)


def aggregate(dialect: str, item: Expr, order: tuple[Any, ...]) -> Expr:
    """A JSON array of `item` over the selected rows, in `order` ("[]" for no rows). SQLite
    before 3.44 has no ORDER BY inside aggregates: there rows come in the order the query
    reads them (its callers read a junction by its index, which is that order)."""
    if dialect == "postgresql":
        agg = sa.func.json_agg(aggregate_order_by(item, *order) if order else item)
        return sa.func.coalesce(agg, sa.literal_column("'[]'::json"))
    return sa.func.json_group_array(item)


def option_object(dialect: str, option_id: Expr) -> Expr:
    """{"id", "value", "color"} of the select option `option_id` (NULL when none)."""
    o = s.select_options
    obj = build_object(dialect, ("id", o.c.id), ("value", o.c.value), ("color", o.c.color))
    return sa.select(obj).where(o.c.id == option_id).correlate_except(o).scalar_subquery()


def options_array(dialect: str, junction: sa.FromClause, row_id: Expr) -> Expr:
    """The option objects a row holds in a multiple select's junction, in the order written."""
    o = s.select_options
    obj = build_object(dialect, ("id", o.c.id), ("value", o.c.value), ("color", o.c.color))
    return (
        sa.select(aggregate(dialect, obj, (junction.c.id,)))
        .select_from(junction.join(o, o.c.id == junction.c.option_id))
        .where(junction.c.row_id == row_id)
        .correlate_except(junction, o)  # to the row, however deep it sits in the query
        .scalar_subquery()
    )


def items_array(dialect: str, items: Any) -> Expr:
    """An array field's value (fields.base.Items): [{"id", "value"}, ...] in its order. A
    whole value is JSON itself (SQLite loses that mark through a subquery: json() again)."""
    value = items.value
    if items.whole is not None:
        value = items.whole if dialect == "postgresql" else sa.func.json(items.whole)
    obj = build_object(dialect, ("id", items.item_id), ("value", value))
    return (
        sa.select(aggregate(dialect, obj, items.order))
        .select_from(items.joined)
        .where(items.correlate)
        .scalar_subquery()
    )


# --- reading -----------------------------------------------------------------------------


def get_text(dialect: str, obj: Expr, key: str) -> Expr:
    """obj[key] as text (a JSON string's content; NULL when absent)."""
    if dialect == "postgresql":
        return sa.func.json_extract_path_text(obj, key)
    return sa.func.json_extract(obj, f"$.{key}")


def get_json(dialect: str, obj: Expr, key: str) -> Expr:
    """obj[key] written as JSON (a string with its quotes), as Baserow matches `::text`."""
    if dialect == "postgresql":
        return sa.cast(sa.func.json_extract_path(obj, key), sa.Text)
    return sa.func.json_quote(sa.func.json_extract(obj, f"$.{key}"))


def elements(dialect: str, array: Expr) -> sa.TableValuedAlias:
    """The elements of a JSON array as rows (column `value`), for EXISTS subqueries."""
    if dialect == "postgresql":  # a JSON value, or JSON kept as text (file cells)
        return sa.func.json_array_elements(sa.cast(array, JSON)).table_valued("value")
    return sa.func.json_each(array).table_valued("value")
