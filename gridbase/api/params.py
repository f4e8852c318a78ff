"""Query string -> core values for row listing: page/size, order_by, include/exclude,
filters and search. Functions of the parameters and the table's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping

from gridbase.core import row_filters
from gridbase.core.context import Ctx
from gridbase.errors import (
    OrderByFieldNotFound,
    OrderByFieldNotPossible,
    PageSizeLimit,
    QueryParameterValidation,
    field_error,
)
from gridbase.fields import FieldTypes
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery, Sort

DIGITS = re.compile(r"\d+")
SORT_SUFFIX = re.compile(r"^(.*)\[([a-z_]+)\]$")


def split_names(value: str) -> list[str]:
    """Comma-separated names; a name containing commas is wrapped in "..." with \\" escapes.
    Any character (line breaks included) may appear in a name."""
    names: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    at_start = True
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"' and (quoted or at_start):
            quoted = not quoted
        elif char == "," and not quoted:
            names.append("".join(current))
            current, at_start = [], True
            continue
        elif char == " " and at_start and not quoted:
            continue
        else:
            current.append(char)
        at_start = False
    names.append("".join(current))
    return [name for name in names if name != ""]


def page_and_size(params: Mapping[str, str], limit: int) -> tuple[int, int]:
    raw_size = params.get("size", "")
    try:
        size = int(raw_size)
    except ValueError:
        size = 100
    if size > limit:
        raise PageSizeLimit(limit)
    if size <= 0:
        size = 100
    raw_page = params.get("page", "1")
    try:
        page = int(raw_page)
    except ValueError:
        page = 1 if raw_page == "" else -1
    return (1 if page == 0 else page), size


def field_ids(model: TableModel, value: str, by_name: bool) -> list[int]:
    """Fields named by include/exclude; unknown ones are ignored."""
    ids = []
    by_id = model.by_id
    for token in split_names(value) if by_name else value.split(","):
        if by_name:
            found = model.field_by_name(token)
            if found is not None:
                ids.append(found.id)
        else:
            match = re.fullmatch(r"\s*(?:field_)?(\d+)\s*", token)
            if match and int(match.group(1)) in by_id:
                ids.append(int(match.group(1)))
    return ids


def visible(model: TableModel, params: Mapping[str, str], by_name: bool) -> tuple[int, ...] | None:
    include, exclude = params.get("include"), params.get("exclude")
    if include is None and exclude is None:
        return None
    ids = [f.id for f in model.fields]
    if include is not None:
        wanted = set(field_ids(model, include, by_name))
        ids = [i for i in ids if i in wanted]
    if exclude is not None:
        unwanted = set(field_ids(model, exclude, by_name))
        ids = [i for i in ids if i not in unwanted]
    return tuple(ids) if ids else None  # naming no known field means all fields, as Baserow does


def order_by(
    model: TableModel, field_types: FieldTypes, value: str, by_name: bool
) -> tuple[Sort, ...]:
    sorts = []
    tokens = split_names(value) if by_name else [t for t in value.split(",") if t.strip()]
    for token in tokens:
        token = token.strip()
        descending = token.startswith("-")
        name = token[1:] if token[:1] in "-+" else token
        sort_type = "default"
        suffix = SORT_SUFFIX.match(name)
        if suffix:
            name, sort_type = suffix.group(1), suffix.group(2)
        if by_name:
            field = model.field_by_name(name)
        else:
            digits = DIGITS.search(name)
            field = model.by_id.get(int(digits.group())) if digits else None
        if field is None:
            # Baserow names the whole token when it holds no field id at all ("-id")
            raise OrderByFieldNotFound(name if by_name or DIGITS.search(name) else token)
        ft = field_types.get(field.type)
        if not ft.sortable(field, sort_type):
            raise OrderByFieldNotPossible(
                f"It is not possible to order by {name} using sort type {sort_type} "
                f"because the field type {field.type} does not support it."
            )
        sorts.append(Sort(field.id, descending, sort_type))
    return tuple(sorts)


def search_mode(params: Mapping[str, str]) -> str:
    mode = params.get("search_mode", "")
    if mode not in ("", "compat", "full-text-with-count"):
        raise QueryParameterValidation(
            {
                "search_mode": [
                    {"error": f'"{mode}" is not a valid choice.', "code": "invalid_choice"}
                ]
            }
        )
    return mode


def row_query(ctx: Ctx, model: TableModel, params: Mapping[str, str], by_name: bool) -> RowQuery:
    for name, value in params.items():
        if "\x00" in name or "\x00" in value:  # PostgreSQL cannot compare with NUL characters
            raise QueryParameterValidation(
                {
                    name.replace("\x00", ""): field_error(
                        "Null characters are not allowed.", "null_characters_not_allowed"
                    )
                }
            )
    page, size = page_and_size(params, ctx.settings.row_page_size_limit)
    fields = visible(model, params, by_name)
    # filters and search see only the fields the request includes
    # (Baserow builds the model from them)
    where = row_filters.request_where(ctx, model, params, by_name, fields)
    return RowQuery(
        page=page,
        size=size,
        order_by=order_by(model, ctx.field_types, params.get("order_by", ""), by_name),
        where=where,
        search=params.get("search", "").strip(),
        search_mode=search_mode(params),
        fields=fields,
        cursor=params.get("cursor"),
    )
