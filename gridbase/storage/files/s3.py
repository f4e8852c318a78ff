"""Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 ...). Needs boto3:
`pip install 'gridbase[s3]'`. Imports: config, storage.files.base.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from gridbase.config import Settings
from gridbase.storage.files.base import CHUNK, Stored


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        try:
            import boto3
        except ImportError:
            raise RuntimeError(
                "GRIDBASE_FILES_STORAGE=s3 needs boto3: pip install 'gridbase[s3]'"
            ) from None
        if not settings.s3_bucket:
            raise RuntimeError("GRIDBASE_FILES_STORAGE=s3 needs GRIDBASE_S3_BUCKET")
        secret = settings.s3_secret_access_key.get_secret_value()
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region or None,
            # empty: boto3's own chain (environment, instance role, ...)
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=secret or None,
        )
        return cls(client, settings.s3_bucket, settings.s3_prefix)

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def save(self, path: str, data: BinaryIO) -> None:
        data.seek(0)
        self.client.upload_fileobj(data, self.bucket, self._key(path))

    def move_in(self, path: str, source: Path) -> None:
        try:  # a multipart upload for a large file, read from disk a part at a time
            self.client.upload_file(str(source), self.bucket, self._key(path))
        finally:
            source.unlink(missing_ok=True)

    def delete(self, path: str) -> None:
        # S3 answers a delete of a missing key with success too
        self.client.delete_object(Bucket=self.bucket, Key=self._key(path))

    def open(self, path: str) -> Stored | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(path))
        except self.client.exceptions.NoSuchKey:
            return None
        except Exception as exc:  # botocore's ClientError: a missing key may be a plain 404
            if _status(exc) == 404:
                return None
            raise
        body = answer["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        return Stored(size=int(answer["ContentLength"]), local_path=None, chunks=chunks())


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status is not None else None
    return None
