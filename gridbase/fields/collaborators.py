"""multiple_collaborators: members of the table's workspace, written as [{"id": n}], read
as [{"id", "name"}] in the order they were added.

Values live in a junction table `database_collaborators_<field_id>` (row_id, user_id),
indexed on both sides like multiple select's, so multiple_collaborators_has is an indexed
EXISTS. A write keeps the users a cell already holds and appends the new ones (Baserow's
update: the order is the order they were added). Whether every user is a member is checked
once per request for all rows (validate_together), with Baserow's messages.
Imports: errors, fields (base, members, props, row_users), models, storage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from gridbase.errors import RequestBodyValidation, field_error
from gridbase.fields import members
from gridbase.fields.base import (
    SORTABLE,
    FieldContext,
    FieldType,
    FieldValueError,
    ValueContext,
)
from gridbase.fields.props import Prop, check_flag
from gridbase.fields.row_users import collaborator_id, user_schema
from gridbase.models import Field
from gridbase.storage import ddl
from gridbase.storage import schema as s
from gridbase.storage.types import Id

CHUNK = 500


def junction_name(field: Field) -> str:
    return f"database_collaborators_{int(field.id)}"


def not_collaborators(ids: list[int]) -> RequestBodyValidation:
    if len(ids) > 1:
        return RequestBodyValidation(f"The provided user ids {ids} are not valid collaborators.")
    return RequestBodyValidation(f"The provided user id {ids} is not a valid collaborator.")


class MultipleCollaboratorsFieldType(FieldType):
    type = "multiple_collaborators"
    kind = "array"
    formula_kind = "multiple_collaborators"
    sort_types = SORTABLE
    keeps_values = False  # Baserow recreates the field on a change to or from this type
    validates_together = True
    searchable = False  # Baserow's search (compat) does not look into it
    props = (Prop("notify_user_when_added", True, check_flag("notify_user_when_added")),)

    def column_type(self, field: Field) -> None:
        return None

    def relation_table(self, field: Field, metadata: sa.MetaData) -> sa.Table:
        return sa.Table(
            junction_name(field),
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("row_id", Id, nullable=False),
            sa.Column("user_id", Id, nullable=False),
            sa.Index(f"idx_mc{int(field.id)}_row", "row_id"),
            sa.Index(f"idx_mc{int(field.id)}_user", "user_id"),
        )

    def after_create(
        self, ctx: FieldContext, conn: sa.Connection, field: Field, raw: Mapping[str, Any]
    ) -> list[Field]:
        ddl.create_table(conn, self.relation_table(field, sa.MetaData()))
        return []

    def before_delete(
        self, ctx: FieldContext | None, conn: sa.Connection, field: Field
    ) -> list[Field]:
        ddl.drop_table(conn, junction_name(field))
        return []

    def junction_sides(self, field: Field) -> tuple[str, str]:
        return "row_id", "user_id"

    def item_text(self, field: Field, item: sa.ColumnElement[Any]) -> sa.ColumnElement[str] | None:
        return members.name_of(item)

    # --- writes ---------------------------------------------------------------------------
    def validate(self, field: Field, raw: Any, vc: ValueContext) -> Any:
        """DRF's list of CollaboratorSerializer: a list of {"id": integer} (other keys are
        ignored); errors per item. The ids as given (duplicates too); membership is checked
        by validate_together."""
        if raw is None:
            raise FieldValueError("This field may not be null.", "null")
        if not isinstance(raw, list):
            kind = type(raw).__name__
            message = f'Expected a list of items but got type "{kind}".'
            raise FieldValueError(
                message, detail={"non_field_errors": field_error(message, "not_a_list")}
            )
        ids: list[int] = []
        errors: list[Any] = []
        for item in raw:
            user_id, error = collaborator_id(item)
            errors.append(error or {})
            if user_id is not None:
                ids.append(user_id)
        if any(errors):
            raise FieldValueError("Invalid collaborators.", detail=errors)
        return ids

    def validate_together(self, field: Field, values: list[Any], vc: ValueContext) -> None:
        """Every id must be a member of the workspace. The single-row create endpoint counts
        as Baserow's prepare_value_for_db: a repeated id counts as invalid and the message
        lists every id given; every other write names the invalid ids, sorted, once."""
        assert vc.conn is not None
        if vc.one_row:
            (given,) = values
            if given and len(members.member_ids(vc.conn, field.table_id, given)) != len(given):
                raise not_collaborators(given)
            return
        every = {i for ids in values for i in ids}
        invalid = sorted(every - members.member_ids(vc.conn, field.table_id, every))
        if invalid:
            raise not_collaborators(invalid)

    def load_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, row_ids: list[int]
    ) -> dict[int, Any]:
        """row id -> [(user id, name)] in the order they were added."""
        out: dict[int, list[tuple[int, str]]] = defaultdict(list)
        u = s.users
        for start in range(0, len(row_ids), CHUNK):
            stmt = (
                sa.select(junction.c.row_id, u.c.id, u.c.first_name)
                .join(u, u.c.id == junction.c.user_id)
                .where(junction.c.row_id.in_(row_ids[start : start + CHUNK]))
                .order_by(junction.c.id)
            )
            for row_id, user_id, name in conn.execute(stmt):
                out[row_id].append((user_id, name))
        return out

    def write_relation(
        self, conn: sa.Connection, field: Field, junction: sa.Table, values: dict[int, Any]
    ) -> None:
        """Each row's users become `values[row]` (None: none): the ones it keeps stay where
        they are, the others go, the new ones follow in the order given."""
        row_ids = list(values)
        held: dict[int, list[int]] = defaultdict(list)
        for start in range(0, len(row_ids), CHUNK):
            chunk = row_ids[start : start + CHUNK]
            stmt = sa.select(junction.c.row_id, junction.c.user_id).where(
                junction.c.row_id.in_(chunk)
            )
            for row_id, user_id in conn.execute(stmt):
                held[row_id].append(user_id)
        inserts = []
        for row_id, wanted in values.items():
            keep = dict.fromkeys(wanted or [])
            gone = [u for u in held[row_id] if u not in keep]
            if gone:
                conn.execute(
                    junction.delete().where(
                        junction.c.row_id == row_id, junction.c.user_id.in_(gone)
                    )
                )
            inserts += [{"row_id": row_id, "user_id": u} for u in keep if u not in held[row_id]]
        if inserts:
            conn.execute(junction.insert(), inserts)

    # --- reads ----------------------------------------------------------------------------
    def serialize(self, field: Field, stored: Any) -> Any:
        return [{"id": user_id, "name": name} for user_id, name in stored or []]

    def sort_expression(self, field: Field, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """By the names joined with nothing between them, in the cell's order (Baserow:
        Coalesce(StringAgg(first_name, ""), "")): an empty cell sorts first."""
        junction = self.relation_table(field, sa.MetaData())
        u = s.users
        names = (
            sa.select(sa.func.lower(u.c.first_name).label("name"))
            .join(u, u.c.id == junction.c.user_id)
            .where(junction.c.row_id == column)
            .order_by(junction.c.id)
            .correlate_except(junction, u)  # the row's id comes from the enclosing query
            .subquery()
        )
        joined = sa.select(members.JoinedText(names.c.name)).scalar_subquery()
        return sa.func.coalesce(joined, "")

    def extra_json(self, ctx: FieldContext, field: Field) -> dict[str, Any]:
        with ctx.db.read() as conn:
            return {"available_collaborators": members.members_json(conn, field)}

    # --- documentation --------------------------------------------------------------------
    def json_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": "array",
            "items": user_schema(),
            "example": [{"id": 1, "name": "Ada"}],
            "description": "Members of the workspace (id and name), in the order they were added.",
        }

    def write_schema(self, field: Field) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}},
                "required": ["id"],
            },
            "example": [{"id": 1}],
            "description": "Members of the workspace by user id (see the field's "
            "`available_collaborators`); [] clears it. Users the cell holds stay in place, "
            "new ones are added after them.",
        }
