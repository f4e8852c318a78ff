"""User file names, their storage paths and their public URLs, as Baserow makes them.

A name is `<unique>_<sha256>.<extension>` (32 random letters and digits, the content's
sha256, the original extension, lower-cased: possibly empty). URLs are absolute: the media
base (GRIDBASE_MEDIA_URL, else GRIDBASE_PUBLIC_URL + /media/, else the request's own host +
/media/) + the path. Row JSON is built below the HTTP layer, so the HTTP layer hands the
request's base down in a context variable (media_base_for); outside a request (the CLI) the
URLs are relative to the server (/media/...). Imports: nothing of gridbase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

USER_FILES = "user_files"
EXPORT_FILES = "export_files"
THUMBNAILS_DIR = "thumbnails"
# Baserow's USER_THUMBNAILS: [width, height]; None keeps the aspect ratio
THUMBNAILS: dict[str, tuple[int | None, int | None]] = {
    "tiny": (None, 21),
    "small": (48, 48),
    "card_cover": (300, 160),
}
# Baserow's deconstruct_user_file_regex: what a written name must look like
NAME = re.compile(r"^([a-zA-Z0-9]+)_([a-zA-Z0-9]+)\.(.*)$", re.DOTALL)
# what the media routes serve: our own names only (a 64-hex hash, no path separators)
SERVED_NAME = re.compile(r"^[a-zA-Z0-9]+_[a-fA-F0-9]{64}\.[^/\\]*$")

# the base itself, or how to work it out (from the request, only when a URL is needed)
Base = str | Callable[[], str]
_media_base: ContextVar[Base] = ContextVar("media_base", default="/media/")


def deconstruct(name: str) -> tuple[str, str, str] | None:
    """(unique, sha256, extension) of a user file name; None when it is not one."""
    found = NAME.match(name)
    return (found[1], found[2], found[3]) if found else None


def user_file_path(name: str) -> str:
    return f"{USER_FILES}/{name}"


def export_file_path(name: str) -> str:
    return f"{EXPORT_FILES}/{name}"


def thumbnail_path(size: str, name: str) -> str:
    return f"{THUMBNAILS_DIR}/{size}/{name}"


def url(path: str) -> str:
    """The public URL of a stored path, on the current request's media base."""
    base = _media_base.get()
    return (base if isinstance(base, str) else base()) + path


@contextmanager
def media_base_for(base: Base) -> Iterator[None]:
    """Within this block, URLs start with `base` (which ends with '/')."""
    token = set_media_base(base)
    try:
        yield
    finally:
        _media_base.reset(token)


def set_media_base(base: Base) -> Token[Base]:
    return _media_base.set(base)


def reset_media_base(token: Token[Base]) -> None:
    _media_base.reset(token)


def file_json_urls(name: str, is_image: bool) -> tuple[str, dict[str, Any] | None]:
    """(url, thumbnails) of a user file as Baserow's serializers show them: thumbnails only
    for images, with the configured sizes (not the image's)."""
    thumbnails = (
        {
            size: {"url": url(thumbnail_path(size, name)), "width": w, "height": h}
            for size, (w, h) in THUMBNAILS.items()
        }
        if is_image
        else None
    )
    return url(user_file_path(name)), thumbnails
