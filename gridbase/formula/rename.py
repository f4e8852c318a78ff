"""Field reference utilities: renaming references and listing them."""

from __future__ import annotations

from .lexer import Token, tokenize
from .nodes import FieldReference, FunctionCall, LookupReference, Node
from .parser import STRING_KINDS, quote_string, unquote_string


def _visible(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if not token.hidden]


def _reference_tokens(tokens: list[Token]) -> list[Token]:
    """String tokens naming a field of this table (``field`` and ``lookup``)."""
    found: list[Token] = []
    visible = _visible(tokens)
    for index, token in enumerate(visible):
        if token.kind not in ("FIELD", "LOOKUP"):
            continue
        window = visible[index + 1 : index + 3]
        if len(window) == 2 and window[0].kind == "OPEN_PAREN" and window[1].kind in STRING_KINDS:
            found.append(window[1])
    return found


def rename_field_references(text: str, old: str, new: str) -> str:
    """Rewrite ``field('old')`` (and ``lookup('old', ...)``) to use ``new``.

    Everything else in ``text`` (spacing, comments, quote style) is kept.
    """
    tokens = tokenize(text)
    pieces: list[str] = []
    cursor = 0
    for token in _reference_tokens(tokens):
        if unquote_string(token.text) != old:
            continue
        pieces.append(text[cursor : token.start])
        pieces.append(quote_string(new, token.text[0]))
        cursor = token.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def referenced_fields(node: Node) -> set[str]:
    """Names of the fields of this table that ``node`` references."""
    if isinstance(node, FieldReference):
        return {node.name}
    if isinstance(node, LookupReference):
        return {node.link_name}
    if isinstance(node, FunctionCall):
        names: set[str] = set()
        for arg in node.args:
            names |= referenced_fields(arg)
        return names
    return set()


def referenced_lookups(node: Node) -> set[tuple[str, str]]:
    """``(link field, target field)`` pairs used by ``lookup(...)`` calls."""
    if isinstance(node, LookupReference):
        return {(node.link_name, node.target_name)}
    if isinstance(node, FunctionCall):
        pairs: set[tuple[str, str]] = set()
        for arg in node.args:
            pairs |= referenced_lookups(arg)
        return pairs
    return set()


def references(node: Node) -> list[tuple[str, str | None]]:
    """What ``node`` reads, in order: ``(field, None)`` for ``field(...)``, ``(link field,
    target field)`` for ``lookup(...)``."""
    if isinstance(node, FieldReference):
        return [(node.name, None)]
    if isinstance(node, LookupReference):
        return [(node.link_name, node.target_name)]
    if isinstance(node, FunctionCall):
        return [ref for arg in node.args for ref in references(arg)]
    return []
