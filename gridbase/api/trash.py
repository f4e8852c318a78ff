"""Trash endpoints (JWT only, as Baserow's): the structure, a workspace's contents (paged
as DRF's PageNumberPagination: `page`, `size` up to 200), emptying, restoring.
Imports: api (body, deps, render, urls), core.trash, errors."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request, Response

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import BodyDep, CtxDep, UserDep
from gridbase.api.render import iso
from gridbase.api.urls import page_url
from gridbase.core import trash, trash_apps
from gridbase.errors import PageSizeLimit, RequestBodyValidation, field_error

router = APIRouter(prefix="/api/trash")

PAGE_SIZE = 100
PAGE_SIZE_LIMIT = 200  # Baserow's TRASH_PAGE_SIZE_LIMIT
RESTORE_KEYS = ("trash_item_id", "parent_trash_item_id", "trash_item_type")


def _positive(text: str | None) -> int | None:
    """DRF's _positive_int(strict=True): a whole number above 0, else None."""
    try:
        value = int(text) if text is not None else 0
    except ValueError:
        return None
    return value if value > 0 else None


def entry_json(entry: trash.Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "user_who_trashed": entry.user_who_trashed,
        "trash_item_type": entry.trash_item_type,
        "trash_item_id": entry.trash_item_id,
        "parent_trash_item_id": entry.parent_trash_item_id,
        "trashed_at": iso(entry.trashed_at),
        "application": entry.application,
        "workspace": entry.workspace,
        "name": entry.name,
        "names": entry.names,
        "parent_name": entry.parent_name,
    }


@router.get("/")
def structure(ctx: CtxDep, user: UserDep) -> Any:
    return {
        "workspaces": [
            {
                "id": w.id,
                "trashed": w.trashed,
                "name": w.name,
                "applications": [
                    {"id": a.id, "name": a.name, "trashed": a.trashed, "type": a.type}
                    for a in w.applications
                ],
            }
            for w in trash_apps.structure(ctx, user)
        ]
    }


@router.get("/workspace/{workspace_id:int}/")
def contents(workspace_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Any:
    q = request.query_params
    application_id = trash.application_id_param(q.get("application_id"))
    # Baserow's paginator reads the page size after the look-ups, and any page number
    # (not a number: the first page; past the end: an empty page)
    trash.check_contents(ctx, user, workspace_id, application_id)
    size = _positive(q.get("size")) or PAGE_SIZE
    if size > PAGE_SIZE_LIMIT:
        raise PageSizeLimit(PAGE_SIZE_LIMIT)
    page = _positive(q.get("page")) or 1
    count, entries = trash.contents(
        ctx, user, workspace_id, application_id, (page - 1) * size, size
    )
    pages = max(1, math.ceil(count / size))
    return {
        "count": count,
        "next": page_url(request, page + 1) if page < pages else None,
        "previous": (page_url(request, page - 1 if page > 2 else None) if page > 1 else None),
        "results": [entry_json(e) for e in entries],
    }


@router.delete("/workspace/{workspace_id:int}/")
def empty(workspace_id: int, request: Request, ctx: CtxDep, user: UserDep) -> Response:
    application_id = trash.application_id_param(request.query_params.get("application_id"))
    trash.empty(ctx, user, workspace_id, application_id)
    return Response(status_code=204)


@router.patch("/restore/")
def restore(ctx: CtxDep, user: UserDep, body: BodyDep) -> Response:
    v = Validator(body)
    item_id = v.integer("trash_item_id")
    if isinstance(item_id, int) and item_id < 0:
        v.fail("trash_item_id", "Ensure this value is greater than or equal to 0.", "min_value")
    parent_id = v.integer("parent_trash_item_id", required=False, default=None, allow_null=True)
    if isinstance(parent_id, int) and parent_id < 0:
        v.fail(
            "parent_trash_item_id", "Ensure this value is greater than or equal to 0.", "min_value"
        )
    item_type = v.choice("trash_item_type", tuple(trash.ITEM_TYPES))
    v.done()
    unknown = [k for k in v.data if k not in RESTORE_KEYS]
    if unknown:
        raise RequestBodyValidation(
            {
                "non_field_errors": field_error(
                    "Your request body had the following unknown attributes: "
                    f"{', '.join(unknown)}. Please check the api documentation and only "
                    "provide valid fields."
                )
            }
        )
    trash.restore(ctx, user, item_type, item_id, None if parent_id is MISSING else parent_id)
    return Response(status_code=204)
