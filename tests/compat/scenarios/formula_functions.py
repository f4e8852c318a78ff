"""Formula functions: dates as text and text as dates (datetime_format, datetime_format_tz,
todate_tz), regex_replace, encode_uri(_component), tourl, links and buttons, is_nan and
when_nan, has_option and multiple_select_count, filter: each field's answer (formula_type and
its props), wrong arguments (Baserow's ERROR_WITH_FORMULA details), the rows' values, and
filters and sorts on some of the results."""

from __future__ import annotations

from tests.compat.scenarios.build import build, options
from tests.compat.session import Session

FORMULAS = [
    ("DF1", "datetime_format(field('D'), 'DD/MM/YYYY')"),
    ("DF2", "datetime_format(field('DT'), 'FMDay, FMDDth FMMonth YYYY HH12:MI AM TZ')"),
    ("DF3", "datetime_format(field('DT'), 'YYYY-MM-DD\"T\"HH24:MI:SS IW Q J Dy')"),
    ("DF4", "datetime_format_tz(field('DT'), 'YYYY-MM-DD HH24:MI OF', 'Europe/Paris')"),
    ("DF5", "datetime_format_tz(field('D'), 'YYYY-MM-DD HH24:MI', 'America/New_York')"),
    ("DF6", "datetime_format_tz(field('DT'), 'YYYY', 'Nowhere/Bogus')"),
    ("TD1", "todate_tz('2024-03-05 10:00', 'YYYY-MM-DD HH24:MI', 'Europe/Paris')"),
    (
        "TD2",
        "todate_tz(concat(datetime_format(field('D'), 'YYYY-MM-DD'), ' 08:30'), "
        "'YYYY-MM-DD HH24:MI', 'Asia/Tokyo')",
    ),
    ("TD3", "todate_tz(field('Name'), 'YYYY', 'UTC')"),
    ("RX1", "regex_replace(field('Name'), '[aeiou]', '*')"),
    ("RX2", "regex_replace(field('Name'), '^(\\w+)\\s+(\\w+)$', '\\2 \\1')"),
    ("RX3", "regex_replace(field('Name'), '(', 'x')"),
    ("RX4", "regex_replace('abcd', 'a|ab', 'X')"),
    ("EU1", "encode_uri(field('Name'))"),
    ("EU2", "encode_uri_component(field('Name'))"),
    ("TU1", "tourl(field('Name'))"),
    ("LK1", "link(field('Name'))"),
    ("LK2", "link('https://baserow.io', field('Name'))"),
    ("BT1", "button(concat('https://x.test/', encode_uri_component(field('Name'))), 'Open')"),
    ("LU1", "get_link_url(field('LK2'))"),
    ("LL1", "get_link_label(field('BT1'))"),
    ("LT1", "totext(field('LK2'))"),
    ("LE1", "field('LK1') = link(field('Name'))"),
    ("NN1", "is_nan(field('Num') / 0)"),
    ("NN2", "when_nan(field('Num') / field('Num'), -1)"),
    ("HO1", "has_option(field('MS'), 'red')"),
    ("HO2", "has_option(lookup('L', 'OS'), 'q')"),
    ("HO3", "has_option(lookup('L', 'OMS'), 'm2')"),
    ("MC1", "multiple_select_count(field('MS'))"),
    ("MC2", "count(field('MS'))"),
    ("MC3", "multiple_select_count(lookup('L', 'OMS'))"),
    ("FI1", "filter(lookup('L', 'Pts'), lookup('L', 'Pts') > 2)"),
    ("FI2", "sum(filter(lookup('L', 'Pts'), lookup('L', 'Pts') > 2))"),
    ("FI3", "join(filter(lookup('L', 'Name'), lookup('L', 'Pts') < 5), ',')"),
    ("FI4", "count(filter(field('L'), field('Num') > 0))"),
    ("FI5", "filter(lookup('L', 'OS'), true)"),
]
REFUSED = [
    "datetime_format(field('Name'), 'YYYY')",
    "datetime_format_tz(field('DT'), 'YYYY', 1)",
    "todate_tz('2024', 'YYYY')",
    "regex_replace(field('Name'), 1, 'x')",
    "encode_uri(field('Num'))",
    "link('a', 'b', 'c')",
    "upper(link('x'))",
    "link('a') = 'a'",
    "get_link_url(field('Name'))",
    "button('a')",
    "is_nan(field('Name'))",
    "when_nan(1, 'x')",
    "has_option(field('Name'), 'x')",
    "has_option(lookup('L', 'Name'), 'x')",
    "multiple_select_count(field('Name'))",
    "totext(filter(lookup('L', 'Pts'), true))",
    "filter(lookup('L', 'Pts'), true) * 2",
    "filter(filter(lookup('L', 'Pts'), true), true)",
    "filter(field('Name'), true)",
    "filter(lookup('L', 'Pts'), 1)",
    "index(lookup('L', 'Name'), 0)",
]


