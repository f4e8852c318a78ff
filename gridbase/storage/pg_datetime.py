"""PostgreSQL's to_char (timestamps) and to_timestamp on SQLite, template patterns and all
(formatting.c's keywords, FM/TM/TH/th modifiers, "quoted" text), for the formula functions
datetime_format, datetime_format_tz and todate_tz. Imports: nothing of gridbase.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _words(text: str) -> tuple[str, ...]:
    """The blank-separated words of `text`."""
    return tuple(text.split())


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# formatting.c's DCH_keywords in its order: the first one the template starts with wins
KEYWORDS = _words(
    "A.D. A.M. AD AM B.C. BC CC DAY DDD DD DY Day Dy D FF1 FF2 FF3 FF4 FF5 FF6 FX HH24 "
    "HH12 HH IDDD ID IW IYYY IYY IY I J MI MM MONTH MON MS Month Mon OF P.M. PM Q RM "
    "SSSSS SSSS SS TZH TZM TZ US WW W Y,YYY YYYY YYY YY Y a.d. a.m. ad am b.c. bc cc day "
    "ddd dd dy d ff1 ff2 ff3 ff4 ff5 ff6 fx hh24 hh12 hh iddd id iw iyyy iyy iy i j mi mm "
    "month mon ms of p.m. pm q rm sssss ssss ss tzh tzm tz us ww w y,yyy yyyy yyy yy y"
)
# keywords whose lower-case spelling means the same as the upper-case one
_SAME_IN_LOWER = frozenset(
    _words(
        "CC DDD DD D FF1 FF2 FF3 FF4 FF5 FF6 FX HH24 HH12 HH IDDD ID IW IYYY IYY IY I J "
        "MI MM MS OF Q SSSSS SSSS SS TZH TZM US WW W Y,YYY YYYY YYY YY Y"
    )
)
_NUMERIC = frozenset(
    _words(
        "CC DDD DD D FF1 FF2 FF3 FF4 FF5 FF6 HH24 HH12 HH IDDD ID IW IYYY IYY IY I J MI "
        "MM MS Q SSSSS SSSS SS TZM US WW W Y,YYY YYYY YYY YY Y"
    )
)


@dataclass(frozen=True, slots=True)
class Node:
    """One piece of a template: a keyword (with its modifiers) or literal text."""

    keyword: str | None
    text: str = ""
    fill: bool = False  # FM: no padding
    translate: bool = False  # TM: names as they are (no padding)
    ordinal: str = ""  # "TH" or "th": an ordinal suffix


def _canonical(keyword: str) -> str:
    upper = keyword.upper()
    return upper if upper in _SAME_IN_LOWER else keyword


@functools.lru_cache(maxsize=256)
def parse_template(template: str) -> tuple[Node, ...]:
    """formatting.c's parse_format for to_char/to_timestamp templates."""
    nodes: list[Node] = []
    pos = 0
    while pos < len(template):
        fill = translate = False
        while template.startswith(("FM", "fm", "TM", "tm"), pos):
            if template[pos] in "Ff":
                fill = True
            else:
                translate = True
            pos += 2
        keyword = next((k for k in KEYWORDS if template.startswith(k, pos)), None)
        if keyword is not None:
            pos += len(keyword)
            ordinal = ""
            if template.startswith(("TH", "th"), pos):
                ordinal = template[pos : pos + 2]
                pos += 2
            elif template.startswith(("SP", "sp"), pos):
                pos += 2
            nodes.append(Node(_canonical(keyword), fill=fill, translate=translate, ordinal=ordinal))
            continue
        if pos >= len(template):
            break
        char = template[pos]
        if char == '"':
            pos += 1
            literal: list[str] = []
            while pos < len(template) and template[pos] != '"':
                if template[pos] == "\\" and pos + 1 < len(template):
                    pos += 1
                literal.append(template[pos])
                pos += 1
            pos += 1
            nodes.append(Node(None, "".join(literal)))
        elif char == "\\" and template.startswith('"', pos + 1):
            nodes.append(Node(None, '"'))
            pos += 2
        else:
            nodes.append(Node(None, char))
            pos += 1
    return tuple(nodes)


