"""The row renderer of a page: stored row tuple -> row JSON, compiled once per model and set
of fields into one Python function that builds the row's dict in a single expression.

A page of 100 rows of 8 fields is 800 values; rendering them one field-type method call at a
time (look up the type, then its serialize, then what serialize reads of the field's props)
cost more than reading them. Here each field contributes its type's renderer (serialize with
the field's props worked out once, or nothing when the stored value is its JSON), and the
row is one dict display over the tuple's positions: `{"id": rid, "order": ..., "field_7":
r[2], "field_8": f1(r[3]), ...}`.

The generated source holds only positions (ints), the `field_<id>` keys (repr'd) and names
of this module's own making; values never go into it. serialize_rows_general (read.py) is
the plain way, kept as the reference this is tested against.
Imports: fields (the registry's types), models.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from decimal import Decimal
from typing import Any

from gridbase.fields.base import FieldType
from gridbase.models import Field
from gridbase.registry import Registry

Row = dict[str, Any]
RowRenderer = Callable[[Any, list[Any]], Row]
# (field, its position in the row tuple or None, whether its values come from `relations`)
Entry = tuple[Field, int | None, bool]

MEMO_KEY = "row_renderers"
KEPT_MAX = 64  # renderers kept per model (sets of fields: views, include/exclude)


def format_order(order: Any) -> str:
    """A row's order as Baserow writes it, 20 decimals. A float (SQLite's) by its exact
    value, as Baserow stores the float its order fractions give (round(Decimal(f), 20))."""
    if isinstance(order, Decimal):
        return f"{order:.20f}"
    return f"{Decimal(order):.20f}"


def row_renderer(
    field_types: Registry[FieldType],
    memo: MutableMapping[str, Any],
    id_position: int,
    order_position: int,
    entries: list[Entry],
) -> RowRenderer:
    """The renderer of rows read with these positions, kept in the model's `memo`. It is
    called as render(record, relations), `relations` holding, in field order, the row id ->
    value maps of the entries whose values come from there."""
    kept: dict[Any, tuple[tuple[Field, ...], RowRenderer]] = memo.setdefault(MEMO_KEY, {})
    # fields by identity: a field object of another schema (a field being changed) is
    # another renderer; the kept entry holds its fields, so their ids are not reused
    key = (
        id_position,
        order_position,
        tuple((id(f), position, related) for f, position, related in entries),
    )
    found = kept.get(key)
    if found is not None and all(
        a is b for a, b in zip(found[0], (e[0] for e in entries), strict=True)
    ):
        return found[1]
    render = compile_renderer(field_types, id_position, order_position, entries)
    if len(kept) >= KEPT_MAX:
        kept.clear()
    kept[key] = (tuple(e[0] for e in entries), render)
    return render


def compile_renderer(
    field_types: Registry[FieldType], id_position: int, order_position: int, entries: list[Entry]
) -> RowRenderer:
    env: dict[str, Any] = {"format_order": format_order, "__builtins__": {}}
    items = ['"id": rid', f'"order": format_order(r[{int(order_position)}])']
    relation = 0
    for k, (field, position, related) in enumerate(entries):
        render = field_types.get(field.type).renderer(field)
        if related:
            value = f"rels[{relation}].get(rid)"
            relation += 1
        elif position is not None:
            value = f"r[{int(position)}]"
        else:
            value = "None"
        if render is not None:
            env[f"f{k}"] = render
            value = f"f{k}({value})"
        items.append(f"{field.column_name!r}: {value}")
    source = (
        "def render(r, rels):\n"
        f"    rid = r[{int(id_position)}]\n"
        "    return {" + ", ".join(items) + "}\n"
    )
    exec(compile(source, "<row renderer>", "exec"), env)  # our own source, above
    made: RowRenderer = env["render"]
    return made
