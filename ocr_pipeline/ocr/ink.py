"""Bold type in a scanned page, from the ink: OCR reads letters, not weight.

A bold word's strokes are measurably wider than the body text's. The width of a word's strokes
is taken as the mean length of the middle half of the dark runs across its rows (stems),
over the word's type size (larger type has wider strokes without being bold), relative to the
page's usual stroke; words clearly above it are marked bold, so a scan's headings are set apart
as a text layer's are.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ocr_pipeline.catalog.models import Line, Word

HEAVY = 1.35
"""A word whose strokes are this much wider than the page's usual stroke is bold."""
_DARK = 128
_MIN_LETTERS = 2
_SHORT = 3


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
        flags = _bridged([widths[id(w)] >= HEAVY * body for w in line.words], line.words)
        marked.append(replace(line, words=tuple(
            replace(w, bold=flag, weight=round(widths[id(w)] / body, 3))
            for w, flag in zip(line.words, flags, strict=True))))
    return marked


def _bridged(flags: list[bool], words: Sequence[Word]) -> list[bool]:
    """A short word, or one word, between bold words is bold too, and so is a first word before
    two bold ones: a measure of a few strokes (``in``, ``of``, ``I``, capitals) is noisy, and
    type changes at phrase ends, not inside them."""
    out = list(flags)
    if len(flags) >= 3 and not flags[0] and flags[1] and flags[2]:
        out[0] = True  # a line's first word (a code's capitals) measures thinner than it is
    for k in range(1, len(flags)):
        if flags[k] or not flags[k - 1]:
            continue
        last = k == len(flags) - 1
        if (last and len(words[k].text) <= _SHORT) or (not last and any(flags[k + 1:k + 3]) and (
            len(words[k].text) <= _SHORT or flags[k + 1]
        )):
            out[k] = True  # "Game Design I": a one-stroke numeral ends the bold title
    return out


def stroke_width(image: np.ndarray, word: Word, *, scale: float) -> float:
    """Mean length in pixels of the middle half of the dark runs across the rows of ``word``'s
    box (0: no ink)."""
    x0, y0, x1, y1 = (int(round(v * scale)) for v in word.bbox)
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
