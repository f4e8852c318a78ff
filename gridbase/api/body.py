"""Request bodies: JSON (or form) parsing with DRF's error bodies, and a small validator that
collects DRF-shaped field errors ({"key": [{"error", "code"}]})."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from gridbase import jsontext
from gridbase.core import drf_fields
from gridbase.errors import (
    GridbaseError,
    ParseError,
    RequestBodyValidation,
    UnsupportedMediaType,
    field_error,
)

MISSING: Any = object()
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Django's URLValidator (what DRF's URLField checks), schemes http(s) and ftp(s)
_UL = "\u00a1-\uffff"
_HOST = rf"[a-z{_UL}0-9](?:[a-z{_UL}0-9-]{{0,61}}[a-z{_UL}0-9])?"
_DOMAIN = rf"(?:\.(?!-)[a-z{_UL}0-9-]{{1,63}}(?<!-))*"
_TLD = rf"\.(?!-)(?:[a-z{_UL}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)\.?"
_IPV4 = r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}"  # noqa: E501  (one regex)
URL = re.compile(
    r"^(?:http|https|ftp|ftps)://"
    r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    rf"(?:{_IPV4}|\[[0-9a-f:.]+\]|{_HOST}{_DOMAIN}{_TLD}|localhost)"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s]*)?\Z",
    re.IGNORECASE,
)


NO_DATA = field_error("No data provided", "null")
# What a JSON null body is told: DRF's root serializer ("No data provided"), or, on the
# partial updates Baserow validates with its own helper (a row, a field), that helper's words.
NULL_PARTIAL = [
    {"code": "invalid", "error": "Invalid data. Expected types are: dict, but got NoneType."}
]
# An escape that may spell a NUL or a surrogate: only bodies with one need the walk.
BAD_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


async def json_body(request: Request) -> Any:
    """The parsed body: JSON, or form fields (DRF accepts both); None when empty."""
    return parse_body(await request.body(), request.headers.get("content-type", ""))


async def json_body_partial(request: Request) -> Any:
    """json_body() of a partial update that Baserow answers a JSON null with NULL_PARTIAL."""
    return parse_body(
        await request.body(), request.headers.get("content-type", ""), null_error=NULL_PARTIAL
    )


def parse_body(raw: bytes, content_type: str, null_error: list[Any] = NO_DATA) -> Any:
    """json_body() on a body already read (row writes parse it after authentication). A JSON
    null is refused with `null_error` (an empty body is None: DRF reads it as no fields)."""
    ctype = content_type.split(";")[0].strip().lower()
    if not raw:
        return None
    if ctype in ("application/x-www-form-urlencoded",):
        form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return refuse_bad_text(form)
    if ctype and ctype != "application/json" and not ctype.endswith("+json"):
        raise UnsupportedMediaType(f'Unsupported media type "{ctype}" in request.')
    try:
        data = jsontext.loads(raw)
    except jsontext.JsonRefused as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    if data is None:
        raise RequestBodyValidation({"non_field_errors": null_error})
    # JSON spells a NUL or a lone surrogate only as an escape (raw, they are not valid JSON
    # or UTF-8), so a body without one needs no walk through every value.
    return refuse_bad_text(data) if BAD_ESCAPE.search(raw) else data


def refuse_bad_text(data: Any) -> Any:
    """DRF's CharField refuses NUL characters and lone surrogates (PostgreSQL cannot store
    the one, no encoding can write the other): a 400 on the top-level key that holds one,
    anywhere in its value, never a database or encoding error."""
    items = data.items() if isinstance(data, dict) else [("non_field_errors", data)]
    for key, value in items:
        if jsontext.has_bad_text(key) or jsontext.has_bad_text(value):
            texts = [t for t in _texts(key, value) if jsontext.text_errors(t)]
            errors = jsontext.text_errors(texts[0])
            raise RequestBodyValidation(
                {
                    jsontext.printable(str(key)): [
                        {"error": message, "code": code} for message, code in errors
                    ]
                }
            )
    return data


def _texts(*values: Any) -> list[str]:
    """Every text in `values`, keys too, depth first (iterative: any depth is safe)."""
    out, stack = [], list(reversed(values))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for k, v in reversed(list(item.items())):
                stack.extend((v, k))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def primary_key(value: Any) -> int | None:
    """The integer Django looks a primary key up by (int() of it), None when it has none."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except (ValueError, OverflowError):
        return None


