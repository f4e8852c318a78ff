"""The orders of rows inserted or moved before a row, as Baserow 1.35.3 picks them
(core.db.get_unique_orders_before_item): each new order is the simplest fraction of the
Stern-Brocot tree between the order ahead and the row's own (so 1 and 2 give 3/2, 3/2 and 2
give 5/3), read from the orders as fractions of denominators up to 10**7, written with 20
decimals. When no such fraction is left, the table's orders are renumbered 1, 2, 3, ... in
their order first, as Baserow's recalculate_row_orders does.
Imports: errors, usertable.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from gridbase.errors import RowDoesNotExist
from gridbase.usertable.model import TableModel

MAX_DENOMINATOR = 10_000_000


class NoOrderBetween(Exception):
    """Two orders with no fraction of MAX_DENOMINATOR between them."""


def intermediate_fraction(p1: int, q1: int, p2: int, q2: int) -> tuple[int, int]:
    """The highest fraction of the Stern-Brocot tree strictly between p1/q1 and p2/q2
    (Baserow's find_intermediate_fraction; the mediant when the two are adjacent)."""
    if p1 * q2 + 1 == p2 * q1:
        return p1 + p2, q1 + q2
    pl, ql, ph, qh = 0, 1, 1, 0
    while True:
        p, q = pl + ph, ql + qh
        if p * q1 <= q * p1:
            pl, ql = p, q
        elif p2 * q <= q2 * p:
            ph, qh = p, q
        else:
            return p, q


def intermediate_order(lower: Decimal, upper: Decimal) -> Decimal:
    """Baserow's find_intermediate_order, rounded as it stores it (20 decimals of the
    float)."""
    p1, q1 = Fraction(lower).limit_denominator(MAX_DENOMINATOR).as_integer_ratio()
    p2, q2 = Fraction(upper).limit_denominator(MAX_DENOMINATOR).as_integer_ratio()
    if (p1, q1) == (p2, q2):
        raise NoOrderBetween()
    found = float(Fraction(*intermediate_fraction(p1, q1, p2, q2)))
    if found in (float(lower), float(upper)):
        raise NoOrderBetween()
    return round(Decimal(found), 20)


def orders_between(lower: Decimal, upper: Decimal, count: int) -> list[Decimal]:
    """`count` orders after `lower` and before `upper`, each one past the one before it."""
    out: list[Decimal] = []
    for _ in range(count):
        lower = intermediate_order(lower, upper)
        out.append(lower)
    return out


def orders_before(
    conn: sa.Connection, model: TableModel, before_id: int, count: int
) -> list[Decimal]:
    """Orders for `count` rows before row `before_id` (the caller holds the order lock)."""
    t = model.sql
    try:
        return orders_between(*_bounds(conn, t, before_id), count)
    except NoOrderBetween:
        ranked = sa.select(
            t.c.id, sa.func.row_number().over(order_by=(t.c.order, t.c.id)).label("place")
        ).subquery()
        conn.execute(t.update().where(t.c.id == ranked.c.id).values(order=ranked.c.place))
        return orders_between(*_bounds(conn, t, before_id), count)


def _bounds(conn: sa.Connection, t: sa.Table, before_id: int) -> tuple[Decimal, Decimal]:
    """(the highest order ahead of the row, or 0; the row's own)."""
    before = conn.execute(sa.select(t.c.order).where(t.c.id == before_id)).first()
    if before is None:
        raise RowDoesNotExist([before_id])
    upper = Decimal(str(before.order))
    ahead = conn.execute(sa.select(sa.func.max(t.c.order)).where(t.c.order < upper)).scalar()
    return (Decimal(str(ahead)) if ahead else Decimal(0)), upper
