"""The file field type: a list of uploaded files per cell, as Baserow 1.35.3 has it.

The column holds Baserow's own stored form, as JSON text (one portable type on SQLite and
PostgreSQL): for each file its user file's `serialize()` (name, size, mime_type, is_image,
image_width, image_height, uploaded_at) plus the `visible_name` it was given. A user file
never changes, so a cell reads without a join; reading adds the URLs (storage.files.names).
Filters and search read the items in SQL (`items`: json_each on SQLite,
jsonb_array_elements on PostgreSQL). No value survives a change of type to or from file
(Baserow empties them: keeps_values). Imports: errors, fields (base),
formula, models, storage.files.
"""

from __future__ import annotations

import csv
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

from gridbase import formula as fl
from gridbase.errors import UserFilesDoNotExist
from gridbase.fields.base import (
    UNSORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    ValueContext,
)
from gridbase.models import Field
from gridbase.storage.files import names, records

NOT_A_LIST = "This value must be a list or a string."
NOT_SAME_TYPE = "All list values must be same type."
NOT_NAMES = (
    "The provided value should be a list of valid string or objects containing a value property."
)
NAME_REQUIRED = "A name property is required for all values of the list."
INVALID_NAME = "The user file name is invalid."
EXAMPLE_NAME = "VXotniBOVm8tbstZkKsMKbj2Qg7KmPvn_39d4d7fb4b2b3a4d2a0c6c8d9e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b.png"  # noqa: E501  (one name)


