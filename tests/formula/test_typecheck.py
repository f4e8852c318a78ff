"""Type inference per function and Baserow's type error messages."""

from __future__ import annotations

import pytest

from gridbase.formula import (
    FieldInfo,
    FormulaSelfReferenceError,
    FormulaTypeError,
    field_info,
    parse,
    typecheck,
)

from .conftest import FIELDS


def props(text: str) -> dict[str, object]:
    return typecheck(parse(text), FIELDS).field_props()


def kind(text: str) -> tuple[object, ...]:
    p = props(text)
    return (p["formula_type"], p["number_decimal_places"], p["array_formula_type"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("concat(field('Name'), '#', totext(field('Qty')))", ("text", None, None)),
        ("field('Amount') * 2", ("number", 2, None)),
        ("field('Qty') + 1.555", ("number", 3, None)),
        ("field('Amount') - field('Qty')", ("number", 2, None)),
        ("field('Qty') / 2", ("number", 10, None)),
        ("1", ("number", 0, None)),
        ("'a' + 'b'", ("text", None, None)),
        ("upper('a')", ("text", None, None)),
        ("lower(field('Name'))", ("text", None, None)),
        ("trim(field('Name'))", ("text", None, None)),
        ("length('abc')", ("number", 0, None)),
        ("left('abc', 2)", ("text", None, None)),
        ("right('abc', 2)", ("text", None, None)),
        ("replace('abc', 'a', 'b')", ("text", None, None)),
        ("contains('abc', 'a')", ("boolean", None, None)),
        ("search('abc', 'b')", ("number", 0, None)),
        ("totext(field('Due'))", ("text", None, None)),
        ("tonumber('1')", ("number", 10, None)),
        ("field('Qty') > 1", ("boolean", None, None)),
        ("field('Name') = 1", ("boolean", None, None)),
        ("field('Qty') != 1", ("boolean", None, None)),
        ("field('Done') && true", ("boolean", None, None)),
        ("or(true, false)", ("boolean", None, None)),
        ("not(true)", ("boolean", None, None)),
        ("isblank(field('Due'))", ("boolean", None, None)),
        ("if(true, 1, 2.50)", ("number", 2, None)),
        ("if(true, 'a', 'b')", ("text", None, None)),
        ("if(true, 1, 'b')", ("text", None, None)),
        ("round(field('Amount'), 1)", ("number", 1, None)),
        ("round(field('Amount'), field('Qty'))", ("number", 10, None)),
        ("round(1, 20)", ("number", 10, None)),
        ("round(1, -2)", ("number", 0, None)),
        ("floor(field('Amount'))", ("number", 0, None)),
        ("ceil(field('Amount'))", ("number", 0, None)),
        ("abs(field('Amount'))", ("number", 2, None)),
        ("greatest(field('Qty'), 1.5)", ("number", 1, None)),
        ("year(field('Due'))", ("number", 0, None)),
        ("month(field('Meeting'))", ("number", 0, None)),
        ("day(now())", ("number", 0, None)),
        ("date_diff('dd', field('Due'), today())", ("number", 0, None)),
        ("date_interval('1 day')", ("duration", None, None)),
        ("field('Dur') * 2", ("duration", None, None)),
        ("toseconds(field('Dur'))", ("number", 0, None)),
        ("field('Meeting') - field('Due')", ("duration", None, None)),
        ("field('Due') + date_interval('1 day')", ("date", None, None)),
        ("lookup('Tags', 'Points')", ("array", 0, "number")),
        ("field('Tags')", ("array", None, "text")),
        ("field('TagNames')", ("array", None, "text")),
        ("upper(lookup('Tags', 'Tag'))", ("array", None, "text")),
        ("sum(lookup('Tags', 'Points'))", ("number", 0, None)),
        ("sum(lookup('Tags', 'Points') * 1.5)", ("number", 1, None)),
        ("avg(lookup('Tags', 'Points'))", ("number", 0, None)),
        ("min(lookup('Tags', 'Tag'))", ("text", None, None)),
        ("max(lookup('Tags', 'Points'))", ("number", 0, None)),
        ("count(field('Tags'))", ("number", 0, None)),
        ("join(lookup('Tags', 'Tag'), ',')", ("text", None, None)),
        ("any(lookup('Tags', 'Flag'))", ("boolean", None, None)),
        ("totext(field('Status'))", ("text", None, None)),
        ("field('Status')", ("single_select", None, None)),
        ("row_id()", ("number", 0, None)),
    ],
)
def test_result_types(text: str, expected: tuple[object, ...]) -> None:
    assert kind(text) == expected


