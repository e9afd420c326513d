"""A scanned word's weight, from the ink: OCR reads letters, not weight.

A bold word's strokes are measurably wider than the body text's. The width of a word's strokes
is taken as the mean length of the middle half of the dark runs across its rows (stems),
over the word's type size (larger type has wider strokes without being bold), relative to the
page's usual stroke. That number is kept with the word (``Word.weight``, in the page cache);
which words are bold is decided from it on whole printed lines (``catalog.weight``), here for
the engine's own lines and again after the cache on the lines ``catalog.assemble`` rebuilds.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ocr_pipeline.catalog.models import Line, Word
from ocr_pipeline.catalog.weight import with_bold

_DARK = 128
_MIN_LETTERS = 2


def mark_bold(lines: Sequence[Line], image: np.ndarray, *, dpi: int) -> list[Line]:
    """``lines`` with ``Word.weight`` (stroke over the page's usual stroke) and ``Word.bold``
    set from the ink of ``image`` (8-bit grayscale at ``dpi``, boxes in points)."""
    scale = dpi / 72.0
    # strokes grow with the type: measure them against the word's size
    widths = {id(w): stroke_width(image, w, scale=scale) / (w.size * scale or 1.0)
              for line in lines for w in line.words}
    usual = [v for line in lines for w in line.words
             if (v := widths[id(w)]) and sum(c.isalnum() for c in w.text) >= _MIN_LETTERS]
    if not usual:
        return list(lines)
    body = statistics.median(usual)
    marked = []
    for line in lines:
        weighed = [replace(w, weight=round(widths[id(w)] / body, 3)) for w in line.words]
        marked.append(replace(line, words=with_bold(weighed)))
    return marked


def stroke_width(image: np.ndarray, word: Word, *, scale: float) -> float:
    """Mean length in pixels of the middle half of the dark runs across the rows of ``word``'s
    box (0: no ink)."""
    x0, y0, x1, y1 = (round(v * scale) for v in word.bbox)
    dark = image[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] < _DARK
    if dark.size == 0:
        return 0.0
    edges = np.diff(np.pad(dark.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    if not len(starts[0]):
        return 0.0
    # the middle half of the runs are stems; crossbars (E, T, H) make the long ones, specks the
    # short ones
    runs = np.sort(ends[1] - starts[1])
    quarter = len(runs) // 4
    return float(runs[quarter: len(runs) - quarter].mean())
