"""Object store: bytes addressed by keys such as ``raw/<catalog>/<file>.pdf``, named by URI."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol
from urllib.parse import unquote, urlsplit

from ocr_pipeline.errors import ObjectNotFoundError

logger = logging.getLogger(__name__)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class ObjectStore(Protocol):
    """What the pipeline needs from an object store (a local folder, or S3)."""

    def put_bytes(self, key: str, data: bytes) -> str:
        """Store ``data`` under ``key`` atomically; return the object's URI."""
        ...

    def put_file(self, key: str, path: Path) -> str:
        """Store a copy of the local file ``path`` under ``key``; return the object's URI."""
        ...

    def put_json(self, key: str, value: object) -> str:
        """Store ``value`` as compact UTF-8 JSON under ``key``; return the object's URI."""
        ...

    def get_bytes(self, uri_or_key: str) -> bytes:
        """The object's bytes; ``ObjectNotFoundError`` if there is none."""
        ...

    def get_json(self, uri_or_key: str) -> Any:
        """The object parsed as JSON; ``ObjectNotFoundError`` if there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def uri(self, key: str) -> str: ...

    def path(self, key: str) -> Path:
        """A local file for reading the object (a remote store would fetch it into a cache)."""
        ...


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON, as every object store writes it (NaN refused)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def validate_key(key: str) -> str:
    """``key`` itself if it is a relative ``/``-separated path with no empty, ``.``, ``..`` part."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"invalid object key {key!r}: must be a non-empty string")
    if key.startswith("/"):
        raise ValueError(f"invalid object key {key!r}: must be relative (no leading '/')")
    if "\\" in key or "\x00" in key:
        raise ValueError(f"invalid object key {key!r}: backslash and NUL are not allowed")
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise ValueError(f"invalid object key {key!r}: empty, '.' or '..' path segment")
    return key


class LocalObjectStore:
    """Objects as files under ``root``, named by ``file://`` URIs. Writes are atomic."""

    def __init__(self, *, root: Path) -> None:
        self.root = Path(root).resolve()

    def put_bytes(self, key: str, data: bytes) -> str:
        self._write(key, lambda out: out.write(data))
        return self.uri(key)

    def put_file(self, key: str, path: Path) -> str:
        with open(path, "rb") as source:
            self._write(key, lambda out: shutil.copyfileobj(source, out))
        return self.uri(key)

    def put_json(self, key: str, value: object) -> str:
        return self.put_bytes(key, json_bytes(value))

    def get_bytes(self, uri_or_key: str) -> bytes:
        key = self._key(uri_or_key)
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFoundError(self.uri(key)) from None

    def get_json(self, uri_or_key: str) -> Any:
        return json.loads(self.get_bytes(uri_or_key).decode("utf-8"))

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def uri(self, key: str) -> str:
        return self.path(key).as_uri()

    def path(self, key: str) -> Path:
        """The local file of ``key`` (whether or not it exists yet)."""
        return self.root.joinpath(*validate_key(key).split("/"))

    def _key(self, uri_or_key: str) -> str:
        if uri_or_key.startswith("file:"):
            parts = urlsplit(uri_or_key)
            if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
                raise ValueError(f"not a local file URI: {uri_or_key!r}")
            local = PurePosixPath(os.path.normpath(unquote(parts.path)))
            if not local.is_relative_to(self.root.as_posix()):
                raise ValueError(f"{uri_or_key!r} is outside this object store ({self.root})")
            return validate_key(local.relative_to(self.root.as_posix()).as_posix())
        if _SCHEME.match(uri_or_key):
            raise ValueError(f"{uri_or_key!r} is not a URI of this object store ({self.root})")
        return validate_key(uri_or_key)

    def _write(self, key: str, fill: Callable[[IO[bytes]], object]) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        logger.debug("wrote %s", target)
