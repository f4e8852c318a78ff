"""Formulas compiled to SQL and evaluated on real databases.

Rows (see conftest): 1 Alpha, 2 Beta, 3 empty name / zeros, 4 all NULL.
Row 1 links tags urgent(5), bug(3); row 2 later(1); row 3 none; row 4 bug(3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.formula import FormulaCompileError, compile_sql, parse, typecheck

from .conftest import COLUMNS, FIELDS

D = Decimal
Evaluate = Callable[[str], list[Any]]

CASES = [
    # text
    ("concat(field('Name'), '#', totext(field('Qty')))", ["Alpha#3", "Beta#10", "#0", "#"]),
    ("field('Name') + '!'", ["Alpha!", "Beta!", "!", "!"]),
    ("upper(field('Name'))", ["ALPHA", "BETA", "", ""]),
    ("lower(field('Name'))", ["alpha", "beta", "", ""]),
    ("trim(concat('  ', field('Name'), ' '))", ["Alpha", "Beta", "", ""]),
    ("length(field('Name'))", [5, 4, 0, 0]),
    ("reverse(field('Name'))", ["ahplA", "ateB", "", ""]),
    # counts and positions beyond 32 bits mean "all of it", not a database error
    ("left(field('Name'), 99999999999)", ["Alpha", "Beta", "", ""]),
    ("right(field('Name'), 99999999999)", ["Alpha", "Beta", "", ""]),
    ("split_part('a,b', ',', 99999999999)", [""] * 4),
    ("99999999999 + 1", [100000000000] * 4),
    (
        "date_diff('ss', todate('1900-01-01', 'YYYY-MM-DD'), todate('2000-01-01', 'YYYY-MM-DD'))",
        [3155673600] * 4,
    ),
    ("split_part('John, Jane, Michael', ', ', 2)", ["Jane"] * 4),
    ("split_part(field('Name'), 'l', 1)", ["A", "Beta", "", ""]),
    ("split_part('a,b', ',', 3)", [""] * 4),
    ("split_part('a,b', ',', 0)", [""] * 4),
    ("left(field('Name'), 2)", ["Al", "Be", "", ""]),
    ("right(field('Name'), 3)", ["pha", "eta", "", ""]),
    ("replace(field('Name'), 'a', 'o')", ["Alpho", "Beto", "", ""]),
    ("contains(field('Name'), 'et')", [False, True, False, False]),
    ("search(field('Name'), 'l')", [2, 0, 0, 0]),
    ("totext(field('Amount'))", ["12.50", "-3.25", "100.00", ""]),
    ("totext(field('Done'))", ["true", "false", "true", "false"]),
    ("totext(field('Due'))", ["2024-01-15", "2024-02-29", "2023-12-31", ""]),
    ("totext(field('Meeting'))", ["2024-01-15 09:30", "2024-02-29 23:15", "2023-12-31 00:00", ""]),
    ("totext(field('Status'))", ["Todo", "Doing", "", ""]),
    ("tonumber(concat(totext(field('Qty')), '.5'))", [D("3.5"), D("10.5"), D("0.5"), D("0.5")]),
    ("tonumber('abc')", [None] * 4),
    # numbers (NULL numbers count as 0 like in Baserow)
    ("field('Amount') * 2", [D("25.00"), D("-6.50"), D("200.00"), D("0.00")]),
    ("field('Qty') + field('Amount')", [D("15.50"), D("6.75"), D("100.00"), D("0.00")]),
    ("field('Qty') - 1", [2, 9, -1, -1]),
    ("field('Qty') / 4", [D("0.75"), D("2.5"), 0, 0]),
    ("1 / field('Qty')", [D("0.3333333333"), D("0.1"), None, None]),
    ("round(field('Amount') / 3, 1)", [D("4.2"), D("-1.1"), D("33.3"), D("0.0")]),
    ("floor(field('Amount'))", [12, -4, 100, 0]),
    ("ceil(field('Amount'))", [13, -3, 100, 0]),
    ("abs(field('Amount'))", [D("12.50"), D("3.25"), D("100.00"), D("0.00")]),
    ("-field('Qty')", [-3, -10, 0, 0]),
    ("greatest(field('Qty'), 5)", [5, 10, 5, 5]),
    ("least(field('Qty'), 5)", [3, 5, 0, 5]),
    ("mod(field('Qty'), 4)", [3, 2, 0, 0]),
    ("even(field('Qty'))", [False, True, True, True]),
    ("power(2, 10)", [1024] * 4),
    ("sqrt(16)", [4] * 4),
    ("round(ln(field('Qty')), 3)", [D("1.099"), D("2.303"), None, None]),
    ("ln(-1)", [None] * 4),
    ("round(exp(1), 4)", [D("2.7183")] * 4),
    ("exp(1000)", [None] * 4),
    ("round(log(10, 1000), 2)", [D("3.00")] * 4),
    ("log(2, field('Qty'))", [2, 3, None, None]),  # integer arguments: 0 decimal places
    ("log(1, 10)", [None] * 4),
    ("sign(field('Amount'))", [1, -1, 1, 0]),
    ("trunc(-2.7)", [-2] * 4),
    # logic
    ("field('Qty') > 2", [True, True, False, False]),
    ("field('Qty') <= 3", [True, False, True, True]),
    ("field('Name') = 'Alpha'", [True, False, False, False]),
    ("field('Name') != 'Alpha'", [False, True, True, True]),
    ("field('Qty') = '10'", [False, True, False, False]),
    ("field('Done') && field('Done')", [True, False, True, False]),
    ("or(field('Done'), field('Qty') > 5)", [True, True, True, False]),
    ("not(field('Done'))", [False, True, False, True]),
    ("if(field('Done'), 'yes', 'no')", ["yes", "no", "yes", "no"]),
    ("if(field('Qty') > 5, field('Amount'), 1.5)", [D("1.50"), D("-3.25"), D("1.50"), D("1.50")]),
    ("if(field('Done'), 1, 'no')", ["1", "no", "1", "no"]),
    ("isblank(field('Name'))", [False, False, True, True]),
    ("isblank(field('Qty'))", [False, False, True, True]),
    ("isblank(field('Due'))", [False, False, False, True]),
    ("is_null(field('Name'))", [False, False, False, True]),
    ("when_empty(field('Name'), 'n/a')", ["Alpha", "Beta", "n/a", "n/a"]),
    # dates
    ("year(field('Due'))", [2024, 2024, 2023, None]),
    ("month(field('Meeting'))", [1, 2, 12, None]),
    ("day(field('Due'))", [15, 29, 31, None]),
    ("second(field('Meeting'))", [0, 0, 0, None]),
    ("date_diff('dd', field('Due'), todate('2024-03-01', 'YYYY-MM-DD'))", [46, 1, 61, None]),
    ("date_diff('week', field('Due'), todate('2024-03-01', 'YYYY-MM-DD'))", [6, 0, 8, None]),
    ("date_diff('month', field('Due'), todate('2024-06-01', 'YYYY-MM-DD'))", [5, 4, 6, None]),
    ("date_diff('year', field('Due'), todate('2026-01-01', 'YYYY-MM-DD'))", [2, 2, 3, None]),
    ("date_diff('hh', field('Due'), field('Meeting'))", [9, 23, 0, None]),
    ("date_diff('nonsense', field('Due'), field('Meeting'))", [None] * 4),
    ("todate('15/01/2024', 'DD/MM/YYYY')", [dt.date(2024, 1, 15)] * 4),
    ("todate('garbage', 'DD/MM/YYYY')", [None] * 4),
    (
        "field('Due') + date_interval('1 day')",
        [dt.date(2024, 1, 16), dt.date(2024, 3, 1), dt.date(2024, 1, 1), None],
    ),
    ("field('Meeting') - field('Due')", [34200, 83700, 0, None]),
    ("date_interval('1 day 2 hours')", [93600] * 4),
    ("date_interval('not an interval')", [None] * 4),
    ("field('Dur') * 2", [7320, 120, 0, 0]),
    ("toseconds(field('Dur'))", [3660, 60, 0, 0]),
    ("year(now()) >= 2024", [True] * 4),
    ("today() = today()", [True] * 4),
    ("row_id() * 10", [10, 20, 30, 40]),
    # aggregates over lookups
    ("sum(lookup('Tags', 'Points'))", [8, 1, 0, 3]),
    ("sum(lookup('Tags', 'Points') * field('Qty'))", [24, 10, 0, 0]),
    ("count(field('Tags'))", [2, 1, 0, 1]),
    ("count(field('TagNames'))", [2, 1, 0, 1]),
    ("avg(lookup('Tags', 'Points'))", [4, 1, None, 3]),
    ("min(lookup('Tags', 'Points'))", [3, 1, None, 3]),
    ("max(lookup('Tags', 'Tag'))", ["urgent", "later", None, "bug"]),
    ("join(lookup('Tags', 'Tag'), ', ')", ["urgent, bug", "later", None, "bug"]),
    ("join(field('Tags'), '|')", ["urgent|bug", "later", None, "bug"]),
    ("any(lookup('Tags', 'Flag'))", [True, False, False, True]),
    ("every(lookup('Tags', 'Flag'))", [True, False, False, True]),
    ("concat(field('Name'), ':', totext(count(field('Tags'))))", ["Alpha:2", "Beta:1", ":0", ":1"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_evaluate(evaluate: Evaluate, text: str, expected: list[Any]) -> None:
    assert evaluate(text) == expected


def test_number_results_are_decimals_with_the_formula_scale(evaluate: Evaluate) -> None:
    values = evaluate("field('Amount') * 2")
    assert [str(value) for value in values] == ["25.00", "-6.50", "200.00", "0.00"]


def test_array_formulas_are_not_compiled() -> None:
    typed = typecheck(parse("lookup('Tags', 'Tag')"), FIELDS)
    with pytest.raises(FormulaCompileError):
        compile_sql(typed, COLUMNS, "sqlite")


def test_lookup_without_array_source_fails() -> None:
    typed = typecheck(parse("count(field('Tags'))"), FIELDS)
    with pytest.raises(FormulaCompileError, match="array_source"):
        compile_sql(typed, COLUMNS, "sqlite")


def test_missing_column_and_unknown_dialect() -> None:
    typed = typecheck(parse("field('Name')"), FIELDS)
    with pytest.raises(FormulaCompileError, match="no column given for the field Name"):
        compile_sql(typed, {}, "sqlite")
    with pytest.raises(FormulaCompileError, match="unsupported SQL dialect"):
        compile_sql(typed, COLUMNS, "mysql")


def test_expression_renders_for_both_dialects() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    typed = typecheck(parse("year(field('Meeting')) + length(field('Name'))"), FIELDS)
    pg_sql = str(compile_sql(typed, COLUMNS, "postgresql").compile(dialect=postgresql.dialect()))
    lite_sql = str(compile_sql(typed, COLUMNS, "sqlite").compile(dialect=sqlite.dialect()))
    assert "EXTRACT(year" in pg_sql and "timezone" in pg_sql
    assert "strftime" in lite_sql
    assert isinstance(compile_sql(typed, COLUMNS, "sqlite"), sa.ColumnElement)
