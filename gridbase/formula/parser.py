"""Recursive-descent parser producing :mod:`gridbase.formula.nodes` trees.

Operator precedence follows Baserow's ANTLR grammar exactly (tightest
first): ``* /``, ``+ -``, ``&& ||`` (and the word forms ``and``/``or``),
``> < >= <=``, ``= != <>``. All binary operators are left associative.
Error messages copy ANTLR's wording as surfaced by Baserow.
"""

from __future__ import annotations

from decimal import Decimal

from .errors import FormulaSyntaxError
from .lexer import Token, describe_expected, tokenize
from .nodes import (
    BooleanLiteral,
    FieldReference,
    FunctionCall,
    LookupReference,
    Node,
    NumberLiteral,
    StringLiteral,
)

EXPR_START = frozenset(
    {
        "BLOCK_COMMENT",
        "LINE_COMMENT",
        "WHITESPACE",
        "TRUE",
        "FALSE",
        "FIELD",
        "FIELDBYID",
        "LOOKUP",
        "OPEN_PAREN",
        "NUMERIC_LITERAL",
        "INTEGER_LITERAL",
        "SINGLEQ_STRING_LITERAL",
        "DOUBLEQ_STRING_LITERAL",
        "IDENTIFIER",
        "IDENTIFIER_UNICODE",
    }
)
STRING_KINDS = frozenset({"SINGLEQ_STRING_LITERAL", "DOUBLEQ_STRING_LITERAL"})

# token kind -> (precedence, function name, operator text shown in errors)
BINARY_OPERATORS: dict[str, tuple[int, str, str]] = {
    "STAR": (9, "multiply", "*"),
    "SLASH": (9, "divide", "/"),
    "PLUS": (8, "add", "+"),
    "MINUS": (8, "minus", "-"),
    "AMP_AMP": (7, "and", "&&"),
    "PIPE_PIPE": (7, "or", "||"),
    "GT": (6, "greater_than", ">"),
    "LT": (6, "less_than", "<"),
    "GTE": (6, "greater_than_or_equal", ">="),
    "LTE": (6, "less_than_or_equal", "<="),
    "EQUAL": (5, "equal", "="),
    "BANG_EQUAL": (5, "not_equal", "!="),
    "LT_GT": (5, "not_equal", "!="),
}
WORD_OPERATORS = {"and": "AMP_AMP", "or": "PIPE_PIPE"}

FIELD_BY_ID_DEPRECATED = (
    "It is no longer possible to reference a field by it's ID in the Baserowformula language."
)


def unquote_string(token_text: str) -> str:
    """Value of a string literal token (Baserow only unescapes the quote)."""
    quote = token_text[0]
    return token_text[1:-1].replace("\\" + quote, quote)


def quote_string(value: str, quote: str = "'") -> str:
    """String literal token text for ``value`` using ``quote``."""
    return quote + value.replace(quote, "\\" + quote) + quote