class Validator:
    """Collects DRF-style errors for one request body; `done()` raises them all at once."""

    def __init__(self, data: Any, error: type[GridbaseError] = RequestBodyValidation) -> None:
        self.error = error
        if data is None:
            data = {}
        if not isinstance(data, dict):
            kind = "list" if isinstance(data, list) else type(data).__name__
            raise error(
                {
                    "non_field_errors": field_error(
                        f"Invalid data. Expected a dictionary, but got {kind}."
                    )
                }
            )
        self.data: dict[str, Any] = data
        self.errors: dict[str, Any] = {}

    def fail(self, key: str, message: str, code: str = "invalid") -> None:
        self.errors.setdefault(key, []).extend(field_error(message, code))

    def _get(self, key: str, required: bool, default: Any, allow_null: bool) -> Any:
        if key not in self.data:
            if required:
                self.fail(key, "This field is required.", "required")
            return default
        value = self.data[key]
        if value is None and not allow_null:
            self.fail(key, "This field may not be null.", "null")
            return MISSING
        return value

    def string(
        self,
        key: str,
        *,
        required: bool = True,
        default: Any = MISSING,
        min_length: int | None = None,
        max_length: int | None = None,
        allow_blank: bool = False,
        allow_null: bool = False,
    ) -> Any:
        value = self._get(key, required, default, allow_null)
        if value is MISSING or value is None or (value is default and key not in self.data):
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(key, "Not a valid string.")
            return MISSING
        value = str(value).strip()
        if not value:  # DRF: a blank text skips every other check
            if not allow_blank:
                self.fail(key, "This field may not be blank.", "blank")
                return MISSING
            return value
        if max_length is not None and len(value) > max_length:
            self.fail(
                key, f"Ensure this field has no more than {max_length} characters.", "max_length"
            )
        if min_length is not None and len(value) < min_length:
            self.fail(key, f"Ensure this field has at least {min_length} characters.", "min_length")
        for message, code in jsontext.text_errors(value):
            self.fail(key, message, code)
        return value

    def email(self, key: str, *, required: bool = True) -> Any:
        value = self.string(key, required=required, max_length=254)
        if isinstance(value, str) and not EMAIL.match(value):
            self.fail(key, "Enter a valid email address.")
        return value

    def url(self, key: str, *, max_length: int | None = None) -> Any:
        """DRF's URLField: Django's URLValidator, schemes http(s) and ftp(s)."""
        value = self.string(key, max_length=max_length)
        if isinstance(value, str) and not URL.match(value):
            self.fail(key, "Enter a valid URL.")
        return value

    def integer(
        self, key: str, *, required: bool = True, default: Any = MISSING, allow_null: bool = False
    ) -> Any:
        value = self._get(key, required, default, allow_null)
        if value is MISSING or value is None or key not in self.data:
            return value
        found = drf_fields.integer(value)
        if found is None:
            message = "String value too large." if drf_fields.too_long(value) else None
            self.fail(
                key,
                message or "A valid integer is required.",
                "max_string_length" if message else "invalid",
            )
            return MISSING
        return found

    def boolean(self, key: str, *, required: bool = False, default: Any = MISSING) -> Any:
        value = self._get(key, required, default, False)
        if value is MISSING or key not in self.data:
            return value
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("true", "1", "yes", "y", "t", "on"):
            return True
        if word in ("false", "0", "no", "n", "f", "off"):
            return False
        self.fail(key, "Must be a valid boolean.")
        return MISSING

    def choice(
        self, key: str, choices: tuple[str, ...], *, required: bool = True, default: Any = MISSING
    ) -> Any:
        value = self._get(key, required, default, False)
        if value is MISSING or key not in self.data:
            return value
        if not isinstance(value, str) or value not in choices:
            self.fail(key, f'"{value}" is not a valid choice.', "invalid_choice")
            return MISSING
        return value

    def items(
        self,
        key: str,
        *,
        required: bool = True,
        default: Any = MISSING,
        min_length: int | None = None,
    ) -> Any:
        """DRF's ListField with any items."""
        value = self._get(key, required, default, False)
        if value is MISSING or key not in self.data:
            return value
        if not isinstance(value, list):
            kind = type(value).__name__
            self.fail(key, f'Expected a list of items but got type "{kind}".', "not_a_list")
            return MISSING
        if min_length is not None and len(value) < min_length:
            self.fail(key, f"Ensure this field has at least {min_length} elements.", "min_length")
            return MISSING
        return value

    def int_list(self, key: str, *, min_length: int | None = None) -> Any:
        """DRF's ListField(child=IntegerField()): errors of items keyed by their index."""
        value = self._get(key, True, MISSING, False)
        if value is MISSING:
            return value
        if not isinstance(value, list):
            self.fail(
                key,
                f'Expected a list of items but got type "{type(value).__name__}".',
                "not_a_list",
            )
            return MISSING
        if min_length is not None and len(value) < min_length:
            self.fail(key, f"Ensure this field has at least {min_length} elements.", "min_length")
            return MISSING
        out, bad = [], {}
        for index, item in enumerate(value):
            found = drf_fields.integer(item) if item is not None else None
            if found is None:
                message = "This field may not be null." if item is None else None
                bad[str(index)] = field_error(
                    message or "A valid integer is required.", "null" if message else "invalid"
                )
            else:
                out.append(found)
        if bad:
            self.errors[key] = bad
            return MISSING
        return out

    def pk(
        self,
        key: str,
        exists: Callable[[int], bool],
        *,
        required: bool = True,
        allow_null: bool = False,
    ) -> Any:
        """DRF's PrimaryKeyRelatedField: an id (read as Django reads one: int() of it) of an
        object that `exists`."""
        value = self._get(key, required, MISSING, allow_null)
        if value is MISSING or value is None:
            return value
        found = primary_key(value)
        if found is None:
            kind = type(value).__name__
            self.fail(key, f"Incorrect type. Expected pk value, received {kind}.", "incorrect_type")
            return MISSING
        if not exists(found):
            self.fail(key, f'Invalid pk "{value}" - object does not exist.', "does_not_exist")
            return MISSING
        return found

    def object_list(self, key: str, item: Callable[[Validator], Any]) -> Any:
        """A list of objects, each read by `item` from its own Validator (DRF's nested
        serializer with many=True: errors per item, `{}` for a good one)."""
        value = self._get(key, False, MISSING, False)
        if value is MISSING or key not in self.data:
            return value
        if not isinstance(value, list):
            message = f'Expected a list of items but got type "{type(value).__name__}".'
            self.errors[key] = {"non_field_errors": field_error(message, "not_a_list")}
            return MISSING
        out: list[Any] = []
        errors: list[Any] = []
        for entry in value:
            if entry is None:
                errors.append(field_error("This field may not be null.", "null"))
                continue
            if not isinstance(entry, dict):
                message = f"Invalid data. Expected a dictionary, but got {type(entry).__name__}."
                errors.append({"non_field_errors": field_error(message)})
                continue
            nested = Validator(entry, self.error)
            out.append(item(nested))
            errors.append(nested.errors)
        if any(errors):
            self.errors[key] = errors
            return MISSING
        return out

    def done(self) -> None:
        if self.errors:
            raise self.error(self.errors)
