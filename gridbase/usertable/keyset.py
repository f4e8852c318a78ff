"""Keyset paging for row lists (the `cursor` extension): an opaque cursor names the sort key
of the last row a client saw, and the next page starts strictly after it.

A cursor is URL-safe base64 of JSON: {"s": <sort spec>, "k": [key values]}. The sort spec
(field ids, directions, sort types) must match the request's order_by, so a cursor cannot
be replayed against another ordering. Key values carry a type tag where JSON has no type
(decimals, datetimes, dates), and are bound as parameters of the key expression's own type.
Paging stays exact under inserts and deletes: no row is skipped or repeated, because the
order always ends with the unique (order, id).
Imports: errors, sqlalchemy.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
import sqlalchemy as sa

from gridbase.errors import QueryParameterValidation, field_error

# One sort key part: (expression, descending). Ascending parts sort NULLs first and
# descending parts NULLs last (Baserow's rule, see row_query.order_clauses).
KeyPart = tuple[sa.ColumnElement[Any], bool]


def invalid() -> QueryParameterValidation:
    return QueryParameterValidation({"cursor": field_error("Invalid cursor.")})


def _tag(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"D": value.isoformat()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):  # a SQLite sort key (link rows, arrays)
        return {"b": base64.urlsafe_b64encode(value).decode()}
    if isinstance(value, list):  # a PostgreSQL array (link rows, arrays)
        return {"a": [_tag(v) for v in value]}
    return {"s": str(value)}


def _untag(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) != 1:
            raise invalid()
        ((tag, text),) = value.items()
        if tag == "a" and isinstance(text, list):
            return [_untag(v) for v in text]
        if not isinstance(text, str):
            raise invalid()
        try:
            if tag == "d":
                return Decimal(text)
            if tag == "t":
                return dt.datetime.fromisoformat(text)
            if tag == "D":
                return dt.date.fromisoformat(text)
            if tag == "s":
                return text
            if tag == "b":
                return base64.urlsafe_b64decode(text)
        except (ValueError, InvalidOperation):
            raise invalid() from None
        raise invalid()
    if isinstance(value, list):
        raise invalid()
    return value


def encode(spec: Any, key: Sequence[Any]) -> str:
    raw = orjson.dumps({"s": spec, "k": [_tag(v) for v in key]})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, spec: Any, parts: int) -> list[Any] | None:
    """The key values a cursor holds; None for an empty cursor (the first page)."""
    if cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = orjson.loads(raw)
    except (binascii.Error, ValueError):
        raise invalid() from None
    if not isinstance(data, dict) or set(data) != {"s", "k"} or not isinstance(data["k"], list):
        raise invalid()
    if orjson.loads(orjson.dumps(spec)) != data["s"] or len(data["k"]) != parts:
        raise invalid()
    return [_untag(v) for v in data["k"]]


def after(parts: Sequence[KeyPart], key: Sequence[Any]) -> list[sa.ColumnElement[bool]]:
    """Rows that sort strictly after `key`, as one or two clauses: every row of the first
    sorts before every row of the second, so a page reads them in turn. Each lets SQLite
    seek an index on the first key part; the whole condition is an OR it cannot seek
    through (2.5M rows: 37 ms for the default order and over a second for a field's index,
    against 0.04-0.3 ms as seeks). NULLs of the first part sort first ascending and last
    descending, which is where the split falls."""
    rest = _after(parts[1:], key[1:])  # after the key among rows with the same first value
    (first, descending), value = parts[0], key[0]
    if value is None:
        same = sa.and_(first.is_(None), rest)
        return [same] if descending else [same, first.is_not(None)]
    bound = sa.literal(value, type_=first.type)
    if descending:
        return [
            sa.and_(first <= bound, sa.or_(first < bound, sa.and_(first == bound, rest))),
            first.is_(None),
        ]
    return [sa.and_(first >= bound, sa.or_(first > bound, sa.and_(first == bound, rest)))]


def _after(parts: Sequence[KeyPart], key: Sequence[Any]) -> sa.ColumnElement[bool]:
    """(p1 after v1) OR (p1 = v1 AND p2 after v2) OR ..."""
    ors: list[sa.ColumnElement[bool]] = []
    equal: list[sa.ColumnElement[bool]] = []
    for (expr, descending), value in zip(parts, key, strict=True):
        bound = sa.literal(value, type_=expr.type) if value is not None else None
        if bound is None:
            # NULL is first ascending (anything non-NULL follows) and last descending (nothing does)
            later: sa.ColumnElement[bool] = expr.is_not(None) if not descending else sa.false()
            same: sa.ColumnElement[bool] = expr.is_(None)
        elif descending:
            later = sa.or_(expr < bound, expr.is_(None))
            same = expr == bound
        else:
            later = expr > bound
            same = expr == bound
        ors.append(sa.and_(*equal, later) if equal else later)
        equal.append(same)
    return sa.or_(*ors)
