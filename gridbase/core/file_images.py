"""Images among uploads, as Baserow's UserFileHandler treats them: Pillow opens the file; an
image gets its format as MIME type, its size, and thumbnails of the configured sizes
(ImageOps.fit with LANCZOS, saved in the image's own format). A file Pillow cannot open or
thumbnail is no image. Imports: storage.files.names, PIL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from io import BytesIO
from typing import BinaryIO

from PIL import Image, ImageOps

from gridbase.storage.files.names import THUMBNAILS

log = logging.getLogger("gridbase.files")


@dataclass
class ImageInfo:
    mime_type: str | None = None  # set as soon as Pillow names the format
    is_image: bool = False
    width: int | None = None
    height: int | None = None
    thumbnails: dict[str, bytes] = field(default_factory=dict)


def probe(stream: BinaryIO) -> ImageInfo:
    info = ImageInfo()
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            info.mime_type = f"image/{image.format}".lower()
            info.thumbnails = thumbnails(image)
            info.is_image, info.width, info.height = True, image.width, image.height
    except OSError:
        pass  # not an image (or one Pillow cannot thumbnail, e.g. PSD): a plain file
    except Exception as exc:  # a decompression bomb, a broken decoder: still a plain file
        log.warning("could not make thumbnails of an upload (%s): %s", info.mime_type, exc)
    stream.seek(0)
    return info


def thumbnails(image: Image.Image) -> dict[str, bytes]:
    out = {}
    for name, (width, height) in THUMBNAILS.items():
        # a missing side keeps the aspect ratio
        if width is None and height is not None:
            width = round(image.width / image.height * height)
        elif height is None and width is not None:
            height = round(image.height / image.width * width)
        assert width is not None and height is not None
        try:
            thumbnail = ImageOps.fit(image.copy(), (width, height), Image.Resampling.LANCZOS)
        except OSError:
            continue  # Baserow skips a size it cannot make
        buffer = BytesIO()
        thumbnail.save(buffer, image.format)
        out[name] = buffer.getvalue()
    return out
