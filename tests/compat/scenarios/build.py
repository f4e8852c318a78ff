"""Building blocks of scenarios: a table with fields of given types and rows of values, and
the calendar days that relative date filters are tested on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tests.compat.session import Session

NAMES = {"user_field_names": "true"}


@dataclass
class Built:
    table: int
    fields: dict[str, dict[str, Any]]  # by name, as created
    options: dict[str, int] = field(default_factory=dict)  # "<field>:<option value>" -> id


def build(
    s: Session,
    database: int,
    name: str,
    primary: list[Any],
    fields: list[tuple[str, str, dict[str, Any]]],
    rows: list[dict[str, Any]] | None = None,
) -> Built:
    """A table whose primary text field "Name" holds `primary` (one row each), then the
    fields (name, type, properties) in order, then `rows` (values by field name, in row
    order; select values by option value) written in one batch update. A None primary is
    written by that update (a table's data holds texts)."""
    table = s.table(database, name, [["Name"], *[[v or ""] for v in primary]])
    built = Built(table, {})
    for field_name, type_, props in fields:
        answer = s.field(table, field_name, type_, **props)
        built.fields[field_name] = answer
        for option in answer.get("select_options") or []:
            built.options[f"{field_name}:{option['value']}"] = option["id"]
    rows = [dict(r) for r in rows or [{} for _ in primary]]
    for row, value in zip(rows, primary, strict=False):
        if value is None:
            row["Name"] = None
    if any(rows):
        items = [
            {"id": i + 1, **{k: built.resolve(k, v) for k, v in row.items()}}
            for i, row in enumerate(rows)
        ]
        path = f"/api/database/rows/table/{table}/batch/"
        s.patch("fill", path, {"items": items}, query=NAMES)
    return built


def _resolve(self: Built, field_name: str, value: Any) -> Any:
    """Select values written by option value (the ids are the server's)."""
    type_ = self.fields.get(field_name, {}).get("type")
    if type_ == "single_select" and isinstance(value, str):
        return self.options[f"{field_name}:{value}"]
    if type_ == "multiple_select" and isinstance(value, list):
        return [self.options[f"{field_name}:{v}"] for v in value]
    return value


Built.resolve = _resolve  # type: ignore[attr-defined]


def options(*values: str) -> dict[str, Any]:
    colors = ("blue", "red", "green", "yellow", "dark-blue")
    return {"select_options": [{"value": v, "color": colors[i % 5]} for i, v in enumerate(values)]}


@dataclass(frozen=True)
class Days:
    """Days around a run's today that relative date filters tell apart: today and its
    neighbours, a week either side, the 15th of the months either side, mid-June of the years
    either side, and a fixed day. (A replay runs at the recording's time: same answers.)"""

    today: dt.date

    def all(self) -> list[dt.date]:
        t = self.today
        prev_month = (t.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
        next_month = (t.replace(day=28) + dt.timedelta(days=4)).replace(day=15)
        return [
            t,
            t - dt.timedelta(days=1),
            t + dt.timedelta(days=1),
            t - dt.timedelta(days=7),
            t + dt.timedelta(days=7),
            prev_month,
            next_month,
            dt.date(t.year - 1, 6, 15),
            dt.date(t.year + 1, 6, 15),
            dt.date(2024, 1, 2),
        ]
