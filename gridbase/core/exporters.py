"""Table exporters (Baserow's table_exporter_registry): CSV as Baserow's OSS exporter
writes it, JSON and XML as its premium ones do. Each writes a header, then pages of rows as
they come, then a footer, to a binary file: nothing holds more than one page.

A row reaches an exporter as (id, [(field name, export value)]): the value from
`export_value` (text for CSV and XML; for JSON lists stay lists and booleans booleans).
Imports: fields (base, display, duration), models, registry.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

from gridbase.fields import display
from gridbase.fields.base import DATE_KINDS, FieldType
from gridbase.fields.duration import duration_text
from gridbase.models import Field
from gridbase.registry import Registry

Cells = Sequence[tuple[str, Any]]
People = Mapping[int, tuple[str, str]]

# Baserow's SUPPORTED_EXPORT_CHARSETS: the API's name -> Python's codec
CHARSETS = {
    "utf-8": "utf-8", "iso-8859-6": "iso-8859-6", "windows-1256": "windows-1256",
    "iso-8859-4": "iso-8859-4", "windows-1257": "windows-1257", "iso-8859-14": "iso-8859-14",
    "iso-8859-2": "iso-8859-2", "windows-1250": "windows-1250", "gbk": "gbk",
    "gb18030": "gb18030", "big5": "big5", "koi8-r": "koi8-r", "koi8-u": "koi8-u",
    "iso-8859-5": "iso-8859-5", "windows-1251": "windows-1251",
    "x-mac-cyrillic": "mac-cyrillic", "iso-8859-7": "iso-8859-7",
    "windows-1253": "windows-1253", "iso-8859-8": "iso-8859-8",
    "windows-1255": "windows-1255", "euc-jp": "euc-jp", "iso-2022-jp": "iso-2022-jp",
    "shift-jis": "shift-jis", "euc-kr": "euc-kr", "macintosh": "macintosh",
    "iso-8859-10": "iso-8859-10", "iso-8859-16": "iso-8859-16", "windows-874": "cp874",
    "windows-1254": "windows-1254", "windows-1258": "windows-1258",
    "iso-8859-1": "iso-8859-1", "windows-1252": "windows-1252", "iso-8859-3": "iso-8859-3",
}  # fmt: skip
# Baserow's SUPPORTED_CSV_COLUMN_SEPARATORS: the API's name -> the character
SEPARATORS = {
    ",": ",", ";": ";", "|": "|", "tab": "\t", "record_separator": "\x1e",
    "unit_separator": "\x1f",
}  # fmt: skip
NUMBER_ONLY = re.compile(r"^-?[0-9,\.]+$")


def _item_text(item: Any) -> str:
    if isinstance(item, dict) and "visible_name" in item:  # a file: "name (url)"
        return f"{item.get('visible_name')} ({item.get('url')})"
    return display.value_text(item)


def export_value(
    ft: FieldType, field: Field, value: Any, *, rich: bool, people: People | None = None
) -> Any:
    """A serialized cell value as an export shows it: dates in the field's format, lists
    (links, selects, files) as their items' texts, joined with "," unless `rich`, booleans
    as Python writes them ("True", as Baserow's CSV has them), durations in the field's
    format, users as Baserow names them (`people`: user id -> (name, e-mail))."""
    if value is None:
        return None if rich else ""
    special = _special_value(field, value, people or {})
    if special is not None:
        return special if rich or not isinstance(special, list) else comma_separated(special)
    if isinstance(value, bool):
        return value if rich else str(value)
    if isinstance(value, list):
        items = [_item_text(v) for v in value]
        return items if rich else comma_separated(items)
    if ft.value_kind(field) in DATE_KINDS:
        return display.date_value_text(field, value)
    return display.value_text(value)


def _special_value(field: Field, value: Any, people: People) -> Any:
    """The value of a field whose export text is not its API text; None for the others."""
    if field.type in ("created_by", "last_modified_by") and isinstance(value, dict):
        return people.get(int(value.get("id") or 0), ("", ""))[1]  # the user's e-mail
    if field.type == "multiple_collaborators" and isinstance(value, list):
        found = [people.get(int(v.get("id") or 0)) for v in value if isinstance(v, dict)]
        return [f"{name} <{email}>" for name, email in (p for p in found if p)]
    if field.type == "duration":
        return duration_text(value, str(field.props.get("duration_format") or "h:mm"))
    return None


def comma_separated(items: list[str]) -> str:
    """Baserow's list_to_comma_separated_string: one CSV line of the items (an item with a
    comma or a quote is quoted), so a CSV reader can split it again."""
    out = io.StringIO()
    csv.writer(out, delimiter=",", quotechar='"', escapechar="\\").writerow(items)
    return out.getvalue().strip()


def escape_csv_cell(text: str) -> str:
    """Baserow's escape_csv_cell (defusedcsv): a cell a spreadsheet would run as a formula
    gets a leading quote."""
    if text and text[0] in "@+-=|%" and not NUMBER_ONLY.match(text):
        return "'" + text.replace("|", "\\|")
    return text


class Exporter(Protocol):
    @property
    def type(self) -> str: ...

    extension: str
    rich: bool  # values keep their JSON shape (lists, booleans)

    def start(self, out: IO[bytes], names: list[str], options: dict[str, Any]) -> None: ...

    def rows(self, rows: list[tuple[int, Cells]]) -> None: ...

    def end(self) -> None: ...


class CsvExporter:
    type = "csv"
    extension = ".csv"
    rich = False

    def start(self, out: IO[bytes], names: list[str], options: dict[str, Any]) -> None:
        charset = CHARSETS[options.get("export_charset") or "utf-8"]
        if charset == "utf-8":
            out.write(b"\xef\xbb\xbf")  # Baserow's BOM, for Excel
        self.text = io.TextIOWrapper(
            out, encoding=charset, errors="backslashreplace", newline="", write_through=True
        )
        self.writer = csv.writer(
            self.text, delimiter=SEPARATORS[options.get("csv_column_separator") or ","]
        )
        if options.get("csv_include_header", True):
            self.writer.writerow(["id", *names])

    def rows(self, rows: list[tuple[int, Cells]]) -> None:
        self.writer.writerows(
            [row_id, *(escape_csv_cell(str(v)) for _, v in cells)] for row_id, cells in rows
        )

    def end(self) -> None:
        self.text.flush()
        self.text.detach()


class JsonExporter:
    """Baserow premium's JSON: a list of objects, "id" then every field by name."""

    type = "json"
    extension = ".json"
    rich = True

    def start(self, out: IO[bytes], names: list[str], options: dict[str, Any]) -> None:
        self.out = out
        self.charset = CHARSETS[options.get("export_charset") or "utf-8"]
        self.first = True
        out.write(b"[\n")

    def rows(self, rows: list[tuple[int, Cells]]) -> None:
        for row_id, cells in rows:
            item = json.dumps({"id": row_id, **dict(cells)}, ensure_ascii=False, indent=4)
            text = ("" if self.first else ",\n") + item
            self.out.write(text.encode(self.charset, errors="backslashreplace"))
            self.first = False

    def end(self) -> None:
        self.out.write(b"\n]\n")


