"""One page pipeline: the pages of a catalog read once each, from the text layer or by an OCR
engine, through an optional cache.

``extract`` (the CLI, the benchmarks) and ``stages.read_all_pages`` (the Dagster assets, the
Pipes and ECS workers) read pages through ``read_pages``; they differ only in how they plan the
pages (classified on the spot, or from the ``page_images`` manifest) and in their cache (none,
or the object store). Engines return words with boxes and confidences; line assembly and
reading order run later, on the cached words (``catalog.stream``), so a layout fix reaches
pages read before it. A cached page is keyed by the page's identity and the engine's name and
version only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pymupdf

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.repair import has_garbled_words, repair_garbled_words
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.ocr.text_layer import TextLayerEngine
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PagePlan:
    """How one page is to be read."""

    number: int
    ocr: bool
    """Read by the OCR engine; else from the text layer."""
    identity: str = ""
    """What the page's cached reading is keyed by (its content's hash); empty: not cached."""
    text: dict[str, Any] | None = None
    """The text layer's dict, when the planner has it already (read once)."""


@dataclass(frozen=True, slots=True)
class PageRead:
    plan: PagePlan
    page: PageText
    cached: bool
    uri: str = ""
    """Where the reading is kept (with a cache)."""


class PageCache(Protocol):
    def get(self, key: str) -> tuple[PageText, str] | None:
        """The cached reading under ``key`` and its URI, or None."""
        ...

    def put(self, key: str, page: PageText) -> str:
        """Keep ``page`` under ``key``; its URI."""
        ...


class StoreCache:
    """Page readings kept in an object store (``ocr/cache/<engine>/<version>/<identity>``)."""

    def __init__(self, *, store: ObjectStore) -> None:
        self.store = store

    def get(self, key: str) -> tuple[PageText, str] | None:
        if not self.store.exists(key):
            return None
        return PageText.from_dict(self.store.get_json(key)), self.store.uri(key)

    def put(self, key: str, page: PageText) -> str:
        return self.store.put_json(key, page.to_dict())


def cache_key(identity: str, *, engine: str, version: str) -> str:
    return f"ocr/cache/{engine}/{version}/{identity}.json"


def read_pages(pdf: Path, plan: Iterable[PagePlan], *, engine: Callable[[], OcrEngine],
               dpi: int, cache: PageCache | None = None, repair: bool = True,
               progress: Callable[[PageRead], None] | None = None) -> Iterator[PageRead]:
    """Read the planned pages of ``pdf``: text-layer pages first, in order, then the OCR pages
    in one batch (the engine spreads them over its workers). Cached readings are not read
    again. ``plan`` may be a generator (a page's text dict is let go once read); ``engine``
    makes the OCR engine, made only when a page needs it (a model may take long to load).
    ``repair``: text-layer words with unmapped glyphs are read again by Tesseract."""
    text_layer = TextLayerEngine()
    line_ocr = TesseractEngine(psm=6, workers=1) if repair else None
    to_ocr: list[PagePlan] = []
    ocr: list[OcrEngine] = []

    def reader(item: PagePlan) -> OcrEngine:
        if not item.ocr:
            return text_layer
        if not ocr:
            ocr.append(engine())
        return ocr[0]

    def key(item: PagePlan) -> str | None:
        if cache is None or not item.identity:
            return None
        used = reader(item)
        return cache_key(item.identity, engine=used.name, version=used.version)

    def kept(item: PagePlan, page: PageText) -> PageRead:
        if item.ocr:
            # the reading as the cache keeps it (confidences, weights and boxes rounded), cache
            # or not: a confidence at the threshold's edge goes the same way on a rerun. A text
            # layer's words are sure and unweighed (rounding them changed none of the 17,706
            # records of the dev catalogs) and a round trip costs a third of their reading.
            page = PageText.from_dict(page.to_dict())
        where = key(item)
        read = PageRead(plan=item, page=page, cached=False,
                        uri=cache.put(where, page) if cache is not None and where else "")
        if progress:
            progress(read)
        return read

    with CatalogPdf(pdf) as document:
        for item in plan:
            where = key(item)
            hit = cache.get(where) if cache is not None and where else None
            if hit is not None:
                read = PageRead(plan=item, page=hit[0], cached=True, uri=hit[1])
                if progress:
                    progress(read)
                yield read
            elif item.ocr:
                to_ocr.append(item)
            else:
                yield kept(item, read_text_page(document.page(item.number), number=item.number,
                                                text=item.text, line_ocr=line_ocr))
    if to_ocr:
        used = reader(to_ocr[0])
        logger.info("%s: OCR of %d page(s) at %d dpi by %s", pdf.name, len(to_ocr), dpi,
                    used.name)
        by_number = {item.number: item for item in to_ocr}
        for page in used.read_pages(pdf, list(by_number), dpi=dpi):
            yield kept(by_number[page.page], page)


def read_text_page(page: pymupdf.Page, *, number: int, line_ocr: TesseractEngine | None,
                   text: dict[str, Any] | None = None) -> PageText:
    """Read a page from its text layer; words with unmapped glyphs are read again by
    ``line_ocr`` (None: leave them, at low confidence)."""
    page_text = TextLayerEngine().read_page(page, number=number, text=text)
    if line_ocr is not None and has_garbled_words(page_text):
        page_text = repair_garbled_words(page_text, page=page, engine=line_ocr)
    return page_text
