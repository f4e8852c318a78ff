"""Property tests: each filter's SQL result equals a small Python reference on random rows,
on SQLite and PostgreSQL (the `ctx` fixture runs both)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridbase.core.context import Ctx
from gridbase.filters import tree
from gridbase.filters.base import Target
from gridbase.models import Field

TEXT = Field(1, 1, "t", 0, "text", False)
NUMBER = Field(
    2, 1, "n", 1, "number", False, props={"number_decimal_places": 2, "number_negative": True}
)
FLAG = Field(3, 1, "b", 2, "boolean", False)
counter = itertools.count()

words = st.text(alphabet="abcAB 1.-_", max_size=8)
texts = st.one_of(st.none(), words)
numbers = st.one_of(
    st.none(),
    st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False, allow_infinity=False),
)
rows_strategy = st.lists(
    st.tuples(texts, numbers, st.one_of(st.none(), st.booleans())), max_size=12
)
values = st.one_of(words, st.sampled_from(["", " ", "abc", "1", "-1.5", "2", "x1", "0"]))


# Baserow's boolean words, exactly (an unknown one matches no row)
BOOLEANS = {**dict.fromkeys(["t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                             "on", "On", "ON", "1", "checked"], True),
            **dict.fromkeys(["f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
                             "off", "Off", "OFF", "0", "0.0", "unchecked"], False)}  # fmt: skip


def int_of(value: str) -> int | None:
    """Python's int() of a value (as Baserow reads a length), None when it fails."""
    try:
        return int(value)
    except ValueError:
        return None


def number_of(value: str) -> Decimal | None:
    try:
        d = Decimal(value.strip())
    except ArithmeticError:
        return None
    return d if d.is_finite() else None


def lower_contains(text: str | None, value: str) -> bool:
    return text is not None and value.lower() in text.lower()


def has_word(text: str | None, value: str) -> bool:
    if text is None:
        return False
    padded, word = f" {text.lower()} ", value.lower()

    def ok(c: str) -> bool:
        return not (c.isascii() and (c.isalnum() or c == "_"))

    return any(
        padded[i - 1 : i]
        and ok(padded[i - 1])
        and padded[i : i + len(word)] == word
        and ok(padded[i + len(word)])
        for i in range(1, len(padded) - len(word))
    )


def compare(op: Callable[[Decimal, Decimal], bool]) -> Callable[[Any, str], bool | None]:
    def ref(cell: Any, value: str) -> bool | None:
        if value.strip() == "":
            return None
        n = number_of(value)
        return False if n is None else cell is not None and op(cell, n)

    return ref


def off_if_blank(fn: Callable[[Any, str], bool]) -> Callable[[Any, str], bool | None]:
    return lambda cell, value: None if value.strip() == "" else fn(cell, value.strip())


REFERENCE: dict[tuple[str, int], Callable[[Any, str], bool | None]] = {
    ("equal", 0): off_if_blank(lambda c, v: c == v),
    ("contains", 0): off_if_blank(lower_contains),
    ("contains_word", 0): off_if_blank(has_word),
    ("length_is_lower_than", 0): lambda c, v: (
        False if int_of(v) is None else c is not None and len(c) < int(v)
    ),
    ("empty", 0): lambda c, v: c is None or c == "",
    ("equal", 1): lambda c, v: (
        None if v.strip() == "" else (number_of(v) is not None and c == number_of(v))
    ),
    ("contains", 1): off_if_blank(lambda c, v: c is not None and v.lower() in f"{c:.2f}"),
    ("higher_than", 1): compare(lambda a, b: a > b),
    ("higher_than_or_equal", 1): compare(lambda a, b: a >= b),
    ("lower_than", 1): compare(lambda a, b: a < b),
    ("lower_than_or_equal", 1): compare(lambda a, b: a <= b),
    ("is_even_and_whole", 1): lambda c, v: c is not None and c == int(c) and int(c) % 2 == 0,
    ("empty", 1): lambda c, v: c is None,
    ("boolean", 2): lambda c, v: not c if v == "" else v in BOOLEANS and bool(c) == BOOLEANS[v],
    ("empty", 2): lambda c, v: not c,
}
NEGATIONS = {
    "not_equal": "equal",
    "contains_not": "contains",
    "doesnt_contain_word": "contains_word",
    "not_empty": "empty",
}
FIELDS = [TEXT, NUMBER, FLAG]


@pytest.fixture
def table(ctx: Ctx) -> sa.Table:
    md = sa.MetaData()
    from gridbase.storage.types import DecimalType

    t = sa.Table(
        f"prop_{next(counter)}",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("field_1", sa.Text),
        sa.Column("field_2", DecimalType(52, 2)),
        sa.Column("field_3", sa.Boolean),
    )
    with ctx.db.write() as conn:
        md.create_all(conn)
    return t


def run(
    ctx: Ctx, t: sa.Table, rows: list[tuple[Any, ...]], type_: str, field: Field, value: str
) -> list[int]:
    with ctx.db.write() as conn:
        conn.execute(t.delete())
        if rows:
            conn.execute(
                t.insert(),
                [
                    {"id": i + 1, "field_1": a, "field_2": b, "field_3": c}
                    for i, (a, b, c) in enumerate(rows)
                ],
            )
    target = Target(
        field,
        ctx.field_types.get(field.type),
        t.c[field.column_name],
        t.c.id,
        None,
        ctx.clock,
        ctx.db.dialect,
    )
    group = tree.Group("AND", (tree.Condition(field, type_, value),))
    clause = tree.compile_group(group, ctx.filter_types, lambda f: target)
    stmt = sa.select(t.c.id).order_by(t.c.id)
    if clause is not None:
        stmt = stmt.where(clause)
    with ctx.db.read() as conn:
        return list(conn.execute(stmt).scalars())


CASES = [(name, FIELDS[i]) for name, i in REFERENCE] + [
    (neg, FIELDS[i]) for neg, pos in NEGATIONS.items() for name, i in REFERENCE if name == pos
]


@pytest.mark.parametrize("type_,field", CASES, ids=[f"{n}-{f.type}" for n, f in CASES])
def test_filter_matches_reference(ctx: Ctx, table: sa.Table, type_: str, field: Field) -> None:
    index = FIELDS.index(field)
    positive = NEGATIONS.get(type_, type_)
    reference = REFERENCE[(positive, index)]

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(rows=rows_strategy, value=values)
    def check(rows: list[tuple[Any, ...]], value: str) -> None:
        expected = []
        for i, row in enumerate(rows):
            verdict = reference(row[index], value)
            keep = True if verdict is None else bool(verdict)
            if type_ in NEGATIONS and verdict is not None:
                keep = not verdict
            if keep:
                expected.append(i + 1)
        assert run(ctx, table, rows, type_, field, value) == expected

    check()
