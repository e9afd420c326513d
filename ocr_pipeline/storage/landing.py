"""Landing places where catalogs are dropped: a local folder, or an S3 prefix.

Both list their PDFs with a cheap fingerprint (size and mtime; size and ETag), so the sensor
hashes only files that are new or changed, and both lend a file as a local path for hashing
and ingesting (S3 objects are downloaded to a temporary folder, under their own name).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, Protocol
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from ocr_pipeline.errors import ConfigurationError, ObjectNotFoundError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LandedObject:
    name: str
    """File name, as the catalog id's slug takes it."""
    location: str
    """Absolute path or ``s3://`` URI; what the registry keeps as the catalog's source."""
    fingerprint: str
    """Changes when the file does (size and mtime, or size and ETag)."""
    size: int
    modified: float
    """Last change, seconds since the epoch (an S3 object is whole once listed)."""


class Landing(Protocol):
    def describe(self) -> str: ...

    def available(self) -> bool:
        """False when the folder or bucket does not exist (the sensor skips, saying why)."""
        ...

    def list(self) -> Iterator[LandedObject]:
        """Every ``*.pdf`` under the landing place, by name."""
        ...

    def local_copy(self, location: str) -> AbstractContextManager[Path]:
        """A local path holding the bytes of ``location`` while the block runs."""
        ...


class LocalLanding:
    def __init__(self, *, folder: Path) -> None:
        self.folder = Path(folder)

    def describe(self) -> str:
        return str(self.folder)

    def available(self) -> bool:
        return self.folder.is_dir()

    def list(self) -> Iterator[LandedObject]:
        for path in sorted(self.folder.iterdir()):
            if path.suffix.lower() != ".pdf":
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # gone since the listing
                continue
            except OSError as exc:  # listed as it is: reading it says why it cannot be read
                logger.debug("landing %s: %s", path, exc)
                yield LandedObject(name=path.name, location=str(path), fingerprint="",
                                   size=0, modified=0.0)
                continue
            if S_ISREG(stat.st_mode):
                yield LandedObject(name=path.name, location=str(path),
                                   fingerprint=f"{stat.st_size}:{stat.st_mtime_ns}",
                                   size=stat.st_size, modified=stat.st_mtime)

    @contextmanager
    def local_copy(self, location: str) -> Iterator[Path]:
        """The landed file itself: reading it raises the OSError that says why it cannot be."""
        yield Path(location)


class S3Landing:
    """PDFs under ``s3://bucket/prefix/``, listed page by page (``page_size`` keys a request,
    1,000 at most)."""

    def __init__(self, *, client: Any, uri: str, page_size: int = 1000) -> None:
        self.client = client
        self.bucket, self.prefix = split_s3_uri(uri)
        self.page_size = page_size

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def available(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            logger.warning("landing bucket %s: %s", self.bucket, exc)
            return False
        return True

    def list(self) -> Iterator[LandedObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix,
            PaginationConfig={"PageSize": self.page_size})
        for page in pages:
            for item in page.get("Contents", []):
                key: str = item["Key"]
                if key.lower().endswith(".pdf"):
                    yield LandedObject(name=key.rsplit("/", 1)[-1],
                                       location=f"s3://{self.bucket}/{key}",
                                       fingerprint=f"{item['Size']}:{item['ETag'].strip(chr(34))}",
                                       size=item["Size"], modified=0.0)

    @contextmanager
    def local_copy(self, location: str) -> Iterator[Path]:
        bucket, key = split_s3_uri(location)
        with tempfile.TemporaryDirectory(prefix="ocr-landing-") as tmp:
            target = Path(tmp) / key.rsplit("/", 1)[-1]
            try:
                with target.open("wb") as out:
                    body = self.client.get_object(Bucket=bucket, Key=key)["Body"]
                    shutil.copyfileobj(body, out, length=1 << 20)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    raise ObjectNotFoundError(location) from None
                raise
            yield target


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix``)."""
    parts = urlsplit(uri)
    if parts.scheme != "s3" or not parts.netloc:
        raise ConfigurationError(f"{uri!r} is not an s3://bucket/prefix URI")
    return parts.netloc, parts.path.lstrip("/")
