"""Keep computed fields correct when the fields they use change: a rename rewrites the
formula text, a type change re-types it, a deletion puts it in Baserow's error state."""

from __future__ import annotations

import sqlalchemy as sa

from gridbase import formula as fl
from gridbase.core import table_model
from gridbase.core.context import Ctx
from gridbase.fields.formula import typed_props
from gridbase.storage import schema as s


def refresh(ctx: Ctx, conn: sa.Connection, table_id: int, rename: tuple[str, str] | None = None) -> None:
    """Re-type every formula of the table (after a field of it was created/changed/deleted)."""
    fields = table_model.load_fields(conn, [table_id]).get(table_id, [])
    formulas = [f for f in fields if f.type == "formula"]
    if not formulas:
        return
    by_name = {f.name: f for f in fields}
    changed = False
    for field in formulas:
        text = str(field.props.get("formula", ""))
        if rename is not None and rename[0] != rename[1]:
            try:
                text = fl.rename_field_references(text, rename[0], rename[1])
            except fl.FormulaError:
                pass
        current = field.__class__(**{**{k: getattr(field, k) for k in field.__dataclass_fields__}, "props": dict(field.props, formula=text)})
        props = typed_props(ctx, current, by_name)
        if props != field.props:
            conn.execute(s.fields.update().where(s.fields.c.id == field.id).values(props=props))
            changed = True
    if changed:
        table_model.bump_version(conn, table_id)
