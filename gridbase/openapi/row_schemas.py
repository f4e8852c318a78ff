"""Typed row schemas of one table, generated from its fields: the read format (row JSON),
the write format (create/update bodies), both keyed by `field_<id>` and by field name, and
the filter tree the table accepts. Pure: the caller passes fields and the type registries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gridbase.models import Field, Table
from gridbase.openapi.common import ref

ORDER_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"^-?\d+\.\d{20}$",
    "description": "The row's position: a decimal string with 20 decimal places.",
    "example": "1.00000000000000000000",
}
ID_SCHEMA: dict[str, Any] = {"type": "integer", "description": "The row's id.", "example": 1}
METADATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Row metadata; only with `include=metadata` (JWT only).",
}
DOC_KEYS = ("description", "example", "title")


@dataclass(frozen=True)
class FieldDoc:
    """What the docs say about one field: its keys, types, formats and filters."""

    field: Field
    type_name: str
    read_only: bool
    read: dict[str, Any]
    write: dict[str, Any] | None
    filters: tuple[str, ...]


def accepted_filters(ft: Any, field: Field, filter_types: Iterable[Any] | None) -> tuple[str, ...]:
    """The filter types a field accepts (what the API enforces: FieldType.compatible_filters),
    limited to registered filters."""
    names = set(ft.compatible_filters(field))
    if filter_types is not None:
        names &= {f.type for f in filter_types}
    return tuple(sorted(names))


def field_docs(
    fields: Sequence[Field], field_types: Any, filter_types: Iterable[Any] | None
) -> list[FieldDoc]:
    docs = []
    for field in fields:
        ft = field_types.get(field.type)
        read = dict(ft.json_schema(field))
        write = None if ft.read_only else dict(ft.write_schema(field))
        docs.append(
            FieldDoc(
                field,
                field.type,
                bool(ft.read_only),
                read,
                write,
                accepted_filters(
                    ft, field, list(filter_types) if filter_types is not None else None
                ),
            )
        )
    return docs


def _property(doc: FieldDoc, schema: dict[str, Any], *, writing: bool) -> dict[str, Any]:
    prop = dict(schema)
    what = prop.get("description", "")
    header = f"Field `{doc.field.name}` (id {doc.field.id}, type `{doc.type_name}`"
    header += ", primary)" if doc.field.primary else ")"
    lines = [header + "."]
    if what:
        lines.append(str(what))
    if doc.field.description:
        lines.append(str(doc.field.description))
    if not writing and doc.filters:
        lines.append("Filters: " + ", ".join(f"`{f}`" for f in doc.filters) + ".")
    if doc.read_only and not writing:
        prop["readOnly"] = True
        lines.append("Read only: computed by the server.")
    prop["description"] = " ".join(lines)
    prop["title"] = doc.field.name
    prop["x-field-id"] = doc.field.id
    prop["x-field-type"] = doc.type_name
    if not writing:
        prop["x-filters"] = list(doc.filters)
    return prop


def _keyed(
    docs: Sequence[FieldDoc], schema_of: Any, *, writing: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Properties under both keys of every field: `field_<id>` and the field's name. A name
    that equals another field's `field_<id>` key takes either field's schema."""
    by_id: dict[str, Any] = {}
    by_name: dict[str, Any] = {}
    example: dict[str, Any] = {}
    for doc in docs:
        schema = schema_of(doc)
        if schema is None:
            continue
        prop = _property(doc, schema, writing=writing)
        by_id[doc.field.column_name] = prop
        by_name[doc.field.name] = prop
        if "example" in schema:
            example[doc.field.column_name] = schema["example"]
    props = dict(by_id)
    for name, prop in by_name.items():
        props[name] = (
            {"anyOf": [props[name], prop]} if name in props and props[name] is not prop else prop
        )
    return props, example


def row_schema(table: Table, docs: Sequence[FieldDoc]) -> dict[str, Any]:
    """Row JSON as the row endpoints answer it: keyed by `field_<id>`, or by field name with
    `user_field_names=true` (both key sets are declared; a response uses one of them)."""
    props, example = _keyed(docs, lambda d: d.read, writing=False)
    return {
        "title": f"{table.name} row",
        "description": f"A row of table {table.name!r} (id {table.id}): "
        "`id`, `order` and one key per field — "
        "`field_<id>`, or the field's name when `user_field_names=true`. "
        "`include`/`exclude` may leave fields out.",
        "type": "object",
        "properties": {
            "id": ID_SCHEMA,
            "order": ORDER_SCHEMA,
            **props,
            "metadata": METADATA_SCHEMA,
        },
        "required": ["id", "order"],
        "additionalProperties": False,
        "example": {"id": 1, "order": ORDER_SCHEMA["example"], **example},
    }


