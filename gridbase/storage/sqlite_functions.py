"""SQL functions SQLite lacks but formulas and filters need, registered on every SQLite
connection.

PostgreSQL has `reverse`, `split_part`, time zones, regular expressions and to_char built in
(and Baserow's helpers, pg_functions.py); these give SQLite the same results under
`gb_`-prefixed names, so compiled queries stay plain SQL on both backends.
"""

from __future__ import annotations

import math
import sqlite3
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from gridbase.storage import collation, pg_datetime, pg_regex


def _reverse(text: str | None) -> str | None:
    return None if text is None else str(text)[::-1]


def _simple_upper(c: str) -> str:
    """One character's simple uppercase mapping (what PostgreSQL's upper() gives in a UTF-8
    locale): Python's full mapping when it is one character, else the titlecase one ("ǅ",
    "ᾳ"), else the character itself ("ß", "ﬁ" stay)."""
    for mapped in (c.upper(), c.title()):
        if len(mapped) == 1:
            return mapped
    return c


def _upper(value: Any) -> str | None:
    """PostgreSQL's upper(): SQLite's built-in one maps ASCII letters only."""
    if value is None:
        return None
    text = str(value)
    return text.upper() if text.isascii() else "".join(map(_simple_upper, text))


def pg_lower(text: str) -> str:
    """PostgreSQL's lower(): one character at a time ("İ" is "i", not "i̇")."""
    return text.lower() if text.isascii() else "".join(c.lower()[0] for c in text)


def _lower(value: Any) -> str | None:
    return None if value is None else pg_lower(str(value))


def _split_part(text: str | None, delimiter: str | None, position: int | None) -> str | None:
    """PostgreSQL's split_part for positions >= 1 ('' past the end, whole text on '' delimiter)."""
    if text is None or delimiter is None or position is None:
        return None
    text, delimiter, position = str(text), str(delimiter), int(position)
    parts = text.split(delimiter) if delimiter else [text]
    return parts[position - 1] if 1 <= position <= len(parts) else ""


def _local_day(stamp: str | None, zone: str | None) -> int | None:
    """The day of the month of a stored UTC timestamp in a time zone."""
    if stamp is None or zone is None:
        return None
    moment = datetime.fromisoformat(str(stamp)).replace(tzinfo=UTC)
    return moment.astimezone(UTC if zone == "UTC" else zoneinfo.ZoneInfo(zone)).day


def _regexp_replace(
    text: str | None, pattern: str | None, replacement: str | None, error: str
) -> str | None:
    """Baserow's try_regexp_replace: PostgreSQL's regexp_replace(..., 'g'), `error` for a
    pattern PostgreSQL refuses."""
    if text is None or pattern is None or replacement is None:
        return None
    try:
        return pg_regex.replace_all(str(text), str(pattern), str(replacement))
    except pg_regex.PatternError:
        return error


def _regexp_match(text: str | None, pattern: str) -> int | None:
    """text ~ pattern (a fixed pattern of ours)."""
    return None if text is None else int(pg_regex.matches(str(text), pattern))


def _datetime_format(stamp: str | None, template: str | None) -> str | None:
    """to_char of a timestamp with time zone in a UTC session."""
    if stamp is None or template is None:
        return None
    moment = pg_datetime.parse_stored(str(stamp))
    return pg_datetime.to_char(pg_datetime.Moment(moment, "UTC"), str(template))


def _datetime_format_tz(stamp: str | None, template: str | None, zone: str | None) -> str | None:
    """to_char(stamp AT TIME ZONE zone, template); NULL for an unknown zone."""
    if stamp is None or template is None or zone is None:
        return None
    where = pg_datetime.zone(str(zone))
    if where is None:
        return None
    local = pg_datetime.parse_stored(str(stamp)).astimezone(where).replace(tzinfo=None)
    return pg_datetime.to_char(pg_datetime.Moment(local), str(template))


def _cast_to_date_tz(text: str | None, template: str | None, zone: str | None) -> str | None:
    """Baserow's try_cast_to_date_tz: the text read by to_timestamp as wall time in `zone`,
    as a UTC timestamp; NULL when it does not read or the zone is unknown."""
    if text is None or template is None or zone is None:
        return None
    where = pg_datetime.zone(str(zone))
    if where is None:
        return None
    try:
        wall = pg_datetime.to_timestamp(str(text), str(template))
    except pg_datetime.TimestampError:
        return None
    return wall.replace(tzinfo=where).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


URI_KEPT = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.!~*'()-"
URI_RESERVED = ";,/?:@&=+$#"


def _encode_uri(text: str | None, component: int) -> str | None:
    """Baserow's try_encode_uri(_component): every other character's UTF-8 bytes as %xx."""
    if text is None:
        return None
    kept = URI_KEPT if component else URI_KEPT + URI_RESERVED
    return "".join(c if c in kept else "".join(f"%{b:02x}" for b in c.encode()) for c in str(text))


class _Spread:
    """PostgreSQL's var_pop/var_samp/stddev_pop/stddev_samp (NULLs skipped; NULL when there
    are too few values)."""

    sample = False
    root = False

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> Any:
        n = len(self.values)
        if n == 0 or (self.sample and n < 2):
            return None
        mean = sum(self.values) / n
        variance = sum((x - mean) ** 2 for x in self.values) / (n - 1 if self.sample else n)
        return math.sqrt(variance) if self.root else variance


class _VarSamp(_Spread):
    sample = True


class _StddevPop(_Spread):
    root = True


class _StddevSamp(_Spread):
    sample = True
    root = True


def register(connection: sqlite3.Connection) -> None:
    # upper/lower replace SQLite's ASCII-only built-ins: formulas and the case-insensitive
    # filters and search (contains, icontains) then fold "É" and "é" together as on PostgreSQL
    connection.create_function("upper", 1, _upper, deterministic=True)
    connection.create_function("lower", 1, _lower, deterministic=True)
    connection.create_function("gb_reverse", 1, _reverse, deterministic=True)
    connection.create_function("gb_split_part", 3, _split_part, deterministic=True)
    connection.create_function("gb_local_day", 2, _local_day, deterministic=True)
    connection.create_function("gb_regexp_replace", 4, _regexp_replace, deterministic=True)
    connection.create_function("gb_regexp_match", 2, _regexp_match, deterministic=True)
    connection.create_function("gb_datetime_format", 2, _datetime_format, deterministic=True)
    connection.create_function("gb_datetime_format_tz", 3, _datetime_format_tz)
    connection.create_function("gb_cast_to_date_tz", 3, _cast_to_date_tz)
    connection.create_function("gb_encode_uri", 2, _encode_uri, deterministic=True)
    connection.create_collation(collation.SQLITE_TEXT, collation.compare_text)
    connection.create_aggregate("gb_sort_key", -1, collation.SortKey)  # type: ignore[arg-type]
    spreads: tuple[tuple[str, Any], ...] = (
        ("gb_var_pop", _Spread),
        ("gb_var_samp", _VarSamp),
        ("gb_stddev_pop", _StddevPop),
        ("gb_stddev_samp", _StddevSamp),
    )
    for name, aggregate in spreads:
        connection.create_aggregate(name, 1, aggregate)
