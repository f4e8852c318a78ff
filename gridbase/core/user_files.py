"""User files: uploads from a request or from a URL, as Baserow 1.35.3's UserFileHandler
makes them. A file is hashed (sha256), sized against GRIDBASE_FILE_UPLOAD_SIZE_LIMIT_MB,
probed for an image (file_images), stored with its thumbnails (storage.files) and recorded in
`user_files`. The same content uploaded again under the same name answers the earlier
upload, whoever made it (Baserow's rule). Any signed-in user or database token may upload.
Imports: core (context, file_fetch, file_images, permissions), errors, storage.files.
"""

from __future__ import annotations

import hashlib
import math
import mimetypes
import pathlib
import secrets
import string
from collections.abc import Iterable
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

import anyio

from gridbase.core import file_fetch, file_images
from gridbase.core.context import Ctx
from gridbase.core.permissions import Actor
from gridbase.errors import FileSizeTooLarge, InvalidFileUrl
from gridbase.storage.files import FileStorage, names, records
from gridbase.storage.files.records import UserFile

MIME_TYPE_UNKNOWN = "application/octet-stream"
UNIQUE_ALPHABET = string.ascii_letters + string.digits
MAX_NAME = 64  # Baserow keeps original names up to 64 characters (truncate_middle)


def truncate_middle(text: str, limit: int, middle: str = "...") -> str:
    if len(text) <= limit:
        return text
    total = limit - len(middle)
    return text[: math.ceil(total / 2)] + middle + text[len(text) - math.floor(total / 2) :]


def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _sha256(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(65536), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _unique() -> str:
    return "".join(secrets.choice(UNIQUE_ALPHABET) for _ in range(32))


def _save(storage: FileStorage, name: str, stream: BinaryIO, thumbs: dict[str, bytes]) -> None:
    for size, data in thumbs.items():
        storage.save(names.thumbnail_path(size, name), BytesIO(data))
    storage.save(names.user_file_path(name), stream)


def store(
    ctx: Ctx,
    storage: FileStorage,
    actor: Actor,
    file_name: str,
    stream: BinaryIO,
    content_type: str,
) -> UserFile:
    """Blocking (run it off the event loop): the upload of `stream` named `file_name`."""
    limit = ctx.settings.file_upload_size_limit_bytes
    size = _size(stream)
    if size > limit:
        raise FileSizeTooLarge(limit)
    sha = _sha256(stream)
    file_name = truncate_middle(file_name, MAX_NAME)
    with ctx.db.read() as conn:
        earlier = records.same_upload(conn, file_name, sha)
    if earlier is not None:
        return earlier
    extension = pathlib.Path(file_name).suffix[1:].lower()
    mime_type = mimetypes.guess_type(file_name)[0] or content_type or MIME_TYPE_UNKNOWN
    image = file_images.probe(stream)
    unique = _unique()
    name = f"{unique}_{sha}.{extension}"
    # the bytes first, then the row: a row never names a file that is not stored (a file
    # whose row never comes is unreachable, as nothing names it)
    _save(storage, name, stream, image.thumbnails)
    with ctx.db.write() as conn:
        earlier = records.same_upload(conn, file_name, sha)  # the same upload, meanwhile
        if earlier is not None:
            return earlier
        return records.insert(
            conn,
            {
                "original_name": file_name,
                "original_extension": extension,
                "unique": unique,
                "size": size,
                "mime_type": image.mime_type or mime_type,
                "is_image": image.is_image,
                "image_width": image.width,
                "image_height": image.height,
                "uploaded_at": ctx.clock(),
                "uploaded_by_id": actor.user.id,
                "sha256_hash": sha,
            },
        )


async def upload(
    ctx: Ctx,
    storage: FileStorage,
    actor: Actor,
    file_name: str,
    stream: BinaryIO,
    content_type: str,
) -> UserFile:
    """POST /api/user-files/upload-file/: hashing, Pillow and the copy run in a thread."""
    return await anyio.to_thread.run_sync(
        store, ctx, storage, actor, file_name, stream, content_type
    )


async def upload_via_url(ctx: Ctx, storage: FileStorage, actor: Actor, url: str) -> UserFile:
    """POST /api/user-files/upload-via-url/ (the URL is already a valid URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InvalidFileUrl()
    # the last path segment, as it is written (Baserow does not decode it)
    file_name = parts.path.rstrip("/").split("/")[-1]
    fetched = await file_fetch.fetch(
        url, ctx.settings.file_upload_size_limit_bytes, ctx.settings.files_allow_private_addresses
    )
    try:
        content_type = _media_type(fetched.content_type)
        if file_name == "":
            # a placeholder name: part of a hash of the URL and a random token
            extension = mimetypes.guess_extension(content_type) or ".bin"
            seed = f"{url} {secrets.token_urlsafe()}".encode()
            file_name = f"{hashlib.sha256(seed).hexdigest()[:12]}{extension}"
        return await upload(ctx, storage, actor, file_name, fetched.body, content_type)
    finally:
        fetched.body.close()


def _media_type(header: str) -> str:
    """The media type of a Content-Type header without its parameters; one Python knows no
    extension for is unknown (Baserow's rule)."""
    media = header.split(";", 1)[0].strip().lower()
    if not media or not mimetypes.guess_extension(media):
        return MIME_TYPE_UNKNOWN
    return media


def by_names(ctx: Ctx, wanted: Iterable[str]) -> dict[str, UserFile]:
    with ctx.db.read() as conn:
        return records.by_names(conn, list(wanted))
