"""The catalog pipeline in stages, each reading and writing the object store.

One function per asset of the Dagster graph (ARCHITECTURE.md, "The asset graph"); the asset bodies
only call these. Bytes (PDFs, PNGs, page text) go to the object store and travel as URIs.
Per-page outputs are cached by (page sha256, engine, engine version), so a re-run, or a
worker killed mid-catalog and started again, skips the pages already read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ocr_pipeline.catalog.credits import parse_credits
from ocr_pipeline.catalog.models import CourseRecord, PageKind, PageText
from ocr_pipeline.catalog.parse import CatalogReading
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import OcrError
from ocr_pipeline.extract import parse_catalog
from ocr_pipeline.intake import RawCatalog, load_raw
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.engines import make_engine
from ocr_pipeline.ocr.orient import upright_clip
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.reading import PagePlan, PageRead, StoreCache, read_pages
from ocr_pipeline.review.consensus import normalize
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
"""Called with (pages done, pages in all)."""


@dataclass(frozen=True, slots=True)
class PageEntry:
    page: int
    kind: PageKind
    reason: str
    sha256: str
    """Identity of the page's reading: the catalog's bytes, the page, and for a scanned page
    the dpi it is read at (the cache key of its outputs)."""


@dataclass(slots=True)
class PageManifest:
    catalog_id: str
    raw_key: str
    raw_uri: str
    sha256: str
    dpi: int
    pages: list[PageEntry] = field(default_factory=list)

    def kinds(self) -> Counter[str]:
        return Counter(p.kind for p in self.pages)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageManifest:
        return cls(**{**data, "pages": [PageEntry(**p) for p in data["pages"]]})


def manifest_key(catalog_id: str) -> str:
    return f"pages/{catalog_id}/manifest.json"


def inventory_pages(*, raw: RawCatalog, store: ObjectStore, dpi: int) -> PageManifest:
    """Classify every page: born-digital (read from its text layer) or scanned (read by OCR,
    which renders the page itself at ``dpi``)."""
    manifest = PageManifest(catalog_id=raw.catalog_id, raw_key=raw.key, raw_uri=raw.uri,
                            sha256=raw.sha256, dpi=dpi)
    with CatalogPdf(store.path(raw.key)) as pdf:
        for number in range(1, pdf.page_count + 1):
            page_class = pdf.classify(number)
            reading = f"{raw.sha256}:{number}" + (
                f":{dpi}" if page_class.kind == "scanned" else "")
            manifest.pages.append(PageEntry(page=number, kind=page_class.kind,
                                            reason=page_class.reason,
                                            sha256=hashlib.sha256(reading.encode()).hexdigest()))
    store.put_json(manifest_key(raw.catalog_id), manifest.to_dict())
    return manifest


@dataclass(slots=True)
class OcrSummary:
    pages: int
    cached: int
    methods: dict[str, int]
    seconds: float
    index_uri: str
    turned: dict[int, int] = field(default_factory=dict)
    """Page -> clockwise degrees a scan was turned to be read upright (pages fed turned)."""
    deskewed: int = 0
    """Scanned pages levelled before reading."""

    @property
    def pages_per_second(self) -> float:
        return (self.pages - self.cached) / self.seconds if self.seconds else 0.0

    def metadata(self) -> dict[str, object]:
        """Plain values, for a Dagster materialization in process or through Pipes."""
        return {
            "pages": self.pages,
            "cached_pages": self.cached,
            "methods": ", ".join(f"{n} {m}" for m, n in sorted(self.methods.items())),
            "seconds": round(self.seconds, 2),
            "pages_per_second": round(self.pages_per_second, 2),
            "index_uri": self.index_uri,
            "turned_pages": turned_pages(self.turned),
            "deskewed_pages": self.deskewed,
        }


def turned_pages(turned: dict[int, int]) -> str:
    """``12: 90, 40: 180`` (page: clockwise degrees), or ``none``."""
    return ", ".join(f"{page}: {degrees}" for page, degrees in sorted(turned.items())) or "none"


def index_key(catalog_id: str) -> str:
    return f"ocr/{catalog_id}/index.json"


PageRange = tuple[int, int]
"""First and last 1-based page number, both included."""


def range_index_key(catalog_id: str, pages: PageRange) -> str:
    return f"ocr/{catalog_id}/ranges/{pages[0]:05d}-{pages[1]:05d}.json"


def page_ranges(page_count: int, *, size: int) -> list[PageRange]:
    """Split pages 1..page_count into consecutive ranges of at most ``size`` pages."""
    if size < 1:
        raise ValueError(f"page range size must be at least 1, not {size}")
    return [(first, min(first + size - 1, page_count)) for first in range(1, page_count + 1, size)]


def merge_range_indexes(*, manifest: PageManifest, ranges: list[PageRange],
                        store: ObjectStore) -> str:
    """Join the per-range indexes that workers wrote into the catalog's index; every page of
    the manifest must be in one, else ``OcrError`` names the missing pages."""
    index: dict[int, str] = {}
    for pages in ranges:
        part: dict[str, str] = store.get_json(range_index_key(manifest.catalog_id, pages))
        index.update({int(number): uri for number, uri in part.items()})
    missing = sorted({entry.page for entry in manifest.pages} - set(index))
    if missing:
        shown = ", ".join(map(str, missing[:20])) + (" ..." if len(missing) > 20 else "")
        raise OcrError(f"{manifest.catalog_id}: no OCR output for page(s) {shown}")
    return store.put_json(index_key(manifest.catalog_id),
                          {str(n): index[n] for n in sorted(index)})


def scanned_page_engine(name: str, *, workers: int | None, service_url: str,
                        model_path: str) -> OcrEngine:
    """The engine for scanned pages; the remote engine's key comes from ``OCR_API_KEY`` in the
    environment, so it never sits in run configuration."""
    return make_engine(name, workers=workers, service_url=service_url,
                       model_path=model_path or None,
                       api_key=os.environ.get("OCR_API_KEY", ""))


PROGRESS_EVERY = 10
"""Pages between two progress lines."""


def progress_lines(log: Callable[[str], None]) -> ProgressFn:
    """A progress callback writing ``read 10/120 pages`` to ``log`` every ten pages, and at
    the end."""
    def report(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            log(f"read {done}/{total} pages")

    return report


def read_catalog_pages(*, catalog_id: str, store: ObjectStore, engine: OcrEngine,
                       workers: int | None, progress: ProgressFn | None = None,
                       pages: PageRange | None = None) -> OcrSummary:
    """``read_all_pages`` of the catalog's manifest (written by ``page_images``): what a
    step reading in its own process and a Pipes or ECS worker both run."""
    manifest = PageManifest.from_dict(store.get_json(manifest_key(catalog_id)))
    return read_all_pages(manifest=manifest, store=store, workers=workers, engine=engine,
                          progress=progress, pages=pages)


def read_all_pages(
    *,
    manifest: PageManifest,
    store: ObjectStore,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    pages: PageRange | None = None,
    engine: OcrEngine | None = None,
) -> OcrSummary:
    """Read every page of the manifest through the one page pipeline (``reading``), cached in
    the object store: the text layer, or ``engine`` for scanned pages (default Tesseract with
    ``workers`` pages read at once).

    With ``pages``, only that range is read and its index goes to ``range_index_key`` (a
    worker among several; ``merge_range_indexes`` joins them), else the catalog's index.
    """
    started = time.perf_counter()
    plan = [PagePlan(number=entry.page, ocr=entry.kind == "scanned", identity=entry.sha256)
            for entry in manifest.pages if pages is None or pages[0] <= entry.page <= pages[1]]
    index: dict[int, str] = {}
    summary = OcrSummary(pages=len(plan), cached=0, methods={}, seconds=0.0, index_uri="")

    def done(read: PageRead) -> None:
        index[read.plan.number] = read.uri
        summary.cached += read.cached
        summary.methods[read.page.method] = summary.methods.get(read.page.method, 0) + 1
        if read.page.rotation:
            summary.turned[read.plan.number] = read.page.rotation
        summary.deskewed += read.page.skew != 0.0
        if progress:
            progress(len(index), len(plan))

    for _ in read_pages(store.path(manifest.raw_key), plan, dpi=manifest.dpi,
                        cache=StoreCache(store=store), progress=done,
                        engine=lambda: engine or TesseractEngine(workers=workers)):
        pass  # each page is kept in the cache as it is read
    key = (index_key(manifest.catalog_id) if pages is None
           else range_index_key(manifest.catalog_id, pages))
    summary.index_uri = store.put_json(key, {str(n): index[n] for n in sorted(index)})
    summary.seconds = time.perf_counter() - started
    return summary


def load_pages(*, catalog_id: str, store: ObjectStore) -> list[PageText]:
    index: dict[str, str] = store.get_json(index_key(catalog_id))
    return [PageText.from_dict(store.get_json(index[n])) for n in sorted(index, key=int)]


def load_page(*, catalog_id: str, number: int, store: ObjectStore) -> PageText:
    index: dict[str, str] = store.get_json(index_key(catalog_id))
    return PageText.from_dict(store.get_json(index[str(number)]))


def build_candidates(
    *, manifest: PageManifest, store: ObjectStore, threshold: float
) -> tuple[CatalogReading, list[CourseRecord]]:
    """Learn the catalog's profile from its pages and parse them into course records with
    confidence and status."""
    pages = load_pages(catalog_id=manifest.catalog_id, store=store)
    return parse_catalog(pages, name=Path(manifest.raw_uri).name, catalog=manifest.catalog_id,
                         source_uri=manifest.raw_uri, source_sha256=manifest.sha256,
                         threshold=threshold)


def save_candidates(*, catalog_id: str, records: list[CourseRecord], store: ObjectStore) -> str:
    rows = [record.to_dict() for record in records]
    return store.put_json(f"records/{catalog_id}/candidates.json", rows)


def save_profile(*, catalog_id: str, reading: CatalogReading, store: ObjectStore) -> str:
    """The catalog's learned profile (with its course pages) as JSON; its URI."""
    return store.put_json(f"records/{catalog_id}/profile.json", reading.learned.to_dict())


