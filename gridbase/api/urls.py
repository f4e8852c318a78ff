"""The links a list answers with (`next`, `previous`): this request's URL with its paging
parameters changed, on GRIDBASE_PUBLIC_URL when it is set (behind a proxy the request's own
host may not be the one clients use); and the hosts a link in an e-mail (an invitation, a
password reset) may point at. Imports: config, starlette."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import urlencode, urlparse

from starlette.requests import Request

from gridbase.config import Settings

Params = Sequence[tuple[str, str]]


def with_query(
    request: Request,
    *,
    drop: Collection[str],
    first: Params = (),
    last: Params = (),
    sort: bool = False,
) -> str:
    """The URL with the parameters named in `drop` removed, `first` before the others and
    `last` after them; with `sort`, ordered by name as DRF's replace_query_param does (the
    values of one name stay together, in their order)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in drop]
    public = request.app.state.ctx.settings.public_url
    base = public.rstrip("/") + request.url.path if public else str(request.url.replace(query=""))
    pairs = [*first, *kept, *last]
    if sort:
        pairs.sort(key=lambda pair: pair[0])  # stable: one name's values keep their order
    encoded = urlencode(pairs)
    return f"{base}?{encoded}" if encoded else base


def page_url(request: Request, page: int | None) -> str:
    """`page` set (none: the first page)."""
    return with_query(
        request, drop={"page"}, first=[("page", str(page))] if page else (), sort=True
    )


def cursor_url(request: Request, cursor: str) -> str:
    """The keyset extension's next page: `cursor` set, `page` dropped."""
    return with_query(request, drop={"page", "cursor"}, last=[("cursor", cursor)])


def offset_url(request: Request, offset: int, limit: int) -> str:
    """Limit/offset paging: the limit in use and `offset` (none for 0), as DRF sets them."""
    pairs = [("limit", str(limit))] + ([("offset", str(offset))] if offset else [])
    return with_query(request, drop={"offset", "limit"}, last=pairs, sort=True)


def frontend_hostnames(settings: Settings, request: Request) -> set[str]:
    """Where an e-mailed link (invitation, password reset) may point:
    GRIDBASE_FRONTEND_HOSTNAMES, else the host of GRIDBASE_PUBLIC_URL, else the host this
    request came to."""
    if settings.frontend_hostnames.strip():
        return {h.strip().lower() for h in settings.frontend_hostnames.split(",") if h.strip()}
    host = urlparse(settings.public_url).hostname if settings.public_url else None
    return {host or request.url.hostname or ""}
