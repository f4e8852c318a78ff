"""Parsing: node shapes, precedence, literals and Baserow-style syntax errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridbase.formula import (
    BooleanLiteral,
    FieldReference,
    FormulaSyntaxError,
    FunctionCall,
    LookupReference,
    NumberLiteral,
    StringLiteral,
    parse,
)

EXPR_START = (
    "{BLOCK_COMMENT, LINE_COMMENT, WHITESPACE, TRUE, FALSE, FIELD, FIELDBYID, LOOKUP, "
    "'(', NUMERIC_LITERAL, INTEGER_LITERAL, SINGLEQ_STRING_LITERAL, "
    "DOUBLEQ_STRING_LITERAL, IDENTIFIER, IDENTIFIER_UNICODE}"
)


def shape(node: object) -> object:
    """Compact, position-free rendering of a node tree."""
    if isinstance(node, FunctionCall):
        return (node.name, *[shape(arg) for arg in node.args])
    if isinstance(node, FieldReference):
        return ("field", node.name)
    if isinstance(node, LookupReference):
        return ("lookup", node.link_name, node.target_name)
    if isinstance(node, (StringLiteral, BooleanLiteral)):
        return node.value
    if isinstance(node, NumberLiteral):
        return node.value
    raise AssertionError(node)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'abc'", "abc"),
        ('"abc"', "abc"),
        (r"'it\'s'", "it's"),
        (r'"say \"hi\""', 'say "hi"'),
        ("12", Decimal(12)),
        ("1.50", Decimal("1.50")),
        ("true", True),
        ("FALSE", False),
        ("field('Name')", ("field", "Name")),
        ('field("Na\\"me")', ("field", 'Na"me')),
        ("FIELD('a b')", ("field", "a b")),
        ("lookup('Tags', 'Name')", ("lookup", "Tags", "Name")),
        ("UPPER('a')", ("upper", "a")),
        ("concat('a', 'b', 'c')", ("concat", "a", "b", "c")),
        ("now()", ("now",)),
        ("1 + 2 * 3", ("add", Decimal(1), ("multiply", Decimal(2), Decimal(3)))),
        ("(1 + 2) * 3", ("multiply", ("add", Decimal(1), Decimal(2)), Decimal(3))),
        ("1 - 2 - 3", ("minus", ("minus", Decimal(1), Decimal(2)), Decimal(3))),
        ("8 / 4 / 2", ("divide", ("divide", Decimal(8), Decimal(4)), Decimal(2))),
        ("1 = 2", ("equal", Decimal(1), Decimal(2))),
        ("1 != 2", ("not_equal", Decimal(1), Decimal(2))),
        ("1 <> 2", ("not_equal", Decimal(1), Decimal(2))),
        ("1 >= 2", ("greater_than_or_equal", Decimal(1), Decimal(2))),
        ("1 <= 2", ("less_than_or_equal", Decimal(1), Decimal(2))),
        ("1 < 2 = true", ("equal", ("less_than", Decimal(1), Decimal(2)), True)),
        ("true && false", ("and", True, False)),
        ("true || false", ("or", True, False)),
        ("true and false or true", ("or", ("and", True, False), True)),
        ("and(true, false)", ("and", True, False)),
        # Baserow binds && tighter than comparisons.
        ("1 > true && false", ("greater_than", Decimal(1), ("and", True, False))),
        ("-5", Decimal(-5)),
        ("-1.5 * 2", ("multiply", Decimal("-1.5"), Decimal(2))),
        ("-field('x')", ("minus", Decimal(0), ("field", "x"))),
        ("1-1", ("minus", Decimal(1), Decimal(1))),
        ("  /* note */ 1 +\n-- line\n 2 ", ("add", Decimal(1), Decimal(2))),
        ("upper( 'a' )", ("upper", "a")),
    ],
)
def test_parse_shapes(text: str, expected: object) -> None:
    assert shape(parse(text)) == expected


def test_operator_calls_remember_operator_and_position() -> None:
    node = parse("field('a')  + 1")
    assert isinstance(node, FunctionCall)
    assert node.operator == "+"
    assert node.position == 12
    assert isinstance(node.args[0], FieldReference) and node.args[0].position == 0


def test_decimal_places_of_literals() -> None:
    node = parse("1.250")
    assert isinstance(node, NumberLiteral)
    assert node.decimal_places == 3
    assert not node.is_integer


def test_golden_error_for_trailing_operator() -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        parse("field('Nope') +")
    error = info.value
    assert error.position == 15
    assert error.api_detail == (
        "Error with formula: Invalid syntax at line 1, col 15: mismatched input "
        f"'the end of the formula' expecting {EXPR_START}."
    )
    assert error.error_code == "ERROR_WITH_FORMULA"


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        (
            "",
            0,
            "Invalid syntax at line 1, col 0: "
            f"mismatched input 'the end of the formula' expecting {EXPR_START}",
        ),
        (
            "1 +)",
            3,
            f"Invalid syntax at line 1, col 3: mismatched input ')' expecting {EXPR_START}",
        ),
        (
            "1 + ) 2",
            4,
            f"Invalid syntax at line 1, col 4: extraneous input ')' expecting {EXPR_START}",
        ),
        (
            "(1",
            2,
            "Invalid syntax at line 1, col 2: "
            "mismatched input 'the end of the formula' expecting ')'",
        ),
        (
            "1 2",
            2,
            "Invalid syntax at line 1, col 2: "
            "extraneous input '2' expecting the end of the formula",
        ),
        (
            "upper('a' 'b')",
            10,
            "Invalid syntax at line 1, col 10: mismatched input ''b'' expecting {',', ')'}",
        ),
        (
            "field(1)",
            6,
            "Invalid syntax at line 1, col 6: "
            "mismatched input '1' expecting {SINGLEQ_STRING_LITERAL, DOUBLEQ_STRING_LITERAL}",
        ),
        ("upper 'a'", 6, "Invalid syntax at line 1, col 6: mismatched input ''a'' expecting '('"),
        (
            "1 +\n  #",
            6,
            f"Invalid syntax at line 2, col 2: mismatched input '#' expecting {EXPR_START}",
        ),
        (
            "'unterminated",
            0,
            f"Invalid syntax at line 1, col 0: extraneous input ''' expecting {EXPR_START}",
        ),
        (
            "field_by_id(1)",
            0,
            "It is no longer possible to reference a field by it's ID "
            "in the Baserowformula language.",
        ),
        ("foo(1)", 0, "foo is not a valid function"),
        ("1 + nope()", 4, "nope is not a valid function"),
        (
            "upper('a', 'b')",
            0,
            "2 arguments were given to the function upper, "
            "it must instead be given exactly 1 argument",
        ),
        (
            "concat('a')",
            0,
            "1 argument was given to the function concat, "
            "it must instead be given more than 1 arguments",
        ),
        (
            "now(1)",
            0,
            "1 argument was given to the function now, "
            "it must instead be given exactly 0 arguments",
        ),
        (
            "add(1)",
            0,
            "1 argument was given to the operator +, it must instead be given exactly 2 arguments",
        ),
    ],
)
def test_syntax_errors(text: str, position: int, message: str) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        parse(text)
    assert info.value.message == message
    assert info.value.position == position


def test_outer_call_is_checked_before_inner_calls() -> None:
    with pytest.raises(FormulaSyntaxError, match="upper, it must"):
        parse("upper(foo(), 'x')")


def test_very_deep_formula_is_rejected_cleanly() -> None:
    with pytest.raises(FormulaSyntaxError, match="maximum formula size"):
        parse("(" * 5000 + "1" + ")" * 5000)
