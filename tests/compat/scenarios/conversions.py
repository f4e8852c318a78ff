"""Field type conversions: text values read as numbers, ratings, booleans, urls, emails,
phone numbers and long text (Baserow converts them in SQL: numbers rounded to the places,
ratings held to their range), and back to text; dates to text in their own format.
Dates and durations read text by their format in Baserow, which gridbase does not do yet."""

from __future__ import annotations

from typing import Any

from tests.compat.session import Session

VALUES = ["1.0", "1.26", "-5", "abc", " 12 ", "1e3", "", "1.25", "-1.25", "+.5", "5.",
          "2024-03-05", "05/03/2024", "true", "yes", "https://example.com", "a@b.io",
          "+31 20 123", "1:30", "9" * 53]  # fmt: skip
TARGETS: list[dict[str, Any]] = [
    {"type": "number", "number_decimal_places": 1},
    {"type": "number", "number_decimal_places": 0, "number_negative": True},
    {"type": "rating", "max_value": 5},
    {"type": "boolean"},
    {"type": "url"},
    {"type": "email"},
    {"type": "phone_number"},
    {"type": "long_text"},
]


def conversions(s: Session) -> None:
    s.sign_up()
    db = s.database()
    for target in TARGETS:
        name = "-".join(str(v) for v in target.values())
        table = s.table(
            db, f"T {name}", [["Name", "T"], *[[str(i), v] for i, v in enumerate(VALUES)]]
        )
        field = s.fields(table)["T"]
        path = f"/api/database/fields/{field['id']}/"
        s.patch(f"to|{name}", path, target)
        s.rows(f"as|{name}", table, user_field_names="true")
        s.patch(f"back|{name}", path, {"type": "text"})
        s.rows(f"text|{name}", table, user_field_names="true")
    dates(s, db)


DATES: list[dict[str, Any]] = [
    {"date_format": "EU"},
    {"date_format": "US", "date_include_time": True},
    {"date_format": "ISO", "date_include_time": True, "date_time_format": "12"},
    {"date_format": "EU", "date_include_time": True, "date_force_timezone": "Asia/Tokyo"},
]


def dates(s: Session, db: int) -> None:
    """Dates become their text in their own format (and zone) on the way to another type."""
    values = ["2024-03-05T09:07:00Z", "2023-12-31T23:30:00Z", None]
    for i, props in enumerate(DATES):
        table = s.table(db, f"D {i}", [["Name"], ["a"], ["b"], ["c"]])
        field = s.field(table, "D", "date", **props)
        items = [{"id": n + 1, "D": v} for n, v in enumerate(values)]
        s.patch("fill", f"/api/database/rows/table/{table}/batch/", {"items": items},
                query={"user_field_names": "true"})  # fmt: skip
        s.patch(f"to_text|{i}", f"/api/database/fields/{field['id']}/", {"type": "text"})
        s.rows(f"text|{i}", table, user_field_names="true")


SCENARIOS = {"conversions": conversions}
