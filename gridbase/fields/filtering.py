"""Which filter types a field accepts: Baserow 1.35.3's `compatible_field_types` of every
filter type (views/view_filters.py, views/array_view_filters.py), in one table.

A field of a plain type accepts by its type; a formula, count, rollup or lookup field by its
formula type ("text", "number", "array(date)", ...). Imports: nothing of gridbase.
"""

from __future__ import annotations

from collections import defaultdict

DATE_FILTERS = """date_after date_after_days_ago date_after_or_equal date_after_today
date_before date_before_or_equal date_before_today date_equal date_equals_day_of_month
date_equals_days_ago date_equals_month date_equals_months_ago date_equals_today
date_equals_week date_equals_year date_equals_years_ago date_is date_is_after date_is_before
date_is_not date_is_on_or_after date_is_on_or_before date_is_within date_not_equal
date_within_days date_within_months date_within_weeks"""
HAS_DATE = " ".join(
    f"has{neg}_date_{op}"
    for neg in ("", "_not")
    for op in ("equal", "before", "on_or_before", "after", "on_or_after", "within")
)
HAS_NUMBER = " ".join(
    f"has{neg}_value_{op}"
    for neg in ("", "_not")
    for op in ("higher", "higher_or_equal", "lower", "lower_or_equal")
)
ARRAYS_OF = "array(char) array(multiple_select) array(single_select) array(text) array(url)"

# (filter types, field types, formula types): the filter types accept exactly these
COMPATIBLE: tuple[tuple[str, str, str], ...] = (
    ("boolean", "boolean", "boolean"),
    (
        "contains contains_not",
        "autonumber created_on date email last_modified long_text multiple_select number "
        "phone_number single_select text url",
        "char date multiple_select number single_select text url",
    ),
    (
        "contains_word doesnt_contain_word",
        "email long_text multiple_select single_select text url",
        "char multiple_select single_select text url",
    ),
    (DATE_FILTERS, "created_on date last_modified", "date"),
    (
        "empty not_empty",
        "boolean created_on date duration email file last_modified link_row long_text "
        "multiple_collaborators multiple_select number password phone_number rating "
        "single_select text url",
        "array(boolean) array(char) array(date) array(duration) array(multiple_collaborators) "
        "array(multiple_select) array(number) array(single_file) array(single_select) "
        "array(text) array(url) boolean char date date_interval duration "
        "multiple_collaborators multiple_select number single_select text url",
    ),
    (
        "equal not_equal",
        "autonumber boolean duration email long_text number phone_number rating text url uuid",
        "char duration number text url",
    ),
    ("filename_contains has_file_type", "file", "array(single_file)"),
    ("files_lower_than", "file", ""),
    ("has_all_values_equal", "", "array(boolean)"),
    ("has_any_select_option_equal has_none_select_option_equal", "", "array(single_select)"),
    (HAS_DATE, "", "array(date)"),
    (
        "has_empty_value has_not_empty_value has_value_contains has_not_value_contains",
        "",
        f"array(date) array(number) {ARRAYS_OF}",
    ),
    ("has_value_contains_word has_not_value_contains_word", "", ARRAYS_OF),
    ("has_value_equal has_not_value_equal", "", f"array(boolean) array(number) {ARRAYS_OF}"),
    (HAS_NUMBER, "", "array(number)"),
    ("has_value_length_is_lower_than", "", "array(char) array(text) array(url)"),
    (
        "higher_than higher_than_or_equal lower_than lower_than_or_equal",
        "autonumber duration number rating",
        "duration number",
    ),
    ("is_even_and_whole", "autonumber number", "number"),
    ("length_is_lower_than", "email long_text phone_number text url", "url"),
    ("link_row_contains link_row_has link_row_has_not link_row_not_contains", "link_row", ""),
    (
        "multiple_collaborators_has multiple_collaborators_has_not",
        "multiple_collaborators",
        "multiple_collaborators",
    ),
    ("multiple_select_has multiple_select_has_not", "multiple_select", "multiple_select"),
    (
        "single_select_equal single_select_is_any_of single_select_is_none_of "
        "single_select_not_equal",
        "single_select",
        "single_select",
    ),
    ("user_is user_is_not", "created_by last_modified_by", ""),
)


def _index(column: int) -> dict[str, frozenset[str]]:
    accepted: defaultdict[str, set[str]] = defaultdict(set)
    for row in COMPATIBLE:
        for key in row[column].split():
            accepted[key] |= set(row[0].split())
    return {key: frozenset(names) for key, names in accepted.items()}


BY_FIELD_TYPE = _index(1)
BY_FORMULA_TYPE = _index(2)
ALL = frozenset(name for row in COMPATIBLE for name in row[0].split())


def for_field_type(type_: str) -> frozenset[str]:
    return BY_FIELD_TYPE.get(type_, frozenset())


def for_formula_type(formula_type: str) -> frozenset[str]:
    """By a formula type as Baserow names it: "number", "array(text)", ..."""
    return BY_FORMULA_TYPE.get(formula_type, frozenset())
