"""Object store on S3: keys live under ``s3://<bucket>/<prefix>/``, same API as LocalObjectStore.

S3 writes are atomic by themselves. ``path(key)`` keeps a local copy of the object in
``cache_dir`` (``objects/<bucket>/<s3 key>``) next to the ETag it was downloaded at
(``etags/<bucket>/<s3 key>``), and downloads again only when the ETag on S3 differs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import ClientError

from ocr_pipeline.errors import ObjectNotFoundError
from ocr_pipeline.storage.objects import json_bytes, validate_key

logger = logging.getLogger(__name__)

_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3ObjectStore:
    """Objects in one S3 bucket under an optional key prefix, named by ``s3://`` URIs.

    ``client`` is a boto3 S3 client (see ``ocr_pipeline.aws.client``); its retry configuration
    is what makes calls survive throttling and transient errors.
    """

    def __init__(self, *, client: Any, bucket: str, prefix: str = "", cache_dir: Path) -> None:
        self.client = client
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = validate_key(prefix) if prefix else ""
        self.cache_dir = Path(cache_dir)

    def put_bytes(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.bucket, Key=self._s3_key(key), Body=data)
        logger.debug("wrote %s", self.uri(key))
        return self.uri(key)

    def put_file(self, key: str, path: Path) -> str:
        """Upload ``path``; large files go up as a multipart upload, parts in parallel. The
        file also becomes the local copy ``path(key)`` returns, so it is not downloaded back."""
        self.client.upload_file(str(path), self.bucket, self._s3_key(key))
        etag = self._etag(key)
        if etag is not None:
            local, etag_file = self._cached(key)
            with open(path, "rb") as source:
                _write_atomically(local, lambda out: shutil.copyfileobj(source, out))
            _write_atomically(etag_file, lambda out: out.write(etag.encode("utf-8")))
        logger.debug("uploaded %s to %s", path, self.uri(key))
        return self.uri(key)

    def put_json(self, key: str, value: object) -> str:
        return self.put_bytes(key, json_bytes(value))

    def get_bytes(self, uri_or_key: str) -> bytes:
        key = self._key(uri_or_key)
        return self._get_object(key)["Body"].read()

    def get_json(self, uri_or_key: str) -> Any:
        return json.loads(self.get_bytes(uri_or_key).decode("utf-8"))

    def exists(self, key: str) -> bool:
        return self._etag(key) is not None

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._s3_key(key)}"

    def path(self, key: str) -> Path:
        """A local copy of the object, downloaded on first use and whenever it changed on S3."""
        local, etag_file = self._cached(key)
        current = self._etag(key)
        if current is None:
            raise ObjectNotFoundError(self.uri(key))
        if local.is_file() and etag_file.is_file() and etag_file.read_text() == current:
            return local
        response = self._get_object(key)
        with response["Body"] as body:
            _write_atomically(local, lambda out: shutil.copyfileobj(body, out))
        _write_atomically(etag_file, lambda out: out.write(response["ETag"].encode("utf-8")))
        logger.info("downloaded %s to %s", self.uri(key), local)
        return local

    def _cached(self, key: str) -> tuple[Path, Path]:
        """Where the local copy of ``key`` and the ETag it was made at are kept."""
        parts = self._s3_key(key).split("/")
        return (self.cache_dir.joinpath("objects", self.bucket, *parts),
                self.cache_dir.joinpath("etags", self.bucket, *parts))

    def _get_object(self, key: str) -> dict[str, Any]:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._s3_key(key))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _NOT_FOUND:
                raise ObjectNotFoundError(self.uri(key)) from None
            raise

    def _etag(self, key: str) -> str | None:
        """The object's current ETag, None if there is no object."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._s3_key(key))["ETag"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _NOT_FOUND:
                return None
            raise

    def _s3_key(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _key(self, uri_or_key: str) -> str:
        """The key of a key or of an ``s3://`` URI inside this bucket and prefix."""
        if uri_or_key.startswith("s3://"):
            root = f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"
            if not uri_or_key.startswith(root):
                raise ValueError(f"{uri_or_key!r} is outside this object store ({root})")
            return validate_key(uri_or_key.removeprefix(root))
        if "://" in uri_or_key:
            raise ValueError(f"{uri_or_key!r} is not an s3:// URI of this object store")
        return validate_key(uri_or_key)


def _write_atomically(target: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """Write ``target`` through a temporary file in its folder, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
