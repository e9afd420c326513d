"""A three-column catalog scanned and read by Tesseract: the bold credits that follow a bold
title (``JRNL-4991 Research 400(4) Offers...``) measure lighter than the title in the pixels,
on the heading's line or on the line the title wraps onto (``Change 400(4)``); they are the
heading's credits all the same (../shared/dev-data's course text; skipped where it is absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline.catalog.synthetic import LAYOUTS, generate_catalog
from ocr_pipeline.extract import extract_catalog

DATA = Path(__file__).resolve().parents[3] / "shared" / "dev-data"


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/dev-data is not present")
def test_credits_measured_lighter_than_their_title_are_the_headings(tmp_path: Path) -> None:
    layout = "three_column"  # as benchmarks/accuracy.py makes it
    made = generate_catalog(out_dir=tmp_path, name="three-scan", layout=layout, courses=60,
                            seed=100 + list(LAYOUTS).index(layout), scanned=True,
                            corpus=DATA / "neu_catalog" / "catalog_export.csv")
    truth = {t.course_code: t for t in made.records}
    read = {r.course_code: r for r in extract_catalog(made.pdf).records}
    assert read.keys() == truth.keys()
    wrapped = read["CIVE 5150"]  # "Climate and Atmospheric" / "Change 400(4)"
    assert (wrapped.title, wrapped.credits_min) == ("Climate and Atmospheric Change", 4)
    run_in = read["JRNL 4991"]  # "Research 400(4) Offers an opportunity..."
    assert run_in.credits_min == 4 and run_in.description.startswith("Offers")
    right = [code for code, t in truth.items()
             if (read[code].credits_min, read[code].credits_max) == (t.credits_min,
                                                                     t.credits_max)]
    assert len(right) >= 0.9 * len(truth)
