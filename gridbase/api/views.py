"""Grid view endpoints (JWT): views, field options and the grid rows endpoint (filters,
groups and sorts: api.view_filters). Each request is read as Baserow reads it: the query of
a list and a new view's body before anything is looked up, an update's body once the view
is found. Imports: api (params, urls, view_filters), core (views, view_filters, view_rows),
errors, models, storage.schema, usertable.query."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import params, render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, MaybeUserDep, UserDep
from gridbase.api.urls import offset_url, page_url
from gridbase.api.view_filters import filter_json, group_json, sort_json
from gridbase.core import (
    filter_params,
    order_by,
    row_filters,
    trash_views,
    view_filters,
    view_rows,
    views,
)
from gridbase.core.context import Ctx
from gridbase.errors import QueryParameterValidation, RequestBodyValidation, field_error
from gridbase.models import Table, User
from gridbase.storage import schema as s
from gridbase.usertable.query import RowQuery

router = APIRouter(prefix="/api/database/views")
VIEW_TYPES = ("grid",)  # what gridbase makes
LISTED_TYPES = ("grid", "gallery", "form")  # Baserow's open-source types: a list may ask for any
OWNERSHIPS = ("collaborative",)
# Baserow's view aggregations but `count` (not allowed in a view)
AGGREGATIONS = (
    "", "empty_count", "not_empty_count", "unique_count", "min", "max", "sum", "average",
    "std_dev", "variance", "median", "decile", "range", "distribution",
)  # fmt: skip


def view_json(
    ctx: Ctx, user: User | None, view: views.View, table: Table, include: str = ""
) -> dict[str, Any]:
    """`include` (filters, sortings, ...) reads as `user` (webhook payloads include none)."""
    p = view.props
    body: dict[str, Any] = {
        "id": view.id,
        "table_id": view.table_id,
        "name": view.name,
        "order": view.order,
        "type": view.type,
        "table": render.table(table, data_sync=False),
        "filter_type": view.filter_type,
        "filters_disabled": view.filters_disabled,
        "public_view_has_password": bool(p.get("public_view_password")),
        "show_logo": True,
        "allow_public_export": False,
        "ownership_type": p.get("ownership_type", "collaborative"),
        "owned_by_id": p.get("owned_by_id"),
        "row_identifier_type": p.get("row_identifier_type", "id"),
        "row_height_size": p.get("row_height_size", "small"),
        "public": bool(p.get("public", False)),
        "slug": p.get("slug", ""),
    }
    if user is None:
        return body
    wanted = set(include.split(","))
    if "filters" in wanted:
        body["filters"] = [filter_json(f) for f in view_filters.list_filters(ctx, user, view.id)]
        body["filter_groups"] = [
            group_json(r) for r in views.view_items(ctx, user, view.id, s.view_filter_groups)
        ]
    if "sortings" in wanted:
        body["sortings"] = [
            sort_json(r) for r in views.view_items(ctx, user, view.id, s.view_sorts)
        ]
    if "decorations" in wanted:
        body["decorations"] = []
    if "group_bys" in wanted:
        body["group_bys"] = []
    return body


def _view_fields(v: Validator, *, creating: bool) -> dict[str, Any]:
    """The grid view serializer's fields (all optional: Baserow validates partially)."""
    out: dict[str, Any] = {}
    if "name" in v.data:
        out["name"] = v.string("name", max_length=255)
    choices = {
        "filter_type": ("AND", "OR"),
        "row_identifier_type": ("id", "count"),
        "row_height_size": ("small", "medium", "large"),
    }
    if creating:
        choices["ownership_type"] = OWNERSHIPS
    for key, allowed in choices.items():
        if key in v.data:
            out[key] = v.choice(key, allowed)
    for key in ("filters_disabled", "public"):
        if key in v.data:
            out[key] = v.boolean(key)
    return {k: value for k, value in out.items() if value is not MISSING}


def new_view_body(body: Any) -> dict[str, Any]:
    """Baserow's view creation: the type alone first (missing or empty: required; unknown:
    not a valid choice), then every other field at once."""
    v = Validator(body)
    type_ = v.data.get("type")
    if not type_:
        raise RequestBodyValidation({"type": field_error("This field is required.", "required")})
    if type_ not in VIEW_TYPES:
        raise RequestBodyValidation(
            {"type": field_error(f'"{type_}" is not a valid choice.', "invalid_choice")}
        )
    values = _view_fields(v, creating=True)
    v.done()
    return {"name": "", **values, "type": type_}


