"""User files: the upload endpoints and the media URLs they answer with."""

from __future__ import annotations

from typing import Any

from gridbase.openapi.common import ref
from gridbase.openapi.ops import BOOL, DATETIME, INT, STR, Op, obj

T = "User files"
URI: dict[str, Any] = {"type": "string", "format": "uri"}
NULL_INT: dict[str, Any] = {"type": ["integer", "null"]}
THUMBNAIL = obj({"url": URI, "width": NULL_INT, "height": NULL_INT})

SCHEMAS = {
    "UserFile": obj(
        {
            "size": INT,
            "mime_type": STR,
            "is_image": BOOL,
            "image_width": NULL_INT,
            "image_height": NULL_INT,
            "uploaded_at": DATETIME,
            "url": URI,
            "thumbnails": {
                "anyOf": [
                    obj({"tiny": THUMBNAIL, "small": THUMBNAIL, "card_cover": THUMBNAIL}),
                    {"type": "null"},
                ]
            },
            "name": STR,
            "original_name": STR,
        },
        ["size", "mime_type", "is_image", "uploaded_at", "url", "thumbnails", "name"],
    )
}

MEDIA = (
    "No authentication (names are unguessable). Sent with the file's own Content-Type and "
    "`X-Content-Type-Options: nosniff`; anything a browser could run is an attachment."
)

OPERATIONS: dict[tuple[str, str], Op] = {
    ("post", "/api/user-files/upload-file/"): Op(
        "Upload a file (multipart)",
        T,
        ref("UserFile"),
        description="A `multipart/form-data` body with the file in the part `file`. The same "
        "content uploaded again under the same name answers the earlier upload. Its `name` "
        "is what a file field's value names. Larger than GRIDBASE_FILE_UPLOAD_SIZE_LIMIT_MB: "
        "413.",
        errors={400: ["ERROR_INVALID_FILE"], 413: ["ERROR_FILE_SIZE_TOO_LARGE"]},
    ),
    ("post", "/api/user-files/upload-via-url/"): Op(
        "Upload a file from a URL",
        T,
        ref("UserFile"),
        request=obj({"url": {"type": "string", "format": "uri", "maxLength": 2048}}, ["url"]),
        description="gridbase downloads the file (http and https only; private, loopback and "
        "link-local addresses are refused unless GRIDBASE_FILES_ALLOW_PRIVATE_ADDRESSES).",
        errors={
            400: ["ERROR_INVALID_FILE_URL", "ERROR_FILE_URL_COULD_NOT_BE_REACHED"],
            413: ["ERROR_FILE_SIZE_TOO_LARGE"],
        },
    ),
    ("get", "/media/user_files/{name}"): Op(
        "An uploaded file", T, None, description=MEDIA, errors={404: ["URL_NOT_FOUND"]}
    ),
    ("get", "/media/thumbnails/{size}/{name}"): Op(
        "A thumbnail of an uploaded image (tiny, small, card_cover)",
        T,
        None,
        description=MEDIA,
        errors={404: ["URL_NOT_FOUND"]},
    ),
}
