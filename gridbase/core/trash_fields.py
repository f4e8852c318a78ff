"""Trashed fields (Baserow's "field" trash items): a deleted field is MOVED OUT of the
metadata, as a trashed row is moved out of its table (core.trash). Its `fields` row and the
rows naming it (select options, views' filters, sorts and field options) go to
`trashed_fields` as JSON; its column and junction table stay where they are, unread. So the
one place that loads fields (usertable.load, kept per schema version, which this bumps)
never sees it, and every read (field lists, rows, filters, sorts, views, formulas) behaves
as for a deleted field; its name is free again. A link's related field goes into the same
entry (Baserow trashes both sides together, and only the deleted side can be restored).
A restore writes the rows back (renamed "<name> (Restored)", then "... 2", when the name
was taken meanwhile, as Baserow's find_next_unused_field_name), then re-derives the
computed fields, so formulas and lookups that broke heal. Deleting for good drops the
column and junction table (storage.trash_store.purge, from what `record["drop"]` lists).
Webhooks: a restore sends no event of its own (Baserow's field_restored has no webhook
event type); the computed fields it changed in other tables send field.updated, one per
table (updated_elsewhere), as a trashing does after its field.deleted.
Imports: core (context, dependencies, events), errors, models, storage, usertable.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gridbase.core import dependencies, events
from gridbase.core.context import Ctx
from gridbase.errors import RelatedTableTrashed
from gridbase.models import Field, Table, User
from gridbase.storage import schema as s
from gridbase.storage import trash_store
from gridbase.storage.kept.versions import bump_version
from gridbase.storage.trash_store import decode_row, encode_row
from gridbase.usertable import load

# the metadata tables naming a field, in the order a restore writes them back
CHILDREN = (s.select_options, s.view_filters, s.view_sorts, s.view_field_options)
MAX_NAME = 255


def _related_id(conn: sa.Connection, field: Field) -> int | None:
    """The other side of a two-way link, if it is there."""
    related = field.props.get("link_row_related_field_id") if field.type == "link_row" else None
    if related is None:
        return None
    f = s.fields
    found = conn.execute(sa.select(f.c.id).where(f.c.id == int(related))).scalar()
    return int(found) if found is not None else None


def _drops(ctx: Ctx, field: Field) -> dict[str, Any]:
    """What deleting the field for good drops: its column, its junction table."""
    ft = ctx.field_types.get(field.type)
    junction = ft.relation_table(field, sa.MetaData())
    return {
        "column": ft.column_type(field) is not None,
        "junction": junction.name if junction is not None else None,
    }


def _lookups_of(conn: sa.Connection, database_id: int, ids: list[int]) -> list[dict[str, Any]]:
    """The lookups reading through or from these fields, as they are now: Baserow's lookup
    names its link and target in its formula, so it heals when they come back (count and
    rollup forget theirs, and stay broken)."""
    f, t = s.fields, s.database_tables
    found = conn.execute(
        sa.select(f.c.id, f.c.props)
        .join(t, t.c.id == f.c.table_id)
        .where(t.c.database_id == database_id, f.c.type == "lookup")
    ).all()
    return [
        {"id": int(r.id), "props": dict(r.props)}
        for r in found
        if (r.props or {}).get("through_field_id") in ids
        or (r.props or {}).get("target_field_id") in ids
    ]


def _heal(conn: sa.Connection, heal: list[dict[str, Any]]) -> list[int]:
    """Lookups broken by the trashing, still broken, read through and from what they did
    again; returns their tables."""
    f = s.fields
    tables = []
    for item in heal:
        row = conn.execute(sa.select(f.c.table_id, f.c.props).where(f.c.id == item["id"])).first()
        if row is None or (row.props or {}).get("through_field_id") is not None:
            continue  # gone, or given a link of its own meanwhile
        conn.execute(f.update().where(f.c.id == item["id"]).values(props=item["props"]))
        tables.append(int(row.table_id))
    return tables


def _take(
    ctx: Ctx, conn: sa.Connection, entry_id: int, field_id: int, heal: list[dict[str, Any]]
) -> int:
    """Moves one field's metadata rows into the entry; returns its table's id."""
    f = s.fields
    found = conn.execute(sa.select(f).where(f.c.id == field_id)).one()
    row = dict(found._mapping)
    record: dict[str, Any] = {
        "field": encode_row(row),
        "drop": _drops(ctx, s.field_of(found)),
        "heal": heal,
    }
    for child in CHILDREN:
        where = child.c.field_id == field_id
        kids = conn.execute(sa.select(child).where(where).order_by(child.c.id)).mappings()
        record[child.name] = [encode_row(dict(r)) for r in kids]
        conn.execute(child.delete().where(where))
    conn.execute(f.delete().where(f.c.id == field_id))
    table_id = int(row["table_id"])
    conn.execute(
        s.trashed_fields.insert().values(
            entry_id=entry_id, table_id=table_id, field_id=field_id, record=record
        )
    )
    return table_id


def _refresh(ctx: Ctx, conn: sa.Connection, table_ids: list[int], skip: set[int]) -> list[Field]:
    """Computed fields re-derived after the change, each once (an answer's related_fields)."""
    out: dict[int, Field] = {}
    for table_id in table_ids:
        bump_version(conn, table_id)
    for table_id in table_ids:
        for field in dependencies.refresh(ctx, conn, table_id):
            if field.id not in skip:
                out[field.id] = field
    return list(out.values())


def trash_field(
    ctx: Ctx, conn: sa.Connection, user: User, table: Table, field: Field
) -> list[Field]:
    """Moves the field (and a link's other side) into a new trash entry, in the delete's
    transaction; returns the computed fields that changed (now broken). The other side's
    field.deleted is sent here, before the caller's (Baserow deletes it first)."""
    ids = [field.id]
    related = _related_id(conn, field)
    if related is not None and related != field.id:
        ids.append(related)
    entry_id = trash_store.add_entry(
        conn,
        "field",
        field.id,
        workspace_id=table.workspace_id,
        application_id=table.database_id,
        table_id=table.id,
        at=ctx.clock(),
        user_id=user.id,
        name=field.name,
        parent_name=table.name,
    )
    heal = _lookups_of(conn, table.database_id, ids)
    # the answer lists what the field's own removal changed; what its other side's removal
    # changed after it is not listed (Baserow deletes that side by a call of its own)
    answer = _refresh(ctx, conn, [_take(ctx, conn, entry_id, field.id, heal)], set(ids))
    for other in ids[1:]:
        other_table = _take(ctx, conn, entry_id, other, [])
        _refresh(ctx, conn, [other_table], set(ids))
        events.emit(ctx, conn, "field.deleted", load.load_table(conn, other_table), field_id=other)
    return answer


def _free_name(conn: sa.Connection, table_id: int, name: str) -> str:
    """Baserow's find_unused_name([name, "name (Restored)"]): the first one free, else the
    last with " 2", " 3", ... (cut to fit the maximum length)."""
    f = s.fields
    taken = set(conn.execute(sa.select(f.c.name).where(f.c.table_id == table_id)).scalars())
    for candidate in (name, f"{name} (Restored)"):
        if candidate[:MAX_NAME] not in taken:
            return candidate[:MAX_NAME]
    base = f"{name} (Restored)"
    number = 2
    while True:
        suffix = f" {number}"
        candidate = base[: MAX_NAME - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _exists(conn: sa.Connection, table: sa.Table, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids))).scalars())


