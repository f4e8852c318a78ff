"""Query string -> core values for row listing: Baserow's query parameter validation
(ListRowsQueryParamsSerializer), page/size, order_by, include/exclude, filters and search.
Functions of the parameters and the table's fields."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from gridbase.api.body import MISSING, Validator
from gridbase.core import row_filters
from gridbase.core.context import Ctx
from gridbase.core.order_by import field_id_of, order_by, split_names
from gridbase.errors import (
    PageSizeLimit,
    QueryParameterValidation,
)
from gridbase.models import Field
from gridbase.usertable.model import TableModel
from gridbase.usertable.query import RowQuery

SEARCH_MODES = ("compat", "full-text-with-count")
LAST_PAGE = 0  # RowQuery.page for `page=last`: the page is known once the rows are counted


@dataclass(frozen=True)
class ListParams:
    """The row list's parameters as Baserow's serializer reads them (text trimmed; None when
    not given)."""

    search: str | None = None
    search_mode: str | None = None
    order_by: str | None = None
    include: str | None = None
    exclude: str | None = None
    view_id: int | None = None


def _given(value: object) -> str | None:
    return None if value is MISSING else str(value)


def list_params(params: Mapping[str, str]) -> ListParams:
    """Checks what Baserow's ListRowsQueryParamsSerializer checks, before anything else is
    looked at: blank texts, the search mode and a non-integer view_id are a 400."""
    v = Validator(dict(params), error=QueryParameterValidation)
    search = v.string("search", required=False, allow_blank=True, default=MISSING)
    mode = v.choice("search_mode", SEARCH_MODES, required=False, default=MISSING)
    order = v.string("order_by", required=False, default=MISSING)
    include = v.string("include", required=False, default=MISSING)
    exclude = v.string("exclude", required=False, default=MISSING)
    v.string("filter_type", required=False, default=MISSING)  # only checked: legacy filters
    view_id = v.integer("view_id", required=False, default=MISSING)
    v.done()
    return ListParams(
        search=_given(search),
        search_mode=_given(mode),
        order_by=_given(order),
        include=_given(include),
        exclude=_given(exclude),
        view_id=None if view_id is MISSING else int(view_id),
    )


def page_and_size(params: Mapping[str, str], limit: int) -> tuple[int, int]:
    """DRF's page size (not a positive integer: 100; over the limit: an error) and Baserow's
    lenient page number (not an integer: 1; below 1: 1; `last`: LAST_PAGE)."""
    try:
        size = int(params.get("size", ""))
    except ValueError:
        size = 100
    if size <= 0:
        size = 100
    if size > limit:
        raise PageSizeLimit(limit)
    raw_page = params.get("page") or "1"
    if raw_page == "last":
        return LAST_PAGE, size
    try:
        page = int(raw_page)
    except ValueError:
        page = 1
    return max(page, 1), size


def resolve_page(page: int, count: int, size: int) -> int:
    """The page number once the rows are counted (`last`: the last page, 1 when empty)."""
    return max(1, math.ceil(count / size)) if page == LAST_PAGE else page


def _refs(value: str | None, by_name: bool) -> list[str] | list[int]:
    """The names (CSV) or ids (any digits of each comma separated part) in include/exclude."""
    if not value:
        return []
    if by_name:
        return split_names(value)
    return [i for i in (field_id_of(part) for part in value.split(",")) if i is not None]


def requested_fields(model: TableModel, listing: ListParams, by_name: bool) -> list[Field] | None:
    """Baserow's get_include_exclude_fields: the fields include/exclude leave (None when
    they name nothing; possibly empty when they name only unknown fields)."""
    wanted = _refs(listing.include, by_name)
    unwanted = _refs(listing.exclude, by_name)
    if not wanted and not unwanted:
        return None

    def key(f: Field) -> str | int:
        return f.name if by_name else f.id

    fields = list(model.fields)
    if wanted:
        fields = [f for f in fields if key(f) in wanted]
    if unwanted:
        fields = [f for f in fields if key(f) not in unwanted]
    return fields


def visible(fields: list[Field] | None) -> tuple[int, ...] | None:
    """The fields a row shows (None: all). No field left means all fields, as Baserow builds
    its model from an empty field list then."""
    return tuple(f.id for f in fields) if fields else None


def row_query(
    ctx: Ctx,
    model: TableModel,
    params: Mapping[str, str],
    listing: ListParams,
    by_name: bool,
    *,
    whole_table: bool = False,
) -> RowQuery:
    """The query, checked in Baserow's order: filters, then order_by, then the page size.
    Filters and order_by see the fields the request includes (Baserow builds the model from
    them), or every field with `whole_table` (a view's rows)."""
    fields = visible(requested_fields(model, listing, by_name))
    seen = None if whole_table else fields
    where = row_filters.request_where(ctx, model, params, by_name, seen)
    sorts = order_by(model, ctx.field_types, listing.order_by or "", by_name, seen)
    page, size = page_and_size(params, ctx.settings.row_page_size_limit)
    return RowQuery(
        page=page,
        size=size,
        order_by=sorts,
        where=where,
        search=(listing.search or "").strip(),
        search_mode=listing.search_mode or "",
        fields=fields,
        cursor=params.get("cursor"),
    )
