"""PostgreSQL: the function a write locks a user table with. `gridbase_lock_table` takes the
table's advisory lock (shared for row writes, alone for schema changes), then reads the
table's live schema version and the metadata clock (storage.kept.meta_clock) in a snapshot
taken once the lock is held: a volatile function's query gets a snapshot of its own under
READ COMMITTED, where one plain statement's snapshot would predate its wait for the lock.
One round trip where a lock statement and a check statement took two. Made at startup
(`ensure`, after the migrations, as the clock's triggers are).
Imports: storage.schema, storage.kept.meta_clock, sqlalchemy.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from gridbase.storage import schema
from gridbase.storage.kept import meta_clock

FUNCTION = "gridbase_lock_table"


def ensure(db: Any) -> None:
    """PostgreSQL: the function in the current schema, made when it is not as this release
    makes it (a digest of its SQL in its comment), one maker at a time (concurrent CREATE
    OR REPLACE fail); its body names tables as the caller's search_path finds them, as
    every statement does."""
    if db.is_sqlite:
        return
    check = schema.live_version(sa.literal_column("p_table")).add_columns(
        meta_clock.column().label("clock")
    )
    with db.write() as conn:
        sql = str(check.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        schema_name = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        name = f"{schema_name}.{FUNCTION}(integer, integer, boolean)"
        make = (
            f"CREATE OR REPLACE FUNCTION {schema_name}.{FUNCTION}"
            "(p_key integer, p_table integer, p_shared boolean) "
            "RETURNS TABLE (out_version integer, out_clock bigint) LANGUAGE plpgsql AS $$ BEGIN "
            "IF p_shared THEN PERFORM pg_advisory_xact_lock_shared(p_key, p_table); "
            "ELSE PERFORM pg_advisory_xact_lock(p_key, p_table); END IF; "
            "RETURN QUERY SELECT q.schema_version::integer, q.clock::bigint "
            f"FROM ({sql}) AS q; END $$"
        )
        # made anew only when it differs (a digest of its SQL in its comment)
        digest = hashlib.sha256(make.encode()).hexdigest()[:32]
        have = f"SELECT obj_description(to_regprocedure('{name}'), 'pg_proc')"
        if conn.exec_driver_sql(have).scalar() == digest:
            return
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({meta_clock.CLOCK_LOCK}, 1)")
        if conn.exec_driver_sql(have).scalar() != digest:
            conn.exec_driver_sql(make)
            conn.exec_driver_sql(f"COMMENT ON FUNCTION {name} IS '{digest}'")


def statement() -> sa.Select[Any]:
    """The call: parameters `key`, `table_id`, `shared`; columns `schema_version` and
    `clock`, no row when the table is not live."""
    found = getattr(sa.func, FUNCTION)(
        sa.bindparam("key", type_=sa.Integer),
        sa.bindparam("table_id", type_=sa.Integer),
        sa.bindparam("shared", type_=sa.Boolean),
    ).table_valued("out_version", "out_clock")
    return sa.select(found.c.out_version.label("schema_version"), found.c.out_clock.label("clock"))
