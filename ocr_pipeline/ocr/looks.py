"""Other looks of a scanned page that Tesseract reads poorly, and which reading to keep.

Tesseract binarizes a page with one global threshold. That fails on two kinds of copies:
- ink spread (toner, a photocopy of a photocopy) on small type fills the letters' counters and
  joins the lines: a 200 dpi copy of an 8 pt catalog page read 454 words of 713, and 243 of
  them surely;
- a worn, noisy copy, where specks join letters and the threshold lands in the noise.

A page whose first reading is poor (``reads_poorly``) is read again from ``other_looks``: the
page despeckled, the page binarized darker than Tesseract's threshold (thinner strokes, open
counters), that again at twice the size (small type gets the pixels Tesseract's line
recognizer wants), and at twice the size darker still (toner spread so far on a 150 dpi copy
that only each stroke's core is the letter: a worn Colorado College page read 25 words as its
text layer has them, 190 thinned at twice the size, 385 thinned darker). The reading with the
most surely read words is kept (``sure_count``).
On 40 degraded pages of the ten dev catalogs (toner spread and worn copies), the words read
as their text layer has them went from 21,682 to 25,516 of 30,804; the best look of each page
would give 25,700. Most pages of a fair scan read well the first time and are read once, as
before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from PIL import Image, ImageFilter

from ocr_pipeline.catalog.models import Line

SURE = 0.9
"""A word read at least this surely counts as read."""
POOR_SHARE = 0.85
"""A reading with fewer surely read words than this share is poor. First readings of the
default scan benchmark's pages are mostly 0.86-0.98 sure (a few of Hawaii's dense pages less);
of the 40 degraded pages measured, toner-spread small type 0.37-0.83, worn copies 0.31-0.75."""
DARKER = 0.7
"""A thinned look keeps as ink only pixels darker than this share of Otsu's threshold."""
DARKEST = 0.55
"""The darkest look's share of Otsu's threshold: toner spread on small type at 150 dpi."""
_DESPECKLE = 3
"""Side in pixels of the median filter that despeckles."""


def sure_count(lines: Sequence[Line]) -> int:
    """How many words of ``lines`` were read surely."""
    return sum(1 for line in lines for w in line.words if w.conf >= SURE)


def reads_poorly(lines: Sequence[Line]) -> bool:
    """Whether a page's reading has too few surely read words (or none) to be trusted as the
    best reading of its pixels."""
    words = sum(len(line.words) for line in lines)
    return not words or sure_count(lines) < POOR_SHARE * words


def other_looks(gray: np.ndarray, *, dpi: int) -> Iterator[tuple[np.ndarray, int]]:
    """The page ``gray`` (8-bit, at ``dpi``) despeckled, thinned, thinned at twice the size
    and thinned more at twice the size, each with its resolution."""
    yield np.asarray(Image.fromarray(gray).filter(ImageFilter.MedianFilter(_DESPECKLE))), dpi
    otsu = otsu_threshold(gray)
    yield _binary(gray, otsu * DARKER), dpi
    height, width = gray.shape
    larger = np.asarray(Image.fromarray(gray).resize((2 * width, 2 * height),
                                                     Image.Resampling.BICUBIC))
    yield _binary(larger, otsu * DARKER), 2 * dpi
    yield _binary(larger, otsu * DARKEST), 2 * dpi


def otsu_threshold(gray: np.ndarray) -> float:
    """The grey level that best splits ``gray``'s pixels into ink and paper (Otsu's method:
    the largest variance between the two classes)."""
    counts = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    share = counts / counts.sum()
    below = np.cumsum(share)
    level_sum = np.cumsum(share * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (level_sum[-1] * below - level_sum) ** 2 / (below * (1.0 - below))
    return float(np.argmax(np.nan_to_num(between)))


def _binary(gray: np.ndarray, threshold: float) -> np.ndarray:
    return np.where(gray < threshold, 0, 255).astype(np.uint8)
