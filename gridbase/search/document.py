"""Search documents: a row's words, built from the displayed text of its searchable fields.

The fields are the ones compat search compares (search.compat.searched_fields); each value is
taken as the row serializer returns it (numbers with their decimal places, select options
and linked rows by their text, formulas and lookups as serialized) and read as text by its
type (FieldType.search_text: dates as the field formats them, 12/24 hours, forced timezone).
The row id is not part of the document: like compat search and Baserow, an integer term
matches the row id exactly. Beside the words, a document keeps the same texts lowercased as
the compat search compares them (PostgreSQL's lower(), one line per text): a term found in
a field's text is found there too.
Imports: models, search (compat, tokenize), storage, usertable.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from gridbase.models import Field
from gridbase.search import compat
from gridbase.search.tokenize import document
from gridbase.storage.search_index import Document
from gridbase.storage.sqlite_functions import pg_lower
from gridbase.usertable.context import TableContext
from gridbase.usertable.model import TableModel
from gridbase.usertable.read import serialize_rows

CHUNK = 1000


def indexed_fields(ctx: TableContext, model: TableModel) -> list[Field]:
    """The fields whose text goes into a row's document (memoised on the model)."""
    found: list[Field] | None = model.memo.get("indexed_fields")
    if found is None:
        found = model.memo["indexed_fields"] = [
            c.field for c in compat.searched_fields(ctx, model, None)
        ]
    return list(found)


def documents(
    ctx: TableContext, conn: sa.Connection, model: TableModel, row_ids: Sequence[int]
) -> list[Document]:
    """(row id, words) for the rows of `model` among `row_ids` that exist."""
    fields = indexed_fields(ctx, model)
    out: list[Document] = []
    for start in range(0, len(row_ids), CHUNK):
        records = model.rows_by_id(conn, fields, list(row_ids[start : start + CHUNK]))
        out.extend(_words(ctx, conn, model, records, fields))
    return out


def all_documents(
    ctx: TableContext, conn: sa.Connection, model: TableModel
) -> Iterator[list[Document]]:
    """Every row's document, CHUNK rows at a time in id order (memory stays flat)."""
    fields = indexed_fields(ctx, model)
    t = model.sql
    last = 0
    while True:
        stmt = sa.select(*model.columns(fields)).where(t.c.id > last).order_by(t.c.id).limit(CHUNK)
        records = list(conn.execute(stmt))
        if not records:
            return
        yield _words(ctx, conn, model, records, fields)
        last = records[-1].id


def _words(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    records: list[Any],
    fields: list[Field],
) -> list[Document]:
    return row_documents(ctx, model, serialize_rows(ctx, conn, model, records, fields), fields)


def row_documents(
    ctx: TableContext,
    model: TableModel,
    rows: Sequence[dict[str, Any]],
    fields: list[Field] | None = None,
) -> list[Document]:
    """(row id, words) of rows already serialized (keyed `field_<id>`)."""
    fields = indexed_fields(ctx, model) if fields is None else fields
    plan = [(f, f.column_name, ctx.field_types.get(f.type).search_text) for f in fields]
    out = []
    for row in rows:
        texts = []
        for field, name, text_of in plan:
            value = row[name]
            if value is not None:  # no text, no words
                texts.append(text_of(field, value))
        out.append((row["id"], document(texts), pg_lower("\n".join(texts))))
    return out
