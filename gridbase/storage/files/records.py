"""User file rows (the `user_files` metadata table): the UserFile value, look-ups by name and
by content, insertion. Imports: storage (schema, files.names), sqlalchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from gridbase.storage import schema
from gridbase.storage.files import names

t = schema.user_files


@dataclass(frozen=True, slots=True)
class UserFile:
    id: int
    original_name: str
    original_extension: str
    unique: str
    size: int
    mime_type: str
    is_image: bool
    image_width: int | None
    image_height: int | None
    uploaded_at: datetime
    sha256_hash: str

    @property
    def name(self) -> str:
        return f"{self.unique}_{self.sha256_hash}.{self.original_extension}"

    def serialize(self) -> dict[str, Any]:
        """What a file field stores for it (Baserow's UserFile.serialize): it never changes."""
        return {
            "name": self.name,
            "size": self.size,
            "mime_type": self.mime_type,
            "is_image": self.is_image,
            "image_width": self.image_width,
            "image_height": self.image_height,
            "uploaded_at": self.uploaded_at.isoformat(),
        }

    def json(self) -> dict[str, Any]:
        """The upload endpoints' answer (Baserow's UserFileSerializer)."""
        url, thumbnails = names.file_json_urls(self.name, self.is_image)
        return {
            "size": self.size,
            "mime_type": self.mime_type,
            "is_image": self.is_image,
            "image_width": self.image_width,
            "image_height": self.image_height,
            # DRF's DateTimeField: ISO 8601 with "Z" for UTC
            "uploaded_at": self.uploaded_at.isoformat().replace("+00:00", "Z"),
            "url": url,
            "thumbnails": thumbnails,
            "name": self.name,
            "original_name": self.original_name,
        }


def _of(row: Any) -> UserFile:
    return UserFile(
        row.id,
        row.original_name,
        row.original_extension,
        row.unique,
        int(row.size),
        row.mime_type,
        bool(row.is_image),
        row.image_width,
        row.image_height,
        row.uploaded_at,
        row.sha256_hash,
    )


def by_names(conn: sa.Connection, wanted: list[str]) -> dict[str, UserFile]:
    """The user files these names name (names that are no user file's are left out)."""
    parts = {p for p in (names.deconstruct(n) for n in wanted) if p is not None}
    found: dict[str, UserFile] = {}
    hashes = sorted({sha for _, sha, _ in parts})
    for start in range(0, len(hashes), 500):
        rows = conn.execute(sa.select(t).where(t.c.sha256_hash.in_(hashes[start : start + 500])))
        for row in rows:
            record = _of(row)
            if (record.unique, record.sha256_hash, record.original_extension) in parts:
                found[record.name] = record
    return found


def by_name(conn: sa.Connection, name: str) -> UserFile | None:
    return by_names(conn, [name]).get(name)


def same_upload(conn: sa.Connection, original_name: str, sha256_hash: str) -> UserFile | None:
    """An earlier upload of the same content under the same name (Baserow answers with it
    instead of storing the file again), whoever uploaded it."""
    row = conn.execute(
        sa.select(t)
        .where(t.c.original_name == original_name, t.c.sha256_hash == sha256_hash)
        .order_by(t.c.id)
        .limit(1)
    ).first()
    return None if row is None else _of(row)


def insert(conn: sa.Connection, values: dict[str, Any]) -> UserFile:
    new_id = schema.new_id(conn.execute(t.insert().values(**values)))
    row = conn.execute(sa.select(t).where(t.c.id == new_id)).one()
    return _of(row)
