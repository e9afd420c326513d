"""Open an object store from its spec: how a worker process (Pipes subprocess or ECS task)
reaches the same store as the orchestrator that launched it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ocr_pipeline import aws
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.storage.objects import LocalObjectStore, ObjectStore
from ocr_pipeline.storage.s3_objects import S3ObjectStore

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "ocr-pipeline-cache"


def open_store(spec: dict[str, str]) -> ObjectStore:
    """``{"kind": "file", "root": ...}`` or ``{"kind": "s3", "bucket": ..., "prefix": ...,
    "region": ...}`` (local copies of S3 objects under ``cache_dir`` or the temp folder)."""
    kind = spec.get("kind")
    if kind == "file":
        return LocalObjectStore(root=Path(spec["root"]))
    if kind == "s3":
        return S3ObjectStore(client=aws.client("s3", region=spec.get("region") or None),
                             bucket=spec["bucket"], prefix=spec.get("prefix", ""),
                             cache_dir=Path(spec.get("cache_dir") or DEFAULT_CACHE))
    raise ConfigurationError(f"unknown object store kind {kind!r} in {spec}")