def view_changes(body: Any) -> dict[str, Any]:
    """A view update: its fields, `public_view_password` (8 to 256 characters, "" for none)
    and `ownership_type` with Baserow's own message; `type` and unknown keys are ignored."""
    v = Validator(body)
    values = _view_fields(v, creating=False)
    if "public_view_password" in v.data:
        password = v.string("public_view_password", allow_blank=True, min_length=8, max_length=256)
        if password is not MISSING:
            values["public_view_password"] = password
    if "ownership_type" in v.data and v.data["ownership_type"] not in OWNERSHIPS:
        allowed = ",".join(f"'{o}'" for o in OWNERSHIPS)
        v.fail("ownership_type", f"Ownership type must be one of the above: {allowed}.")
    v.done()
    return values


@router.get("/table/{table_id:int}/")
def list_views(table_id: int, request: Request, ctx: CtxDep, user: MaybeUserDep) -> Any:
    v = Validator(dict(request.query_params), error=QueryParameterValidation)
    limit = v.integer("limit", required=False, default=None)
    type_ = v.choice("type", LISTED_TYPES, required=False, default=None)
    v.done()
    if isinstance(limit, int) and limit < 0:  # Baserow answers 500
        raise QueryParameterValidation(
            {"limit": field_error("Ensure this value is greater than or equal to 0.", "min_value")}
        )
    table, found = views.list_views(ctx, user, table_id, type_, limit or None)
    include = request.query_params.get("include", "")
    return [view_json(ctx, user, view, table, include) for view in found]


