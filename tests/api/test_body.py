"""Request body parsing: a NUL character anywhere in a JSON body - value, key, list item,
nested deep - is a 400 on the top-level key that holds it (DRF's CharField, and PostgreSQL
cannot store one); the text "\\u0000" is not a NUL; a raw NUL byte is not JSON."""

from __future__ import annotations

from typing import Any

import pytest

from gridbase.api.body import parse_body
from gridbase.errors import ParseError, RequestBodyValidation

REFUSED = [{"error": "Null characters are not allowed.", "code": "null_characters_not_allowed"}]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (rb'{"a": "x\u0000y", "b": 1}', "a"),
        (rb'{"b": 1, "a\u0000": 1}', "a"),
        (rb'{"items": [{"n": 1}, {"n": ["deep", {"k": "\u0000"}]}]}', "items"),
        (rb'["ok", "\u0000"]', "non_field_errors"),
    ],
)
def test_nul_characters_are_refused(raw: bytes, key: str) -> None:
    with pytest.raises(RequestBodyValidation) as refused:
        parse_body(raw, "application/json")
    assert refused.value.detail == {key: REFUSED}
    with pytest.raises(RequestBodyValidation):
        parse_body(b"a=x%00y", "application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        (rb'{"a": "\\u0000"}', {"a": "\\u0000"}),  # an escaped backslash, then the text u0000
        (rb'{"a": ["x", {"b": null}]}', {"a": ["x", {"b": None}]}),
    ],
)
def test_bodies_without_nul_parse(raw: bytes, parsed: Any) -> None:
    assert parse_body(raw, "application/json") == parsed


def test_a_raw_nul_byte_is_not_json() -> None:
    with pytest.raises(ParseError):
        parse_body(b'{"a": "x\x00y"}', "application/json")
