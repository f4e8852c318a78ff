"""Baserow's order_by_fields_string: the `order_by` text of a row list or an export read
into sorts against a table model. Pure.
Imports: errors, fields, models, usertable.
"""

from __future__ import annotations

import csv
import re

from gridbase.errors import OrderByFieldNotFound, OrderByFieldNotPossible
from gridbase.fields import FieldTypes
from gridbase.models import Field
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import Sort

SORT_TYPE = re.compile(r"\[(.*?)\]")
NOT_DIGITS = re.compile(r"[^0-9]")


def split_names(value: str) -> list[str]:
    """Baserow's split_comma_separated_string: the value read as one CSV line (a name with
    commas in "...", \\" for a quote). Python's csv refuses a bare line break (Baserow
    answers 500); here it is an ordinary character of a name."""
    breaks = {"\r": "\ue000", "\n": "\ue001"}  # private-use stand-ins, put back after
    if any(c in value for c in breaks.values()):
        breaks = {}
    for char, stand_in in breaks.items():
        value = value.replace(char, stand_in)
    try:
        names = next(csv.reader([value], delimiter=",", quotechar='"', escapechar="\\"), [])
    except csv.Error:  # a line break left in: read it as one name
        names = [value]
    for char, stand_in in breaks.items():
        names = [n.replace(stand_in, char) for n in names]
    return names


def field_id_of(key: str) -> int | None:
    """Baserow's non-strict get_field_id_from_field_key: every digit in the key, read as one
    number ("field_12" -> 12, "id_1_2" -> 12)."""
    digits = NOT_DIGITS.sub("", key)
    # past 18 digits no field has the id; int() would also refuse past 4,300 (ValueError)
    return int(digits) if digits and len(digits) <= 18 else None


def order_by(
    model: TableModel,
    field_types: FieldTypes,
    value: str,
    by_name: bool,
    fields: tuple[int, ...] | None = None,
) -> tuple[Sort, ...]:
    """Baserow's order_by_fields_string: comma separated field ids (any text holding the
    id's digits) or, by name, names with an optional -/+ prefix; a `[type]` anywhere picks
    the sort type. Only the `fields` the request sees can be named."""
    sorts = []
    seen = model.fields if fields is None else [f for f in model.fields if f.id in fields]
    for token in split_names(value):
        field: Field | None
        if by_name:
            name = token[1:] if token[:1] in ("-", "+") else token
            field = next((f for f in seen if f.name == name), None)
        else:
            field_id = field_id_of(token)
            field = next((f for f in seen if f.id == field_id), None)
        if field is None:
            raise OrderByFieldNotFound(token)
        found = SORT_TYPE.search(token)
        sort_type = found.group(1) if found else "default"
        if not field_types.get(field.type).sortable(field, sort_type):
            shown = field.name if by_name else field.column_name
            raise OrderByFieldNotPossible(
                f"It is not possible to order by {shown} using sort type {sort_type} "
                f"because the field type {field.type} does not support it."
            )
        sorts.append(Sort(field.id, token[:1] == "-", sort_type))
    return tuple(sorts)