def test_golden_props_match_baserow() -> None:
    text_props = props("concat(field('Name'), '#', totext(field('Qty')))")
    assert text_props == {
        "formula_type": "text",
        "array_formula_type": None,
        "nullable": False,
        "number_decimal_places": None,
        "date_include_time": None,
        "date_format": None,
        "date_time_format": None,
        "date_show_tzinfo": None,
        "date_force_timezone": None,
        "duration_format": None,
        "error": None,
    }
    assert props("field('Amount') * 2")["nullable"] is False
    lookup = props("lookup('Tags', 'Tag')")
    assert (lookup["formula_type"], lookup["array_formula_type"], lookup["nullable"]) == (
        "array",
        "text",
        True,
    )


def test_date_props() -> None:
    now = props("now()")
    assert (now["date_include_time"], now["date_format"], now["date_time_format"]) == (
        True,
        "ISO",
        "24",
    )
    today = props("today()")
    assert (today["date_include_time"], today["date_force_timezone"]) == (False, "UTC")
    todate = props("todate('2024', 'YYYY')")
    assert (todate["formula_type"], todate["nullable"]) == ("date", True)
    assert props("field('Meeting')")["date_include_time"] is True
    assert props("field('Dur') + field('Dur')")["duration_format"] == "h:mm"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "upper(1)",
            "argument number 1 given to function upper was of type number "
            "but the only usable type for this argument is text",
        ),
        ("field('Nope')", "references the deleted or unknown field Nope"),
        (
            "concat(field('A'), field('B'))",
            "references the deleted or unknown field A, references the deleted or unknown field B",
        ),
        (
            "'a' + 1",
            "argument number 2 given to operator + was of type number "
            "but the only usable types for this argument are text,char,link",
        ),
        (
            "true + 1",
            "argument number 2 given to operator + was of type number "
            "but there are no possible types usable here",
        ),
        (
            "field('Qty') - 'a'",
            "argument number 2 given to operator - was of type text "
            "but the only usable type for this argument is number",
        ),
        (
            "1 * 'a'",
            "argument number 2 given to operator * was of type text "
            "but the only usable types for this argument are number,duration",
        ),
        (
            "1 > 'a'",
            "argument number 2 given to operator > was of type text "
            "but the only usable type for this argument is number",
        ),
        (
            "true > false",
            "argument number 2 given to operator > was of type boolean "
            "but there are no possible types usable here",
        ),
        (
            "field('Due') = 1",
            "argument number 2 given to operator = was of type number "
            "but the only usable types for this argument are date,text",
        ),
        (
            "if(1, 2, 3)",
            "argument number 1 given to function if was of type number "
            "but the only usable type for this argument is boolean",
        ),
        (
            "sum(field('Qty'))",
            "argument number 1 given to function sum was of type number but the only usable type "
            "for this argument is a list of number, or duration values obtained from a lookup",
        ),
        (
            "count(1)",
            "argument number 1 given to function count was of type number "
            "but the only usable types for this argument are a list of values obtained from a "
            "lookup,multiple_select,multiple_collaborators,array",
        ),
        ("lookup('Name', 'x')", "first lookup function argument must be a link row field"),
        ("lookup('Tags', 'Nope')", "references the deleted or unknown field Nope in table Tags"),
        ("lookup('Nope', 'x')", "references the deleted or unknown field Nope"),
        ("second(field('Due'))", "cannot extract seconds from a date without time"),
        ("when_empty(1, 'a')", "both inputs for when_empty must be the same type"),
        (
            "year('2024')",
            "argument number 1 given to function year was of type text "
            "but the only usable type for this argument is date",
        ),
    ],
)
def test_type_errors(text: str, message: str) -> None:
    with pytest.raises(FormulaTypeError) as info:
        typecheck(parse(text), FIELDS)
    assert info.value.message == message
    assert info.value.api_detail == f"Error with formula: {message}."


def test_self_reference() -> None:
    with pytest.raises(FormulaSelfReferenceError) as info:
        typecheck(parse("field('Me') + 1"), {"Me": FieldInfo("number", 0)}, field_name="Me")
    assert info.value.error_code == "ERROR_FIELD_SELF_REFERENCE"


def test_nullable_arguments_are_coerced_like_baserow() -> None:
    typed = typecheck(parse("field('Amount') * 2"), FIELDS)
    first = typed.expr.args[0]
    assert first.name == "when_empty"
    assert typed.expr.ftype.nullable is False
    # totext/concat/if/equal do not coerce their arguments
    equal = typecheck(parse("field('Name') = 'a'"), FIELDS).expr
    assert equal.args[0].op == "field"


def test_field_info_keeps_the_formatting_options_of_props() -> None:
    number = field_info("number", {"number_decimal_places": 3, "name": "ignored"})
    assert (number.formula_type, number.number_decimal_places, number.nullable) == (
        "number",
        3,
        True,
    )
    assert field_info("boolean", {}, nullable=False).nullable is False
    # a computed field's own nullability wins over the type's
    assert field_info("number", {"nullable": True}, nullable=False).nullable is True
    link = FieldInfo("array", array_formula_type="text", link_fields={"N": FieldInfo("text")})
    assert link.is_link and link.to_ftype().kind == "array"