def updated_elsewhere(ctx: Ctx, conn: sa.Connection, start: int, fields: list[Field]) -> None:
    """field.updated for the computed fields a field change updated in tables other than
    the changed field's (`start`): one per table, naming its first such field (Baserow's
    FieldUpdateCollector.send_additional_field_updated_signals; the others ride along as
    related_fields, which a webhook does not show)."""
    first: dict[int, Field] = {}
    for field in fields:
        if field.table_id != start:
            first.setdefault(field.table_id, field)
    for table_id, field in first.items():
        events.emit(ctx, conn, "field.updated", load.load_table(conn, table_id), field=field)


def restore(ctx: Ctx, conn: sa.Connection, entry_id: int, *, announce: bool = True) -> None:
    """Writes the entry's fields back (views deleted meanwhile lose their rows of them).
    `announce`: field.updated for the computed fields changed in tables other than the
    restored field's; a table's restore announces nothing."""
    tf = s.trashed_fields
    kept = conn.execute(
        sa.select(tf.c.table_id, tf.c.record).where(tf.c.entry_id == entry_id).order_by(tf.c.id)
    ).all()
    tables: list[int] = []
    t = s.database_tables
    props = [decode_row(record["field"]).get("props") or {} for _, record in kept]
    wanted = {int(table_id) for table_id, _ in kept} | {
        int(p["link_row_table_id"]) for p in props if p.get("link_row_table_id") is not None
    }
    if conn.execute(sa.select(t.c.id).where(t.c.id.in_(wanted), t.c.trashed.is_(True))).first():
        raise RelatedTableTrashed()  # (core.trash_tables) restore that table first
    for table_id, record in kept:
        load.lock_table(conn, load.load_table(conn, table_id), schema=True)
        row = decode_row(record["field"])
        row["name"] = _free_name(conn, table_id, row["name"])
        conn.execute(s.fields.insert().values(**row))
        rows = {child.name: [decode_row(r) for r in record[child.name]] for child in CHILDREN}
        views = _exists(conn, s.views, {r["view_id"] for c in CHILDREN[1:] for r in rows[c.name]})
        groups = _exists(
            conn,
            s.view_filter_groups,
            {r["group_id"] for r in rows["view_filters"] if r.get("group_id") is not None},
        )
        for child in CHILDREN:
            values = [
                r for r in rows[child.name] if child is s.select_options or r["view_id"] in views
            ]
            if child is s.view_filters:
                values = [r for r in values if r.get("group_id") in groups | {None}]
            if values:
                conn.execute(child.insert(), values)
        tables.append(table_id)
    for _table_id, record in kept:
        tables += _heal(conn, record.get("heal", []))
    conn.execute(tf.delete().where(tf.c.entry_id == entry_id))
    conn.execute(s.trash_entries.delete().where(s.trash_entries.c.id == entry_id))
    changed = _refresh(ctx, conn, list(dict.fromkeys(tables)), set())
    if announce and kept:
        updated_elsewhere(ctx, conn, int(kept[0].table_id), changed)
