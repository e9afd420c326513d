"""Typeset entries into columns and pages with base-14 fonts, knowing where every line lands.

Words are measured with ``pymupdf.get_text_length`` and wrapped here, so the page of each
heading line is known exactly. Entries break wherever a column ends, as in real catalogs; only
a department heading and the heading lines of the entry below it (with a credits line under
them, or the first lines of a run-in paragraph) are kept together.
"""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import pymupdf

from ocr_pipeline.catalog.synthetic.entries import Entry, Labelled, heading_room
from ocr_pipeline.catalog.synthetic.layouts import PAGE_HEIGHT, PAGE_WIDTH, LayoutSpec

Word = tuple[str, str]
"""(font name, word)."""

FURNITURE_FONT = "helv"
FURNITURE_SIZE = 8.0
MAX_JUSTIFY_GAP = 3.0
"""Lines whose word gaps would grow beyond this many spaces are left ragged."""
_HYPHENATABLE = re.compile(r"([A-Za-z\u00c0-\u00ff]{7,})([.,;:!?'\")]*)")
_VOWELS = set("aeiouyAEIOUY\u00e0\u00e1\u00e2\u00e8\u00e9\u00ea\u00ed\u00f3\u00fa")
_DIGRAPHS = {"th", "ch", "sh", "ph", "ck", "gh", "wh", "bl", "cl", "fl", "gl", "pl", "br", "cr",
             "dr", "fr", "gr", "pr", "tr"}


@dataclass(frozen=True, slots=True)
class TextLine:
    words: tuple[Word, ...]
    size: float
    indent: float
    space_before: float = 0.0
    """Extra space above the line, dropped at the top of a column (points)."""
    justify: float | None = None
    """Stretch the line to this width; ``None`` leaves it ragged."""
    right: Word | None = None
    """Text set flush right at the column's edge, on the same baseline."""


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


def wrap(
    words: Sequence[Word], *, width: float, size: float, hyphenation: float, rng: random.Random,
    fixed: frozenset[str] = frozenset(),
) -> list[list[Word]]:
    """Greedy line breaking; a long word that does not fit may be hyphenated at the line end,
    unless it is set in one of the ``fixed`` fonts (a run-in heading's)."""
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    queue = deque(words)
    while queue:
        font, word = queue.popleft()
        gap = text_width(" ", font, size) if line else 0.0
        if used + gap + text_width(word, font, size) <= width:
            line.append((font, word))
            used += gap + text_width(word, font, size)
            continue
        room = width - used - gap
        cut = None
        if not line:
            cut = _forced_cut(word, font=font, size=size, room=room)
        elif (hyphenation and font not in fixed and _HYPHENATABLE.fullmatch(word)
              and rng.random() < hyphenation):
            cut = _hyphen_cut(word, font=font, size=size, room=room)
        if cut is not None:
            line.append((font, word[:cut] + "-"))
            queue.appendleft((font, word[cut:]))
        else:
            queue.appendleft((font, word))
        lines.append(line)
        line, used = [], 0.0
    if line:
        lines.append(line)
    return lines


def _hyphen_cut(word: str, *, font: str, size: float, room: float) -> int | None:
    """The last syllable-like break of ``word`` whose first part plus a hyphen fits ``room``."""
    letters = _HYPHENATABLE.fullmatch(word).group(1)
    best = None
    for i in range(3, len(letters) - 2):
        if not _syllable_break(letters, i):
            continue
        if text_width(word[:i] + "-", font, size) > room:
            break
        best = i
    return best


def _syllable_break(letters: str, i: int) -> bool:
    """Break before a consonant that starts a syllable (consonant + vowel), never inside a
    digraph or an initial cluster such as ``cl`` or ``pr``."""
    return (
        letters[i] not in _VOWELS
        and letters[i + 1] in _VOWELS
        and any(c in _VOWELS for c in letters[:i])
        and letters[i - 1 : i + 1].lower() not in _DIGRAPHS
    )


def _forced_cut(word: str, *, font: str, size: float, room: float) -> int:
    """Where to break a word wider than a whole line: as late as fits, at least one character."""
    cut = 1
    for i in range(2, len(word)):
        if text_width(word[:i] + "-", font, size) > room:
            break
        cut = i
    return cut


