"""URLs and links: tourl, encode_uri, encode_uri_component, link, button, get_link_url and
get_link_label. A link (or button) value is a JSON object {"url", "label"} as in Baserow."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .. import sqlbuild
from ..ftypes import FType, text_type
from .base import (
    TEXT,
    Arity,
    CompileContext,
    FunctionDef,
    TypedExpr,
    call_function,
    fixed_specs,
    fixed_type_rule,
    make_call,
)

Expr = sa.ColumnElement[Any]
LINK: tuple[str, ...] = ("link",)
# Baserow's try_cast_to_url: text that reads as a URL, else ''
URL_PATTERN = (
    r"^(?:([a-zA-Z]+):\/\/)?(?:([a-zA-Z0-9._%+-]+)(:[a-zA-Z0-9._%+-]+)?@)?([a-zA-Z0-9.-]+)"
    r"(?::(\d+))?(\/[^?]*)?(\?.*)?(#.*)?$"
)


def _compile_tourl(ctx: CompileContext, node: TypedExpr) -> Expr:
    text = ctx.compile(node.args[0])
    pattern = sa.literal(URL_PATTERN, sa.String())
    is_url: Expr
    if ctx.dialect == sqlbuild.POSTGRES:
        is_url = text.op("~", is_comparison=True)(pattern)
    else:
        is_url = sa.func.gb_regexp_match(text, pattern) == 1
    return sa.case((is_url, text), else_="")


def _compile_encode(component: bool) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        text = ctx.compile(node.args[0])
        if ctx.dialect == sqlbuild.POSTGRES:
            if component:
                return sa.func.gb_encode_uri_component(text)
            return sa.func.gb_encode_uri(text)
        return sa.func.gb_encode_uri(text, int(component))

    return compile_


def _type_link(definition: FunctionDef, args: list[TypedExpr]) -> TypedExpr:
    """Never nullable, whatever its url: Baserow 1.35.3 answers so (its url may still be
    null in the value)."""
    texts = [call_function("totext", [arg]) for arg in args]
    return make_call("link", texts, FType("link"))


def _compile_link(ctx: CompileContext, node: TypedExpr) -> Expr:
    keys = ("url", "label")
    pairs = [(key, ctx.compile(arg)) for key, arg in zip(keys, node.args, strict=False)]
    return sqlbuild.json_object(pairs, ctx.dialect)


def _link_part(key: str) -> Any:
    def compile_(ctx: CompileContext, node: TypedExpr) -> Expr:
        arg = node.args[0]
        if arg.op == "call" and arg.name in ("link", "button"):  # written right there
            index = 0 if key == "url" else 1
            return ctx.compile(arg.args[index]) if index < len(arg.args) else sa.null()
        return sqlbuild.json_text(ctx.compile(arg), key, ctx.dialect)

    return compile_


_SAME_NULLABILITY = fixed_type_rule(lambda args: text_type(nullable=args[0].ftype.nullable))

DEFINITIONS: tuple[FunctionDef, ...] = (
    FunctionDef(
        "tourl",
        Arity(1, 1),
        fixed_specs(TEXT),
        fixed_type_rule(lambda args: FType("url")),
        _compile_tourl,
        coerce_nullable=False,
    ),
    FunctionDef(
        "encode_uri", Arity(1, 1), fixed_specs(TEXT), _SAME_NULLABILITY, _compile_encode(False)
    ),
    FunctionDef(
        "encode_uri_component",
        Arity(1, 1),
        fixed_specs(TEXT),
        _SAME_NULLABILITY,
        _compile_encode(True),
    ),
    FunctionDef(
        "link", Arity(1, 2), fixed_specs(TEXT), _type_link, _compile_link, coerce_nullable=False
    ),
    FunctionDef(
        "button",
        Arity(2, 2),
        fixed_specs(TEXT, TEXT),
        fixed_type_rule(lambda args: FType("button", nullable=args[0].ftype.nullable)),
        _compile_link,
    ),
    FunctionDef(
        "get_link_url", Arity(1, 1), fixed_specs(LINK), _SAME_NULLABILITY, _link_part("url")
    ),
    FunctionDef(
        "get_link_label", Arity(1, 1), fixed_specs(LINK), _SAME_NULLABILITY, _link_part("label")
    ),
)
