"""Every filter type of Baserow 1.35.3 on every field type: one table per family of field
types, each field tried with all 91 filter types; a filter the field accepts is then tried
with values meant to find the edges (blank, malformed, case, time zones, relative dates).
A refused filter shows Baserow's refusal in one step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.compat.scenarios.build import Built, Days, build, options
from tests.compat.session import Session

# view_filters.py and array_view_filters.py of Baserow 1.35.3
FILTER_TYPES = [
    "boolean",
    "contains",
    "contains_not",
    "contains_word",
    "date_after",
    "date_after_days_ago",
    "date_after_or_equal",
    "date_after_today",
    "date_before",
    "date_before_or_equal",
    "date_before_today",
    "date_equal",
    "date_equals_day_of_month",
    "date_equals_days_ago",
    "date_equals_month",
    "date_equals_months_ago",
    "date_equals_today",
    "date_equals_week",
    "date_equals_year",
    "date_equals_years_ago",
    "date_is",
    "date_is_after",
    "date_is_before",
    "date_is_not",
    "date_is_on_or_after",
    "date_is_on_or_before",
    "date_is_within",
    "date_not_equal",
    "date_within_days",
    "date_within_months",
    "date_within_weeks",
    "doesnt_contain_word",
    "empty",
    "equal",
    "filename_contains",
    "files_lower_than",
    "has_all_values_equal",
    "has_any_select_option_equal",
    "has_date_after",
    "has_date_before",
    "has_date_equal",
    "has_date_on_or_after",
    "has_date_on_or_before",
    "has_date_within",
    "has_empty_value",
    "has_file_type",
    "has_none_select_option_equal",
    "has_not_date_after",
    "has_not_date_before",
    "has_not_date_equal",
    "has_not_date_on_or_after",
    "has_not_date_on_or_before",
    "has_not_date_within",
    "has_not_empty_value",
    "has_not_value_contains",
    "has_not_value_contains_word",
    "has_not_value_equal",
    "has_not_value_higher",
    "has_not_value_higher_or_equal",
    "has_not_value_lower",
    "has_not_value_lower_or_equal",
    "has_value_contains",
    "has_value_contains_word",
    "has_value_equal",
    "has_value_higher",
    "has_value_higher_or_equal",
    "has_value_length_is_lower_than",
    "has_value_lower",
    "has_value_lower_or_equal",
    "higher_than",
    "higher_than_or_equal",
    "is_even_and_whole",
    "length_is_lower_than",
    "link_row_contains",
    "link_row_has",
    "link_row_has_not",
    "link_row_not_contains",
    "lower_than",
    "lower_than_or_equal",
    "multiple_collaborators_has",
    "multiple_collaborators_has_not",
    "multiple_select_has",
    "multiple_select_has_not",
    "not_empty",
    "not_equal",
    "single_select_equal",
    "single_select_is_any_of",
    "single_select_is_none_of",
    "single_select_not_equal",
    "user_is",
    "user_is_not",
]

FIXED = "2024-01-02"
OPTION_A, OPTION_B = "\x00a", "\x00b"  # stand for the ids of the field's options a and b
MISSING = "2000000"  # an id no server has (kept as it is by the normaliser)
RELATIVE = [
    "today",
    "yesterday",
    "tomorrow",
    "one_week_ago",
    "this_week",
    "next_week",
    "one_month_ago",
    "this_month",
    "next_month",
    "one_year_ago",
    "this_year",
    "next_year",
]
NR = ["nr_days_ago", "nr_days_from_now", "nr_weeks_ago", "nr_weeks_from_now", "nr_months_ago"]
NR += ["nr_months_from_now", "nr_years_ago", "nr_years_from_now"]
MULTI_STEP = [
    f"UTC?{FIXED}?exact_date",
    *(f"UTC??{op}" for op in RELATIVE),
    *(f"UTC?3?{op}" for op in NR),
    f"Europe/Berlin?{FIXED}?exact_date",
    f"Pacific/Auckland?{FIXED}?exact_date",
    "UTC?1?nr_days_from_now",
    "UTC?0?nr_days_ago",
    "UTC??",
    "",
    "UTC?x?exact_date",
    f"UTC?{FIXED}?bogus",
    "UTC??exact_date",
    "UTC?x?nr_days_ago",
    f"{FIXED}?exact_date",
    f"Bad/Zone?{FIXED}?exact_date",
    f"UTC?{FIXED}",
]
LEGACY_DATE = [f"UTC?{FIXED}", FIXED, "", f"Europe/Berlin?{FIXED}", f"UTC?{FIXED} 23:30",
               f"UTC?{FIXED}T10:00:00Z", "UTC?bad", f"Bad/Zone?{FIXED}", "UTC?"]  # fmt: skip
NUMBERS = ["1", "", "2.5", "-3", "x", "0", "1e2", " 1 ", "1000000"]


def values(filter_type: str, user: int, today: dt.date) -> list[str]:
    """The values a filter type is tried with; the first is an ordinary one."""
    a, b = OPTION_A, OPTION_B  # the ids of options a and b, put in by try_filters
    table: dict[str, list[str]] = {
        "equal": ["alpha", "1", "2.5", "", " alpha ", "ALPHA", "-3", "x y", "0"],
        "contains": ["alp", "", "A", "1", "gamma", "%", "_", "2024", "01/", " alp "],
        "contains_word": ["alpha", "", "gamma", "a", "delta_1", "ALPHA", "1"],
        "length_is_lower_than": ["6", "", "1", "x", "100", "0"],
        "is_even_and_whole": ["", "1"],
        "higher_than": NUMBERS,
        "date_equal": [*LEGACY_DATE, f"UTC?{today}"],
        "date_equals_today": ["UTC", "", "Europe/Berlin", "Bad/Zone"],
        "date_within_days": ["UTC?3", "UTC?", "UTC?x", "3", "UTC?0", "UTC?-2"],
        "date_equals_days_ago": ["UTC?1", "UTC?7", "UTC?", "UTC?x", "1", "UTC?0"],
        "date_equals_day_of_month": ["UTC?15", "UTC?2", "UTC?", "UTC?x", "15", "UTC?32"],
        "date_is": MULTI_STEP,
        "single_select_equal": [a, "", b, "x", MISSING, f"{a},{b}"],
        "single_select_is_any_of": [f"{a},{b}", a, "", "x", f"{a},x", MISSING],
        "boolean": ["1", "0", "true", "false", "", "x", "yes", "no", "on", "off", "t", "2"],
        "link_row_has": ["1", "2", "", "x", MISSING],
        "link_row_contains": ["l1", "", "L", "x"],
        "multiple_select_has": [a, "", "x", f"{a},{b}", MISSING],
        "multiple_collaborators_has": [str(user), "", "x", MISSING],
        "user_is": [str(user), "", "x", MISSING],
        "empty": ["", "x"],
        "filename_contains": ["pic", "", "TXT"],
        "has_file_type": ["image", "document", "", "x"],
        "files_lower_than": ["2", "", "x", "0"],
        "has_value_equal": ["alpha", "", "1", "ALPHA", "2.5", "true", a],
        "has_value_contains": ["alp", "", "A", "1", "x", "2024", "01/"],
        "has_value_contains_word": ["alpha", "", "a", "gamma"],
        "has_value_length_is_lower_than": ["6", "", "1", "x"],
        "has_all_values_equal": ["1", "0", "true", "", "x"],
        "has_any_select_option_equal": [a, f"{a},{b}", "", "x", MISSING],
        "has_value_higher": NUMBERS,
        "has_empty_value": ["", "x"],
        "has_date_equal": MULTI_STEP,
    }
    alias = {
        "not_equal": "equal",
        "contains_not": "contains",
        "doesnt_contain_word": "contains_word",
        "higher_than_or_equal": "higher_than",
        "lower_than": "higher_than",
        "lower_than_or_equal": "higher_than",
        "single_select_not_equal": "single_select_equal",
        "single_select_is_none_of": "single_select_is_any_of",
        "link_row_has_not": "link_row_has",
        "link_row_not_contains": "link_row_contains",
        "multiple_select_has_not": "multiple_select_has",
        "multiple_collaborators_has_not": "multiple_collaborators_has",
        "user_is_not": "user_is",
        "not_empty": "empty",
        "has_not_value_equal": "has_value_equal",
        "has_not_value_contains": "has_value_contains",
        "has_not_value_contains_word": "has_value_contains_word",
        "has_none_select_option_equal": "has_any_select_option_equal",
        "has_not_empty_value": "has_empty_value",
    }
    for legacy in ("not_equal", "before", "before_or_equal", "after", "after_or_equal"):
        alias[f"date_{legacy}"] = "date_equal"
    for today_like in ("before_today", "after_today", "equals_week", "equals_month"):
        alias[f"date_{today_like}"] = "date_equals_today"
    alias["date_equals_year"] = "date_equals_today"
    for n in ("weeks", "months"):
        alias[f"date_within_{n}"] = "date_within_days"
    for n in ("months_ago", "years_ago"):
        alias[f"date_equals_{n}"] = "date_equals_days_ago"
    alias["date_after_days_ago"] = "date_equals_days_ago"
    for op in ("not", "before", "on_or_before", "after", "on_or_after", "within"):
        alias[f"date_is_{op}"] = "date_is"
        alias[f"has_date_{op}"] = "has_date_equal"
        alias[f"has_not_date_{op}"] = "has_date_equal"
    alias["has_not_date_equal"] = "has_date_equal"
    for op in ("higher", "higher_or_equal", "lower", "lower_or_equal"):
        alias[f"has_not_value_{op}"] = "has_value_higher"
        if op != "higher":
            alias[f"has_value_{op}"] = "has_value_higher"
    return table[alias.get(filter_type, filter_type)]


# what a group of fields is tried with (filters here, sorts in sorts.py)
Probe = Callable[..., None]


def try_filters(
    s: Session, built: Built, names: list[str], option_source: Callable[[str], str] = str
) -> None:
    """Every filter type on each field: refused once, or tried with all its values."""
    user = s.user_id
    for name in names:
        source = option_source(name)
        opts = {
            k.split(":", 1)[1]: v for k, v in built.options.items() if k.startswith(f"{source}:")
        }
        for filter_type in FILTER_TYPES:
            for i, value in enumerate(values(filter_type, user, s.today)):
                if opts and value.isdigit():
                    value = MISSING  # a small number would name another server's option
                value = value.replace(OPTION_A, str(opts.get("a", MISSING)))
                value = value.replace(OPTION_B, str(opts.get("b", int(MISSING) + 1)))
                query = {"user_field_names": "true", "include": f"Name,{name}",
                         f"filter__{name}__{filter_type}": value}  # fmt: skip
                answer = s.rows(f"{name}|{filter_type}|{i}", built.table, **query)
                if i == 0 and isinstance(answer, dict) and "error" in answer:
                    break


def text(s: Session, probe: Probe = try_filters) -> None:
    s.sign_up()
    primary = ["alpha", "Beta gamma", "", None, "delta_1 x", "ALPHA", "2.5", "01/02/2024"]
    fields = [("Long", "long_text", {}), ("Url", "url", {}), ("Email", "email", {}),
              ("Phone", "phone_number", {}), ("Uuid", "uuid", {}),
              ("Auto", "autonumber", {})]  # fmt: skip
    rows = [
        {"Long": "alpha beta\nsecond line", "Url": "https://alpha.example/x",
         "Email": "alpha@example.com", "Phone": "+1 555 0100"},
        {"Long": "Gamma", "Url": "http://beta.example", "Email": "beta@example.org",
         "Phone": "555-0101"},
        {"Long": "", "Url": "", "Email": "", "Phone": ""},
        {"Long": None, "Url": None, "Email": None, "Phone": None},
        {"Long": "delta_1 x 100%", "Url": "https://d.example/?q=a_b", "Email": "d_1@x.io",
         "Phone": "(555) 0102"},
        {"Long": "ALPHA", "Url": "https://ALPHA.example", "Email": "ALPHA@EXAMPLE.COM",
         "Phone": "1"},
        {"Long": "2.5", "Url": "https://x.example/2.5", "Email": "x@2.5.example", "Phone": "2"},
        {"Long": "01/02/2024", "Url": "", "Email": "", "Phone": "0"},
    ]  # fmt: skip
    built = build(s, s.database(), "Text", primary, fields, rows)
    probe(s, built, ["Name", *(f[0] for f in fields)])


def number(s: Session, probe: Probe = try_filters) -> None:
    s.sign_up()
    primary = ["one", "two and a half", "minus three", "zero", "none", "million", "hundred"]
    fields = [("Num", "number", {"number_decimal_places": 2, "number_negative": True}),
              ("Int", "number", {"number_decimal_places": 0}),
              ("Rating", "rating", {"max_value": 5}),
              ("Dur", "duration", {"duration_format": "h:mm:ss"}),
              ("DurD", "duration", {"duration_format": "d h mm"})]  # fmt: skip
    nums = ["1", "2.5", "-3", "0", None, "1000000", "100"]
    ints = ["1", "2", None, "0", None, "1000000", "100"]
    ratings = [1, 2, 0, 0, 0, 5, 3]
    durations = [1, 2.5, 3600, 0, None, 86400, 100]
    rows = [{"Num": n, "Int": i, "Rating": r, "Dur": d, "DurD": d}
            for n, i, r, d in zip(nums, ints, ratings, durations, strict=True)]  # fmt: skip
    built = build(s, s.database(), "Number", primary, fields, rows)
    probe(s, built, [f[0] for f in fields])


def dates(s: Session, probe: Probe = try_filters) -> None:
    s.sign_up()
    days = Days(s.today).all()
    primary = [d.isoformat() for d in days] + ["late", "none"]
    fields = [("D", "date", {"date_format": "EU"}),
              ("DUS", "date", {"date_format": "US"}),
              ("DT", "date", {"date_include_time": True, "date_format": "ISO",
                              "date_time_format": "24"}),
              ("DTB", "date", {"date_include_time": True, "date_force_timezone": "Europe/Berlin"}),
              ("Created", "created_on", {}),
              ("CreatedT", "created_on", {"date_include_time": True}),
              ("Modified", "last_modified", {"date_include_time": True})]  # fmt: skip
    rows = [{"D": d.isoformat(), "DUS": d.isoformat(), "DT": f"{d}T10:00:00Z",
             "DTB": f"{d}T10:00:00Z"} for d in days]  # fmt: skip
    late = f"{FIXED}T23:30:00Z"  # the next day in Berlin
    rows += [{"D": FIXED, "DUS": FIXED, "DT": late, "DTB": late}, {}]
    built = build(s, s.database(), "Dates", primary, fields, rows)
    probe(s, built, [f[0] for f in fields])


def selects(s: Session, probe: Probe = try_filters) -> None:
    s.sign_up()
    primary = ["a", "b", "ab", "none", "c", "abc"]
    fields = [("Bool", "boolean", {}),
              ("Single", "single_select", options("a", "b", "c", "A b")),
              ("Multi", "multiple_select", options("a", "b", "c", "A b"))]  # fmt: skip
    rows = [{"Bool": True, "Single": "a", "Multi": ["a"]},
            {"Bool": False, "Single": "b", "Multi": ["b"]},
            {"Bool": True, "Single": "A b", "Multi": ["a", "b"]},
            {"Bool": False, "Single": None, "Multi": []},
            {"Bool": True, "Single": "c", "Multi": ["c", "A b"]},
            {"Bool": False, "Single": "a", "Multi": ["a", "b", "c"]}]  # fmt: skip
    built = build(s, s.database(), "Selects", primary, fields, rows)
    probe(s, built, [f[0] for f in fields])


def linked_source(s: Session, database: int) -> Built:
    """The table that links, lookups, counts and rollups read from."""
    fields = [("Num", "number", {"number_decimal_places": 1, "number_negative": True}),
              ("Date", "date", {}),
              ("DateT", "date", {"date_include_time": True}),
              ("Bool", "boolean", {}),
              ("Single", "single_select", options("a", "b", "c")),
              ("Multi", "multiple_select", options("a", "b", "c")),
              ("Url", "url", {}),
              ("Dur", "duration", {"duration_format": "h:mm"})]  # fmt: skip
    rows = [
        {"Num": "1", "Date": FIXED, "DateT": f"{FIXED}T23:30:00Z", "Bool": True, "Single": "a",
         "Multi": ["a"], "Url": "https://alpha.example", "Dur": 60},
        {"Num": "2.5", "Date": s.today.isoformat(), "DateT": f"{s.today}T10:00:00Z",
         "Bool": False, "Single": "b", "Multi": ["a", "b"], "Url": "", "Dur": 3600},
        {"Num": "-3", "Date": None, "DateT": None, "Bool": True, "Single": None, "Multi": [],
         "Url": None, "Dur": None},
        {"Num": None, "Date": "2025-06-15", "DateT": "2025-06-15T00:00:00Z", "Bool": False,
         "Single": "c", "Multi": ["c"], "Url": "https://gamma.example/delta", "Dur": 0},
    ]  # fmt: skip
    return build(s, database, "Source", ["l1", "alpha beta", "", "L4 gamma"], fields, rows)


def links(s: Session, probe: Probe = try_filters) -> None:
    """link_row, count, rollup, lookups of every kind and formulas over arrays."""
    s.sign_up()
    db = s.database()
    source = linked_source(s, db)
    primary = ["all", "first", "second", "none", "third and fourth", "first twice"]
    table = build(s, db, "Links", primary, [])
    link = s.field(table.table, "Link", "link_row", link_row_table_id=source.table)
    table.fields["Link"] = link
    links_of = [[1, 2, 3, 4], [1], [2], [], [3, 4], [1, 2]]
    items = [{"id": i + 1, "Link": ids} for i, ids in enumerate(links_of)]
    s.patch("fill", f"/api/database/rows/table/{table.table}/batch/", {"items": items},
            query={"user_field_names": "true"})  # fmt: skip
    through = link["id"]
    targets = {name: f["id"] for name, f in source.fields.items()}
    targets["Name"] = s.fields(source.table)["Name"]["id"]
    computed: list[tuple[str, str, dict[str, Any]]] = [
        ("Count", "count", {"through_field_id": through}),
        ("Sum", "rollup", {"through_field_id": through, "target_field_id": targets["Num"],
                           "rollup_function": "sum"}),
        ("Max", "rollup", {"through_field_id": through, "target_field_id": targets["Num"],
                           "rollup_function": "max"}),
        *((f"Lk{t}", "lookup", {"through_field_id": through, "target_field_id": targets[t]})
          for t in ("Name", "Num", "Date", "DateT", "Bool", "Single", "Multi", "Url", "Dur")),
        ("FJoin", "formula", {"formula": "join(lookup('Link', 'Name'), ',')"}),
        ("FArr", "formula", {"formula": "lookup('Link', 'Num')"}),
        ("FTotal", "formula", {"formula": "sum(lookup('Link', 'Num'))"}),
        ("FLink", "formula", {"formula": "field('Link')"}),
    ]  # fmt: skip
    for name, type_, props in computed:
        table.fields[name] = s.field(table.table, name, type_, **props)
    s.rows("rows", table.table, user_field_names="true")
    names = ["Link", *(c[0] for c in computed)]
    table.options = dict(source.options)
    probe(s, table, names, option_source=lambda n: n.removeprefix("Lk"))
    probe(s, source, ["Links"])  # the link's other side


def formulas(s: Session, probe: Probe = try_filters) -> None:
    """Formula fields of every result type."""
    s.sign_up()
    days = Days(s.today).all()[:6]
    primary = ["alpha", "Beta gamma", "", "delta_1 x", "ALPHA", "2.5"]
    sources = [("Num", "number", {"number_decimal_places": 1, "number_negative": True}),
               ("D", "date", {}),
               ("DT", "date", {"date_include_time": True}),
               ("Dur", "duration", {"duration_format": "h:mm"}),
               ("Single", "single_select", options("a", "b", "c")),
               ("Multi", "multiple_select", options("a", "b", "c")),
               ("Bool", "boolean", {})]  # fmt: skip
    nums = ["1", "2.5", "-3", None, "0", "10"]
    singles = ["a", "b", None, "c", "a", "b"]
    multis = [["a"], ["a", "b"], [], ["c"], ["b", "c"], ["a", "b", "c"]]
    rows = [{"Num": n, "D": d.isoformat(), "DT": f"{d}T22:30:00Z", "Dur": 60 * i,
             "Single": single, "Multi": multi, "Bool": i % 2 == 0}
            for i, (n, d, single, multi) in enumerate(zip(nums, days, singles, multis,
                                                           strict=True))]  # fmt: skip
    built = build(s, s.database(), "Formulas", primary, sources, rows)
    computed = [
        ("FText", "concat(field('Name'), '!')"),
        ("FNum", "field('Num') * 2"),
        ("FBool", "field('Num') > 1"),
        ("FDate", "field('D')"),
        ("FDateTime", "field('DT')"),
        ("FDur", "field('Dur')"),
        ("FSingle", "field('Single')"),
        ("FMulti", "field('Multi')"),
        ("FBoolField", "field('Bool')"),
        ("FTotext", "totext(field('Num'))"),
        ("FBlankNum", "if(field('Num') > 0, field('Num'), 0)"),
        ("FDateText", "totext(field('D'))"),
    ]
    for name, formula in computed:
        built.fields[name] = s.field(built.table, name, "formula", formula=formula)
    s.rows("rows", built.table, user_field_names="true")
    source_of = {"FSingle": "Single", "FMulti": "Multi"}
    probe(s, built, [c[0] for c in computed], option_source=lambda n: source_of.get(n, n))


SCENARIOS = {
    "filters_text": text,
    "filters_number": number,
    "filters_dates": dates,
    "filters_selects": selects,
    "filters_links": links,
    "filters_formulas": formulas,
}