class PageFlow:
    """Places lines top to bottom, column by column, page by page, with running furniture."""

    def __init__(
        self, *, doc: pymupdf.Document, layout: LayoutSpec, header: str, year: str
    ) -> None:
        self._doc = doc
        self._layout = layout
        self._header = header
        self._year = year
        self._top = layout.margin + 6.0
        self._bottom = PAGE_HEIGHT - layout.margin
        self._shape: pymupdf.Shape | None = None
        self.pages = 0
        self._column = layout.columns  # forces a new page on the first line
        self._y = self._top

    def place(self, lines: Sequence[TextLine], *, keep_together: bool) -> list[int]:
        """Place ``lines``; return the 1-based page of each."""
        if keep_together and not self._at_top():
            height = sum(self._height(line) + line.space_before for line in lines)
            if self._y + height > self._bottom:
                self._next_column()
        pages: list[int] = []
        for line in lines:
            space = 0.0 if self._at_top() else line.space_before
            if self._shape is None or self._y + space + self._height(line) > self._bottom:
                self._next_column()
                space = 0.0
            self._y += space
            self._draw(line, baseline=self._y + line.size)
            self._y += self._height(line)
            pages.append(self.pages)
        return pages

    def finish(self) -> None:
        if self._shape is not None:
            self._shape.commit()
            self._shape = None

    def _height(self, line: TextLine) -> float:
        return line.size * self._layout.leading

    def _at_top(self) -> bool:
        return self._y <= self._top

    def _next_column(self) -> None:
        self._column += 1
        self._y = self._top
        if self._column < self._layout.columns:
            return
        self.finish()
        self._column = 0
        page = self._doc.new_page(width=PAGE_WIDTH, height=PAGE_HEIGHT)
        self.pages += 1
        self._shape = page.new_shape()
        self._furniture()

    def _furniture(self) -> None:
        shape, margin = self._shape, self._layout.margin
        shape.insert_text((margin, margin - 16), self._header, fontname=FURNITURE_FONT,
                          fontsize=FURNITURE_SIZE)
        right = f"{self._year} Catalog"
        shape.insert_text(
            (PAGE_WIDTH - margin - text_width(right, FURNITURE_FONT, FURNITURE_SIZE), margin - 16),
            right, fontname=FURNITURE_FONT, fontsize=FURNITURE_SIZE,
        )
        shape.draw_line((margin, margin - 11), (PAGE_WIDTH - margin, margin - 11))
        shape.finish(width=0.5, color=(0, 0, 0))
        number = str(self._layout.first_page_number + self.pages - 1)
        shape.insert_text(
            ((PAGE_WIDTH - text_width(number, FURNITURE_FONT, 9.0)) / 2, PAGE_HEIGHT - margin + 26),
            number, fontname=FURNITURE_FONT, fontsize=9.0,
        )

    def _draw(self, line: TextLine, *, baseline: float) -> None:
        layout = self._layout
        left = layout.margin + self._column * (layout.column_width + layout.column_gap)
        if line.right is not None:
            font, text = line.right
            flush = left + layout.column_width - text_width(text, font, line.size)
            self._shape.insert_text((flush, baseline), text, fontname=font, fontsize=line.size)
        x = left + line.indent
        widths = [text_width(word, font, line.size) for font, word in line.words]
        if line.justify is not None and len(line.words) > 1:
            gap = (line.justify - sum(widths)) / (len(line.words) - 1)
            if gap <= MAX_JUSTIFY_GAP * text_width(" ", line.words[0][0], line.size):
                for (font, word), width in zip(line.words, widths):
                    self._shape.insert_text((x, baseline), word, fontname=font, fontsize=line.size)
                    x += width + gap
                return
        for font, text in _runs(line.words):
            self._shape.insert_text((x, baseline), text, fontname=font, fontsize=line.size)
            x += text_width(text + " ", font, line.size)


def _runs(words: Sequence[Word]) -> list[Word]:
    """Consecutive words in the same font joined into one string per font run."""
    runs: list[Word] = []
    for font, word in words:
        if runs and runs[-1][0] == font:
            runs[-1] = (font, f"{runs[-1][1]} {word}")
        else:
            runs.append((font, word))
    return runs


def typeset(
    *, entries: Sequence[Entry], layout: LayoutSpec, path: Path, header: str, year: str,
    rng: random.Random,
) -> tuple[list[int], int]:
    """Write ``entries`` to a PDF at ``path``.

    Returns the page of each entry's heading line and the number of pages.
    """
    doc = pymupdf.open()
    try:
        flow = PageFlow(doc=doc, layout=layout, header=header, year=year)
        pages = [_place_entry(flow, entry, layout=layout, rng=rng) for entry in entries]
        flow.finish()
        doc.save(path, garbage=3, deflate=True)
    finally:
        doc.close()
    return pages, flow.pages