class _Parser:
    """Holds the token stream; one instance parses one formula."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [token for token in tokenize(text) if not token.hidden]
        self.index = 0

    # -- token helpers -------------------------------------------------
    def peek(self, offset: int = 0) -> Token:
        index = min(self.index + offset, len(self.tokens) - 1)
        return self.tokens[index]

    def advance(self) -> Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def fail(self, token: Token, message: str) -> FormulaSyntaxError:
        line = self.text.count("\n", 0, token.start) + 1
        column = token.start - (self.text.rfind("\n", 0, token.start) + 1)
        message = message.replace("<EOF>", "the end of the formula")
        return FormulaSyntaxError(
            f"Invalid syntax at line {line}, col {column}: {message}", token.start
        )

    def mismatch(self, expected: frozenset[str] | set[str]) -> FormulaSyntaxError:
        token = self.peek()
        return self.fail(
            token,
            f"mismatched input {token.error_display()} expecting {describe_expected(expected)}",
        )

    def expect(self, kind: str) -> Token:
        if self.peek().kind != kind:
            raise self.mismatch({kind})
        return self.advance()

    # -- grammar -------------------------------------------------------
    def parse_root(self) -> Node:
        node = self.parse_expression(0)
        token = self.peek()
        if token.kind != "EOF":
            raise self.fail(token, f"extraneous input {token.error_display()} expecting <EOF>")
        return node

    def binary_operator(self) -> tuple[int, str, str] | None:
        token = self.peek()
        kind = token.kind
        word = token.text.lower()
        if kind == "IDENTIFIER" and word in WORD_OPERATORS and self.peek(1).kind != "OPEN_PAREN":
            kind = WORD_OPERATORS[word]
        return BINARY_OPERATORS.get(kind)

    def parse_expression(self, min_precedence: int) -> Node:
        left = self.parse_primary()
        while True:
            operator = self.binary_operator()
            if operator is None or operator[0] < min_precedence:
                return left
            precedence, name, text = operator
            position = self.advance().start
            right = self.parse_expression(precedence + 1)
            left = FunctionCall(name, (left, right), position, text)

    def parse_primary(self) -> Node:
        token = self.peek()
        kind = token.kind
        if kind in STRING_KINDS:
            self.advance()
            return StringLiteral(unquote_string(token.text), token.start)
        if kind in ("INTEGER_LITERAL", "NUMERIC_LITERAL"):
            self.advance()
            return NumberLiteral(Decimal(token.text), kind == "INTEGER_LITERAL", token.start)
        if kind in ("TRUE", "FALSE"):
            self.advance()
            return BooleanLiteral(kind == "TRUE", token.start)
        if kind == "OPEN_PAREN":
            self.advance()
            inner = self.parse_expression(0)
            self.expect("CLOSE_PAREN")
            return inner
        if kind == "MINUS":
            return self.parse_unary_minus()
        if kind == "FIELD":
            return self.parse_field_reference()
        if kind == "FIELDBYID":
            raise FormulaSyntaxError(FIELD_BY_ID_DEPRECATED, token.start)
        if kind == "LOOKUP":
            return self.parse_lookup()
        if kind in ("IDENTIFIER", "IDENTIFIER_UNICODE"):
            return self.parse_function_call()
        raise self.unexpected_at_expression_start(EXPR_START)

    def unexpected_at_expression_start(self, expected: frozenset[str]) -> FormulaSyntaxError:
        token = self.peek()
        if token.kind != "EOF" and self.peek(1).kind in expected:
            return self.fail(
                token,
                f"extraneous input {token.error_display()} expecting {describe_expected(expected)}",
            )
        return self.mismatch(expected)

    def parse_unary_minus(self) -> Node:
        position = self.advance().start
        operand = self.parse_primary()
        if isinstance(operand, NumberLiteral):
            return NumberLiteral(-operand.value, operand.is_integer, position)
        zero = NumberLiteral(Decimal(0), True, position)
        return FunctionCall("minus", (zero, operand), position, "-")

    def parse_string_argument(self) -> str:
        token = self.peek()
        if token.kind not in STRING_KINDS:
            raise self.mismatch(STRING_KINDS)
        self.advance()
        return unquote_string(token.text)

    def parse_field_reference(self) -> Node:
        position = self.advance().start
        self.expect("OPEN_PAREN")
        name = self.parse_string_argument()
        self.expect("CLOSE_PAREN")
        return FieldReference(name, position)

    def parse_lookup(self) -> Node:
        position = self.advance().start
        self.expect("OPEN_PAREN")
        link_name = self.parse_string_argument()
        self.expect("COMMA")
        target_name = self.parse_string_argument()
        self.expect("CLOSE_PAREN")
        return LookupReference(link_name, target_name, position)

    def parse_function_call(self) -> Node:
        name_token = self.advance()
        self.expect("OPEN_PAREN")
        args: list[Node] = []
        if self.peek().kind == "CLOSE_PAREN":
            self.advance()
        else:
            if self.peek().kind not in EXPR_START and self.peek().kind != "MINUS":
                raise self.unexpected_at_expression_start(EXPR_START | {"CLOSE_PAREN"})
            args.append(self.parse_expression(0))
            while self.peek().kind == "COMMA":
                self.advance()
                args.append(self.parse_expression(0))
            if self.peek().kind != "CLOSE_PAREN":
                raise self.mismatch({"COMMA", "CLOSE_PAREN"})
            self.advance()
        return FunctionCall(name_token.text.lower(), tuple(args), name_token.start)


def _validate_calls(node: Node) -> None:
    """Check function names and argument counts, outermost call first."""
    from .functions.registry import get_function

    if not isinstance(node, FunctionCall):
        return
    definition = get_function(node.name)
    if definition is None:
        raise FormulaSyntaxError(f"{node.name} is not a valid function", node.position)
    count = len(node.args)
    if not definition.arity.accepts(count):
        prefix = "1 argument was" if count == 1 else f"{count} arguments were"
        raise FormulaSyntaxError(
            f"{prefix} given to the {definition.describe()}, it must instead "
            f"be given {definition.arity.describe()}",
            node.position,
        )
    for arg in node.args:
        _validate_calls(arg)


def parse(text: str) -> Node:
    """Parse formula ``text``; raises :class:`FormulaSyntaxError`."""
    try:
        node = _Parser(text).parse_root()
    except RecursionError:
        raise FormulaSyntaxError("it exceeded the maximum formula size", 0) from None
    _validate_calls(node)
    return node
