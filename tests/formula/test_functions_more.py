"""datetime_format(_tz), todate_tz, regex_replace, encode_uri(_component), tourl, link, button,
get_link_url/label, is_nan and when_nan, evaluated on SQLite and PostgreSQL: the same values
(Baserow 1.35.3's, read from its answers and PostgreSQL's own functions).

Rows (see conftest): 1 Alpha, 2 Beta, 3 empty name / zeros, 4 all NULL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from gridbase.formula import FormulaError, parse, typecheck

from .conftest import FIELDS

Evaluate = Callable[[str], list[Any]]
D = Decimal
UTC = dt.UTC

CASES = [
    # to_char in UTC: a date is its midnight, TZ/OF of a timestamp with time zone
    ("datetime_format(field('Due'), 'DD/MM/YYYY')", ["15/01/2024", "29/02/2024", "31/12/2023", ""]),
    (
        "datetime_format(field('Meeting'), 'FMDay, FMDDth FMMonth YYYY HH12:MI AM TZ OF')",
        [
            "Monday, 15th January 2024 09:30 AM UTC +00",
            "Thursday, 29th February 2024 11:15 PM UTC +00",
            "Sunday, 31st December 2023 12:00 AM UTC +00",
            "",
        ],
    ),
    (
        "datetime_format(field('Meeting'), 'Day|Mon|\"Q\"Q|IW|DDD|J')",
        [
            "Monday   |Jan|Q1|03|015|2460325",
            "Thursday |Feb|Q1|09|060|2460370",
            "Sunday   |Dec|Q4|52|365|2460310",
            "",
        ],
    ),
    ("datetime_format(field('Due'), '')", ["", "", "", ""]),
    ("datetime_format(field('Due'), field('Name'))", ["Alpha", "Beta", "", ""]),
    # in a time zone (no TZ name: a local time); an unknown zone gives ''
    (
        "datetime_format_tz(field('Meeting'), 'YYYY-MM-DD HH24:MI TZ OF', 'Europe/Paris')",
        ["2024-01-15 10:30  +00", "2024-03-01 00:15  +00", "2023-12-31 01:00  +00", ""],
    ),
    (
        "datetime_format_tz(field('Due'), 'YYYY-MM-DD HH24:MI', 'America/New_York')",
        ["2024-01-14 19:00", "2024-02-28 19:00", "2023-12-30 19:00", ""],
    ),
    ("datetime_format_tz(field('Meeting'), 'YYYY', 'Nowhere/Bogus')", ["", "", "", ""]),
    # regex_replace: PostgreSQL's ARE, globally; a bad pattern gives #ERROR!
    ("regex_replace(field('Name'), '[aeiou]', '*')", ["Alph*", "B*t*", "", ""]),
    ("regex_replace(field('Name'), '^(.)(.*)$', '\\2\\1')", ["lphaA", "etaB", "", ""]),
    ("regex_replace('abcd', 'a|ab', 'X')", ["Xcd"] * 4),  # the longest match, as PostgreSQL
    ("regex_replace('xabcabc', 'a.*?c', 'X')", ["xXX"] * 4),
    ("regex_replace('abxd', 'x*', '-')", ["-a-b--d-"] * 4),
    ("regex_replace('foo bar', '\\mbar', '[\\&]')", ["foo [bar]"] * 4),
    ("regex_replace('a b', '[[:space:]]', '_')", ["a_b"] * 4),
    ("regex_replace(field('Name'), '(', 'x')", ["#ERROR!"] * 4),
    ("regex_replace('ab', 'a{,3}', 'x')", ["ab"] * 4),  # "{" not opening a bound is itself
    ("regex_replace('x', 'a{300}', 'y')", ["#ERROR!"] * 4),
    (
        "regex_replace(concat(' ', field('Name'), '  '), '(^\\s+|\\s+$)', '')",
        ["Alpha", "Beta", "", ""],
    ),
    # encode_uri keeps reserved characters, encode_uri_component does not (lower-case hex)
    ("encode_uri('a b/?&=ü€😀')", ["a%20b/?&=%c3%bc%e2%82%ac%f0%9f%98%80"] * 4),
    ("encode_uri_component('a b/?&=ü')", ["a%20b%2f%3f%26%3d%c3%bc"] * 4),
    ("encode_uri(field('Name'))", ["Alpha", "Beta", "", ""]),
    # tourl: text that reads as a URL, else ''
    ("tourl(field('Name'))", ["Alpha", "Beta", "", ""]),
    (
        "tourl('https://user:pw@example.com:8080/a/b?c=d#e')",
        ["https://user:pw@example.com:8080/a/b?c=d#e"] * 4,
    ),
    ("tourl('not a url!')", [""] * 4),
    # links: {"url", "label"}; their text is the label
    ("get_link_url(link(field('Name'), 'x'))", ["Alpha", "Beta", "", None]),
    ("get_link_label(link('u'))", [None] * 4),
    ("totext(link('u', field('Name')))", ["Alpha", "Beta", "", None]),  # its label: NULL
    ("concat(link('u', 'l'), '!')", ["l!"] * 4),
    ("get_link_url(button(field('Name'), 'Go'))", ["Alpha", "Beta", "", ""]),
    ("link('a', 'b') = link('a', 'b')", [True] * 4),
    ("link('a') = link('a', 'b')", [False] * 4),
    # NaN: Baserow's division by zero
    ("is_nan(field('Qty') / 0)", [True] * 4),
    ("is_nan(field('Qty'))", [False] * 4),
    (
        "when_nan(field('Amount') / field('Qty'), -1)",
        [D("4.1666666667"), D("-0.3250000000"), D("-1.0000000000"), D("-1.0000000000")],
    ),
    ("when_nan(field('Amount'), 7.125)", [D("12.500"), D("-3.250"), D("100.000"), D("0.000")]),
    # filter: the linked rows an aggregate reads (its condition may read other fields of
    # them, and the row itself)
    ("sum(filter(lookup('Tags', 'Points'), lookup('Tags', 'Points') < 5))", [3, 1, 0, 3]),
    (
        "join(filter(lookup('Tags', 'Tag'), lookup('Tags', 'Points') < 5), ',')",
        ["bug", "later", None, "bug"],
    ),
    ("count(filter(lookup('Tags', 'Tag'), field('Qty') > 5))", [0, 1, 0, 0]),
    ("count(filter(field('Tags'), lookup('Tags', 'Flag')))", [2, 0, 0, 1]),
]


def _plain(value: Any) -> Any:
    """Numbers as Decimal, JSON text (SQLite) as the object it holds."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return value


