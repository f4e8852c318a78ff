"""User file endpoints: POST /api/user-files/upload-file/ (multipart, part `file`) and
POST /api/user-files/upload-via-url/ (JSON {"url"}), JWT or database token, as Baserow
1.35.3 answers them. Imports: api (body, deps), core.user_files, errors, storage.files.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import ActorDep, BodyDep, CtxDep
from gridbase.core import user_files
from gridbase.errors import InvalidFile, ParseError, UnsupportedMediaType
from gridbase.storage.files import FileStorage

router = APIRouter(prefix="/api/user-files")

# Django's URLValidator (what DRF's URLField checks), schemes http(s) and ftp(s)
_UL = "\u00a1-\uffff"
_HOST = rf"[a-z{_UL}0-9](?:[a-z{_UL}0-9-]{{0,61}}[a-z{_UL}0-9])?"
_DOMAIN = rf"(?:\.(?!-)[a-z{_UL}0-9-]{{1,63}}(?<!-))*"
_TLD = rf"\.(?!-)(?:[a-z{_UL}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)\.?"
_IPV4 = r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}"  # noqa: E501  (one regex)
URL = re.compile(
    r"^(?:http|https|ftp|ftps)://"
    r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    rf"(?:{_IPV4}|\[[0-9a-f:.]+\]|{_HOST}{_DOMAIN}{_TLD}|localhost)"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s]*)?\Z",
    re.IGNORECASE,
)
MAX_URL = 2048


def storage(request: Request) -> FileStorage:
    files: FileStorage = request.app.state.files
    return files


@router.post("/upload-file/")
async def upload_file(request: Request, ctx: CtxDep, actor: ActorDep) -> Any:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != "multipart/form-data":
        raise UnsupportedMediaType(f'Unsupported media type "{content_type}" in request.')
    if not media:
        raise InvalidFile()
    try:
        form = await request.form()
    except HTTPException as exc:  # Starlette's words for a broken multipart body
        raise ParseError(f"Multipart form parse error - {exc.detail}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or upload.filename is None:
            raise InvalidFile()
        found = await user_files.upload(
            ctx,
            storage(request),
            actor,
            upload.filename,
            upload.file,
            upload.content_type or "",
        )
    finally:
        await form.close()
    return found.json()


@router.post("/upload-via-url/")
async def upload_via_url(request: Request, ctx: CtxDep, actor: ActorDep, body: BodyDep) -> Any:
    v = Validator(body)
    url = v.string("url", max_length=MAX_URL)
    if isinstance(url, str) and not URL.match(url):
        v.fail("url", "Enter a valid URL.")
    v.done()
    assert url is not MISSING
    found = await user_files.upload_via_url(ctx, storage(request), actor, url)
    return found.json()