def formula_functions(s: Session) -> None:
    s.sign_up()
    database = s.database()
    other = build(
        s,
        database,
        "Other",
        ["x", "y", "z"],
        [
            ("Pts", "number", {}),
            ("OS", "single_select", options("p", "q")),
            ("OMS", "multiple_select", options("m1", "m2")),
        ],
        [
            {"Pts": 1, "OS": "p", "OMS": ["m1"]},
            {"Pts": 5, "OS": "q", "OMS": ["m1", "m2"]},
            {"Pts": 3, "OS": None, "OMS": []},
        ],
    )
    primary = ["Alpha beta", "x/y z?", "", None, "https://example.com/a b"]
    fields = [
        ("D", "date", {"date_format": "ISO"}),
        ("DT", "date", {"date_include_time": True, "date_format": "ISO"}),
        ("Num", "number", {"number_decimal_places": 2, "number_negative": True}),
        ("MS", "multiple_select", options("red", "blue")),
        ("L", "link_row", {"link_row_table_id": other.table}),
    ]
    rows = [
        {"D": "2024-03-05", "DT": "2024-03-05T22:07:09Z", "Num": "1.50", "MS": ["red", "blue"],
         "L": [1, 2]},
        {"D": "2023-12-31", "DT": "2023-01-01T00:00:00Z", "Num": "0", "MS": ["blue"], "L": [3]},
        {"D": None, "DT": None, "Num": None, "MS": [], "L": []},
        {},
        {"D": "2000-02-29", "DT": "2000-02-29T11:59:59Z", "Num": "-2.25", "MS": ["red"],
         "L": [1]},
    ]  # fmt: skip
    built = build(s, database, "Funcs", primary, fields, rows)
    for name, formula in FORMULAS:
        s.field(built.table, name, "formula", formula=formula)
    for i, formula in enumerate(REFUSED):
        s.field(built.table, f"Bad{i}", "formula", formula=formula)
    s.rows("rows", built.table, user_field_names="true")
    for name, query in (
        ("HO1", {"filter__HO1__boolean": "1"}),
        ("DF1", {"filter__DF1__contains": "2024"}),
        ("TU1", {"filter__TU1__empty": ""}),
        ("MC1", {"filter__MC1__higher_than": "0"}),
        ("RX1", {"filter__RX1__contains": "*"}),
        ("EU2", {"filter__EU2__contains": "%2f"}),
        ("NN2", {"filter__NN2__equal": "-1"}),
        ("FI2", {"filter__FI2__higher_than": "2"}),
        ("MC1", {"order_by": "-MC1"}),
        ("RX1", {"order_by": "RX1"}),
        ("DF3", {"order_by": "-DF3"}),
    ):
        s.rows(f"{name}|query", built.table, user_field_names="true", include=f"Name,{name}",
               **query)  # fmt: skip


SCENARIOS = {"formula_functions": formula_functions}
