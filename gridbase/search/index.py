"""Keeping the full-text index in step with the data, inside the writer's transaction.

Row writes (core.rows calls rows_changing before and its result after a write)
re-index the written rows and every row of any table that links to them, before and after
the write: those rows show the written rows' primary text and their looked-up values. Field
and select-option changes and table deletion (fields_changing) rebuild the
changed tables and the tables linking to them, streaming CHUNK rows at a time.

Existing deployments: a table created before the index existed has none. Startup builds the
missing ones (ensure_indexes, one transaction per table); until a table has its index,
full-text search on it falls back to compat and writes skip it (Baserow falls back the
same way while its search data is not ready). Imports: errors, fields.link_row, models,
search.document, storage, usertable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from gridbase.errors import TableDoesNotExist
from gridbase.fields.link_row import junction_name, links_into, sides
from gridbase.models import Field
from gridbase.search.document import all_documents, documents, row_documents
from gridbase.storage import schema as s
from gridbase.storage import search_index
from gridbase.storage.prepared import records
from gridbase.usertable.context import TableContext
from gridbase.usertable.load import model_of
from gridbase.usertable.model import TableModel


class RowsWritten(Protocol):
    """Called after a write with the written rows (when the caller has them serialized),
    or with `read`, which reads them back once the index is ready for it (PostgreSQL: once
    their documents are locked, so that they are indexed as read); returns the rows."""

    def __call__(
        self,
        rows: Sequence[dict[str, Any]] | None = None,
        *,
        read: Callable[[], list[dict[str, Any]]] | None = None,
    ) -> list[dict[str, Any]]: ...


def linking_rows(
    ctx: TableContext,
    conn: sa.Connection,
    table_id: int,
    row_ids: Sequence[int],
    into: list[Field] | None = None,
) -> dict[int, set[int]]:
    """table id -> ids of its rows that link to any of `row_ids` of `table_id` (`into`: the
    links_into() of the table, when known)."""
    out: dict[int, set[int]] = defaultdict(set)
    if not row_ids:
        return out
    for field in links_into(conn, table_id) if into is None else into:
        model = _model(ctx, conn, field.table_id)
        junction = model.relations.get(field.id) if model is not None else None
        if junction is None:
            continue
        mine, other = sides(field)

        def build(
            junction: sa.Table = junction, mine: str = mine, other: str = other
        ) -> sa.Select[Any]:
            return (
                sa.select(junction.c[mine])
                .where(junction.c[other].in_(sa.bindparam("ids", expanding=True)))
                .distinct()
            )

        for start in range(0, len(row_ids), 500):
            chunk = list(row_ids[start : start + 500])
            out[field.table_id].update(
                r[0]
                for r in records(junction, conn, ("linking", mine, other), build, {"ids": chunk})
            )
    return out


def _model(ctx: TableContext, conn: sa.Connection, table_id: int) -> TableModel | None:
    try:
        return model_of(ctx, conn, table_id)
    except TableDoesNotExist:
        return None


def reindex_rows(
    ctx: TableContext,
    conn: sa.Connection,
    table_id: int,
    row_ids: Iterable[int],
    *,
    fresh: bool = False,
    rows: Sequence[dict[str, Any]] | None = None,
    model: TableModel | None = None,
    locked: bool = False,
) -> None:
    """Index these rows again; `fresh`: they were just created and have no documents yet;
    `rows`: their serialized values, already read (every field, current schema; PostgreSQL
    reads existing rows again after locking their documents, unless `locked`: the caller
    holds those locks, and read `rows` only after taking them);
    `model`: the table's current model, when the caller has it."""
    ids = sorted(set(row_ids))
    if not ids or not ctx.kept.indexes.ready(conn, table_id):
        return
    model = model or _model(ctx, conn, table_id)
    if model is None:
        return
    if conn.dialect.name != "sqlite" and not fresh:
        # Concurrent writers may rewrite these documents too: lock them, read the rows only
        # then (answers read before the lock may predate another writer's commit), and
        # rewrite them in place (search_index.lock).
        if not locked:
            search_index.lock(conn, table_id, ids)
        found = (
            row_documents(ctx, model, rows)
            if locked and rows is not None
            else documents(ctx, conn, model, ids)
        )
        search_index.forget(conn, table_id, sorted(set(ids) - {doc[0] for doc in found}))
        search_index.store(conn, table_id, found)
        return
    if not fresh:
        search_index.forget(conn, table_id, ids)
    search_index.store(
        conn,
        table_id,
        row_documents(ctx, model, rows) if rows is not None else documents(ctx, conn, model, ids),
    )


