"""Catalog extraction: a PDF in, course records out, with no Dagster and no services.

Pages with a good text layer are read from it (exact, fast); the others go to OCR, spread
over the cores. This is the module the CLI, the Dagster assets and the benchmarks call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from ocr_pipeline.catalog.confidence import DEFAULT_THRESHOLD
from ocr_pipeline.catalog.ids import catalog_id
from ocr_pipeline.catalog.models import CourseRecord, PageText
from ocr_pipeline.catalog.parse import CatalogReading, read_catalog
from ocr_pipeline.catalog.pdf import CatalogPdf, PageClass
from ocr_pipeline.catalog.profile import CatalogProfile
from ocr_pipeline.catalog.records import build_records, method_mix
from ocr_pipeline.errors import NoCoursesFoundError
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.engines import make_engine
from ocr_pipeline.reading import PagePlan
from ocr_pipeline.reading import read_pages as read_planned

logger = logging.getLogger(__name__)

EngineChoice = Literal["auto", "text_layer", "tesseract", "deepseek", "remote"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = get_args(EngineChoice)


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineOptions:
    """Where the OCR engines other than Tesseract find their model or service."""

    model_path: str | None = None
    """deepseek: the local DeepSeek-OCR model folder."""
    service_url: str = ""
    """remote: the OCR service's base URL."""
    api_key: str = ""
    """remote: its API key."""
DEFAULT_DPI = 200
ProgressFn = Callable[[int], None]
"""Called with the number of pages just finished."""


@dataclass(slots=True)
class CatalogResult:
    path: Path
    catalog_id: str
    sha256: str
    pages: list[PageText]
    page_classes: list[PageClass]
    records: list[CourseRecord]
    seconds: float
    reading: CatalogReading
    methods: dict[str, int] = field(default_factory=dict)

    @property
    def profile(self) -> CatalogProfile | None:
        return self.reading.profile


def read_pages(
    path: Path,
    *,
    engine: EngineChoice = "auto",
    dpi: int = DEFAULT_DPI,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    engines: EngineOptions | None = None,
) -> tuple[list[PageText], list[PageClass]]:
    """Read every page of ``path`` through the one page pipeline (``reading``), no cache:
    ``auto``, the text layer where it is good and OCR elsewhere; ``text_layer``, every page
    from its text layer; an OCR engine's name, every page by that engine (``engines`` says
    where deepseek's model or the remote service is)."""
    classes: list[PageClass] = []
    options = engines or EngineOptions()

    def plan() -> Iterator[PagePlan]:
        with CatalogPdf(path) as pdf:
            for number in range(1, pdf.page_count + 1):
                page_class, text = pdf.classify_loaded(pdf.page(number), number=number)
                classes.append(page_class)
                ocr = engine not in ("auto", "text_layer") or (
                    engine == "auto" and page_class.kind == "scanned")
                yield PagePlan(number=number, ocr=ocr, text=None if ocr else text)

    def ocr_engine() -> OcrEngine:
        name = "tesseract" if engine in ("auto", "text_layer") else engine
        return make_engine(name, workers=workers, model_path=options.model_path,
                           service_url=options.service_url, api_key=options.api_key)

    pages = [read.page for read in read_planned(
        path, plan(), engine=ocr_engine, dpi=dpi, repair=engine == "auto",
        progress=(lambda _: progress(1)) if progress else None)]
    return sorted(pages, key=lambda page: page.page), classes


def extract_catalog(
    path: str | Path,
    *,
    engine: EngineChoice = "auto",
    dpi: int = DEFAULT_DPI,
    workers: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: ProgressFn | None = None,
    engines: EngineOptions | None = None,
) -> CatalogResult:
    """Extract the course records of one catalog PDF."""
    started = time.perf_counter()
    path = Path(path)
    pages, classes = read_pages(path, engine=engine, dpi=dpi, workers=workers, progress=progress,
                                engines=engines)
    with CatalogPdf(path) as pdf:
        sha = pdf.sha256
    catalog = catalog_id(file_name=path.name, sha256=sha)
    reading, records = parse_catalog(pages, name=path.name, catalog=catalog,
                                     source_uri=path.resolve().as_uri(), source_sha256=sha,
                                     threshold=threshold)
    seconds = time.perf_counter() - started
    logger.info("%s: %d pages, %d records in %.1f s", path.name, len(pages), len(records), seconds)
    return CatalogResult(
        path=path,
        catalog_id=catalog,
        sha256=sha,
        pages=pages,
        page_classes=classes,
        records=records,
        seconds=seconds,
        reading=reading,
        methods=dict(method_mix(pages)),
    )


def parse_catalog(
    pages: list[PageText], *, name: str, catalog: str, source_uri: str, source_sha256: str,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[CatalogReading, list[CourseRecord]]:
    """Learn the catalog's profile, read its entries, and make its course records; a catalog
    with no course entry at all raises ``NoCoursesFoundError`` (``name`` says which)."""
    reading = read_catalog(pages)
    if not reading.entries:
        raise NoCoursesFoundError(name, f"{len(pages)} page(s) read, none has a course heading")
    records = build_records(reading.entries, pages=pages, catalog=catalog,
                            source_uri=source_uri, source_sha256=source_sha256,
                            threshold=threshold)
    return reading, records