class JsonList(sa.types.TypeDecorator[list[Any]]):
    """A JSON list kept as text on both backends (so filters read it the same way)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Any] | None:
        if value is None:
            return None
        loaded = json.loads(value) if isinstance(value, str) else value
        return loaded if isinstance(loaded, list) else []


def items(expr: sa.ColumnElement[Any], dialect: str) -> tuple[sa.FromClause, sa.ColumnElement[Any]]:
    """The files of a cell as rows: (the set-returning function, its value column)."""
    if dialect == "postgresql":
        each = sa.func.jsonb_array_elements(sa.cast(expr, JSONB)).table_valued("value")
    else:
        each = sa.func.json_each(expr).table_valued("value")
    return each, each.c.value


def item_text(value: sa.ColumnElement[Any], key: str, dialect: str) -> sa.ColumnElement[str]:
    """One key of a file object, as text."""
    if dialect == "postgresql":
        return value.op("->>")(key)
    return sa.cast(sa.func.json_extract(value, f"$.{key}"), sa.Text)


def item_flag(
    value: sa.ColumnElement[Any], key: str, flag: bool, dialect: str
) -> sa.ColumnElement[bool]:
    """A boolean key of a file object is `flag`."""
    if dialect == "postgresql":
        return value.op("->>")(key) == ("true" if flag else "false")
    return sa.func.json_extract(value, f"$.{key}") == (1 if flag else 0)


def array_length(expr: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[int]:
    if dialect == "postgresql":
        length = sa.func.jsonb_array_length(sa.cast(expr, JSONB))
    else:
        length = sa.func.json_array_length(expr)
    return sa.func.coalesce(length, 0)


def written_names(raw: Any) -> list[dict[str, Any]]:
    """Baserow's FileFieldRequestSerializer: a list of names, of {"name", "visible_name"}
    objects, or one comma-separated text of names. Raises FieldValueError."""
    if raw is None:
        return []
    if not isinstance(raw, (str, list)):
        raise FieldValueError(NOT_A_LIST, "not_a_list")
    if not raw:
        return []
    data: list[Any]
    if isinstance(raw, str):
        try:
            data = next(csv.reader([raw], delimiter=",", quotechar='"', escapechar="\\"))
        except (csv.Error, StopIteration):
            raise FieldValueError(INVALID_NAME) from None
    else:
        data = raw
    if any(not isinstance(item, type(data[0])) for item in data):
        raise FieldValueError(NOT_SAME_TYPE, "not_same_type")
    if isinstance(data[0], str):
        for name in data:
            _check_name(name)
        return [{"name": name} for name in data]
    if isinstance(data[0], dict):
        for item in data:
            name = item.get("name")
            if name is None:
                raise FieldValueError(NAME_REQUIRED, "required")
            _check_name(name)
        return data
    raise FieldValueError(NOT_NAMES)


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or names.deconstruct(name) is None:
        raise FieldValueError(INVALID_NAME)


class FileFieldType(FieldType):
    type = "file"
    kind = "array"
    formula_kind = None  # gridbase formulas cannot read files yet (formula_info)
    sort_types = UNSORTABLE
    keeps_values = False

    def column_type(self, field: Field) -> sa.types.TypeEngine[Any]:
        return JsonList()

    def default(self, field: Field) -> Any:
        return []

    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        wanted = written_names(raw)
        if not wanted:
            return []
        found = records.by_names(vc.conn, [w["name"] for w in wanted]) if vc.conn else {}
        missing = [w["name"] for w in wanted if w["name"] not in found]
        if missing:
            raise UserFilesDoNotExist(missing, one=True)
        stored = []
        for item in wanted:
            user_file = found[item["name"]]
            value = user_file.serialize()
            visible = item.get("visible_name")
            value["visible_name"] = (
                (visible if isinstance(visible, str) else str(visible))
                if visible
                else user_file.original_name
            )
            stored.append(value)
        return stored

    def convert_value(self, field: Field, value: Any, vc: ValueContext) -> Any:
        return None  # not reached: no value converts to a file (keeps_values)

    def serialize(self, field: Field, stored: Any) -> Any:
        if not isinstance(stored, list):
            return []
        out = []
        for item in stored:
            if not isinstance(item, dict):
                continue
            name = item.get("name", "")
            url, thumbnails = names.file_json_urls(name, bool(item.get("is_image")))
            out.append(
                {
                    "url": url,
                    "thumbnails": thumbnails,
                    "visible_name": str(item.get("visible_name", "")),
                    "name": name,
                    "size": item.get("size"),
                    "mime_type": item.get("mime_type"),
                    "is_image": item.get("is_image"),
                    "image_width": item.get("image_width"),
                    "image_height": item.get("image_height"),
                    "uploaded_at": item.get("uploaded_at"),
                }
            )
        return out

    def search_text(self, field: Field, value: Any) -> str:
        files = value if isinstance(value, list) else []
        return " ".join(str(f.get("visible_name", "")) for f in files if isinstance(f, dict))

    def formula_info(
        self, ctx: FieldContext, field: Field, conn: sa.Connection | None
    ) -> fl.FieldInfo | None:
        return None

    def json_schema(self, field: Field) -> dict[str, Any]:
        thumbnail = {
            "type": "object",
            "properties": {
                "url": {"type": "string", "format": "uri"},
                "width": {"type": ["integer", "null"]},
                "height": {"type": ["integer", "null"]},
            },
        }
        item = {
            "type": "object",
            "properties": {
                "url": {"type": "string", "format": "uri"},
                "thumbnails": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": dict.fromkeys(names.THUMBNAILS, thumbnail),
                        },
                        {"type": "null"},
                    ]
                },
                "visible_name": {"type": "string"},
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "mime_type": {"type": "string"},
                "is_image": {"type": "boolean"},
                "image_width": {"type": ["integer", "null"]},
                "image_height": {"type": ["integer", "null"]},
                "uploaded_at": {"type": "string", "format": "date-time"},
            },
            "required": ["url", "thumbnails", "visible_name", "name", "size", "mime_type",
                         "is_image", "image_width", "image_height", "uploaded_at"],
        }  # fmt: skip
        return {
            "type": "array",
            "items": item,
            "example": [],
            "description": "The files: each with its URL, thumbnails (images only) and the "
            "name it is shown under (`visible_name`).",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        named = {
            "type": "object",
            "properties": {"name": {"type": "string"}, "visible_name": {"type": "string"}},
            "required": ["name"],
        }
        return {
            "anyOf": [
                {"type": "array", "items": named},
                {"type": "array", "items": {"type": "string"}},
                {"type": "string"},
                {"type": "null"},
            ],
            "example": [{"name": EXAMPLE_NAME, "visible_name": "photo.png"}],
            "description": "Files by the `name` an upload answered (POST "
            "/api/user-files/upload-file/ or upload-via-url/), each with an optional "
            "`visible_name` (default: the uploaded file's name); a list of names or one "
            "comma-separated text of names works too. null or [] clears it.",
        }