@router.post("/table/{table_id:int}/")
def create_view(table_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    view, table = views.create_view(ctx, user, table_id, new_view_body(body))
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.post("/table/{table_id:int}/order/")
def order_views(table_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    ids = v.int_list("view_ids", min_length=1)
    v.done()
    views.order_views(ctx, user, table_id, ids)
    return Response(status_code=204)


@router.get("/{view_id:int}/")
def get_view(view_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    view, table = views.get_view(ctx, user, view_id)
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.patch("/{view_id:int}/")
def update_view(view_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    view, table = views.update_view(ctx, user, view_id, lambda: view_changes(body))
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.delete("/{view_id:int}/")
def delete_view(view_id: int, ctx: CtxDep, user: UserDep) -> Response:
    trash_views.trash_view(ctx, user, view_id)
    return Response(status_code=204)


# --- field options -------------------------------------------------------------------------------


def _field_option(values: Any) -> dict[str, Any] | None:
    """One field's options as GridViewFieldOptionsSerializer reads them (unknown keys are
    dropped); None when any is not valid."""
    v = Validator(values if isinstance(values, dict) else {})
    if not isinstance(values, dict):
        return None
    out = {
        "width": v.integer("width", required=False),
        "hidden": v.boolean("hidden"),
        "order": v.integer("order", required=False),
        "aggregation_type": v.string(
            "aggregation_type", required=False, allow_blank=True, max_length=48
        ),
        "aggregation_raw_type": v.choice("aggregation_raw_type", AGGREGATIONS, required=False),
    }
    width, order = out["width"], out["order"]
    if isinstance(width, int) and not 0 <= width <= 2**31 - 1:
        return None
    if isinstance(order, int) and not -(2**15) <= order < 2**15:
        return None
    return None if v.errors else {k: x for k, x in out.items() if x is not MISSING}


def field_option_changes(body: Any) -> dict[int, dict[str, Any]]:
    """Baserow's FieldOptionsField: an object keyed by numeric field ids, any bad key or
    value failing the whole (not_a_dict where Baserow answers 500)."""
    v = Validator(body)
    if "field_options" not in v.data:
        v.fail("field_options", "This field is required.", "required")
    elif v.data["field_options"] is None:
        v.fail("field_options", "This field may not be null.", "null")
    elif not isinstance(v.data["field_options"], dict):
        kind = type(v.data["field_options"]).__name__
        v.fail(
            "field_options", f'Expected a dictionary of items but got type "{kind}".', "not_a_dict"
        )
    v.done()
    changes: dict[int, dict[str, Any]] = {}
    for key, values in v.data["field_options"].items():
        if not key.isnumeric() or len(key) > 4000:  # int() stops at 4,300 digits
            v.fail("field_options", "Field option key must be numeric.", "invalid_key")
            break
        option = _field_option(values)
        if option is None:
            v.fail("field_options", "Must be valid field options.", "invalid_value")
            break
        try:
            changes[int(key)] = option
        except ValueError:  # numeric but no integer ("½"): Baserow's int() fails too
            v.fail("field_options", "Field option key must be numeric.", "invalid_key")
            break
    v.done()
    return changes


@router.get("/{view_id:int}/field-options/")
def get_field_options(view_id: int, ctx: CtxDep, user: MaybeUserDep) -> Any:
    return {"field_options": views.get_field_options(ctx, user, view_id)}


@router.patch("/{view_id:int}/field-options/")
def update_field_options(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    changed = views.update_field_options(ctx, user, view_id, lambda: field_option_changes(body))
    return {"field_options": changed}


# --- grid rows ---------------------------------------------------------------------------------


def _positive(value: str | None, default: int, *, strict: bool) -> int:
    """DRF's _positive_int: a non-negative integer (positive with `strict`), else `default`."""
    try:
        number = int(value) if value is not None else -1
    except ValueError:
        return default
    return number if number > 0 or (number == 0 and not strict) else default


def grid_query(ctx: Ctx, model: Any, qp: Any, search: Any, mode: Any) -> RowQuery:
    """The grid's own reading of the query (Baserow's GridViewView): field ids in
    include_fields/exclude_fields (naming only unknown ones shows no field), order_by and
    ad-hoc filters over every field (order_by first; an empty order_by still replaces the
    view's sorts), page and size without the row list's size limit."""
    listing = params.ListParams(include=qp.get("include_fields"), exclude=qp.get("exclude_fields"))
    requested = params.requested_fields(model, listing, False)
    # naming no field of the table, even blank, shows none (get_include_exclude_field_ids)
    fields_asked = () if "include_fields" in qp or "exclude_fields" in qp else None
    sorts = (
        order_by.order_by(model, ctx.field_types, qp["order_by"], False) if "order_by" in qp else ()
    )
    where = row_filters.request_where(ctx, model, qp, False)
    raw_page = qp.get("page") or "1"
    page = params.LAST_PAGE if raw_page == "last" else max(_positive(raw_page, 1, strict=False), 1)
    return RowQuery(
        page=page,
        size=_positive(qp.get("size"), 100, strict=True),
        order_by=sorts,
        where=where,
        search=search.strip() if search is not MISSING else "",
        search_mode=mode if mode is not MISSING else "",
        fields=tuple(f.id for f in requested) if requested is not None else fields_asked,
    )


@router.get("/grid/{view_id:int}/")
def list_grid_rows(view_id: int, request: Request, ctx: CtxDep, user: MaybeUserDep) -> Any:
    qp = request.query_params
    v = Validator(dict(qp), error=QueryParameterValidation)
    search = v.string("search", required=False, allow_blank=True, default=MISSING)
    mode = v.choice("search_mode", params.SEARCH_MODES, required=False, default=MISSING)
    v.done()
    if "filters" in qp:  # the shape of ad-hoc filters is checked before the view is looked up
        filter_params.parse(qp["filters"], False)
    window = None
    if "limit" in qp:
        window = (
            _positive(qp.get("offset"), 0, strict=False),
            _positive(qp["limit"], 100, strict=True),
        )
    includes = set((qp.get("include") or "").split(","))
    result = view_rows.list_grid(
        ctx,
        user,
        view_id,
        lambda model: grid_query(ctx, model, qp, search, mode),
        window=window,
        count_only="count" in qp,
        with_options="field_options" in includes,
        has_filters="filters" in qp or any(k.startswith("filter__") for k in qp),
        has_order_by="order_by" in qp,
    )
    if "count" in qp:
        return {"count": result.count}
    body: dict[str, Any] = {"count": result.count}
    if window is not None:
        offset, limit = window
        body["next"] = (
            offset_url(request, offset + limit, limit) if offset + limit < result.count else None
        )
        body["previous"] = (
            offset_url(request, max(0, offset - limit), limit) if offset > 0 else None
        )
    else:
        page, size = result.page, _positive(qp.get("size"), 100, strict=True)
        last = max(1, -(-result.count // size))
        body["next"] = page_url(request, page + 1) if page < last else None
        body["previous"] = page_url(request, page - 1 if page > 2 else None) if page > 1 else None
    body["results"] = result.rows
    if result.field_options is not None:
        body["field_options"] = result.field_options
    if "row_metadata" in includes:
        body["row_metadata"] = {}  # row comment counts and the like: premium in Baserow
    return body
