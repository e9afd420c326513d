"""Words Tesseract read with little confidence, to be read again on their own.

Reading a whole page, Tesseract cuts it into text rows first. A short cell set between two
rows of the next column (``Credits: 3`` centred beside ``Grading Method: Regular,`` /
``Pass-Fail, Audit``) is cut in two by them: its top half read as ``ae``, its lower half as
``aide 6``, both at 0.2. Read alone, as one line, the same pixels give ``Credits: 3`` at 0.9.
Other words misread on the page (``decision`` read ``Ces``, a course ``EFP1`` read ``EFP41``)
come out right the same way.

Here are the geometry and the choice: which runs of words to read again and the box to read
them from, which readings to keep, and the pieces of ink that were read twice. The reading
itself is the engine's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ocr_pipeline.catalog.models import UNREAD_BESIDE, BBox, Line, Word, union_bbox

DOUBTFUL = 0.5
"""A word read with less confidence than this is read again (with its unsure neighbours)."""
UNSURE = 0.8
"""Words next to a doubtful one and read under this go with it: one misread cell or phrase
(``Crodie: 3``, with the 3 at 0.72) is read again whole."""
KEEP = 0.8
"""A reading again is kept if every word of it is read this surely, with two letters or
figures in all: an icon is read again as a letter (``@`` as ``a``) at about this confidence."""
MIN_ADDED_LETTERS = 2
"""Unread ink after a word, read again with it, is taken as a word of its own or the word's
rest when the reading has this many more letters or figures: a word, not a mark."""
_MIN_ALNUM = 2
_WIDEN = 0.3
"""The box read again reaches this share of the run's height past its ends (not into the
words beside it), and ``_HEIGHTEN`` above and below: a word's box can clip its ink."""
_HEIGHTEN = 0.25
_DARK = 128
_ROW_INK = 0.1
"""A pixel row of a run's box is inked when it holds this share of the inkiest row's dark
pixels: blur leaves a little ink between two rows of type set close."""
_MIN_ROW = 0.4
"""A band of inked rows this much shorter than the tallest is a mark (a dot, an underline),
not a row of type."""


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive unsure words of one line, one of them doubtful, and the box to read."""

    line: int
    """Index of the line in the page's lines."""
    start: int
    end: int
    """The run is ``lines[line].words[start:end]``."""
    box: BBox
    """Where to read it again, in points."""


def without_fragments(lines: Sequence[Line]) -> list[Line]:
    """``lines`` without doubtful words that lie on a surely read word: a piece of ink read
    twice (the lower half of ``Credits: 3`` read as ``nos`` in the row below the whole, read
    right)."""
    sure = [w.bbox for line in lines for w in line.words if w.conf >= UNSURE]
    return _keep(lines, lambda w: not (w.conf < DOUBTFUL and any(centred_in(w, b) for b in sure)))


def doubtful_runs(lines: Sequence[Line]) -> list[Run]:
    """Runs of unsure words with a doubtful one among them, in reading order."""
    runs: list[Run] = []
    for index, line in enumerate(lines):
        words = line.words
        start = 0
        while start < len(words):
            if words[start].conf >= UNSURE:
                start += 1
                continue
            end = start
            while end < len(words) and words[end].conf < UNSURE:
                end += 1
            if min(w.conf for w in words[start:end]) < DOUBTFUL:
                runs.append(Run(line=index, start=start, end=end,
                                box=_box(words, start, end)))
            start = end
    return runs


def gap_runs(lines: Sequence[Line], gaps: Sequence[tuple[int, int, float]]) -> list[Run]:
    """A run of one word for each ``gaps`` entry (line index, word index, where unread ink
    after the word ends, in points): the word is read again with the ink after it."""
    runs = []
    for index, k, end in gaps:
        words = lines[index].words
        x0, y0, _, y1 = words[k].bbox
        height = y1 - y0
        left = words[k - 1].bbox[2] if k else x0 - height
        box = (max(x0 - _WIDEN * height, left), y0 - _HEIGHTEN * height,
               min(end + _WIDEN * height, words[k + 1].bbox[0]), y1 + _HEIGHTEN * height)
        runs.append(Run(line=index, start=k, end=k + 1, box=box))
    return runs


