"""Conditional requests on one row: the ETag it is sent with, If-Match and If-None-Match
read into core values (core.row_etags says what a row's ETag is). Pure."""

from __future__ import annotations

from starlette.requests import Request

from gridbase.core import row_etags


def tags(header: str | None, *, weak: bool) -> frozenset[str] | None:
    """The entity tags a conditional header lists (None when it was not sent). `weak`:
    If-None-Match compares weakly (W/"x" matches "x"); If-Match compares strongly, so a
    weak tag there matches nothing."""
    if header is None:
        return None
    found: set[str] = set()
    for part in header.split(","):
        tag = part.strip()
        if tag == row_etags.ANY:
            found.add(tag)
        elif tag.startswith("W/"):
            if weak:
                found.add(tag[2:])
        elif tag:
            found.add(tag)
    return frozenset(found)


def if_match(request: Request, row_id: int) -> row_etags.Versions | None:
    accepted = tags(request.headers.get("if-match"), weak=False)
    return None if accepted is None else {row_id: accepted}


def if_none_match(request: Request) -> frozenset[str] | None:
    return tags(request.headers.get("if-none-match"), weak=True)