@pytest.mark.parametrize(("formula", "expected"), CASES, ids=[c[0] for c in CASES])
def test_evaluate(evaluate: Evaluate, formula: str, expected: list[Any]) -> None:
    got = [_plain(v) for v in evaluate(formula)]
    assert got == [_plain(v) for v in expected]


def test_link_values_are_url_and_label_objects(evaluate: Evaluate) -> None:
    got = [_plain(v) for v in evaluate("link(field('Name'))")]
    assert got == [{"url": "Alpha"}, {"url": "Beta"}, {"url": ""}, {"url": None}]
    got = [_plain(v) for v in evaluate("button(field('Name'), 'Go')")]
    assert got == [{"url": u, "label": "Go"} for u in ("Alpha", "Beta", "", "")]


def test_todate_tz_reads_wall_time_in_the_zone(evaluate: Evaluate) -> None:
    got = evaluate("todate_tz('2024-03-05 10:00', 'YYYY-MM-DD HH24:MI', 'Europe/Paris')")
    assert {_moment(v) for v in got} == {dt.datetime(2024, 3, 5, 9, 0, tzinfo=UTC)}
    got = evaluate("todate_tz(concat('2024-07-01 ', field('Name')), 'YYYY-MM-DD', 'UTC')")
    assert [_moment(v) for v in got] == [dt.datetime(2024, 7, 1, tzinfo=UTC)] * 4
    # what does not read (or a zone PostgreSQL does not know) is null
    assert evaluate("todate_tz(field('Name'), 'YYYY', 'UTC')") == [None] * 4
    assert evaluate("todate_tz('2024-02-30', 'YYYY-MM-DD', 'UTC')") == [None] * 4
    assert evaluate("todate_tz('2024', 'YYYY', 'Bogus/Zone')") == [None] * 4


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