def _place_entry(flow: PageFlow, entry: Entry, *, layout: LayoutSpec, rng: random.Random) -> int:
    """Place one entry; return the page of its heading line."""
    size = layout.body_size
    lead = _department_lines(entry, layout=layout, rng=rng)
    heading_at = len(lead)
    if layout.heading_kind == "run_in":
        heading, paragraph = _run_in_lines(entry, layout=layout, rng=rng)
    else:
        heading = _heading_lines(entry, layout=layout, rng=rng)
        paragraph = _paragraph_lines(entry.paragraph, layout=layout, rng=rng)
    gap = (0.4 if entry.department else layout.entry_gap) * size * layout.leading
    lead.append(replace(heading[0], space_before=gap))
    lead.extend(heading[1:])
    if entry.credits_line:
        lead.append(TextLine(((layout.body_font, entry.credits_line),), size, layout.body_indent))
    body = _labelled_lines(entry.before, layout=layout, rng=rng) + paragraph
    body += _labelled_lines(entry.after, layout=layout, rng=rng)
    if entry.hours:
        body.append(TextLine(((layout.body_font, entry.hours),), size, layout.body_indent))
    pages = flow.place(lead, keep_together=True)
    flow.place(body, keep_together=False)
    return pages[heading_at]


def _heading_lines(entry: Entry, *, layout: LayoutSpec, rng: random.Random) -> list[TextLine]:
    """The heading's lines in heading type; credits set flush right go on the first."""
    size = layout.body_size
    lines: list[TextLine] = []
    for text in entry.heading:
        width = heading_room(entry.right, layout=layout) if not lines else layout.column_width
        words = [(layout.heading_font, w) for w in text.split()]
        for wrapped in wrap(words, width=width, size=size, hyphenation=0.0, rng=rng):
            lines.append(TextLine(tuple(wrapped), size, 0.0))
    if entry.right:
        lines[0] = replace(lines[0], right=(layout.heading_font, entry.right))
    return lines


def _paragraph_lines(text: str, *, layout: LayoutSpec, rng: random.Random) -> list[TextLine]:
    width = layout.column_width - layout.body_indent
    words = [(layout.body_font, w) for w in text.split()]
    wrapped = wrap(words, width=width, size=layout.body_size, hyphenation=layout.hyphenation,
                   rng=rng)
    return _set(wrapped, width=width, indent=layout.body_indent, layout=layout)


def _run_in_lines(
    entry: Entry, *, layout: LayoutSpec, rng: random.Random
) -> tuple[list[TextLine], list[TextLine]]:
    """One paragraph that starts with the heading in heading type: (the lines that hold the
    heading, the lines after them)."""
    heading = [(layout.heading_font, w) for text in entry.heading for w in text.split()]
    words = heading + [(layout.body_font, w) for w in entry.paragraph.split()]
    wrapped = wrap(words, width=layout.column_width, size=layout.body_size,
                   hyphenation=layout.hyphenation, rng=rng,
                   fixed=frozenset({layout.heading_font}))
    lines = _set(wrapped, width=layout.column_width, indent=0.0, layout=layout)
    held = next(i for i, count in enumerate(accumulate(map(len, wrapped)))
                if count >= len(heading))
    return lines[: held + 1], lines[held + 1:]


def _set(
    wrapped: list[list[Word]], *, width: float, indent: float, layout: LayoutSpec
) -> list[TextLine]:
    """Paragraph lines, every one but the last justified if the layout justifies."""
    return [
        TextLine(tuple(words), layout.body_size, indent,
                 justify=width if layout.justify and i < len(wrapped) - 1 else None)
        for i, words in enumerate(wrapped)
    ]


def _department_lines(entry: Entry, *, layout: LayoutSpec, rng: random.Random) -> list[TextLine]:
    if not entry.department:
        return []
    size = layout.department_size
    words = [(layout.department_font, w) for w in entry.department.split()]
    space = 1.5 * layout.body_size * layout.leading
    return [
        TextLine(tuple(line), size, 0.0, space_before=space if i == 0 else 0.0)
        for i, line in enumerate(
            wrap(words, width=layout.column_width, size=size, hyphenation=0.0, rng=rng)
        )
    ]


def _labelled_lines(
    labelled: Sequence[Labelled], *, layout: LayoutSpec, rng: random.Random
) -> list[TextLine]:
    """Labelled lines with a hanging indent of one em for their continuation lines."""
    size = layout.body_size
    lines: list[TextLine] = []
    for label, text in labelled:
        words = [(layout.prereq_label_font, label)]
        words += [(layout.prereq_font, w) for w in text.split()]
        wrapped = wrap(words, width=layout.column_width - layout.body_indent - size, size=size,
                       hyphenation=0.0, rng=rng)
        for i, line in enumerate(wrapped):
            lines.append(TextLine(tuple(line), size, layout.body_indent + (size if i else 0.0)))
    return lines
