"""Tokenizer for the Baserow formula language (mirrors BaserowFormulaLexer).

The lexer never fails: characters that start no token become ``ERROR``
tokens so every problem is reported by the parser, like ANTLR does.
"""

from __future__ import annotations

from dataclasses import dataclass

HIDDEN_KINDS = frozenset({"WHITESPACE", "BLOCK_COMMENT", "LINE_COMMENT"})

KEYWORDS = {
    "true": "TRUE",
    "false": "FALSE",
    "field": "FIELD",
    "field_by_id": "FIELDBYID",
    "lookup": "LOOKUP",
}

# Longest first so that ``>=`` wins over ``>``.
OPERATORS = (
    ("&&", "AMP_AMP"),
    ("||", "PIPE_PIPE"),
    ("!=", "BANG_EQUAL"),
    ("<>", "LT_GT"),
    (">=", "GTE"),
    ("<=", "LTE"),
    (">", "GT"),
    ("<", "LT"),
    ("=", "EQUAL"),
    ("+", "PLUS"),
    ("-", "MINUS"),
    ("*", "STAR"),
    ("/", "SLASH"),
    ("(", "OPEN_PAREN"),
    (")", "CLOSE_PAREN"),
    (",", "COMMA"),
)

# Token kinds in ANTLR token-type order, with how ANTLR names them in
# "expecting {...}" sets (literal tokens are shown quoted).
DISPLAY_ORDER = (
    ("BLOCK_COMMENT", "BLOCK_COMMENT"),
    ("LINE_COMMENT", "LINE_COMMENT"),
    ("WHITESPACE", "WHITESPACE"),
    ("TRUE", "TRUE"),
    ("FALSE", "FALSE"),
    ("FIELD", "FIELD"),
    ("FIELDBYID", "FIELDBYID"),
    ("LOOKUP", "LOOKUP"),
    ("COMMA", "','"),
    ("STAR", "'*'"),
    ("OPEN_PAREN", "'('"),
    ("CLOSE_PAREN", "')'"),
    ("NUMERIC_LITERAL", "NUMERIC_LITERAL"),
    ("INTEGER_LITERAL", "INTEGER_LITERAL"),
    ("SINGLEQ_STRING_LITERAL", "SINGLEQ_STRING_LITERAL"),
    ("DOUBLEQ_STRING_LITERAL", "DOUBLEQ_STRING_LITERAL"),
    ("IDENTIFIER", "IDENTIFIER"),
    ("IDENTIFIER_UNICODE", "IDENTIFIER_UNICODE"),
    ("AMP_AMP", "'&&'"),
    ("BANG_EQUAL", "'!='"),
    ("EQUAL", "'='"),
    ("GT", "'>'"),
    ("GTE", "'>='"),
    ("LT", "'<'"),
    ("LTE", "'<='"),
    ("MINUS", "'-'"),
    ("PIPE_PIPE", "'||'"),
    ("PLUS", "'+'"),
    ("SLASH", "'/'"),
    ("EOF", "<EOF>"),
)
_ORDER_INDEX = {kind: i for i, (kind, _) in enumerate(DISPLAY_ORDER)}
_DISPLAY_NAME = dict(DISPLAY_ORDER)


@dataclass(frozen=True, slots=True)
class Token:
    """One lexed token; ``start``/``end`` are character offsets."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def hidden(self) -> bool:
        """Whitespace and comments, which the parser skips."""
        return self.kind in HIDDEN_KINDS

    def error_display(self) -> str:
        """How ANTLR shows this token in an error message."""
        if self.kind == "EOF":
            return "'<EOF>'"
        text = self.text.replace("\n", "\\n").replace("\r", "\\r")
        return "'" + text.replace("\t", "\\t") + "'"


def describe_expected(kinds: set[str] | frozenset[str]) -> str:
    """Render a set of token kinds like ANTLR's ``IntervalSet.toString``."""
    ordered = sorted(kinds, key=lambda kind: _ORDER_INDEX[kind])
    names = [_DISPLAY_NAME[kind] for kind in ordered]
    if len(names) == 1:
        return names[0]
    return "{" + ", ".join(names) + "}"


def _is_ident_start(char: str) -> bool:
    return (char.isascii() and (char.isalpha() or char == "_")) or "\u00a1" <= char <= "\uffff"


def _is_ident_part(char: str) -> bool:
    return _is_ident_start(char) or (char.isascii() and char.isdigit())


def _scan_string(text: str, start: int) -> int:
    """End offset of the quoted string starting at ``start``, or -1."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            index += 2
            continue
        if char == quote:
            return index + 1
        index += 1
    return -1


def _scan_digits(text: str, index: int) -> int:
    while index < len(text) and text[index].isascii() and text[index].isdigit():
        index += 1
    return index


def _scan_one(text: str, index: int) -> tuple[str, int]:
    """Kind and end offset of the token starting at ``index``."""
    char = text[index]
    if char in " \t\r\n":
        end = index
        while end < len(text) and text[end] in " \t\r\n":
            end += 1
        return "WHITESPACE", end
    if text.startswith("/*", index):
        close = text.find("*/", index + 2)
        if close >= 0:
            return "BLOCK_COMMENT", close + 2
    if text.startswith("--", index):
        newline = text.find("\n", index + 2)
        if newline >= 0:
            return "LINE_COMMENT", newline + 1
    if char in "'\"":
        end = _scan_string(text, index)
        if end > 0:
            kind = "SINGLEQ_STRING_LITERAL" if char == "'" else "DOUBLEQ_STRING_LITERAL"
            return kind, end
        return "ERROR", index + 1
    if char.isascii() and char.isdigit():
        end = _scan_digits(text, index)
        if end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit():
            return "NUMERIC_LITERAL", _scan_digits(text, end + 1)
        return "INTEGER_LITERAL", end
    if _is_ident_start(char):
        end = index + 1
        while end < len(text) and _is_ident_part(text[end]):
            end += 1
        word = text[index:end]
        if word.lower() in KEYWORDS:
            return KEYWORDS[word.lower()], end
        return ("IDENTIFIER" if word.isascii() else "IDENTIFIER_UNICODE"), end
    for literal, kind in OPERATORS:
        if text.startswith(literal, index):
            return kind, index + len(literal)
    return "ERROR", index + 1


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text`` (hidden ones included), ending with ``EOF``."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        kind, end = _scan_one(text, index)
        tokens.append(Token(kind, text[index:end], index, end))
        index = end
    tokens.append(Token("EOF", "", len(text), len(text)))
    return tokens
