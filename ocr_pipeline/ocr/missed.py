"""Ink beside a line, or away from every line, that Tesseract read no word from.

Tesseract's page layout analysis sometimes sets a narrow stack of words apart from the lines
they open and drops it: the subject ``AAI`` printed before each of five course numbers in a
monospace catalog came back once, the number and title of the other four without it, and
their courses were lost in the entry above. Such ink lies on a line's own baseline, just
before its first word or after its last, where no word was read; here it is found in the
page's pixels, so that the engine can read it again on its own.

On a worn copy the layout analysis leaves out whole paragraphs too (the lower half of a
toner-spread column, a heading and its text among them): text-like ink that no line reaches
at all is found as blocks (``missed_blocks``), to be read again as blocks, and the words just
before a block that then reads as no text are named (``words_before``): a word may be cut
short there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ocr_pipeline.catalog.models import Line, Word

_DARK = 128
_REACH = 4.0
"""How far beside a line (in its heights) missed ink may start: a word or two."""
_GAP = 1.2
"""Blank columns (in line heights) that end a run of missed ink: more than a word space."""
_MIN_TALL = 0.4
"""Missed ink must stand at least this share of the line's height: letters, not specks. A
line's box reaches from its parentheses' tops to its descenders, and the line below's word
boxes, widened, may cover those: Hawaii's ``Responder``, left unread between ``Medical`` and
``(4)`` on a 150 dpi copy, stood 0.48 of its line's height where it was free."""
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


_CELL = 0.5
"""Side of the grid cells free ink is counted in, in line heights."""
_CELL_INK = 0.05
"""A cell with at least this share of free ink is inked: letters fill 15-30% of a cell, a
speck or the noise of a worn copy a few pixels."""
_BLOCK_TALL = 2
_BLOCK_WIDE = 6
"""A missed block spans at least this many cells down and across: a line of a word or two
(``ENME473`` beside a title read from a block of its own)."""
_BLOCK_FILL = 0.3
"""And at least this share of its box's cells are inked: text rows, not a rule or a frame."""
_NEIGHBOURS = ((1, 0), (-1, 0), (2, 0), (-2, 0), (0, 1), (0, -1), (0, 2), (0, -2))
_REACH_INTO = 0.5
"""A word ends before a block if it ends no further into it than this share of the block's
height (the block is read a cell wider than its ink)."""
_ROW_INK = 0.02
"""A pixel row of a block with this share of free ink crosses letters."""
_BLOCK_LETTER = 0.5
"""A block's rows that cross letters span at least this share of a line's height."""


def missed_blocks(image: np.ndarray, lines: Sequence[Line], *, scale: float
                  ) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of text-like ink that no line of ``lines`` reaches: lines
    and paragraphs Tesseract's layout analysis left out whole (a toner-spread column's lower
    half on a worn copy), in ``image`` (8-bit grayscale; boxes in points, ``scale`` pixels a
    point)."""
    heights = [(w.bbox[3] - w.bbox[1]) * scale for line in lines for w in line.words]
    if not heights:
        return []
    cell = max(round(_CELL * float(np.median(heights))), 2)
    free = _free_ink(image, lines, scale=scale)
    rows, columns = free.shape[0] // cell, free.shape[1] // cell
    density = free[:rows * cell, :columns * cell].reshape(rows, cell, columns, cell).mean(
        axis=(1, 3))
    inked = density >= _CELL_INK
    boxes = []
    for top, left, bottom, right, count in _components(inked):
        tall, wide = bottom - top, right - left
        if tall < _BLOCK_TALL or wide < _BLOCK_WIDE or count < _BLOCK_FILL * tall * wide:
            continue
        box = (int(left) * cell, int(top) * cell, int(right) * cell, int(bottom) * cell)
        rows_inked = free[box[1]:box[3], box[0]:box[2]].mean(axis=1) >= _ROW_INK
        if rows_inked.sum() >= _BLOCK_LETTER * 2 * cell:  # a letter's height, not a rule's
            # a cell further on each side: a letter's edge may lie in a cell too faint to count
            boxes.append((max(box[0] - cell, 0), max(box[1] - cell, 0), box[2] + cell,
                          box[3] + cell))
    return boxes


def words_before(lines: Sequence[Line], box: tuple[int, int, int, int], *, scale: float
                 ) -> set[Word]:
    """Words of ``lines`` (boxes in points) that end just before the pixel box ``box``, on
    its band: within a line's height of its left edge, their middle between its top and
    bottom."""
    x0, y0, _, y1 = (v / scale for v in box)
    return {w for line in lines for w in line.words
            if x0 - (w.bbox[3] - w.bbox[1]) <= w.bbox[2] <= x0 + _REACH_INTO * (y1 - y0)
            and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1}


def _components(inked: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """Groups of inked cells that touch (a word space apart along a row, or a line's leading
    apart down a column, counts as touching): (top, left, past bottom, past right, inked
    cells) each."""
    seen = np.zeros_like(inked)
    found = []
    rows, columns = inked.shape
    for start in zip(*np.nonzero(inked), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, cells = [start], []
        while stack:
            r, c = stack.pop()
            cells.append((r, c))
            for dr, dc in _NEIGHBOURS:
                nr, nc = r + dr, c + dc
                if 0 <= nr < rows and 0 <= nc < columns and inked[nr, nc] and not seen[nr, nc]:
                    seen[nr, nc] = True
                    stack.append((nr, nc))
        ys = [r for r, _ in cells]
        xs = [c for _, c in cells]
        found.append((min(ys), min(xs), max(ys) + 1, max(xs) + 1, len(cells)))
    return found
