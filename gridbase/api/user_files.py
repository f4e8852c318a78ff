"""User file endpoints: POST /api/user-files/upload-file/ (multipart, part `file`) and
POST /api/user-files/upload-via-url/ (JSON {"url"}), JWT or database token, as Baserow
1.35.3 answers them. Imports: api (body, deps), core.user_files, errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from gridbase.api.body import MISSING, Validator
from gridbase.api.deps import ActorDep, BodyDep, CtxDep
from gridbase.core import user_files
from gridbase.errors import InvalidFile, ParseError, UnsupportedMediaType

router = APIRouter(prefix="/api/user-files")

MAX_URL = 2048


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
            ctx.ext.files,
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
    url = v.url("url", max_length=MAX_URL)
    v.done()
    assert url is not MISSING
    found = await user_files.upload_via_url(ctx, ctx.ext.files, actor, url)
    return found.json()
