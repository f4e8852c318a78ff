"""Parsing of PostgreSQL-style interval text (``'1 day 2 hours'``) to seconds."""

from __future__ import annotations

import re
from decimal import Decimal

_UNIT_SECONDS = {
    "microsecond": Decimal("0.000001"),
    "millisecond": Decimal("0.001"),
    "second": Decimal(1),
    "minute": Decimal(60),
    "hour": Decimal(3600),
    "day": Decimal(86400),
    "week": Decimal(604800),
    "month": Decimal(2592000),
    "year": Decimal(31557600),
}
_ALIASES = {
    "us": "microsecond",
    "ms": "millisecond",
    "s": "second",
    "sec": "second",
    "secs": "second",
    "m": "minute",
    "min": "minute",
    "mins": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "d": "day",
    "w": "week",
    "mon": "month",
    "mons": "month",
    "y": "year",
    "yr": "year",
    "yrs": "year",
}
_PART = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"\s*([+-]?)(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?\s*$")


def _unit_seconds(word: str) -> Decimal | None:
    word = _ALIASES.get(word, word)
    if word not in _UNIT_SECONDS and word.endswith("s"):
        word = word[:-1]
    return _UNIT_SECONDS.get(word)


def interval_seconds(text: str) -> Decimal | None:
    """Seconds in ``text`` or None when it is not a valid interval."""
    rest = text.strip().lower()
    if not rest:
        return None
    total = Decimal(0)
    clock = _CLOCK.search(rest)
    if clock:
        sign = -1 if clock.group(1) == "-" else 1
        seconds = Decimal(clock.group(4) or 0)
        total += sign * (int(clock.group(2)) * 3600 + int(clock.group(3)) * 60 + seconds)
        rest = rest[: clock.start()]
    position = 0
    while position < len(rest):
        match = _PART.match(rest, position)
        if match is None:
            if rest[position:].strip():
                return None
            break
        unit = _unit_seconds(match.group(2))
        if unit is None:
            return None
        total += Decimal(match.group(1)) * unit
        position = match.end()
    return total
