"""JSON text from clients -> Python values, read one way for every route (request bodies and
the `filters` parameter), the characters no stored text may hold, and the JSON text the
database's JSON columns are written as (dumps).

What is refused, and why (each as a ValueError, JsonRefused, whose message callers put in
their own error body):
- bytes that are not UTF-8 (DRF decodes bodies as strict UTF-8; Python's json would take
  raw surrogate bytes, UTF-16 or a BOM and hand the database text it cannot encode);
- the literals NaN, Infinity and -Infinity (DRF's parser refuses them with this message);
- nesting deeper than MAX_DEPTH (no Baserow body nests past a handful of levels; deeper
  input only exhausts the stack of whoever walks it, json.loads first of all).
A number too large for a float (1e400) is still read, as DRF reads it: inf, which each
field type then refuses or keeps as Baserow does.

Imports: nothing from gridbase (a leaf).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

MAX_DEPTH = 128
LONG_DIGITS = re.compile(rb"\d{19}")
SURROGATE = re.compile("[\ud800-\udfff]")
OPENERS = (b"[", b"{")


class JsonRefused(ValueError):
    """The text is not JSON that gridbase reads; str() is the reason, in DRF's words."""


def _refuse_constant(name: str) -> Any:
    raise JsonRefused(f"Out of range float values are not JSON compliant: '{name}'")


def _too_deep(data: Any) -> bool:
    stack = [(data, 1)]  # iterative: the walk itself must not need a deep stack
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, (list, dict)))
    return False


def depth_error() -> JsonRefused:
    return JsonRefused(f"Nesting deeper than {MAX_DEPTH} levels is not allowed.")


def loads(raw: bytes | str, *, constants: bool = False) -> Any:
    """The value of a JSON text, or JsonRefused. `constants`: NaN and (-)Infinity are read
    as floats (where Baserow reads with Python's json rather than DRF's parser)."""
    data: Any
    encoded = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    # orjson reads integers past 64 bits as floats; json keeps them, so those go to json.
    # Everything orjson accepts is strict JSON without lone surrogates, non-finite numbers
    # or nesting past 1,024; everything it refuses gets json's reading (and message).
    if not LONG_DIGITS.search(encoded):
        try:
            data = orjson.loads(encoded)
        except orjson.JSONDecodeError:
            pass
        else:
            # a text with few brackets cannot nest deep: only others need the walk
            if sum(encoded.count(o) for o in OPENERS) > MAX_DEPTH and _too_deep(data):
                raise depth_error()
            return data
    try:
        text = encoded.decode("utf-8")
        data = json.loads(text, parse_constant=None if constants else _refuse_constant)
    except RecursionError:
        raise depth_error() from None
    except (ValueError, UnicodeDecodeError) as exc:  # JsonRefused is a ValueError too
        raise JsonRefused(str(exc)) from None
    if _too_deep(data):
        raise depth_error()
    return data


# orjson writes what json.dumps writes, give or take spaces and \u escapes, for the types
# both take; these make it refuse the ones json.dumps refuses or writes otherwise (datetimes,
# dataclasses, subclasses such as an IntEnum), so dumps() hands them to json.dumps.
_DUMPS_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)  # fmt: skip


def dumps(value: Any) -> str:
    """JSON text of a stored value (the engine's serializer for JSON columns): orjson's,
    about 10x faster than json.dumps, and json.dumps' for whatever orjson refuses (integers
    past 64 bits, keys that are not strings, lone surrogates, other types), so every value
    is written as before or fails as before. Non-finite floats become null, which
    PostgreSQL's json type can store where json.dumps' NaN cannot be."""
    try:
        return orjson.dumps(value, option=_DUMPS_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def text_errors(text: str) -> list[tuple[str, str]]:
    """(message, code) for each kind of character DRF's CharField refuses in `text`: NUL
    (PostgreSQL cannot store it) and lone surrogates (no encoding can write them)."""
    errors = []
    if "\x00" in text:
        errors.append(("Null characters are not allowed.", "null_characters_not_allowed"))
    found = SURROGATE.search(text)
    if found:
        errors.append(
            (
                f"Surrogate characters are not allowed: U+{ord(found.group()):X}.",
                "surrogate_characters_not_allowed",
            )
        )
    return errors


def printable(text: str) -> str:
    """`text` without the characters text_errors() names (for a key in an error body)."""
    return SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def has_bad_text(value: Any) -> bool:
    """Whether any text in `value` (keys too, at any depth) has a character text_errors()
    names."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
