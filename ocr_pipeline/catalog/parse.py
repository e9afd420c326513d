"""The course-record parser: page text with geometry in, course entries out.

It reads the pages as one stream of lines in reading order (so entries that run across columns
and pages stay whole), drops running headers and footers, and decides which lines are course
headings from the text (a course code, a title, credits) *and* the layout: bold or larger type,
a hanging indent, ALL-CAPS titles, the end of the previous paragraph. Body lines are sorted into
the description, labelled lines (prerequisites, corequisites, cross-listings), hours lines and
department headings, which end an entry.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ocr_pipeline.catalog.headings import (
    CodeMatch,
    Credits,
    clean_title,
    is_hours_line,
    match_code,
    match_label,
    match_number_only,
    split_credits,
    split_inline_labels,
    strip_trailing_hours,
    title_looks_complete,
)
from ocr_pipeline.catalog.models import BBox, Line, PageText, Word, union_bbox

logger = logging.getLogger(__name__)

_PREREQ_LABELS = ("Prerequisite", "Corequisite", "Recommended")
_TERMINAL = (".", ")", "!", "?", ":", "”", '"')
_MAX_HEADING_LINES = 3
ABSORBED_HEADING_CUE = 0.6
_SUSPENDED_HYPHEN_FOLLOWERS = frozenset({"or", "and", "to", "nor"})


@dataclass(frozen=True, slots=True)
class StreamLine:
    """A line in catalog reading order with the geometry of the block it sits in."""

    line: Line
    text: str
    page: int
    block: int
    block_width: float
    column_width: float
    """Width of the page's widest multi-line body block: what a full line measures."""
    indent: float
    """x0 minus the block's most common x0 (0 for body text, < 0 for a hanging heading)."""
    gap_before: float | None
    """Vertical white space above the line within its block; None at a block's top."""


@dataclass(slots=True)
class ParsedEntry:
    """A course entry as found on the pages, before it becomes a ``CourseRecord``."""

    code: CodeMatch
    title: str
    credits: Credits | None
    heading: list[StreamLine]
    body: list[StreamLine] = field(default_factory=list)
    description: str = ""
    prerequisites: str | None = None
    cues: dict[str, float] = field(default_factory=dict)
    """Layout and parse evidence for the confidence score (1.0 = clean)."""

    @property
    def page(self) -> int:
        return self.heading[0].page

    @property
    def bbox(self) -> BBox:
        lines = [s.line for s in self.heading + self.body if s.page == self.page]
        return union_bbox([ln.bbox for ln in lines])

    def heading_words(self) -> list[Word]:
        return [w for s in self.heading for w in s.line.words]

    def body_words(self) -> list[Word]:
        return [w for s in self.body for w in s.line.words]


@dataclass(frozen=True, slots=True)
class _Style:
    body_size: float
    body_bold: bool
    body_italic: bool


def parse_pages(pages: Sequence[PageText]) -> list[ParsedEntry]:
    """Parse a whole catalog (its pages in order) into course entries."""
    stream = build_stream(pages)
    if not stream:
        return []
    style = _body_style(stream)
    entries: list[ParsedEntry] = []
    current: ParsedEntry | None = None
    orphan = False
    i = 0
    while i < len(stream):
        heading = _heading_at(stream, i, style, subject=current.code.subject if current else None)
        if heading is not None:
            current = heading
            entries.append(current)
            orphan = False
            i += len(current.heading)
            continue
        item = stream[i]
        if current is not None and not orphan and _looks_like_heading(item, style):
            # a code-led line in a heading's style that did not parse as one: maybe a missed
            # entry inside this one, so this record needs a second look
            current.cues["absorbed_heading"] = ABSORBED_HEADING_CUE
        if current is not None and _is_department_heading(item, style):
            orphan = True
        elif current is not None and not orphan and _leaves_entry(current, item, pages):
            orphan = True
        if current is not None and not orphan:
            current.body.append(item)
        i += 1
    for entry in entries:
        _fill_body(entry, style)
    return entries


def build_stream(pages: Sequence[PageText]) -> list[StreamLine]:
    """All body lines of the catalog in reading order, running headers and footers removed."""
    running = _running_texts(pages)
    stream: list[StreamLine] = []
    block_index = 0
    for page in pages:
        outermost = {id(line) for line in _outermost(page)}
        column_width = max(
            (b.bbox[2] - b.bbox[0] for b in page.blocks if b.role == "body" and len(b.lines) > 2),
            default=page.width,
        )
        for block in page.blocks:
            block_index += 1
            lines = [ln for ln in block.lines if not _is_running(ln, block.role, running, outermost)]
            if not lines:
                continue
            left = _mode([round(ln.bbox[0]) for ln in lines])
            previous: Line | None = None
            for ln in lines:
                gap = None if previous is None else ln.bbox[1] - previous.bbox[3]
                stream.append(
                    StreamLine(
                        line=ln,
                        text=ln.text,
                        page=page.page,
                        block=block_index,
                        block_width=block.bbox[2] - block.bbox[0],
                        column_width=column_width,
                        indent=ln.bbox[0] - left,
                        gap_before=gap,
                    )
                )
                previous = ln
    return stream