def ink_rows(image: np.ndarray, run: Run, lines: Sequence[Line], *, scale: float
             ) -> list[tuple[int, int]]:
    """The rows of type (pixel rows, first and past the last) in the ink of ``run``'s words,
    where there are two or more: at a low resolution Tesseract may read a code and the label
    set close under it as one word (``PHL 126`` over ``AH`` read ``Linge``), which read again
    as one line is no better, but one row at a time reads right."""
    x0, y0, x1, y1 = (round(v * scale) for v in union_bbox(
        [w.bbox for w in lines[run.line].words[run.start:run.end]]))
    dark = (image[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] < _DARK).sum(axis=1)
    if not dark.size or not dark.max():
        return []
    inked = np.concatenate(([0], (dark >= _ROW_INK * dark.max()).astype(np.int8), [0]))
    edges = np.diff(inked)
    bands = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))
    tallest = max(end - start for start, end in bands)
    rows = [(max(y0, 0) + int(start), max(y0, 0) + int(end)) for start, end in bands
            if end - start >= _MIN_ROW * tallest]
    return rows if len(rows) > 1 else []


def added_letters(word: Word, reading: Sequence[Word]) -> int:
    """How many more letters and figures ``reading`` (``word`` read again with the unread ink
    after it) has than ``word``: none where the ink was a mark (a dash's end read ``-``)."""
    return (sum(c.isalnum() for w in reading for c in w.text)
            - sum(c.isalnum() for c in word.text))


def fills_gap(word: Word, reading: Sequence[Word]) -> bool:
    """Whether ``reading`` (``word`` read again with the unread ink after it) takes the word's
    place: read surely, and a word more (``MIN_ADDED_LETTERS``), not a mark."""
    return keeps(reading) and added_letters(word, reading) >= MIN_ADDED_LETTERS


def doubted(lines: Sequence[Line], words: Collection[Word]) -> list[Line]:
    """``lines`` with ``words`` read at most ``UNREAD_BESIDE`` surely."""
    return [Line(words=tuple(replace(w, conf=min(w.conf, UNREAD_BESIDE)) if w in words else w
                             for w in line.words), bbox=line.bbox)
            for line in lines]


def keeps(words: Sequence[Word]) -> bool:
    """Whether a run's reading again is sure enough to take its place."""
    return (bool(words) and min(w.conf for w in words) >= KEEP
            and sum(c.isalnum() for w in words for c in w.text) >= _MIN_ALNUM)


def with_readings(lines: Sequence[Line], readings: dict[Run, list[Word]]) -> list[Line]:
    """``lines`` with each run of ``readings`` replaced by its words read again (in the run's
    size), and other doubtful words within a box read again dropped: pieces of the same ink.
    """
    by_line: dict[int, list[Run]] = {}
    for run in readings:
        by_line.setdefault(run.line, []).append(run)
    replaced: list[Line] = []
    for index, line in enumerate(lines):
        words: list[Word] = []
        at = 0
        for run in sorted(by_line.get(index, []), key=lambda r: r.start):
            size = line.words[run.start].size
            words += [*line.words[at:run.start], *(replace(w, size=size) for w in readings[run])]
            at = run.end
        words += line.words[at:]
        replaced.append(Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words])))
    boxes = [run.box for run in readings]
    return _keep(replaced, lambda w: not (w.conf < DOUBTFUL and any(centred_in(w, b)
                                                                    for b in boxes)))


def covered(run: Run, lines: Sequence[Line], boxes: Sequence[BBox]) -> bool:
    """Whether all of ``run``'s words lie in a box already read again."""
    return all(any(centred_in(w, b) for b in boxes)
               for w in lines[run.line].words[run.start:run.end])


def _box(words: Sequence[Word], start: int, end: int) -> BBox:
    x0, y0, x1, y1 = union_bbox([w.bbox for w in words[start:end]])
    height = y1 - y0
    left = words[start - 1].bbox[2] if start else x0 - height
    right = words[end].bbox[0] if end < len(words) else x1 + height
    return (max(x0 - _WIDEN * height, left), y0 - _HEIGHTEN * height,
            min(x1 + _WIDEN * height, right), y1 + _HEIGHTEN * height)


def _keep(lines: Sequence[Line], keep: Callable[[Word], bool]) -> list[Line]:
    kept: list[Line] = []
    for line in lines:
        words = tuple(w for w in line.words if keep(w))
        if words:
            kept.append(Line(words=words, bbox=union_bbox([w.bbox for w in words])))
    return kept


def centred_in(word: Word, box: BBox) -> bool:
    """Whether the middle of ``word``'s box lies in ``box``."""
    y = (word.bbox[1] + word.bbox[3]) / 2
    return centred_across(word, box[0], box[2]) and box[1] <= y <= box[3]


def centred_across(word: Word, left: float, right: float) -> bool:
    """Whether the middle of ``word``'s box lies between ``left`` and ``right`` (points)."""
    return left <= (word.bbox[0] + word.bbox[2]) / 2 <= right
