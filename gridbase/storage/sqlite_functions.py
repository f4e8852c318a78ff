"""SQL functions SQLite lacks but formulas and filters need, registered on every SQLite
connection.

PostgreSQL has `reverse`, `split_part` and time zones built in; these give SQLite the same
results under `gb_`-prefixed names, so compiled queries stay plain SQL on both backends.
"""

from __future__ import annotations

import math
import sqlite3
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from gridbase.storage import collation


def _reverse(text: str | None) -> str | None:
    return None if text is None else str(text)[::-1]


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
    connection.create_function("gb_reverse", 1, _reverse, deterministic=True)
    connection.create_function("gb_split_part", 3, _split_part, deterministic=True)
    connection.create_function("gb_local_day", 2, _local_day, deterministic=True)
    connection.create_collation(collation.SQLITE_TEXT, collation.compare_text)
    connection.create_aggregate("gb_sort_key", 2, collation.SortKey)  # type: ignore[arg-type]
    spreads: tuple[tuple[str, Any], ...] = (
        ("gb_var_pop", _Spread),
        ("gb_var_samp", _VarSamp),
        ("gb_stddev_pop", _StddevPop),
        ("gb_stddev_samp", _StddevSamp),
    )
    for name, aggregate in spreads:
        connection.create_aggregate(name, 1, aggregate)
