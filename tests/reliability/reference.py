"""Python reference evaluation of filters and search over the values Baserow shows (the
wire values of tests/reliability/model.py), by Baserow's rules: values are trimmed, a blank
value switches a filter off, a value the field cannot hold matches no row, and a negation
keeps exactly the rows its positive filter drops."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

# field kind (model.kind_of) -> the positive filters checked, and their negations
FILTERS: dict[str, tuple[str, ...]] = {
    "text": ("equal", "contains", "empty"),
    "number": ("equal", "contains", "higher_than", "lower_than", "empty"),
    "boolean": ("boolean",),
    "link": ("link_row_has", "empty"),
    "array": ("empty",),
}
NEGATIONS = {
    "equal": "not_equal",
    "contains": "contains_not",
    "empty": "not_empty",
    "link_row_has": "link_row_has_not",
}

# Baserow's boolean words, exactly (tests/filters/test_properties.py has the same list)
BOOLEANS = {**dict.fromkeys(["t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                             "on", "On", "ON", "1", "checked"], True),
            **dict.fromkeys(["f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
                             "off", "Off", "OFF", "0", "0.0", "unchecked"], False)}  # fmt: skip


def simple_upper(s: str) -> str:
    """Upper case one character at a time, as PostgreSQL's upper() does ("ß" stays "ß")."""
    return "".join(_upper_char(c) for c in s)


def _upper_char(c: str) -> str:
    for mapped in (c.upper(), c.title()):
        if len(mapped) == 1:
            return mapped
    return c


def simple_lower(s: str) -> str:
    return "".join(c.lower()[0] for c in s)


def decimal_text(value: str) -> bool:
    """Whether Decimal() reads `value` (NaN and Infinity too)."""
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def number_of(value: str) -> Decimal | None:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def matches(kind: str, filter_type: str, cell: Any, value: str) -> bool | None:
    """Whether a row with this wire value passes the positive filter; None: filter is off."""
    v = value.strip()
    if filter_type == "empty":
        return cell is None or cell == "" or cell == [] or cell is False
    if filter_type == "boolean":
        if value == "":
            return not cell
        return value in BOOLEANS and bool(cell) == BOOLEANS[value]
    if v == "":
        return None
    if filter_type == "link_row_has":
        try:
            ids = [int(x) for x in v.split(",") if x.strip().isdigit()]
        except ValueError:  # a digit int() does not read ("¹"): none, as Baserow parses them
            ids = []
        if not ids:
            return None
        return any(item["id"] in ids for item in cell)
    if filter_type == "contains":
        return cell is not None and simple_upper(v) in simple_upper(str(cell))
    if kind == "text":
        assert filter_type == "equal"
        return cell == v
    n = number_of(v)
    if n is None:
        return False
    if cell is None:
        return False
    c = Decimal(cell)
    compare: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "equal": lambda a, b: a == b,
        "higher_than": lambda a, b: a > b,
        "lower_than": lambda a, b: a < b,
    }
    return compare[filter_type](c, n)


def selected(kind: str, filter_type: str, cells: dict[int, Any], value: str) -> set[int]:
    """Row ids the filter (or a negation, by its name) keeps."""
    positive = next((p for p, n in NEGATIONS.items() if n == filter_type), filter_type)
    out = set()
    for row_id, cell in cells.items():
        verdict = matches(kind, positive, cell, value)
        if verdict is None or (verdict if positive == filter_type else not verdict):
            out.add(row_id)
    return out


def row_id_named(term: str) -> int | None:
    """The row id a search term names: Python's int() of it, unless it starts with "0"."""
    stripped = term.replace("\x00", "").strip()
    if stripped.startswith("0"):
        return None
    try:
        return int(stripped)
    except ValueError:
        return None