def write_schema(table: Table, docs: Sequence[FieldDoc]) -> dict[str, Any]:
    """A create/update body: every writable field optional; read-only fields are refused."""
    props, example = _keyed(docs, lambda d: d.write, writing=True)
    return {
        "title": f"{table.name} row values",
        "description": f"Values for a row of {table.name!r}, keyed by `field_<id>` "
        "(or the bare id), or by field name with `user_field_names=true` "
        "(keys of the other form are ignored). Every field is optional; "
        "on create an omitted field takes its default. Read-only fields cannot be set.",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "example": example,
    }


def filters_schema(table: Table, docs: Sequence[FieldDoc], name: str) -> dict[str, Any]:
    """The `filters=` JSON tree, with the filter types each field accepts."""
    conditions = []
    for doc in docs:
        if not doc.filters:
            continue
        conditions.append(
            {
                "type": "object",
                "title": f"{doc.field.name} ({doc.type_name})",
                "properties": {
                    "field": {
                        "anyOf": [
                            {"type": "integer", "enum": [doc.field.id]},
                            {"type": "string", "enum": [doc.field.name]},
                        ],
                        "description": "The field id, or its name with `user_field_names=true`.",
                    },
                    "type": {"enum": list(doc.filters)},
                    "value": {"type": "string"},
                },
                "required": ["field", "type"],
            }
        )
    condition: dict[str, Any] = {"anyOf": conditions} if conditions else {"not": {}}
    return {
        "title": f"{table.name} filters",
        "description": "The JSON value of the `filters` query parameter: "
        "an AND/OR group of conditions and nested groups. "
        "Each field accepts only the filter types listed for it.",
        "type": "object",
        "properties": {
            "filter_type": {"enum": ["AND", "OR"], "default": "AND"},
            "filters": {"type": "array", "items": condition},
            "groups": {"type": "array", "items": ref(name)},
        },
    }


def slug(text: str) -> str:
    """An identifier-friendly form of a table name (for operation ids)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def summary_table(docs: Sequence[FieldDoc]) -> str:
    """A Markdown table of the fields: name, key, type, formats and filters."""
    lines = ["| Field | Key | Type | Read | Write | Filters |", "|---|---|---|---|---|---|"]
    for doc in docs:
        write = "read only" if doc.write is None else brief(doc.write)
        filters = ", ".join(doc.filters) or "—"
        name = doc.field.name.replace("|", "\\|")
        lines.append(
            f"| {name} | `{doc.field.column_name}` | `{doc.type_name}` | "
            f"{brief(doc.read)} | {write} | {filters} |"
        )
    return "\n".join(lines)


def brief(schema: dict[str, Any]) -> str:
    """A few words for a schema: its types and the example."""
    types: list[str] = []

    def collect(s: dict[str, Any]) -> None:
        kind = s.get("type")
        if isinstance(kind, list):
            types.extend(str(k) for k in kind)
        elif kind:
            types.append(str(kind))
        for option in s.get("anyOf", []) + s.get("oneOf", []):
            collect(option)

    collect(schema)
    seen = list(dict.fromkeys(types)) or ["any"]
    text = " or ".join(seen)
    if "example" in schema:
        text += f", e.g. `{json.dumps(schema['example'], ensure_ascii=False)}`".replace("|", "\\|")
    return text


def named_write_schema(table: Table, docs: Sequence[FieldDoc]) -> dict[str, Any]:
    """write_schema keyed by field name only (what `user_field_names=true` accepts): the
    row argument of the MCP create/update tools (gridbase.mcp), one key per writable field."""
    props = {
        doc.field.name: _property(doc, doc.write, writing=True)
        for doc in docs
        if doc.write is not None
    }
    return {
        "type": "object",
        "description": f"Values for a row of {table.name!r}, keyed by field name. Every field "
        "is optional; on create an omitted field takes its default.",
        "properties": props,
        "additionalProperties": False,
    }
