"""Row history (Baserow's RowHistoryHandler): an entry per row a create or an update changed,
written by the row service inside the write's own transaction, listed newest first per
row, and purged once older than GRIDBASE_ROW_HISTORY_RETENTION_DAYS.

An entry keeps only the fields whose values changed (a creation: the fields given a
non-empty value), as the endpoint answers them: `before`/`after` in the row API's format
with a select as its option ids and a link as its row ids, and each field's metadata (its
type, display props, the options and linked rows the values name). Entries are JSON
written once, so deleting or changing a field later leaves them as they were. A deletion
leaves an empty entry on each deleted row (shown once a restore brings it back), and a
restore of a row deleted alone one more (a batch's restore none: Baserow's provider
cannot see its rows); moves leave none. A link that gains or loses rows also leaves an
entry on each row at its other side (when it has a related field), as Baserow's
related-rows history does: on update, creation, deletion and single-row restore of the
rows linking it.
Imports: core (permissions), errors, fields (display), models, storage, usertable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.core import permissions
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import RowDoesNotExist
from gridbase.fields.display import value_text
from gridbase.models import Field, User
from gridbase.storage import schema as s
from gridbase.storage.prepared import insert_values
from gridbase.usertable import load
from gridbase.usertable.model import TableModel
from gridbase.usertable.read import primary_texts

Row = dict[str, Any]
UPDATE, CREATE_ONE, CREATE_MANY = "update_rows", "create_row", "create_rows"
DELETE_ONE, DELETE_MANY, RESTORE = "delete_row", "delete_rows", "restore_from_trash"
LINKED_TABLE = "linked_table_id"  # in the metadata of a link's change


def enabled(ctx: Ctx) -> bool:
    """A retention of 0 days keeps no history at all (as Baserow)."""
    return ctx.settings.row_history_retention_days != 0


def _cell(ctx: Ctx, field: Field, value: Any) -> tuple[Any, dict[str, Any]]:
    return ctx.field_types.get(field.type).history_value(field, value)


def _merged(
    ctx: Ctx, field: Field, bases: dict[int, Row], *extras: dict[str, Any]
) -> dict[str, Any]:
    """The field's metadata with what its old and new values add (their option maps
    merged, as Baserow merges the metadata of the row before and after). `bases`: each
    field's own metadata, made once per write (a batch has the same fields on every row);
    the answer is a copy, whose nested maps are replaced, never changed in place."""
    base = bases.get(field.id)
    if base is None:
        base = bases[field.id] = ctx.field_types.get(field.type).history_metadata(field)
    meta = dict(base)
    for extra in extras:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(meta.get(key), dict):
                meta[key] = {**meta[key], **value}
            else:
                meta[key] = value
    return meta


def _row_entry(
    table_id: int, row_id: int, user: User, action: str, now: datetime,
    before: Row, after: Row, metadata: Row,
) -> dict[str, Any]:  # fmt: skip
    return {
        "table_id": table_id,
        "row_id": row_id,
        "user_id": user.id,
        "user_name": user.first_name,
        "action_type": action,
        "action_timestamp": now,
        "before_values": before,
        "after_values": after,
        "fields_metadata": metadata,
    }


class Related:
    """The other side of links (Baserow's related_rows_diff): per linked row and per related
    field, the rows of this table that were added to or removed from its links. A link
    without a related field has no other side. Its entries are Baserow's update_rows ones,
    holding only those rows: `before` the removed, `after` the added."""

    def __init__(self) -> None:
        self.diffs: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
        # linked rows (table, row) whose entries are due, and the entries of the rows
        # themselves between them (Baserow's order: a row's own, then the related ones)
        self.emitted: list[tuple[int, int] | dict[str, Any]] = []

    def add(self, source: int | str, primary: Any, meta: Row, before: Any, after: Any) -> None:
        field_id = meta.get("linked_field_id")
        if not field_id:
            return
        old, new = set(before or []), set(after or [])
        for key, ids in (("added", new - old), ("removed", old - new)):  # Baserow's set order
            for target in ids:
                fields = self.diffs.setdefault((int(meta["linked_table_id"]), int(target)), {})
                diff = fields.setdefault(f"field_{field_id}", {
                    "added": [], "removed": [],
                    "metadata": {"id": field_id, "type": "link_row", "linked_rows": {}},
                })  # fmt: skip
                diff[key].append(source)
                diff["metadata"]["linked_rows"][str(source)] = {"value": primary}

    def emit(self, own: dict[str, Any] | None = None) -> None:
        """A created or deleted row is done: Baserow writes the entries of every linked row
        seen so far after each such row (all with the final lists), so a batch repeats
        them; an update writes each once, at the end. `own`: the row's own entry, written
        before them."""
        if own is not None:
            self.emitted.append(own)
        self.emitted.extend(self.diffs)

    def entries(self, user: User, now: datetime) -> list[dict[str, Any]]:
        out = []
        for item in self.emitted or list(self.diffs):
            if isinstance(item, dict):
                out.append(item)
                continue
            table_id, row_id = item
            fields = self.diffs[(table_id, row_id)]
            out.append(_row_entry(
                table_id, row_id, user, UPDATE, now,
                {k: list(d["removed"]) for k, d in fields.items()},
                {k: list(d["added"]) for k, d in fields.items()},
                {k: d["metadata"] for k, d in fields.items()},
            ))  # fmt: skip
        return out


def _entry(
    ctx: Ctx,
    model: TableModel,
    user: User,
    action: str,
    now: datetime,
    row_id: int,
    changes: Iterable[tuple[Field, Any, Any]],
    primary: Any,
    related: Related,
    bases: dict[int, Row],
) -> dict[str, Any] | None:
    """The entry of one row, or None when nothing changed; a link's metadata names the
    row's own primary value, and the other side of its changes goes to `related`; `bases`
    as _merged's, shared by the write's entries."""
    before: Row = {}
    after: Row = {}
    metadata: Row = {}
    for field, old, new in changes:
        old_value, old_meta = _cell(ctx, field, old)
        new_value, new_meta = _cell(ctx, field, new)
        if old_value == new_value:
            continue
        key = field.column_name
        # a creation's entry has no value before (a link's too: null, not [])
        before[key] = old_value if action == UPDATE else None
        after[key] = new_value
        metadata[key] = _merged(ctx, field, bases, old_meta, new_meta)
        if LINKED_TABLE in metadata[key]:
            metadata[key]["primary_value"] = primary
            related.add(row_id, primary, metadata[key], old_value, new_value)
    if not after:
        return None
    return _row_entry(model.table.id, row_id, user, action, now, before, after, metadata)


def _primaries(
    ctx: Ctx, conn: sa.Connection, model: TableModel, rows: Sequence[Row]
) -> dict[int, str]:
    """Each row's primary value as a link shows it: from the serialized rows when they hold
    it (as read.primary_texts makes it, value_text of the serialized value), else read."""
    primary = model.primary
    if primary is not None and all(primary.column_name in r for r in rows):
        return {r["id"]: value_text(r[primary.column_name]) for r in rows}
    ids = [r["id"] for r in rows]
    texts = primary_texts(ctx, conn, model, ids)
    return {i: texts[i][1] for i in ids if i in texts}


def _has_links(ctx: Ctx, fields: Iterable[Field]) -> bool:
    return any(ctx.field_types.get(f.type).links_to(f) is not None for f in fields)


def _insert(conn: sa.Connection, entries: list[dict[str, Any]]) -> None:
    if entries:  # (every entry has _row_entry's keys)
        insert_values(conn, s.row_history, tuple(entries[0]), entries)


def touched_fields(model: TableModel, columns: Sequence[Iterable[str]]) -> list[list[Field]]:
    """The fields each update item wrote (its column names and relation field ids)."""
    by_column = {f.column_name: f for f in model.fields}
    return [[by_column[c] for c in keys if c in by_column] for keys in columns]


def record_updates(
    ctx: Ctx,
    conn: sa.Connection,
    model: TableModel,
    user: User,
    old_rows: Sequence[Row],
    new_rows: Sequence[Row],
    fields: Sequence[Sequence[Field]],
) -> None:
    """Entries for updated rows: old and new serialized rows, the fields each item wrote;
    then one for each row on the other side of a link that changed."""
    now = ctx.clock()
    old_by_id = {r["id"]: r for r in old_rows}
    linking = _has_links(ctx, {f.id: f for w in fields for f in w}.values())
    primary = _primaries(ctx, conn, model, new_rows) if linking else {}
    related = Related()
    entries = []
    bases: dict[int, Row] = {}
    for new, written in zip(new_rows, fields, strict=True):
        old = old_by_id.get(new["id"], {})
        changes = ((f, old.get(f.column_name), new.get(f.column_name)) for f in written)
        entry = _entry(
            ctx, model, user, UPDATE, now, new["id"], changes, primary.get(new["id"]), related,
            bases,
        )  # fmt: skip
        if entry is not None:
            entries.append(entry)
    _insert(conn, entries + related.entries(user, now))


def record_creates(
    ctx: Ctx, conn: sa.Connection, model: TableModel, user: User, rows: Sequence[Row], batch: bool
) -> None:
    """Entries for created rows: every writable field given a non-empty value; the rows
    they link get theirs (Related.emit)."""
    now = ctx.clock()
    writable = [f for f in model.fields if not ctx.field_types.get(f.type).read_only]
    action = CREATE_MANY if batch else CREATE_ONE
    primary = _primaries(ctx, conn, model, rows) if _has_links(ctx, writable) else {}
    related = Related()
    entries = []
    bases: dict[int, Row] = {}
    for row in rows:
        changes = ((f, None, row.get(f.column_name)) for f in writable if row.get(f.column_name))
        entry = _entry(
            ctx, model, user, action, now, row["id"], changes, primary.get(row["id"]), related,
            bases,
        )  # fmt: skip
        related.emit()
        if entry is not None:
            entries.append(entry)
    _insert(conn, entries + related.entries(user, now))


def link_fields(ctx: Ctx, model: TableModel) -> list[Field]:
    """The fields whose deletion shows on the other side (links with a related field)."""
    return [f for f in model.fields if ctx.field_types.get(f.type).links_to(f) is not None
            and f.props.get("link_row_related_field_id")]  # fmt: skip


def record_deletes(
    ctx: Ctx, conn: sa.Connection, model: TableModel, user: User, rows: Sequence[Row],
    batch: bool,
) -> None:  # fmt: skip
    """Before rows are deleted (`rows`: their ids and link fields): each row's empty entry,
    and the rows they linked lose them. Baserow names a row deleted alone by its id as
    text."""
    now = ctx.clock()
    fields = link_fields(ctx, model)
    primary = _primaries(ctx, conn, model, rows) if fields else {}
    related = Related()
    action = DELETE_MANY if batch else DELETE_ONE
    for row in rows:
        source: int | str = row["id"] if batch else str(row["id"])
        for field in fields:
            value, meta = _cell(ctx, field, row.get(field.column_name))
            related.add(source, primary.get(row["id"]), meta, value, [])
        related.emit(_row_entry(model.table.id, row["id"], user, action, now, {}, {}, {}))
    _insert(conn, related.entries(user, now))


def record_restore(ctx: Ctx, conn: sa.Connection, model: TableModel, user: User, row: Row) -> None:
    """After a row deleted alone is restored (`row`: serialized): its empty entry, and the
    rows it links again gain it (Baserow's RestoreFromTrashHistoryProvider)."""
    now = ctx.clock()
    fields = link_fields(ctx, model)
    primary = _primaries(ctx, conn, model, [row]).get(row["id"]) if fields else None
    related = Related()
    for field in fields:
        value, meta = _cell(ctx, field, row.get(field.column_name))
        related.add(row["id"], primary, meta, [], value)
    related.emit(_row_entry(model.table.id, row["id"], user, RESTORE, now, {}, {}, {}))
    _insert(conn, related.entries(user, now))


@dataclass(frozen=True)
class HistoryPage:
    count: int
    entries: list[dict[str, Any]]


def _json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "action_type": r.action_type,
        "action_command_type": "DO",
        "user": {"id": r.user_id, "name": r.user_name},
        "timestamp": r.action_timestamp,
        "before": r.before_values,
        "after": r.after_values,
        "fields_metadata": r.fields_metadata,
    }


def list_history(
    conn: sa.Connection, model: TableModel, row_id: int, limit: int, offset: int
) -> HistoryPage:
    """A row's entries, newest first (the caller checked the permission)."""
    t = model.sql
    if conn.execute(sa.select(t.c.id).where(t.c.id == row_id)).first() is None:
        raise RowDoesNotExist([str(row_id)])  # Baserow quotes the id from the URL
    h = s.row_history
    where = sa.and_(h.c.table_id == model.table.id, h.c.row_id == row_id)
    count = s.count_rows(conn, h, where)
    rows = conn.execute(
        sa.select(h)
        .where(where)
        .order_by(h.c.action_timestamp.desc(), h.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return HistoryPage(count, [_json(r) for r in rows])


def read_history(
    ctx: Ctx, user: User, table_id: int, row_id: int, limit: int, offset: int
) -> HistoryPage:
    """GET .../rows/table/<t>/<r>/history/: a member's read of a row's entries."""
    with ctx.db.read() as conn:
        table = load.load_table(conn, table_id)
        permissions.require(conn, Actor(user), "read", table)
        return list_history(conn, load.model_for(ctx, conn, table), row_id, limit, offset)


def purge(ctx: Ctx) -> int:
    """Delete the entries older than the retention; how many went."""
    days = ctx.settings.row_history_retention_days
    if days <= 0:
        return 0
    cutoff = ctx.clock() - timedelta(days=days)
    with ctx.db.write() as conn:
        result = conn.execute(
            s.row_history.delete().where(s.row_history.c.action_timestamp < cutoff)
        )
    return int(result.rowcount or 0)
