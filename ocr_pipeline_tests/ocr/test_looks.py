"""Other looks of a poorly read page: the choice to read again, and the looks themselves."""

from __future__ import annotations

import numpy as np

from ocr_pipeline.catalog.models import Line, Word, union_bbox
from ocr_pipeline.ocr.looks import other_looks, otsu_threshold, reads_poorly, sure_count


def _line(*confs: float) -> Line:
    words = tuple(Word(text="word", bbox=(10.0 * k, 0.0, 10.0 * k + 8, 8.0), conf=c, size=10.0)
                  for k, c in enumerate(confs))
    return Line(words=words, bbox=union_bbox([w.bbox for w in words]))


def test_a_reading_with_few_sure_count_is_poor() -> None:
    good = [_line(0.96, 0.95, 0.91, 0.97, 0.93, 0.96, 0.5)]  # six of seven sure
    assert sure_count(good) == 6 and not reads_poorly(good)
    poor = [_line(0.96, 0.4, 0.91), _line(0.3, 0.85)]  # two of five
    assert sure_count(poor) == 2 and reads_poorly(poor)
    assert reads_poorly([])  # nothing read at all


def test_otsu_splits_ink_from_paper() -> None:
    page = np.full((40, 40), 230, dtype=np.uint8)
    page[10:20, 5:35] = 30
    assert 30 <= otsu_threshold(page) < 230


def test_the_looks_are_despeckled_thinned_and_thinned_larger() -> None:
    rng = np.random.default_rng(0)
    page = np.full((60, 80), 235, dtype=np.uint8)
    page[20:30, 10:70] = 20  # a stroke
    page[25:35, 30:40] = 110  # ink spread around it: grey, not black
    page[32:38, 50:60] = 73  # spread darker still, toner on a worn copy
    page[5, 5] = 0  # a speck
    page = np.clip(page + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)
    (despeckled, d1), (thinned, d2), (larger, d3), (darkest, d4) = other_looks(page, dpi=200)
    assert (d1, d2, d3, d4) == (200, 200, 400, 400)
    # the darker spread stays ink thinned, and goes only from the darkest look
    assert larger[70, 110] == 0 and darkest[70, 110] == 255 and darkest[50, 40] == 0
    assert despeckled.shape == page.shape and despeckled[5, 5] > 128 and despeckled[25, 40] < 128
    assert set(np.unique(thinned)) <= {0, 255}
    assert thinned[25, 40] == 0 and thinned[32, 35] == 255  # the stroke stays, the spread goes
    assert larger.shape == (120, 160) and larger[50, 80] == 0 and larger[66, 70] == 255
