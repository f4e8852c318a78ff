"""Where user files' bytes live: one small interface (FileStorage) with two implementations,
local (under the data directory, the default) and s3 (S3-compatible object storage,
`pip install 'gridbase[s3]'`). Paths are Baserow's: `user_files/<name>`,
`thumbnails/<size>/<name>` and `export_files/<name>` (names.py). Imports: config, storage.files.
"""

from __future__ import annotations

from gridbase.config import Settings
from gridbase.storage.files.base import FileStorage, Stored
from gridbase.storage.files.local import LocalStorage

__all__ = ["FileStorage", "LocalStorage", "Stored", "make_storage"]


def make_storage(settings: Settings) -> FileStorage:
    """The storage the settings choose (GRIDBASE_FILES_STORAGE)."""
    if settings.files_storage == "s3":
        from gridbase.storage.files.s3 import S3Storage  # boto3 is an optional extra

        return S3Storage.from_settings(settings)
    return LocalStorage(settings.data_dir / "media")