TYPES = [
    ("datetime_format(field('Due'), 'YYYY')", "text", {"nullable": True}),
    ("datetime_format_tz(today(), 'YYYY', 'UTC')", "text", {"nullable": True}),
    (
        "todate_tz('2024', 'YYYY', 'Europe/Paris')",
        "date",
        {
            "date_include_time": True,
            "date_show_tzinfo": True,
            "date_force_timezone": "Europe/Paris",
        },
    ),
    ("todate_tz('2024', 'YYYY', field('Name'))", "date", {"date_force_timezone": None}),
    ("regex_replace(field('Name'), 'a', 'b')", "text", {"nullable": False}),
    ("tourl(field('Name'))", "url", {"nullable": False}),
    ("link('x')", "link", {"nullable": False}),
    ("button('x', 'y')", "button", {"nullable": False}),
    ("get_link_label(button('x', 'y'))", "text", {}),
    ("is_nan(1 / 3)", "boolean", {}),
    ("filter(lookup('Tags', 'Points'), true)", "array", {"array_formula_type": "number"}),
    ("when_nan(field('Amount') / 0, 7)", "number", {"number_decimal_places": 10}),
    ("when_nan(field('Qty'), 7.123)", "number", {"number_decimal_places": 3}),
]


@pytest.mark.parametrize(("formula", "kind", "props"), TYPES, ids=[t[0] for t in TYPES])
def test_result_types(formula: str, kind: str, props: dict[str, Any]) -> None:
    typed = typecheck(parse(formula), FIELDS).field_props()
    assert typed["formula_type"] == kind
    assert {k: typed[k] for k in props} == props


ERRORS = [
    (
        "datetime_format(field('Name'), 'YYYY')",
        "argument number 1 given to function datetime_format was of type text but the only "
        "usable type for this argument is date",
    ),
    (
        "upper(link('x'))",
        "argument number 1 given to function upper was of type link but the only usable type "
        "for this argument is text",
    ),
    (
        "link('a') = 'a'",
        "argument number 2 given to operator = was of type text but the only usable type for "
        "this argument is link",
    ),
    (
        "get_link_url(field('Name'))",
        "argument number 1 given to function get_link_url was of type text but the only usable "
        "type for this argument is link",
    ),
    (
        "totext(filter(lookup('Tags', 'Points'), true))",
        "input number 1 to function totext must be directly wrapped by an aggregate function "
        "like sum, avg, count etc",
    ),
    (
        "filter(field('Name'), true)",
        "first input to filter must be an expression of many values (a lookup function call "
        "or a field reference to a lookup/link field)",
    ),
    (
        "has_option(field('Name'), 'x')",
        "argument number 1 given to function has_option was of type text but the only usable "
        "types for this argument are multiple_select,array,a list of single_select values "
        "obtained from a lookup",
    ),
    (
        "link('a', 'b', 'c')",
        "3 arguments were given to the function link, it must instead be given more than 1 and "
        "less than 2 (inclusive=True) arguments",
    ),
    (
        "when_nan(1, 'x')",
        "argument number 2 given to function when_nan was of type text but the only usable type "
        "for this argument is number",
    ),
]


@pytest.mark.parametrize(("formula", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_wrong_arguments(formula: str, message: str) -> None:
    with pytest.raises(FormulaError) as raised:
        typecheck(parse(formula), FIELDS)
    assert raised.value.message == message