def _ordinal(number: int, style: str) -> str:
    if not style:
        return ""
    last_two = abs(number) % 100
    suffix = "th"
    if last_two not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(number) % 10, "th")
    return suffix.upper() if style == "TH" else suffix


def _case(name: str, keyword: str) -> str:
    if keyword.isupper():
        return name.upper()
    if keyword.islower():
        return name.lower()
    return name


@dataclass(frozen=True, slots=True)
class Moment:
    """A timestamp to format: local wall time, and the zone shown by TZ/OF (None: a
    timestamp without time zone, whose TZ is empty and offset +00)."""

    when: datetime
    zone_name: str | None = None
    offset_seconds: int = 0


def _julian_day(day: date) -> int:
    return day.toordinal() + 1721425


def _number(node: Node, moment: Moment) -> tuple[int, int]:
    """The value of a numeric keyword and its zero-padded width."""
    when = moment.when
    iso_year, iso_week, iso_day = when.isocalendar()
    year = when.year
    keyword = node.keyword
    values: dict[str, tuple[int, int]] = {
        "HH": ((when.hour % 12) or 12, 2),
        "HH12": ((when.hour % 12) or 12, 2),
        "HH24": (when.hour, 2),
        "MI": (when.minute, 2),
        "SS": (when.second, 2),
        "MS": (when.microsecond // 1000, 3),
        "US": (when.microsecond, 6),
        "SSSS": (when.hour * 3600 + when.minute * 60 + when.second, 0),
        "SSSSS": (when.hour * 3600 + when.minute * 60 + when.second, 0),
        "YYYY": (year, 4),
        "YYY": (year % 1000, 3),
        "YY": (year % 100, 2),
        "Y": (year % 10, 1),
        "IYYY": (iso_year, 4),
        "IYY": (iso_year % 1000, 3),
        "IY": (iso_year % 100, 2),
        "I": (iso_year % 10, 1),
        "MM": (when.month, 2),
        "DD": (when.day, 2),
        "DDD": (when.timetuple().tm_yday, 3),
        "IDDD": ((iso_week - 1) * 7 + iso_day, 3),
        "D": (when.isoweekday() % 7 + 1, 0),
        "ID": (iso_day, 0),
        "W": ((when.day - 1) // 7 + 1, 0),
        "WW": ((when.timetuple().tm_yday - 1) // 7 + 1, 2),
        "IW": (iso_week, 2),
        "CC": ((year + 99) // 100, 2),
        "J": (_julian_day(when.date()), 0),
        "Q": ((when.month - 1) // 3 + 1, 0),
        "TZM": (abs(moment.offset_seconds) // 60 % 60, 2),
    }
    if keyword is not None and keyword.startswith("FF"):
        digits = int(keyword[2])
        return when.microsecond // 10 ** (6 - digits), digits
    assert keyword is not None
    return values[keyword]


def _text(node: Node, moment: Moment) -> str:
    """A keyword's output (names, meridiem and era markers, zones)."""
    when = moment.when
    keyword = node.keyword
    assert keyword is not None
    upper = keyword.upper()
    if keyword in _NUMERIC:
        if keyword == "Y,YYY":
            text = f"{when.year // 1000},{when.year % 1000:03d}"
            return text + _ordinal(when.year, node.ordinal)
        value, width = _number(node, moment)
        text = str(value) if node.fill else f"{value:0{width}d}"
        return text + _ordinal(value, node.ordinal)
    if upper in ("AM", "PM", "A.M.", "P.M."):
        marker = ("P" if when.hour >= 12 else "A") + ("M" if len(upper) == 2 else ".M.")
        if len(upper) == 4:
            marker = marker[0] + ".M."
        return marker if keyword[0].isupper() else marker.lower()
    if upper in ("AD", "BC", "A.D.", "B.C."):
        marker = "AD" if len(upper) == 2 else "A.D."
        return marker if keyword[0].isupper() else marker.lower()
    if upper in ("MONTH", "DAY"):
        name = MONTHS[when.month - 1] if upper == "MONTH" else DAYS[when.isoweekday() % 7]
        name = _case(name, keyword)
        return name if node.fill or node.translate else f"{name:<9}"
    if upper in ("MON", "DY"):
        name = MONTHS[when.month - 1] if upper == "MON" else DAYS[when.isoweekday() % 7]
        return _case(name[:3], keyword)
    if upper == "RM":
        roman = ROMAN[when.month - 1]
        roman = roman if keyword == "RM" else roman.lower()
        return roman if node.fill else f"{roman:<4}"
    if upper == "TZ":
        name = moment.zone_name or ""
        return name if keyword == "TZ" else name.lower()
    if upper in ("TZH", "OF"):
        sign = "-" if moment.offset_seconds < 0 else "+"
        hours, rest = divmod(abs(moment.offset_seconds) // 60, 60)
        text = f"{sign}{hours:02d}"
        if upper == "OF" and rest:
            text += f":{rest:02d}"
        return text
    return ""  # FX and the like: nothing in the output


def to_char(moment: Moment, template: str) -> str | None:
    """to_char(timestamp, template) (NULL for an empty template, as PostgreSQL)."""
    if not template:
        return None
    return "".join(
        node.text if node.keyword is None else _text(node, moment)
        for node in parse_template(template)
    )


@functools.lru_cache(maxsize=64)
def zone(name: str) -> tzinfo | None:
    """A time zone PostgreSQL would know by `name` (IANA names); None when unknown."""
    if not name or name.strip() != name:
        return None
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_stored(stamp: str) -> datetime:
    """A SQLite date or datetime text (UTC) as an aware datetime."""
    value = datetime.fromisoformat(stamp.replace(" ", "T", 1))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# --- to_timestamp ----------------------------------------------------------------------------
class TimestampError(ValueError):
    """to_timestamp would raise: the text does not fit the template."""


_NAMES = {
    "MONTH": [m.lower() for m in MONTHS],
    "MON": [m[:3].lower() for m in MONTHS],
    "DAY": [d.lower() for d in DAYS],
    "DY": [d[:3].lower() for d in DAYS],
}
_WIDTH = {"YYYY": 4, "YYY": 3, "YY": 2, "Y": 1, "IYYY": 4, "MM": 2, "DD": 2, "DDD": 3,
          "HH": 2, "HH12": 2, "HH24": 2, "MI": 2, "SS": 2, "MS": 3, "US": 6, "CC": 2,
          "D": 1, "ID": 1, "J": 7, "Q": 1, "W": 1, "WW": 2, "IW": 2, "SSSS": 5, "SSSSS": 5,
          "TZM": 2, "FF1": 1, "FF2": 2, "FF3": 3, "FF4": 4, "FF5": 5, "FF6": 6}  # fmt: skip
_FIELDS = {"YYYY": "year", "MM": "month", "DD": "day", "HH24": "hour", "HH": "hour12",
           "HH12": "hour12", "MI": "minute", "SS": "second", "DDD": "yday",
           "TZM": "tzm"}  # fmt: skip


def _is_separator(char: str) -> bool:
    return not char.isalnum()


def to_timestamp(text: str, template: str) -> datetime:
    """to_timestamp(text, template) as wall time (naive), for the patterns most templates
    use: numbers, month and day names, AM/PM, TZH:TZM; raises TimestampError."""
    nodes = parse_template(template)
    values: dict[str, int] = {}
    pos = 0
    for index, node in enumerate(nodes):
        if pos >= len(text):
            break  # the rest of the template has nothing to read (its fields stay unset)
        if node.keyword is None:
            if node.text.isspace():
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            elif _is_separator(node.text):
                if pos < len(text) and _is_separator(text[pos]) and not text[pos].isspace():
                    pos += 1
            elif pos < len(text):
                pos += 1
            continue
        while pos < len(text) and text[pos].isspace():
            pos += 1
        keyword = node.keyword.upper() if node.keyword.upper() in _NAMES else node.keyword
        if keyword in _NAMES or keyword.upper() in ("AM", "PM", "A.M.", "P.M."):
            pos = _read_name(text, pos, keyword, values)
            continue
        if keyword in ("TZH", "OF"):
            found = re.match(
                r"([+-])?(\d{1,2})(?::?(\d{2}))?" if keyword == "OF" else r"([+-])?(\d{1,2})",
                text[pos:],
            )
            if found is None:
                raise TimestampError("invalid value for TZH")
            sign = -1 if found.group(1) == "-" else 1
            values["tzh"] = sign * int(found.group(2))
            if keyword == "OF" and found.group(3):
                values["tzm"] = int(found.group(3))
            values["tz_sign"] = sign
            pos += found.end()
            continue
        if keyword not in _WIDTH:
            continue  # FX and markers to_timestamp ignores
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        free = (
            node.fill
            or following is None
            or (following.keyword is None and _is_separator(following.text))
        )
        digits = re.match(r"[+-]?\d+" if free else rf"\d{{1,{_WIDTH[keyword]}}}", text[pos:])
        if digits is None:
            raise TimestampError(f'invalid value "{text[pos : pos + 4]}" for "{node.keyword}"')
        pos += digits.end()
        value = int(digits.group())
        if keyword in ("YYY", "YY", "Y"):  # nearest year to 2020, as PostgreSQL's adjust
            value = {
                "YYY": value + (1000 if value < 100 else 0) + 1000,
                "YY": value + (2000 if value < 70 else 1900),
                "Y": value + 2000,
            }[keyword]
            keyword = "YYYY"
        if keyword.startswith("FF") or keyword in ("MS", "US"):  # a fraction: ".5" is 500 ms
            values["us"] = value * 10 ** (6 - len(digits.group()))
            continue
        if keyword in ("SSSS", "SSSSS"):
            values["hour"], rest = divmod(value, 3600)
            values["minute"], values["second"] = divmod(rest, 60)
            continue
        if keyword in _FIELDS:
            values[_FIELDS[keyword]] = value
    return _assemble(values)


def _read_name(text: str, pos: int, keyword: str, values: dict[str, int]) -> int:
    lowered = text[pos:].lower()
    upper = keyword.upper()
    if upper in ("AM", "PM", "A.M.", "P.M."):
        for marker, pm in (("am", 0), ("pm", 1), ("a.m.", 0), ("p.m.", 1)):
            if len(marker) == len(upper) and lowered.startswith(marker):
                values["pm"] = pm
                return pos + len(marker)
        raise TimestampError("invalid value for AM/PM")
    names = _NAMES[upper]
    for number, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
        if lowered.startswith(name):
            if upper in ("MONTH", "MON"):
                values["month"] = number + 1
            return pos + len(name)
    raise TimestampError(f"invalid value for {keyword}")


def _assemble(values: dict[str, int]) -> datetime:
    hour = values.get("hour", 0)
    if "hour12" in values:
        if not 1 <= values["hour12"] <= 12:
            raise TimestampError("hour out of range for the 12-hour clock")
        hour = values["hour12"] % 12
    if values.get("pm"):
        hour = hour % 12 + 12 if hour < 12 else hour
    elif "pm" in values and hour == 12:
        hour = 0
    if "year" not in values:  # PostgreSQL: year 1 BC, which Baserow's dates show as null
        raise TimestampError("no year")
    year = values["year"]
    try:
        if "yday" in values and "month" not in values:
            moment = datetime(year, 1, 1) + timedelta(days=values["yday"] - 1)
        else:
            moment = datetime(year, values.get("month", 1), values.get("day", 1))
        moment = moment.replace(
            hour=hour,
            minute=values.get("minute", 0),
            second=values.get("second", 0),
            microsecond=values.get("us", 0),
        )
    except (ValueError, OverflowError):
        raise TimestampError("date/time field value out of range") from None
    if "tzh" in values:  # the text's own offset: back to UTC wall time
        sign = values.get("tz_sign", 1)
        offset = timedelta(hours=abs(values["tzh"]), minutes=values.get("tzm", 0)) * sign
        moment -= offset
    return moment
