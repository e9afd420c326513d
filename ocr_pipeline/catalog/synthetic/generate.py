"""``generate_catalog``: a synthetic catalog PDF plus the exact truth of every course in it."""

from __future__ import annotations

import dataclasses
import logging
import random
from dataclasses import dataclass
from pathlib import Path

from ocr_pipeline.catalog.synthetic.corpus import builtin_courses, corpus_courses, institution
from ocr_pipeline.catalog.synthetic.entries import build_entries
from ocr_pipeline.catalog.synthetic.layouts import LAYOUTS
from ocr_pipeline.catalog.synthetic.scan import make_scanned
from ocr_pipeline.catalog.synthetic.truth import TruthRecord, write_truth
from ocr_pipeline.catalog.synthetic.typeset import typeset
from ocr_pipeline.errors import OcrPipelineError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GeneratedCatalog:
    pdf: Path
    truth: Path
    """JSON Lines of ``TruthRecord.to_dict()``, one per course, in reading order."""
    records: list[TruthRecord]
    pages: int


def generate_catalog(
    *,
    out_dir: Path,
    name: str,
    layout: str = "two_column",
    courses: int = 60,
    seed: int = 0,
    scanned: bool = False,
    scan_dpi: int = 200,
    corpus: Path | None = None,
) -> GeneratedCatalog:
    """Write ``<name>.pdf`` and ``<name>.truth.jsonl`` to ``out_dir``.

    The same arguments always give the same catalog. With ``scanned`` the PDF is image-only
    (see ``make_scanned``) and the truth is the one of the born-digital original.
    """
    spec = LAYOUTS.get(layout)
    if spec is None:
        raise OcrPipelineError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if courses < 1:
        raise OcrPipelineError(f"a catalog needs at least one course, got {courses}")
    if not name or Path(name).name != name:
        raise OcrPipelineError(f"catalog name {name!r} must be a plain file name")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    if corpus is None:
        texts = builtin_courses(rng=rng, count=courses, number_digits=spec.number_digits,
                                suffix_rate=spec.number_suffix_rate)
    else:
        texts = corpus_courses(path=Path(corpus), rng=rng, count=courses)
    entries = build_entries(courses=texts, layout=spec, rng=rng)
    year = rng.randint(2019, 2025)
    pdf = out_dir / f"{name}.pdf"
    draft = out_dir / f".{name}.born-digital.pdf" if scanned else pdf
    try:
        pages, page_count = typeset(
            entries=entries, layout=spec, path=draft, header=institution(rng),
            year=f"{year}-{year + 1}", rng=random.Random(f"typeset:{seed}"),
        )
        if scanned:
            make_scanned(src=draft, dst=pdf, dpi=scan_dpi, seed=seed)
    finally:
        if scanned:
            draft.unlink(missing_ok=True)
    records = [dataclasses.replace(e.record, page=p) for e, p in zip(entries, pages)]
    truth = write_truth(out_dir / f"{name}.truth.jsonl", records)
    logger.info("synthetic catalog %s: %d courses on %d pages (%s%s)", pdf, len(records),
                page_count, layout, ", scanned" if scanned else "")
    return GeneratedCatalog(pdf=pdf, truth=truth, records=records, pages=page_count)
