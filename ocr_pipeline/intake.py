"""From the landing place to registered catalogs whose bytes are kept.

A catalog is its content. When the landing sensor first sees a file's bytes it registers them
(catalog id from the name and the sha256) and keeps a raw copy in the object store at once;
every run of that catalog reads the raw copy and checks its sha256, never the landing place
again. A file later replaced under the same name is other bytes, so another catalog, and the
old catalog's re-runs still read the old bytes.

One landing entry that cannot be read (no permission, gone between listing and reading, still
being written) is skipped for this tick with its reason; the other entries are registered on
the same tick, and the skipped one is tried again on the next.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from ocr_pipeline.catalog.ids import catalog_id as make_catalog_id
from ocr_pipeline.catalog.pdf import CatalogPdf, sha256_file
from ocr_pipeline.errors import ObjectNotFoundError, RawCopyError
from ocr_pipeline.storage.landing import LandedObject, Landing
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

SETTLE_SECONDS = 60.0
"""A file changed more recently than this that does not end like a PDF yet may still be being
written: it waits for a later tick. An older one is registered (and fails its run if broken)."""
_TAIL_BYTES = 2048


class Registry(Protocol):
    def register(self, *, catalog_id: str, sha256: str, source_path: str | Path,
                 size: int) -> bool: ...

    def by_sha256(self, sha256: str) -> object | None: ...


@dataclass(frozen=True, slots=True)
class LandedFile:
    catalog_id: str
    sha256: str
    path: Path
    size: int


def identify(path: Path) -> LandedFile:
    """Content identity of a landed file: same bytes, same catalog, whatever the name."""
    sha = sha256_file(path)
    return LandedFile(catalog_id=make_catalog_id(file_name=path.name, sha256=sha), sha256=sha,
                      path=path, size=path.stat().st_size)


@dataclass(slots=True)
class Intake:
    """What one look at the landing place did."""

    registered: list[str] = field(default_factory=list)
    """Catalog ids registered (and their bytes kept) now."""
    skipped: list[str] = field(default_factory=list)
    """One line per entry left for a later tick, with its reason."""


def take_in(*, place: Landing, registry: Registry, store: ObjectStore,
            seen: dict[str, str]) -> Intake:
    """Register the new contents of ``place``. ``seen`` (location -> fingerprint, the sensor's
    cursor) is updated in place: an entry enters it only once its content is registered or
    known, so a skipped entry is looked at again next time."""
    intake = Intake()
    moment = time.time()
    for landed in place.list():
        if seen.get(landed.location) == landed.fingerprint:
            continue
        seen.pop(landed.location, None)
        try:
            catalog_id = _take(place=place, landed=landed, registry=registry, store=store,
                               recent=moment - landed.modified < SETTLE_SECONDS)
        except _StillBeingWritten as exc:
            intake.skipped.append(f"{landed.location}: still being written ({exc}); next tick")
            continue
        except (OSError, ObjectNotFoundError) as exc:
            intake.skipped.append(f"{landed.location}: cannot be read: {_reason(exc)}")
            continue
        seen[landed.location] = landed.fingerprint
        if catalog_id is not None:
            intake.registered.append(catalog_id)
    return intake


class _StillBeingWritten(Exception):
    """Internal: the entry is not whole yet; it is looked at again next tick."""


def _take(*, place: Landing, landed: LandedObject, registry: Registry, store: ObjectStore,
          recent: bool) -> str | None:
    """The catalog id registered for ``landed``, or None when its bytes are known already."""
    with place.local_copy(landed.location) as path:
        found = identify(path)
        if found.size != landed.size:
            raise _StillBeingWritten(f"{landed.size} bytes when listed, {found.size} when read")
        if recent and not _ends_like_a_pdf(path):
            raise _StillBeingWritten(f"no %%EOF yet, changed under {SETTLE_SECONDS:g} s ago")
        if registry.by_sha256(found.sha256) is not None:
            return None  # the same bytes under another name: the catalog they already are
        keep_raw(source=path, catalog_id=found.catalog_id, store=store)
    if not registry.register(catalog_id=found.catalog_id, sha256=found.sha256,
                             source_path=landed.location, size=found.size):
        return None
    logger.info("new catalog %s from %s", found.catalog_id, landed.location)
    return found.catalog_id


def _ends_like_a_pdf(path: Path) -> bool:
    """A PDF's writer ends it with ``%%EOF`` (trailing bytes allowed): a file being copied in
    has not got there yet."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        return b"%%EOF" in handle.read()


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def raw_file_key(catalog_id: str, file_name: str) -> str:
    return f"raw/{catalog_id}/{file_name}"


def keep_raw(*, source: Path, catalog_id: str, store: ObjectStore) -> str:
    """Keep the landed bytes under the catalog's id (idempotent: the key names the bytes)."""
    key = raw_file_key(catalog_id, source.name)
    return store.uri(key) if store.exists(key) else store.put_file(key, source)


@dataclass(frozen=True, slots=True)
class RawCatalog:
    catalog_id: str
    key: str
    uri: str
    sha256: str
    size: int
    pages: int


def ingest(*, catalog_id: str, file_name: str, sha256: str, store: ObjectStore) -> RawCatalog:
    """Validate the raw copy kept at registration as the registered bytes, then as a PDF (a
    broken file stays kept: ``InputError``). ``RawCopyError`` when the copy is gone or holds
    other bytes."""
    key = raw_file_key(catalog_id, file_name)
    if not store.exists(key):
        raise RawCopyError(f"{file_name}: the raw copy kept when catalog {catalog_id} was "
                           f"registered is gone from {store.uri(key)}; land the file again "
                           "under a new name to register it anew")
    path = store.path(key)
    found = sha256_file(path)
    if found != sha256:
        raise RawCopyError(f"{file_name}: the raw copy at {store.uri(key)} holds other bytes "
                           f"(sha256 {found[:12]}…) than catalog {catalog_id} registered "
                           f"({sha256[:12]}…); refusing to process it under this id")
    with CatalogPdf(path) as pdf:
        raw = RawCatalog(catalog_id=catalog_id, key=key, uri=store.uri(key), sha256=found,
                         size=path.stat().st_size, pages=pdf.page_count)
    store.put_json(_raw_key(catalog_id), asdict(raw))
    return raw


def load_raw(*, catalog_id: str, store: ObjectStore) -> RawCatalog:
    return RawCatalog(**store.get_json(_raw_key(catalog_id)))


def _raw_key(catalog_id: str) -> str:
    return f"raw/{catalog_id}/raw.json"