def xml_tag(name: str) -> str:
    """A field name as an XML element name (Baserow premium's to_xml_elem: spaces and
    characters a name may not hold become "-", a leading digit or "xml" gets "field-")."""
    tag = re.sub(r"[^\w.\-]", "-", name.strip()) or "field"
    if not re.match(r"[A-Za-z_]", tag) or tag.lower().startswith("xml"):
        tag = "field-" + tag
    return tag


class XmlExporter:
    type = "xml"
    extension = ".xml"
    rich = True

    def start(self, out: IO[bytes], names: list[str], options: dict[str, Any]) -> None:
        self.out = out
        self.charset = CHARSETS[options.get("export_charset") or "utf-8"]
        self.tags: dict[str, str] = {n: xml_tag(n) for n in names}
        out.write(f'<?xml version="1.0" encoding="{self.charset}" ?>\n<rows>\n'.encode())

    def _value(self, value: Any) -> str:
        if isinstance(value, list):
            return "".join(f"<item>{self._value(v)}</item>" for v in value)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return escape(str(value))

    def rows(self, rows: list[tuple[int, Cells]]) -> None:
        parts = []
        for row_id, cells in rows:
            parts.append(f"  <row>\n    <id>{row_id}</id>\n")
            for name, value in cells:
                tag = self.tags[name]
                parts.append(f"    <{tag}>{self._value(value)}</{tag}>\n")
            parts.append("  </row>\n")
        self.out.write("".join(parts).encode(self.charset, errors="xmlcharrefreplace"))

    def end(self) -> None:
        self.out.write(b"</rows>\n")


Exporters = Registry[Exporter]


def default_exporters() -> Exporters:
    return Registry("exporter", [CsvExporter(), JsonExporter(), XmlExporter()])
