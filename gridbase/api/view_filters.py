"""View filter, filter group and sort endpoints (JWT). Bodies are checked first, as Baserow's
serializers check them (a field is any existing field: "Invalid pk"), then the item or view
is looked up (core.view_filters). Imports: api (body, deps), core (view_filters, views),
errors, storage.schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.core import view_filters, views
from gridbase.core.context import Ctx
from gridbase.storage import schema as s

router = APIRouter(prefix="/api/database/views")


def filter_json(f: view_filters.ViewFilter) -> dict[str, Any]:
    return {
        "id": f.id,
        "view": f.view_id,
        "field": f.field_id,
        "type": f.type,
        "value": f.value,
        "preload_values": f.preload_values,
        "group": f.group_id,
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


def _field(ctx: Ctx, v: Validator, *, required: bool) -> Any:
    """A ModelSerializer's foreign key to a field: any field of any table."""
    return v.pk("field", lambda i: views.exists(ctx, s.fields, i), required=required)


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {k: x for k, x in values.items() if x is not MISSING}


# --- filters -----------------------------------------------------------------------------


def filter_body(ctx: Ctx, body: Any, *, creating: bool) -> dict[str, Any]:
    """Create: field and type required, value "" by default, group an integer or null.
    Update: field, type and value, each optional (a `group` is ignored, as in Baserow)."""
    v = Validator(body)
    out = {
        "field": _field(ctx, v, required=creating),
        "type": v.choice("type", tuple(f.type for f in ctx.filter_types), required=creating),
        "value": v.string("value", required=False, default="" if creating else MISSING,
                          allow_blank=True),
    }  # fmt: skip
    if creating:
        out["group"] = v.integer("group", required=False, default=None, allow_null=True)
    v.done()
    return _given(out)


@router.get("/{view_id:int}/filters/")
def list_filters(view_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [filter_json(f) for f in view_filters.list_filters(ctx, user, view_id)]


@router.post("/{view_id:int}/filters/")
def create_filter(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    b = filter_body(ctx, body, creating=True)
    return filter_json(
        view_filters.create_filter(
            ctx, user, view_id, b["field"], b["type"], b["value"], b.get("group")
        )
    )


@router.get("/filter/{filter_id:int}/")
def get_filter(filter_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return filter_json(view_filters.get_filter(ctx, user, filter_id))


@router.patch("/filter/{filter_id:int}/")
def update_filter(filter_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    changes = filter_body(ctx, body, creating=False)
    return filter_json(view_filters.update_filter(ctx, user, filter_id, changes))


@router.delete("/filter/{filter_id:int}/")
def delete_filter(filter_id: int, ctx: CtxDep, user: UserDep) -> Response:
    view_filters.delete_filter(ctx, user, filter_id)
    return Response(status_code=204)


# --- filter groups -----------------------------------------------------------------------


@router.post("/{view_id:int}/filter-groups/")
def create_group(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    v = Validator(body)
    filter_type = v.choice("filter_type", ("AND", "OR"), required=False, default="AND")
    parent = v.pk(
        "parent_group",
        lambda i: views.exists(ctx, s.view_filter_groups, i),
        required=False,
        allow_null=True,
    )
    v.done()
    parent_id = None if parent is MISSING else parent
    return group_json(view_filters.create_group(ctx, user, view_id, filter_type, parent_id))


@router.get("/filter-group/{group_id:int}/")
def get_group(group_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return group_json(view_filters.get_group(ctx, user, group_id))


@router.patch("/filter-group/{group_id:int}/")
def update_group(group_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    # Baserow answers 500 to a body without `filter_type`; gridbase changes nothing
    v = Validator(body)
    filter_type = v.choice("filter_type", ("AND", "OR"), required=False, default=None)
    v.done()
    return group_json(view_filters.update_group(ctx, user, group_id, filter_type))


@router.delete("/filter-group/{group_id:int}/")
def delete_group(group_id: int, ctx: CtxDep, user: UserDep) -> Response:
    view_filters.delete_group(ctx, user, group_id)
    return Response(status_code=204)


# --- sorts -------------------------------------------------------------------------------


def sort_body(ctx: Ctx, body: Any, *, creating: bool) -> dict[str, Any]:
    """Create: field required, order ASC by default, type "default" by default (never
    blank). Update: each optional."""
    v = Validator(body)
    out = {
        "field": _field(ctx, v, required=creating),
        "order": v.choice("order", ("ASC", "DESC"), required=False,
                          default="ASC" if creating else MISSING),
        "type": v.string("type", required=False, default="default" if creating else MISSING,
                         max_length=32),
    }  # fmt: skip
    v.done()
    return _given(out)


@router.get("/{view_id:int}/sortings/")
def list_sorts(view_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return [sort_json(r) for r in views.view_items(ctx, user, view_id, s.view_sorts)]


@router.post("/{view_id:int}/sortings/")
def create_sort(view_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    b = sort_body(ctx, body, creating=True)
    return sort_json(
        view_filters.create_sort(ctx, user, view_id, b["field"], b["order"], b["type"])
    )


@router.get("/sort/{sort_id:int}/")
def get_sort(sort_id: int, ctx: CtxDep, user: UserDep) -> Any:
    return sort_json(view_filters.get_sort(ctx, user, sort_id))


@router.patch("/sort/{sort_id:int}/")
def update_sort(sort_id: int, ctx: CtxDep, user: UserDep, body: BodyDep) -> Any:
    changes = sort_body(ctx, body, creating=False)
    return sort_json(view_filters.update_sort(ctx, user, sort_id, changes))


@router.delete("/sort/{sort_id:int}/")
def delete_sort(sort_id: int, ctx: CtxDep, user: UserDep) -> Response:
    view_filters.delete_sort(ctx, user, sort_id)
    return Response(status_code=204)
