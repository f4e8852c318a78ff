"""How Django REST framework's serializer fields read a value, which Baserow's answers follow
wherever a request is validated: integers and texts. Pure; imports nothing of ours."""

from __future__ import annotations

import re
from typing import Any

DECIMAL_ZEROS = re.compile(r"\.0*\s*$")
MAX_STRING_LENGTH = 1000


def too_long(value: Any) -> bool:
    """IntegerField refuses texts over 1000 characters before reading them."""
    return isinstance(value, str) and len(value) > MAX_STRING_LENGTH


def integer(value: Any) -> int | None:
    """IntegerField: an int, a float or a text with no fraction ("7", " 7 ", "7.0", 7.0);
    None for anything else (booleans, "7.5", lists, over-long texts)."""
    if isinstance(value, bool) or too_long(value):
        return None
    try:
        return int(DECIMAL_ZEROS.sub("", str(value)))
    except (TypeError, ValueError):
        return None
