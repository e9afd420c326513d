"""The page pipeline (``reading.read_pages``) with a real cache in a local object store, real
Tesseract and real PyMuPDF."""

from __future__ import annotations

from pathlib import Path

from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.reading import PagePlan, PageRead, StoreCache, read_pages
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.pdfs import entry, make_image_only, make_pdf


def test_a_first_reading_is_the_one_a_rerun_gets_from_the_cache(tmp_path: Path) -> None:
    """A scanned page's words carry measured boxes, confidences and weights; the cache keeps
    them rounded. The first run must see what a rerun from the cache sees, or a confidence at
    the threshold's edge sends a record to review in one run and not in the other."""
    texts, y = [], 90.0
    for heading, body in [("CHEM 101 General Chemistry I", ["Atoms and bonding."]),
                          ("BIOL 210 Cell Biology", ["Membranes and organelles."])]:
        made, y = entry(72, y, heading, body, size=11, leading=14)
        texts += made
    scan = make_image_only(make_pdf(tmp_path / "born.pdf", [texts]), tmp_path / "scan.pdf")
    cache = StoreCache(store=LocalObjectStore(root=tmp_path / "objects"))
    plan = [PagePlan(number=1, ocr=True, identity="page-1")]

    def read() -> list[PageRead]:
        return list(read_pages(scan, plan, engine=lambda: TesseractEngine(workers=1), dpi=200,
                               cache=cache, repair=False))

    (first,) = read()
    (again,) = read()
    assert (first.cached, again.cached) == (False, True)
    assert first.uri == again.uri
    assert first.page == again.page
    assert any(word.weight for line in first.page.lines for word in line.words)
