"""Every line that starts with something shaped like a course code, and how it looks.

A candidate is not yet a heading: requirement lists, tables, cross-references and tables of
contents start lines with codes too. What sets a catalog's headings apart is learned from the
candidates themselves (``profile.py``); this module measures each one's style and position.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ocr_pipeline.catalog.codes import CodeMatch, find_codes, match_code
from ocr_pipeline.catalog.credits import credits_line, split_credits
from ocr_pipeline.catalog.models import Word
from ocr_pipeline.catalog.stream import StreamLine

TERMINAL = (".", ")", "!", "?", ":", "”", '"', ";")
"""How a finished line of text ends (a label's value, a sentence)."""
_PARAGRAPH_END = (".", ")", "!", "?", "”", '"')
"""How a paragraph ends: a line ending in ``:`` or ``;`` goes on (``Prerequisite:`` / ``DR105``)."""
_MORE_WHITE = 0.25
"""White above a line this share of its height more than its block's leading starts a
paragraph."""
_HEADING_WHITE = 1.0
_HEADING_WIDTH = 0.8
"""A line with white above it of its height or more, short of this share of its column, is a
heading: the line under it starts a paragraph."""
_MISREAD_MIN = 4
_PROSE_I = frozenset({"including", "includes", "include", "listed", "like", "less", "into",
                      "instead", "inclusive"})
_PROSE_LEAD = re.compile(
    r"^(?:[a-z]|[,;)]|(?:or|and|&|nor|to|through|is|are|was|may|must|will|can|should|has|have"
    r"|with|in|for|at|as|if|from|counts?|satisfies|fulfills)\b)"
)
_LIST_LEAD = re.compile(r"^(?:(?:or|and)\b|[&/+,*;])|^\(?(?:or|and)\)?\s")
_SIZE_TOLERANCE = 0.08
OCR_SIZE_TOLERANCE = 0.2
"""OCR measures a size from ink height, line by line: sizes this far apart may be one."""
_PROSE_LINES = 12
_STYLE_SAMPLE = 20_000
_MAX_PROSE = 200
_RUN_IN_WORDS = 10


@dataclass(frozen=True, slots=True)
class Style:
    """How a word is set, relative to the catalog's body text."""

    bold: bool
    italic: bool
    size: str
    """``smaller``, ``same`` or ``larger`` than the body text."""
    font: str = ""
    """The word's font where nothing else sets it apart from the body (a heading in another
    typeface of the body's weight and size)."""

    def describe(self) -> str:
        parts = [p for p, on in (("bold", self.bold), ("italic", self.italic)) if on]
        if self.size != "same":
            parts.append(f"{self.size} than body")
        if self.font:
            parts.append(f"font {self.font}")
        return ", ".join(parts) or "same as body"


@dataclass(frozen=True, slots=True)
class BodyStyle:
    size: float
    bold: bool
    italic: bool
    font: str = ""

    def style_of(self, word: Word) -> Style:
        ratio = word.size / self.size if self.size else 1.0
        # OCR (no font name) measures size from ink height, line by line: a coarser class
        tolerance = _SIZE_TOLERANCE if word.font else OCR_SIZE_TOLERANCE
        size = ("larger" if ratio > 1 + tolerance
                else "smaller" if ratio < 1 - tolerance else "same")
        bold, italic = word.bold and not self.bold, word.italic and not self.italic
        font = word.font if not (bold or italic) and size == "same" and word.font and (
            word.font != self.font) else ""
        return Style(bold=bold, italic=italic, size=size, font=font)

    @property
    def plain(self) -> Style:
        return Style(bold=False, italic=False, size="same")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A code-led line and the features its catalog's template is learned from."""

    index: int
    """Position in the catalog's line stream."""
    code: CodeMatch
    style: Style
    """Style of the code's first word."""
    indent: str
    """``out`` (hanging), ``flush`` or ``in`` relative to its block's body lines."""
    starts: bool
    """The line starts a paragraph: after a finished sentence, white space or a block's top."""
    rest: str
    """What follows the code: ``empty``, ``title``, ``prose``, ``list``, ``credits`` or
    ``range`` (the code is a range, ``DR212–215``)."""
    prose_after: int
    """Words of running text that follow before the next candidate (capped)."""

    @property
    def signature(self) -> tuple[Style, str]:
        """The core of a heading template: how the code is set and how it is shaped."""
        return self.style, shape_of(self.code)


def shape_of(code: CodeMatch) -> str:
    """``SUBJ 101``, ``SUBJ-101``, ``SUBJ101``, ``SUBJ.101`` or ``21A.224J``."""
    return {"joined": "SUBJ101", "dotted": "SUBJ.101", "numeric": "21A.224J"}.get(
        code.kind, "SUBJ-101" if code.kind.endswith("-") else "SUBJ 101")


def body_style(stream: Sequence[StreamLine]) -> BodyStyle:
    """The catalog's running-text style: the most common size; bold/italic if most text is."""
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    bold = italic = total = 0
    step = max(1, len(stream) // _STYLE_SAMPLE)  # the body's style shows in a sample of lines
    for item in stream[::step]:
        for word in item.line.words:
            n = len(word.text)
            sizes[round(word.size * 2) / 2] += n
            fonts[word.font] += n
            bold += n * word.bold
            italic += n * word.italic
            total += n
    return BodyStyle(size=sizes.most_common(1)[0][0] if sizes else 10.0,
                     bold=bold * 2 > total, italic=italic * 2 > total,
                     font=fonts.most_common(1)[0][0] if fonts else "")


def find_candidates(stream: Sequence[StreamLine], body: BodyStyle) -> list[Candidate]:
    """Every line of ``stream`` that starts with a course code (credit lines excluded)."""
    found: list[Candidate] = []
    usual = _usual_gaps(stream)
    for i, item in enumerate(stream):
        code = match_code(item.text)
        if code is None or is_credit_line(item.text):
            continue
        words = item.line.words
        first = words[1] if code.marker and len(words) > 1 else words[0]
        found.append(Candidate(
            index=i,
            code=code,
            style=body.style_of(first),
            indent="out" if item.indent < -2.0 else "in" if item.indent > 2.0 else "flush",
            starts=starts_paragraph(stream, i, usual=usual),
            rest=rest_kind(code),
            prose_after=0,
        ))
    return _with_prose_after(stream, found)


def is_credit_line(text: str) -> bool:
    """``4 cr UL`` or ``SO 4 cr``: designators and credits only, not a code and a title."""
    credits = credits_line(text)
    return credits is not None and credits.form != "variable"


def _usual_gaps(stream: Sequence[StreamLine]) -> dict[tuple[int, int], float]:
    """The median white above a line of each block (by page and block): the block's leading."""
    gaps: dict[tuple[int, int], list[float]] = {}
    for item in stream:
        if item.gap_before is not None:
            gaps.setdefault((item.page, item.block), []).append(item.gap_before)
    return {key: statistics.median(values) for key, values in gaps.items()}


def starts_paragraph(stream: Sequence[StreamLine], i: int, *,
                     usual: dict[tuple[int, int], float]) -> bool:
    """After a finished sentence, white space (more than its block's leading), a short line or
    a block's top (``usual``: each block's median white above a line, ``_usual_gaps``)."""
    item = stream[i]
    previous = stream[i - 1] if i > 0 else None
    if previous is None:
        return True
    white, least = item.gap_before or 0.0, min(item.height, previous.height)
    return (
        previous.block != item.block
        or previous.text.rstrip().endswith(_PARAGRAPH_END)
        # white above the line, against the smaller of the two lines' heights: a speck read
        # into a scanned heading's box had made it twice as tall, and its white too little
        or white > 0.4 * least
        # or against its block's leading: a scan's lines measured overlapping (-1.1 pt) and
        # an entry's first line 2.2 pt below the last line of the one before
        or white - usual.get((item.page, item.block), white) > _MORE_WHITE * least
        # under a heading: a line short of its column with white above it (``Language,
        # Media, and Communication Courses`` over ``ENG 131 Reporting and Writing...``)
        or (i > 1 and stream[i - 2].block == previous.block
            and (previous.gap_before or 0.0) > _HEADING_WHITE * previous.height
            and previous.width < _HEADING_WIDTH * previous.column_width)
        # a short line ends a paragraph (or is a heading): mid-paragraph lines fill the column
        or previous.width < 0.7 * previous.column_width
    )


def rest_kind(code: CodeMatch) -> str:
    rest = code.rest
    if code.through:
        return "range"
    if not rest:
        return "empty"
    if _PROSE_LEAD.match(rest) and not misread_capital(rest):
        return "prose"
    if _LIST_LEAD.match(rest) or _another_code(code) or (";" in rest and find_codes(rest)):
        return "list"
    head, credits = split_credits(rest)
    if credits is not None and not head.strip(" .,;:—–-"):
        return "credits"
    return "title"


def misread_capital(rest: str) -> bool:
    """``introduction to Artificial Intelligence``: a title whose I OCR read as i or l (a
    longer word after it in title case), not prose (``including MATH 101``)."""
    words = rest.lstrip(".:—–- ").split()
    if len(words) < 2 or len(words[0]) < _MISREAD_MIN or words[0][0] not in "il":
        return False
    first = words[0].rstrip(".,:;")
    return (first[1:].isalpha() and first[1:].islower() and first.lower() not in _PROSE_I
            and any(w[:1].isupper() for w in words[1:4]))


def _another_code(code: CodeMatch) -> bool:
    """The rest starts with another code of the same shape (``CLST 103 ENGL 250*``), not
    with a title word before a number (``Film 101``, ``TOPICS 1-4 cr.``)."""
    inner = match_code(code.rest)
    if inner is None or inner.kind != code.kind or not re.match(r"\d{2}", inner.number):
        return False
    head, credits = split_credits(code.rest)
    return credits is None or len(head.split()) > 1


def _with_prose_after(stream: Sequence[StreamLine], found: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    for n, cand in enumerate(found):
        stop = found[n + 1].index if n + 1 < len(found) else len(stream)
        stop = min(stop, cand.index + 1 + _PROSE_LINES)
        words = sum(len(stream[j].text.split()) for j in range(cand.index + 1, stop))
        run_in = len(cand.code.rest.split())
        if run_in > _RUN_IN_WORDS and words:  # a run-in paragraph goes on below; a row does not
            words += run_in
        out.append(replace(cand, prose_after=min(words, _MAX_PROSE)))
    return out