def _running_texts(pages: Sequence[PageText]) -> set[str]:
    """Masked texts of a page's outermost lines that repeat on many pages (headers, footers)."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_mask(line.text) for line in _outermost(page)})
    needed = max(2, int(0.3 * len(pages)))
    return {text for text, count in seen.items() if count >= needed and text}


def _outermost(page: PageText) -> list[Line]:
    lines = page.lines
    if not lines:
        return []
    top = min(lines, key=lambda ln: ln.bbox[1])
    bottom = max(lines, key=lambda ln: ln.bbox[3])
    return [ln for ln in lines if ln.bbox[1] <= top.bbox[3] or ln.bbox[3] >= bottom.bbox[1]]


def _is_running(line: Line, role: str, running: set[str], outermost: set[int]) -> bool:
    masked = _mask(line.text)
    if id(line) in outermost and masked in running:
        return True
    if role == "margin":
        return match_code(line.text) is None or masked in running or not masked
    return False


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[^\w]+", "", text.lower()))


def _mode(values: list[int]) -> float:
    return float(Counter(values).most_common(1)[0][0])


def _body_style(stream: list[StreamLine]) -> _Style:
    sizes: Counter[float] = Counter()
    bold = italic = total = 0
    for item in stream:
        for word in item.line.words:
            n = len(word.text)
            sizes[round(word.size * 2) / 2] += n
            bold += n * word.bold
            italic += n * word.italic
            total += n
    return _Style(
        body_size=sizes.most_common(1)[0][0] if sizes else 10.0,
        body_bold=bold * 2 > total,
        body_italic=italic * 2 > total,
    )


def _heading_at(
    stream: list[StreamLine], i: int, style: _Style, *, subject: str | None
) -> ParsedEntry | None:
    code = match_code(stream[i].text)
    inferred = code is None and subject is not None
    if inferred:
        code = match_number_only(stream[i].text, subject=subject)
    if code is None:
        return None
    lines, title_text, credits = _heading_lines(stream, i, code, style)
    title = clean_title(title_text)
    cues = _heading_cues(stream, i, lines, title, credits, style)
    if inferred:
        # the subject is taken from the entries before: printed that way, or lost by OCR
        if credits is None:
            return None
        cues["subject_inferred"] = 0.7
    if cues["evidence"] < 1.0:
        return None
    return ParsedEntry(code=code, title=title, credits=credits, heading=lines, cues=cues)


def _heading_lines(
    stream: list[StreamLine], i: int, code: CodeMatch, style: _Style
) -> tuple[list[StreamLine], str, Credits | None]:
    """The heading's lines: a title may wrap onto following lines set in the heading's style,
    up to the line that ends with the credits."""
    first = stream[i]
    title_text, credits = split_credits(code.rest)
    if credits is not None and title_looks_complete(clean_title(title_text)):
        return [first], title_text, credits
    bold = first.line.bold and not style.body_bold and bool(title_text)
    caps = _is_caps(title_text)
    followers: list[StreamLine] = []
    for nxt in stream[i + 1 : i + _MAX_HEADING_LINES]:
        joined, found = split_credits(join_lines([title_text, *(f.text for f in followers),
                                                  nxt.text]))
        # credits split over the line end ("... DEVELOPMENT 2" / "cr.") close the heading too
        closes = found is not None and len(nxt.text.split()) <= 2 and nxt.block == first.block
        if not (closes or _continues_heading(first, nxt, bold=bold, caps=caps)):
            break
        followers.append(nxt)
        if found is not None:
            return [first, *followers], joined, found
    if bold and followers and credits is None:  # a bold heading printed without credits
        return [first, *followers], join_lines([title_text, *(f.text for f in followers)]), None
    return [first], title_text, credits


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _continues_heading(first: StreamLine, nxt: StreamLine, *, bold: bool, caps: bool) -> bool:
    if nxt.block != first.block or match_label(nxt.text) or match_code(nxt.text):
        return False
    if bold:
        return nxt.line.bold
    if caps:
        rest, credits = split_credits(nxt.text)
        return _is_caps(rest) or (credits is not None and not rest)
    return len(nxt.text.split()) <= 8  # kept only if the credits turn up (see _heading_lines)


def _heading_cues(
    stream: list[StreamLine],
    i: int,
    lines: list[StreamLine],
    title: str,
    credits: Credits | None,
    style: _Style,
) -> dict[str, float]:
    """Evidence that lines ``i..`` are a course heading; ``evidence >= 1`` accepts it."""
    first = lines[0].line
    caps = _is_caps(title)
    bold = first.bold and not style.body_bold
    larger = first.size > style.body_size * 1.08
    outdent = lines[0].indent < -2.0
    previous = stream[i - 1] if i > 0 else None
    prev_ended = (
        previous is None
        or previous.block != lines[0].block
        or previous.text.rstrip().endswith(_TERMINAL)
        or (lines[0].gap_before or 0.0) > 0.4 * (first.bbox[3] - first.bbox[1])
        # a short line ends a paragraph (or is a heading): mid-paragraph lines fill the column
        or previous.line.bbox[2] - previous.line.bbox[0] < 0.7 * previous.column_width
    )
    lead = next((c for c in title if c.isalnum()), "")
    title_ok = lead.isupper() or lead.isdigit()
    credit_ok = credits is not None and (
        credits.low is None or (0 <= credits.low <= 20 and (credits.high or 0) <= 30)
    )
    evidence = 0.0
    if title_ok:
        evidence += 0.6 * bool(credits) + 0.6 * bold + 0.3 * larger + 0.3 * caps + 0.2 * outdent
        evidence += 0.4 * prev_ended
    if not prev_ended and not (bold or larger):
        evidence = min(evidence, 0.5)
    return {
        "evidence": evidence,
        "credits_found": (1.0 if credits.clean else 0.8) if credits and credit_ok
        else (0.5 if credits is None else 0.3),
        "title_complete": 1.0 if title_looks_complete(title) else 0.5,
        "title_length": 1.0 if 2 <= len(title) <= 160 else 0.4,
        "style": 1.0 if (bold or larger or caps or outdent) else 0.85,
        "boundary": 1.0 if prev_ended or bold or larger else 0.6,
        "wrapped": 1.0 if len(lines) == 1 else 0.95,
    }


def _looks_like_heading(item: StreamLine, style: _Style) -> bool:
    code = match_code(item.text)
    if code is None or not code.rest:
        return False
    bold = item.line.bold and not style.body_bold
    return bold or item.indent < -2.0 or _is_caps(split_credits(code.rest)[0])


def _is_department_heading(item: StreamLine, style: _Style) -> bool:
    line = item.line
    text = item.text.strip()
    if match_label(text) or len(text.split()) > 8 or text.endswith((".", ",", ";")):
        return False
    height = line.bbox[3] - line.bbox[1]
    set_apart = item.gap_before is None or item.gap_before > 0.5 * height
    short = line.bbox[2] - line.bbox[0] < 0.75 * item.column_width or len(text.split()) <= 5
    larger = line.size > style.body_size * 1.15
    bold = line.bold and not style.body_bold
    if not text[:1].isupper():
        return False
    # OCR sizes are noisy and OCR knows no bold: size alone must come with a clear setting apart
    if (larger and bold) or ((larger or bold) and set_apart and short):
        return True
    return _is_caps(text) and set_apart and len(text.split()) <= 5  # typewritten "ACCT COURSES"


def _leaves_entry(entry: ParsedEntry, item: StreamLine, pages: Sequence[PageText]) -> bool:
    """A full-width prose band on a page of columns does not continue a column entry."""
    head = entry.heading[0]
    if item.block == head.block:
        return False
    page = pages[0] if pages[0].page == item.page else next(p for p in pages if p.page == item.page)
    wide = item.block_width > 0.6 * page.width
    return wide and head.block_width < 0.55 * page.width


def _fill_body(entry: ParsedEntry, style: _Style) -> None:
    description: list[StreamLine] = []
    labels: list[tuple[str, list[str]]] = []
    label_line: StreamLine | None = None
    for item in entry.body:
        text = item.text.strip()
        if is_hours_line(text):
            label_line = None
            continue
        found = match_label(text)
        if found is not None:
            labels.append((found[0], [found[1]]))
            label_line = item
            continue
        if label_line is not None and _continues_label(label_line, item, labels[-1][1][-1], style):
            labels[-1][1].append(text)
            continue
        label_line = None
        description.append(item)
    text = join_lines([s.text for s in description])
    parts = split_inline_labels(text)
    desc_parts = []
    for part in parts:
        found = match_label(part)
        if found is not None:
            labels.append((found[0], [found[1]]))
        else:
            desc_parts.append(part)
    entry.description = strip_trailing_hours(" ".join(desc_parts)).strip()
    prereq = [
        (name, join_lines(texts).rstrip(" ."))
        for name, texts in labels
        if name in _PREREQ_LABELS
    ]
    if prereq:
        entry.prerequisites = "; ".join(
            text if name == "Prerequisite" else f"{name}: {text}" for name, text in prereq
        )
    entry.cues["description"] = 1.0 if entry.description else 0.7


def _continues_label(label: StreamLine, item: StreamLine, previous_text: str, style: _Style) -> bool:
    if item.indent > label.indent + 2.0:
        return True
    if label.line.italic and not style.body_italic:
        return item.line.italic
    first = item.text.lstrip()[:1]
    return not previous_text.rstrip().endswith(_TERMINAL) and (first.islower() or first in "(“\"")


def join_lines(lines: Sequence[str]) -> str:
    """Join wrapped lines into one paragraph, undoing end-of-line hyphenation."""
    out = ""
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        suspended = text.split(" ", 1)[0] in _SUSPENDED_HYPHEN_FOLLOWERS  # "seventeenth- or"
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].isalpha() and (
            not suspended
        ):
            out = (out[:-1] if text[:1].islower() else out) + text
        elif out:
            out = f"{out} {text}"
        else:
            out = text
    return re.sub(r"\s+", " ", out)