def rebuild(ctx: TableContext, conn: sa.Connection, table_id: int) -> None:
    """Every document of the table again, CHUNK rows at a time."""
    if ctx.kept.indexes.ready(conn, table_id):
        _fill(ctx, conn, table_id)


def _fill(ctx: TableContext, conn: sa.Connection, table_id: int) -> None:
    model = _model(ctx, conn, table_id)
    if model is None:
        return
    search_index.clear(conn, table_id)
    for chunk in all_documents(ctx, conn, model):
        search_index.store(conn, table_id, chunk)


def rows_changing(
    ctx: TableContext,
    conn: sa.Connection,
    model: TableModel,
    row_ids: Sequence[int],
    *,
    created: bool = False,
) -> RowsWritten:
    """Called before rows of `model` are written; the result is called after the write.
    `created`: the rows were just inserted, so nothing linked to them before."""
    table_id = model.table.id
    ids = list(row_ids)
    into = links_into(conn, table_id)  # row writes change no fields: the same before and after
    before = {} if created else linking_rows(ctx, conn, table_id, ids, into)

    def written(
        rows: Sequence[dict[str, Any]] | None = None,
        *,
        read: Callable[[], list[dict[str, Any]]] | None = None,
    ) -> list[dict[str, Any]]:
        if read is not None and created:  # (nothing else rewrites new rows' documents)
            rows, read = read(), None
        wanted: dict[int, set[int]] = defaultdict(set)
        after = into if not created or rows is None else _linked_by(ctx, model, into, rows)
        for source in (before, linking_rows(ctx, conn, table_id, ids, after)):
            for other, linked in source.items():
                wanted[other] |= linked
        # self links: rows of this table that link to the written ones
        own = wanted.pop(table_id, set()) - set(ids)
        locked = conn.dialect.name != "sqlite"
        if locked:
            _lock(ctx, conn, {**wanted, table_id: own | (set() if created else set(ids))})
        if read is not None:  # after the lock: its rows can be indexed as read
            rows = read()
        elif locked and not created:
            rows = None  # read before the lock: the documents are read again
        reindex_rows(ctx, conn, table_id, ids, fresh=created, rows=rows, model=model, locked=locked)
        reindex_rows(ctx, conn, table_id, own, locked=locked)
        for other, linked in wanted.items():
            reindex_rows(ctx, conn, other, linked, locked=locked)
        return list(rows or [])

    return written


def _lock(ctx: TableContext, conn: sa.Connection, rewritten: dict[int, set[int]]) -> None:
    """PostgreSQL: lock every document a write rewrites before reading any, in one order
    (table id, row id) for every writer, so writers that rewrite the same documents queue
    in that order and never deadlock on them."""
    for table_id in sorted(rewritten):
        if rewritten[table_id] and ctx.kept.indexes.ready(conn, table_id):
            search_index.lock(conn, table_id, sorted(rewritten[table_id]))


def _linked_by(
    ctx: TableContext, model: TableModel, into: list[Field], created: Sequence[dict[str, Any]]
) -> list[Field]:
    """The fields of `into` through which rows can link to rows just created: a new row is
    linked only through the junction tables its own link values were written to."""
    written = {
        junction_name(f)
        for f in model.fields
        if ctx.field_types.get(f.type).links_to(f) is not None
        and any(row.get(f.column_name) for row in created)
    }
    return [f for f in into if junction_name(f) in written]


def fields_changing(
    ctx: TableContext, conn: sa.Connection, table_id: int
) -> Callable[[list[Field]], None]:
    """Called before fields of `table_id` change; the result, called after the change with
    the related fields it touched, rebuilds the table and every table linking to it (then
    or before: a deleted link field's related field no longer points here afterwards)."""
    before = {f.table_id for f in links_into(conn, table_id)}

    def changed(related: list[Field]) -> None:
        wanted = {table_id, *before, *(f.table_id for f in related)}
        for other in list(wanted):
            wanted |= {f.table_id for f in links_into(conn, other)}
        for other in sorted(wanted):
            rebuild(ctx, conn, other)

    return changed


def ensure_indexes(ctx: TableContext) -> None:
    """Create and fill the index of every table that has none (tables from before it existed)."""
    with ctx.db.read() as conn:
        table_ids = list(
            conn.execute(
                sa.select(s.database_tables.c.id).order_by(s.database_tables.c.id)
            ).scalars()
        )
        missing = [i for i in table_ids if not search_index.exists(conn, i)]
    for table_id in missing:
        with ctx.db.write() as conn:
            search_index.create(conn, table_id)
            _fill(ctx, conn, table_id)
