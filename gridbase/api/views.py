"""Grid view endpoints (JWT): views, view filters, filter groups, sorts, field options, and
the grid rows endpoint. Imports: api (params, urls),
core (views, view_rows), errors, models, storage.schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api import params, render
from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.urls import offset_url, page_url
from gridbase.core import filter_params, row_filters, view_rows, views
from gridbase.core.context import Ctx
from gridbase.errors import (
    QueryParameterValidation,
    RequestBodyValidation,
    ViewFilterDoesNotExist,
    ViewFilterGroupDoesNotExist,
    ViewSortDoesNotExist,
    field_error,
)
from gridbase.models import Table, User
from gridbase.storage import schema as s
from gridbase.usertable.query import RowQuery

router = APIRouter(prefix="/api/database/views")
VIEW_TYPES = ("grid",)
INCLUDES = ("filters", "sortings", "decorations", "group_bys", "filter_groups")


def filter_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "view": r.view_id,
        "field": r.field_id,
        "type": r.type,
        "value": r.value or "",
        "preload_values": {},
        "group": r.group_id,
    }


def group_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "filter_type": r.filter_type,
        "view": r.view_id,
        "parent_group": r.parent_group_id,
    }


def sort_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "view": r.view_id,
        "field": r.field_id,
        "order": r.order,
        "type": r.type or "default",
    }


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
        "public_view_has_password": False,
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
        body["filters"] = [
            filter_json(r) for r in views.view_items(ctx, user, view.id, s.view_filters)
        ]
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


def view_body(body: Any, creating: bool) -> dict[str, Any]:
    v = Validator(body)
    out: dict[str, Any] = {}
    if creating or "name" in v.data:
        out["name"] = v.string("name", max_length=255)
    if creating:
        out["type"] = v.choice("type", VIEW_TYPES)
    for key, choices in (
        ("filter_type", ("AND", "OR")),
        ("row_identifier_type", ("id", "count")),
        ("row_height_size", ("small", "medium", "large")),
        ("ownership_type", ("collaborative",)),
    ):
        if key in v.data:
            out[key] = v.choice(key, choices)
    for key in ("filters_disabled", "public"):
        if key in v.data:
            out[key] = v.boolean(key)
    v.done()
    return out


@router.get("/table/{table_id:int}/")
def list_views(table_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    qp = request.query_params
    limit = qp.get("limit")
    table, found = views.list_views(
        ctx, user, table_id, qp.get("type"), int(limit) if limit and limit.isdigit() else None
    )
    return [view_json(ctx, user, v, table, qp.get("include", "")) for v in found]


@router.post("/table/{table_id:int}/")
def create_view(table_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    view, table = views.create_view(ctx, user, table_id, view_body(body, True))
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.post("/table/{table_id:int}/order/")
def order_views(table_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    ids = v.int_list("view_ids")
    v.done()
    views.order_views(ctx, user, table_id, ids)
    return Response(status_code=204)


@router.get("/{view_id:int}/")
def get_view(view_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    view, table = views.get_view(ctx, user, view_id)
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.patch("/{view_id:int}/")
def update_view(view_id: int, request: Request, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    view, table = views.update_view(ctx, user, view_id, view_body(body, False))
    return view_json(ctx, user, view, table, request.query_params.get("include", ""))


@router.delete("/{view_id:int}/")
def delete_view(view_id: int, ctx: CtxDep, user: UserDep) -> Response:
    views.delete_view(ctx, user, view_id)
    return Response(status_code=204)


# --- filters and filter groups ---------------------------------------------------------------


def filter_body(body: Any, creating: bool) -> dict[str, Any]:
    v = Validator(body)
    out: dict[str, Any] = {}
    if creating or "field" in v.data:
        out["field"] = v.integer("field")
    if creating or "type" in v.data:
        out["type"] = v.string("type", max_length=48)
    if "value" in v.data or creating:
        raw = v.data.get("value", "")
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            v.fail("value", "Not a valid string.")
        else:
            out["value"] = str(raw).replace("\x00", "")
    if "group" in v.data:
        out["group"] = v.integer("group", required=False, allow_null=True)
    v.done()
    return out


@router.get("/{view_id:int}/filters/")
def list_filters(view_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [filter_json(r) for r in views.view_items(ctx, user, view_id, s.view_filters)]


@router.post("/{view_id:int}/filters/")
def create_filter(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    b = filter_body(body, True)
    return filter_json(
        views.create_filter(
            ctx, user, view_id, b["field"], b["type"], b.get("value", ""), b.get("group")
        )
    )


@router.get("/filter/{filter_id:int}/")
def get_filter(filter_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return filter_json(views.get_item(ctx, user, s.view_filters, filter_id, ViewFilterDoesNotExist))


@router.patch("/filter/{filter_id:int}/")
def update_filter(filter_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return filter_json(views.update_filter(ctx, user, filter_id, filter_body(body, False)))


@router.delete("/filter/{filter_id:int}/")
def delete_filter(filter_id: int, ctx: CtxDep, user: UserDep) -> Response:
    views.delete_item(ctx, user, s.view_filters, filter_id, ViewFilterDoesNotExist)
    return Response(status_code=204)


@router.post("/{view_id:int}/filter-groups/")
def create_group(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body if body is not None else {})
    filter_type = v.choice("filter_type", ("AND", "OR"), required=False, default="AND")
    parent = v.integer("parent_group", required=False, default=None, allow_null=True)
    v.done()
    return group_json(views.create_group(ctx, user, view_id, filter_type, parent))


@router.patch("/filter-group/{group_id:int}/")
def update_group(group_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body if body is not None else {})
    filter_type = v.choice("filter_type", ("AND", "OR"), required=False, default=None)
    v.done()
    return group_json(views.update_group(ctx, user, group_id, filter_type))


@router.delete("/filter-group/{group_id:int}/")
def delete_group(group_id: int, ctx: CtxDep, user: UserDep) -> Response:
    views.delete_item(ctx, user, s.view_filter_groups, group_id, ViewFilterGroupDoesNotExist)
    return Response(status_code=204)


# --- sorts -------------------------------------------------------------------------------------


def sort_body(body: Any, creating: bool) -> dict[str, Any]:
    v = Validator(body)
    out: dict[str, Any] = {}
    if creating or "field" in v.data:
        out["field"] = v.integer("field")
    if creating or "order" in v.data:
        out["order"] = v.choice("order", ("ASC", "DESC"), required=False, default="ASC")
    if creating or "type" in v.data:
        out["type"] = v.string("type", required=False, default="default", max_length=32)
    v.done()
    return out


@router.get("/{view_id:int}/sortings/")
def list_sorts(view_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [sort_json(r) for r in views.view_items(ctx, user, view_id, s.view_sorts)]


@router.post("/{view_id:int}/sortings/")
def create_sort(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    b = sort_body(body, True)
    return sort_json(views.create_sort(ctx, user, view_id, b["field"], b["order"], b["type"]))


@router.get("/sort/{sort_id:int}/")
def get_sort(sort_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return sort_json(views.get_item(ctx, user, s.view_sorts, sort_id, ViewSortDoesNotExist))


@router.patch("/sort/{sort_id:int}/")
def update_sort(sort_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    return sort_json(views.update_sort(ctx, user, sort_id, sort_body(body, False)))


@router.delete("/sort/{sort_id:int}/")
def delete_sort(sort_id: int, ctx: CtxDep, user: UserDep) -> Response:
    views.delete_item(ctx, user, s.view_sorts, sort_id, ViewSortDoesNotExist)
    return Response(status_code=204)


# --- field options -------------------------------------------------------------------------------


@router.get("/{view_id:int}/field-options/")
def get_field_options(view_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return {"field_options": views.get_field_options(ctx, user, view_id)}


@router.patch("/{view_id:int}/field-options/")
def update_field_options(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    raw = body.get("field_options") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        raise RequestBodyValidation(
            {"field_options": field_error("This field is required.", "required")}
        )
    changes: dict[int, dict[str, Any]] = {}
    for key, values in raw.items():
        if not str(key).isdigit() or not isinstance(values, dict):
            raise RequestBodyValidation({"field_options": field_error("Invalid field options.")})
        changes[int(key)] = values
    return {"field_options": views.update_field_options(ctx, user, view_id, changes)}


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
    sorts = (
        params.order_by(model, ctx.field_types, qp["order_by"], False) if "order_by" in qp else ()
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
        fields=tuple(f.id for f in requested) if requested is not None else None,
    )


@router.get("/grid/{view_id:int}/")
def list_grid_rows(view_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
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
