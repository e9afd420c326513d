"""Ink beside a line that Tesseract read no word from.

Tesseract's page layout analysis sometimes sets a narrow stack of words apart from the lines
they open and drops it: the subject ``AAI`` printed before each of five course numbers in a
monospace catalog came back once, the number and title of the other four without it, and
their courses were lost in the entry above. Such ink lies on a line's own baseline, just
before its first word or after its last, where no word was read; here it is found in the
page's pixels, so that the engine can read it again on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ocr_pipeline.catalog.models import Line

_DARK = 128
_REACH = 4.0
"""How far beside a line (in its heights) missed ink may start: a word or two."""
_GAP = 1.2
"""Blank columns (in line heights) that end a run of missed ink: more than a word space."""
_MIN_TALL = 0.5
"""Missed ink must stand at least this share of the line's height: letters, not specks."""
_MARGIN = 0.15
"""Word boxes are widened by this share of the line's height before ink counts as missed."""
_MIN_WIDE = 1.0
"""Unread ink between two words must be this wide (in line heights) to be a word: a rule or
a bullet between words is narrower."""


def missed_spans(image: np.ndarray, lines: Sequence[Line], *, scale: float
                 ) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of ink on a line's band, just before its first word or
    after its last, that no word of ``lines`` (boxes in points, ``scale`` pixels a point)
    covers, in ``image`` (8-bit grayscale)."""
    free = _free_ink(image, lines, scale=scale)
    spans = []
    for line in lines:
        x0, y0, x1, y1 = (round(v * scale) for v in line.bbox)
        height = max(y1 - y0, 1)
        band = free[y0:y1 + 1]
        reach = round(_REACH * height)
        left = _run(band[:, max(x0 - reach, 0):x0][:, ::-1], height=height)
        if left is not None:
            spans.append((x0 - left[1], y0, x0 - left[0], y1))
        right = _run(band[:, x1 + 1:x1 + 1 + reach], height=height)
        if right is not None:
            spans.append((x1 + 1 + right[0], y0, x1 + 1 + right[1], y1))
    return spans


def unread_gaps(image: np.ndarray, lines: Sequence[Line], *, scale: float
                ) -> list[tuple[int, int, float]]:
    """Ink between two words of a line that no word covers, letter-tall and at least a short
    word wide (``Theatre/Acting`` read as ``Theatre/`` with ``Acting``'s ink left between it
    and ``Studio``): (line index, index of the word before it, where the ink ends in points)
    for each, in ``image`` (8-bit grayscale; boxes in points, ``scale`` pixels a point)."""
    free = _free_ink(image, lines, scale=scale)
    gaps = []
    for index, line in enumerate(lines):
        for k, (word, after) in enumerate(zip(line.words, line.words[1:], strict=False)):
            y0 = round(min(word.bbox[1], after.bbox[1]) * scale)
            y1 = round(max(word.bbox[3], after.bbox[3]) * scale)
            height = max(y1 - y0, 1)
            start = round(word.bbox[2] * scale) + 1
            run = _run(free[y0:y1 + 1, start:round(after.bbox[0] * scale)], height=height)
            if run is not None and run[1] - run[0] >= _MIN_WIDE * height:
                gaps.append((index, k, (start + run[1]) / scale))
    return gaps


def _free_ink(image: np.ndarray, lines: Sequence[Line], *, scale: float) -> np.ndarray:
    """Where ``image`` has ink that no word box of ``lines`` (widened a little) covers."""
    ink = image < _DARK
    covered = np.zeros_like(ink)
    for line in lines:
        for word in line.words:
            pad = _MARGIN * (word.bbox[3] - word.bbox[1]) * scale
            x0, y0, x1, y1 = (round(v * scale) for v in word.bbox)
            covered[max(round(y0 - pad), 0):round(y1 + pad) + 1,
                    max(round(x0 - pad), 0):round(x1 + pad) + 1] = True
    return ink & ~covered


def _run(band: np.ndarray, *, height: int) -> tuple[int, int] | None:
    """The first run of inked columns of ``band`` (counted from the line's edge outward),
    letter-tall, as (first, past last) column; None if there is none."""
    inked = np.nonzero(band.any(axis=0))[0] if band.size else np.zeros(0, dtype=np.int64)
    if not len(inked):
        return None
    start = end = int(inked[0])
    for column in inked[1:]:
        if column - end > _GAP * height:
            break
        end = int(column)
    rows = np.nonzero(band[:, start:end + 1].any(axis=1))[0]
    if rows[-1] - rows[0] + 1 < _MIN_TALL * height:
        return None
    return start, end + 1