def load_candidates(*, catalog_id: str, store: ObjectStore) -> list[CourseRecord]:
    rows = store.get_json(f"records/{catalog_id}/candidates.json")
    return [CourseRecord.from_dict(row) for row in rows]


def render_crop(*, catalog_id: str, record: CourseRecord, store: ObjectStore, dpi: int = 150) -> str:
    """PNG of the record's region on its page (with a margin), for reviewers; its URI."""
    key = f"review/{catalog_id}/crops/{record.record_id}.png"
    if not store.exists(key):
        raw = load_raw(catalog_id=catalog_id, store=store)
        page = load_page(catalog_id=catalog_id, number=record.page, store=store)
        with CatalogPdf(store.path(raw.key)) as pdf:
            if page.rotation or page.skew:  # the record's box is on the page as it was read
                gray = np.asarray(pdf.render_gray(record.page, dpi=dpi).pil_image())
                png = upright_clip(gray, record.bbox, dpi=dpi, rotation=page.rotation,
                                   skew=page.skew)
            else:
                png = pdf.render_clip(record.page, record.bbox, dpi=dpi)
            store.put_bytes(key, png)
    return store.uri(key)


def review_decisions(*, catalog_id: str, store: ObjectStore) -> dict[str, dict[str, Any]]:
    """Final review decisions so far (record_id -> consensus decision with its evidence)."""
    key = f"review/{catalog_id}/decisions.json"
    return dict(store.get_json(key)) if store.exists(key) else {}


