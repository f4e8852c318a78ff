"""Duration parsing and rounding, without a server."""

from __future__ import annotations

import pytest

from gridbase.fields.base import FieldValueError
from gridbase.fields.duration import parse_duration, round_to


@pytest.mark.parametrize(
    ("raw", "fmt", "seconds"),
    [
        (3660, "h:mm", 3660.0),
        ("1:01", "h:mm", 3660.0),
        ("1:01:05", "h:mm:ss", 3665.0),
        ("1:01:05.25", "h:mm:ss.ss", 3665.25),
        ("1d 2:03", "d h:mm", 93780.0),
        ("1d 2h 3m", "d h mm", 93780.0),
        ("90", "h:mm:ss", 90.0),
        ("-1:00", "h:mm", -3600.0),
        # asked of Baserow 1.35.3: a format without minutes reads 1:00 as m:ss; float()
        # reads a number with spaces, and a boolean; a PostgreSQL interval is read last
        ("1:00", "h:mm:ss", 60.0),
        (" 61 ", "h:mm:ss", 61.0),
        (" 1:00:00 ", "h:mm:ss", 3600.0),
        ("25:61:61", "h:mm:ss", 93721.0),
        ("1h", "h:mm:ss", 3600.0),
        (1.5, "h:mm:ss", 2.0),
        (True, "h:mm:ss", 1.0),
        ("1 day 01:00:00", "h:mm", 90000.0),
    ],
)
def test_parse_duration(raw: object, fmt: str, seconds: float) -> None:
    assert parse_duration(raw, fmt) == seconds


@pytest.mark.parametrize("raw", ["soon", [1], {"s": 1}, "", "nan", "1e400"])
def test_parse_duration_rejects(raw: object) -> None:
    with pytest.raises(FieldValueError):
        parse_duration(raw, "h:mm")


def test_round_to_the_format_precision() -> None:
    assert [round_to(3689.6, f) for f in ("h:mm", "h:mm:ss", "h:mm:ss.s", "d h")] == [
        3660.0,
        3690.0,
        3689.6,
        3600.0,
    ]
