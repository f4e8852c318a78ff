"""The trash's storage: a trashed row's column values as JSON and back, and the deletion for
good of trash entries (with the rows they hold).

A trashed row no longer lives in its user table (core.trash says why), so its values wait
in `trashed_rows.row_values`: each column's Python value, tagged where JSON has no type
for it (decimals, dates, times, durations, bytes, uuids), so a restore writes back exactly
what was read. Entries are added here (add_entry), with ids that never come back. Deleting
a trashed field for good drops its column and junction table. Imports:
storage (schema, ddl), sqlalchemy.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gridbase.storage import ddl
from gridbase.storage import schema as s

TAG = "$gb"  # a one-key object {"$gb": [kind, text]} holds a value JSON cannot


def encode(value: Any) -> Any:
    """A column value -> JSON (tagged where needed; lists and objects pass through)."""
    if isinstance(value, Decimal):
        return {TAG: ["decimal", str(value)]}
    if isinstance(value, dt.datetime):
        return {TAG: ["datetime", value.isoformat()]}
    if isinstance(value, dt.date):
        return {TAG: ["date", value.isoformat()]}
    if isinstance(value, dt.time):
        return {TAG: ["time", value.isoformat()]}
    if isinstance(value, dt.timedelta):
        return {TAG: ["timedelta", repr(value.total_seconds())]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {TAG: ["bytes", base64.b64encode(bytes(value)).decode()]}
    if isinstance(value, uuid.UUID):
        return {TAG: ["uuid", str(value)]}
    if isinstance(value, (dict, list)):
        return {TAG: ["json", value]}  # a JSON column's value, kept apart from our tags
    return value


def decode(value: Any) -> Any:
    if not (isinstance(value, dict) and TAG in value):
        return value
    kind, text = value[TAG]
    if kind == "decimal":
        return Decimal(text)
    if kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "time":
        return dt.time.fromisoformat(text)
    if kind == "timedelta":
        return dt.timedelta(seconds=float(text))
    if kind == "bytes":
        return base64.b64decode(text)
    if kind == "uuid":
        return uuid.UUID(text)
    return text  # "json"


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: encode(value) for name, value in row.items()}


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: decode(value) for name, value in row.items()}


def purge(conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """Deletes the trash entries `where` picks, for good: their rows go with them (a foreign
    key cascade), and nothing of them is left anywhere else. A plain DELETE, so several
    instances may run it at once (PostgreSQL: the second waits for the first's row locks,
    then finds nothing left to delete)."""
    e = s.trash_entries
    ids = list(conn.execute(sa.select(e.c.id).where(where)).scalars())
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        _drop_fields(conn, chunk)
        conn.execute(s.trashed_fields.delete().where(s.trashed_fields.c.entry_id.in_(chunk)))
        conn.execute(s.trashed_rows.delete().where(s.trashed_rows.c.entry_id.in_(chunk)))
        conn.execute(e.delete().where(e.c.id.in_(chunk)))
    return len(ids)


def _drop_fields(conn: sa.Connection, entry_ids: list[int]) -> None:
    """Trashed fields deleted for good: their columns and junction tables go (what
    core.trash_fields listed in `record["drop"]` when it trashed them)."""
    tf = s.trashed_fields
    found = conn.execute(
        sa.select(tf.c.table_id, tf.c.field_id, tf.c.record).where(tf.c.entry_id.in_(entry_ids))
    ).all()
    for table_id, field_id, record in found:
        drop = record["drop"]
        if drop.get("column"):
            ddl.drop_column(conn, int(table_id), int(field_id))
        if drop.get("junction"):
            ddl.drop_table(conn, str(drop["junction"]))


def purge_older_than(conn: sa.Connection, cutoff: dt.datetime) -> int:
    """The retention sweep: entries trashed at or before `cutoff`."""
    return purge(conn, s.trash_entries.c.trashed_at <= cutoff)


def new_field_id(conn: sa.Connection) -> dict[str, int]:
    """The `id` a new field row must be given: SQLite would hand out a trashed field's id
    again (its `fields` row is gone, its column is still there), PostgreSQL's sequence never
    does. Writers are serialised on SQLite, so no one takes it meanwhile."""
    if conn.dialect.name != "sqlite":
        return {}
    top = conn.execute(sa.select(sa.func.max(s.fields.c.id))).scalar() or 0
    kept = conn.execute(sa.select(sa.func.max(s.trashed_fields.c.field_id))).scalar() or 0
    return {"id": max(int(top), int(kept)) + 1}


def add_entry(
    conn: sa.Connection,
    kind: str,
    item_id: int,
    *,
    workspace_id: int,
    application_id: int | None,
    table_id: int | None,
    at: dt.datetime,
    user_id: int,
    name: str,
    parent_name: str | None,
    names: Any = None,
    parent_item_id: int | None = None,
) -> int:
    """A new trash entry (Baserow's TrashEntry) for the item `kind` `item_id`; its id."""
    return s.new_id(
        conn.execute(
            s.trash_entries.insert().values(
                **new_entry_id(conn),
                workspace_id=workspace_id,
                application_id=application_id,
                table_id=table_id,
                trash_item_type=kind,
                trash_item_id=item_id,
                parent_trash_item_id=parent_item_id,
                trashed_at=at,
                user_who_trashed_id=user_id,
                name=name,
                names=names,
                parent_name=parent_name,
            )
        )
    )


def new_entry_id(conn: sa.Connection) -> dict[str, int]:
    """The `id` a new trash entry must be given: SQLite would hand out the id of the newest
    entry again once it is restored or emptied; Baserow's never come back (a client may
    still hold one). The highest given is kept in `id_high_water`; SQLite's writers are
    serialised, so no one takes it meanwhile. PostgreSQL's sequence never reuses one."""
    if conn.dialect.name != "sqlite":
        return {}
    hw, e = s.id_high_water, s.trash_entries
    top = conn.execute(sa.select(sa.func.max(e.c.id))).scalar() or 0
    kept = conn.execute(sa.select(hw.c.value).where(hw.c.name == e.name)).scalar() or 0
    new = max(int(top), int(kept)) + 1
    if conn.execute(hw.update().where(hw.c.name == e.name).values(value=new)).rowcount == 0:
        conn.execute(hw.insert().values(name=e.name, value=new))
    return {"id": new}


def purge_fields_of(
    conn: sa.Connection, database_ids: list[int], table_id: int | None = None
) -> None:
    """Before tables go for good: the trashed fields that would outlive them (in them, or
    links into them from another table of the database) are deleted for good first, with
    their junction tables (a restore of a link into a table that is gone finds nothing, as
    in Baserow, where the table's deletion deletes them)."""
    e, tf = s.trash_entries, s.trashed_fields
    found = conn.execute(
        sa.select(tf.c.entry_id, tf.c.table_id, tf.c.record)
        .join(e, e.c.id == tf.c.entry_id)
        .where(e.c.application_id.in_(database_ids), e.c.trash_item_type == "field")
    ).all()
    entries = {
        int(r.entry_id)
        for r in found
        if table_id is None
        or r.table_id == table_id
        or (r.record["field"].get("props") or {}).get("link_row_table_id") == table_id
    }
    if entries:
        purge(conn, e.c.id.in_(sorted(entries)))