def accepted_records(
    records: list[CourseRecord], decisions: dict[str, dict[str, Any]]
) -> tuple[list[CourseRecord], int]:
    """Records that belong in validated_courses (reviewed ones with the reviewers' values),
    and how many still wait for review."""
    accepted: list[CourseRecord] = []
    waiting = 0
    for record in records:
        decision = decisions.get(record.record_id)
        if record.status == "auto_accepted":
            accepted.append(record)
        elif decision is None:
            waiting += 1
        elif decision["status"] == "validated":
            accepted.append(apply_review(record, decision))
    return accepted, waiting


def apply_review(record: CourseRecord, decision: dict[str, Any]) -> CourseRecord:
    """The record with the reviewers' accepted values; a field they were not asked about keeps
    its extracted value."""
    fields = decision["fields"]
    credits = parse_credits(fields.get("credits_text", record.credits_text or ""))
    return replace(
        record,
        **_reviewed_code(record, fields.get("course_code")),
        title=fields.get("title", record.title),
        credits_text=credits.text if credits else None,
        credits_min=credits.low if credits else None,
        credits_max=credits.high if credits else None,
        description=fields.get("description", record.description),
        prerequisites=_reviewed_requisites(fields, "prerequisites", record.prerequisites),
        corequisites=_reviewed_requisites(fields, "corequisites", record.corequisites),
        status="validated",
        review={key: decision[key] for key in ("answers_bought", "agreement", "workers",
                                                "evidence") if key in decision},
    )


def _reviewed_code(record: CourseRecord, value: str | None) -> dict[str, str]:
    """``course_code`` normalized, with ``subject`` and ``number`` split from it at its last
    space, when reviewers changed the code; nothing to change otherwise."""
    code = normalize("course_code", value) if value is not None else record.course_code
    if code == record.course_code:
        return {}
    subject, _, number = code.rpartition(" ")
    if not subject:
        logger.warning("%s: reviewed course code %r has no subject; subject and number kept",
                       record.record_id, code)
        return {"course_code": code}
    return {"course_code": code, "subject": subject, "number": number}


def _reviewed_requisites(fields: dict[str, str], name: str, extracted: str | None) -> str | None:
    """The reviewers' text without its label and closing period (``normalize``); empty: none."""
    value = fields.get(name)
    if value is None:
        return extracted
    return normalize(name, value) or None


def confidence_histogram(records: list[CourseRecord], *, bins: int = 10) -> list[int]:
    counts = [0] * bins
    for record in records:
        counts[min(int(record.confidence * bins), bins - 1)] += 1
    return counts
