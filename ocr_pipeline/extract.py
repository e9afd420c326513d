"""Catalog extraction: a PDF in, course records out, with no Dagster and no services.

Pages with a good text layer are read from it (exact, fast); the others go to OCR, spread
over the cores. This is the module the CLI, the Dagster assets and the benchmarks call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pymupdf

from ocr_pipeline.catalog.confidence import DEFAULT_THRESHOLD
from ocr_pipeline.catalog.ids import catalog_id
from ocr_pipeline.catalog.models import CourseRecord, PageText
from ocr_pipeline.catalog.parse import CatalogReading, read_catalog
from ocr_pipeline.catalog.pdf import CatalogPdf, PageClass
from ocr_pipeline.catalog.profile import CatalogProfile
from ocr_pipeline.catalog.records import build_records, method_mix
from ocr_pipeline.errors import NoCoursesFoundError
from ocr_pipeline.ocr.repair import has_garbled_words, repair_garbled_words
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.ocr.text_layer import TextLayerEngine

logger = logging.getLogger(__name__)

EngineChoice = Literal["auto", "text_layer", "tesseract"]
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
) -> tuple[list[PageText], list[PageClass]]:
    """Read every page of ``path``: text layer where it is good, OCR elsewhere."""
    line_ocr = TesseractEngine(psm=6, workers=1)
    pages: dict[int, PageText] = {}
    classes: list[PageClass] = []
    to_ocr: list[int] = []
    with CatalogPdf(path) as pdf:
        for number in range(1, pdf.page_count + 1):
            page = pdf.page(number)
            page_class, text = pdf.classify_loaded(page, number=number)
            classes.append(page_class)
            use_ocr = engine == "tesseract" or (engine == "auto" and page_class.kind == "scanned")
            if use_ocr:
                to_ocr.append(number)
                continue
            pages[number] = read_text_page(
                page, number=number, text=text, line_ocr=line_ocr if engine == "auto" else None
            )
            if progress:
                progress(1)
    if to_ocr:
        logger.info("%s: OCR of %d page(s) at %d dpi", path.name, len(to_ocr), dpi)
        for page_text in TesseractEngine(workers=workers).read_pages(path, to_ocr, dpi=dpi):
            pages[page_text.page] = page_text
            if progress:
                progress(1)
    return [pages[n] for n in sorted(pages)], classes


def read_text_page(
    page: pymupdf.Page,
    *,
    number: int,
    line_ocr: TesseractEngine | None,
    text: dict[str, Any] | None = None,
) -> PageText:
    """Read a page from its text layer; words with unmapped glyphs are read again by
    ``line_ocr`` (None: leave them, at low confidence)."""
    page_text = TextLayerEngine().read_page(page, number=number, text=text)
    if line_ocr is not None and has_garbled_words(page_text):
        page_text = repair_garbled_words(page_text, page=page, engine=line_ocr)
    return page_text


def extract_catalog(
    path: str | Path,
    *,
    engine: EngineChoice = "auto",
    dpi: int = DEFAULT_DPI,
    workers: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: ProgressFn | None = None,
) -> CatalogResult:
    """Extract the course records of one catalog PDF."""
    started = time.perf_counter()
    path = Path(path)
    pages, classes = read_pages(path, engine=engine, dpi=dpi, workers=workers, progress=progress)
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
