"""Field constraints in field services: checking the `field_constraints` a field create or
update asks for (Baserow's validate_field_constraints and
validate_default_value_with_constraints), and keeping the unique index that enforces them
in step with the field. Runs inside the caller's transaction.
Imports: core.context, errors, fields, models, storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from gridbase.core.context import Ctx
from gridbase.errors import FieldConstraintDefault, InvalidFieldConstraint
from gridbase.fields.base import FieldType
from gridbase.models import Field
from gridbase.storage import unique

# Body keys that are field data in Baserow's sense besides the type's own (its allowed_fields)
BASE_KEYS = frozenset({"name", "description", "db_index"})


def check(ctx: Ctx, ft: FieldType, names: Sequence[str]) -> tuple[str, ...]:
    """The constraints a field of type `ft` is to carry, sorted, each once (Baserow lists them
    by type_name); InvalidFieldConstraint for the first one the type cannot carry."""
    for name in names:
        if name not in ctx.field_constraints or not ctx.field_constraints.get(name).supports(ft):
            raise InvalidFieldConstraint(ft.type, name)
    return tuple(sorted(set(names)))


def check_default(ctx: Ctx, constraints: Sequence[str], default: Any) -> None:
    """A constraint that allows no default value is refused on a field that has one; a falsy
    default ("" or none) is no default, as in Baserow."""
    if default and not all(ctx.field_constraints.get(c).allows_default for c in constraints):
        raise FieldConstraintDefault()


def default_to_check(ft: FieldType, field: Field, raw: Mapping[str, Any], *, creating: bool) -> Any:
    """The default value Baserow checks: the one sent when the body holds any field data,
    else the field's own (`field` as it is to be: its props cleaned from the body). Its key
    is `<type>_default` for every type (get_default_options_field_name)."""
    key = f"{ft.type}_default"
    data_keys = BASE_KEYS | {p.name for p in ft.props} | set(ft.props_json(field))
    if creating or any(k in raw for k in data_keys):
        return field.props.get(key) if key in raw else None
    return field.props.get(key)


def for_create(ctx: Ctx, ft: FieldType, field: Field, raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The constraints of a new field (`field`: its type and cleaned props)."""
    constraints = check(ctx, ft, raw.get("field_constraints") or ())
    if constraints:
        check_default(ctx, constraints, default_to_check(ft, field, raw, creating=True))
    return constraints


def for_update(
    ctx: Ctx, ft: FieldType, old: Field, new: Field, raw: Mapping[str, Any]
) -> tuple[str, ...]:
    """The constraints of a field after an update (`new`: its type and cleaned props). Sent
    ones replace the old; without any, the old stay, and a new type must be able to carry
    them (ERROR_INVALID_FIELD_CONSTRAINT otherwise, as in Baserow)."""
    requested = raw.get("field_constraints")
    if requested is None and (new.type == old.type or not old.constraints):
        return old.constraints
    constraints = check(ctx, ft, old.constraints if requested is None else requested)
    if constraints:
        check_default(ctx, constraints, default_to_check(ft, new, raw, creating=False))
    return constraints


def sync_unique_index(
    ctx: Ctx, conn: sa.Connection, field: Field, *, rebuilt: bool, before: tuple[str, ...]
) -> None:
    """Give the field's column the unique index its constraints ask for, after the column
    was made (`rebuilt`: new or remade, so it has none) or its constraints changed from
    `before`. FieldConstraintConflict when the values it holds already repeat."""
    if not rebuilt:
        if field.constraints == before:
            return
        unique.drop(conn, field.table_id, field.id)
    ft = ctx.field_types.get(field.type)
    column = ft.column_type(field)
    if column is None:
        return
    for name in field.constraints:  # one index per field: there is one constraint type
        rule = ctx.field_constraints.get(name).rule(ft, field)
        unique.create(conn, field.table_id, field.id, column, rule)
