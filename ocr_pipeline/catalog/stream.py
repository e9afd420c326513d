"""A catalog as one stream of lines in reading order, running headers and footers removed.

The pages come in as an engine read them (blocks in reading order). Pieces of one printed line
that an engine gave as separate lines (a code and its title set at different x, a label and its
value in two columns of a registrar report) are joined by their shared baseline first, so the
parser sees lines as a reader does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ocr_pipeline.catalog.assemble import assemble_pages
from ocr_pipeline.catalog.codes import match_code
from ocr_pipeline.catalog.credits import credits_line
from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import Line, PageText, union_bbox

_MAX_CROSSING = 0.15
"""Share of a page's text that may bridge the catalog's gutters (a chart's labels)."""
_SAME_BASELINE = 0.35
"""Two pieces share a baseline when their vertical centres differ by less than this share of
the smaller height."""


@dataclass(frozen=True, slots=True)
class StreamLine:
    """A line in catalog reading order with the geometry of the block it sits in."""

    line: Line
    text: str
    page: int
    block: int
    block_left: float
    """The block's most common left edge: where its body lines start."""
    block_width: float
    column_width: float
    """Width of the page's widest multi-line body block: what a full line measures."""
    indent: float
    """x0 minus the block's most common x0 (0 for body text, < 0 for a hanging heading)."""
    gap_before: float | None
    """Vertical white space above the line within its block; None at a block's top."""
    styled: bool = True
    """The line's weight is known (a text layer's fonts, or bold measured in a scan's ink); an
    engine that knows no bold gives False."""

    @property
    def height(self) -> float:
        return self.line.bbox[3] - self.line.bbox[1]

    @property
    def width(self) -> float:
        return self.line.bbox[2] - self.line.bbox[0]

    @property
    def right_gap(self) -> float:
        """White space between the line's end and the block's right edge."""
        return self.block_left + self.block_width - self.line.bbox[2]


def build_stream(pages: Sequence[PageText]) -> list[StreamLine]:
    """All body lines of the catalog in reading order, running headers and footers removed;
    a scanned page's lines are assembled from its words first."""
    pages = assemble_pages(pages)
    running = _running_texts(pages)
    gutters = catalog_gutters(pages)
    stream: list[StreamLine] = []
    block_index = 0
    for page in (with_catalog_columns(page, gutters) for page in pages):
        outermost = {id(line) for line in _outermost(page)}
        column_width = max(
            (b.bbox[2] - b.bbox[0] for b in page.blocks if b.role == "body" and len(b.lines) > 2),
            default=page.width,
        )
        for block in page.blocks:
            block_index += 1
            kept = [ln for ln in block.lines
                    if not _is_running(ln, block.role, running, outermost, column_width)]
            lines = join_baselines(kept)
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
                        block_left=left,
                        block_width=block.bbox[2] - left,
                        column_width=column_width,
                        indent=ln.bbox[0] - left,
                        gap_before=gap,
                        styled=page.styled,
                    )
                )
                previous = ln
    return stream


def catalog_gutters(pages: Sequence[PageText]) -> list[tuple[float, float]]:
    """The column gutters most of the catalog's pages of columns share (rounded to 2 pt)."""
    seen: Counter[tuple[tuple[float, float], ...]] = Counter()
    for page in pages:
        found = _page_gutters(page)
        if found:
            seen[found] += 1
    if not seen:
        return []
    common, count = seen.most_common(1)[0]
    return list(common) if count >= max(2, len(pages) // 4) else []


def with_catalog_columns(page: PageText, gutters: list[tuple[float, float]]) -> PageText:
    """A page whose own columns were not found (a chart bridging the gutter) read in the
    catalog's columns, when its lines keep clear of their gutters."""
    if not gutters or _page_gutters(page):
        return page
    lines = page.lines
    crossing = sum(len(ln.text) for ln in lines
                   if any(ln.bbox[0] < g0 and ln.bbox[2] > g1 for g0, g1 in gutters))
    if not lines or crossing > _MAX_CROSSING * sum(len(ln.text) for ln in lines):
        return page
    blocks = order_lines(lines, width=page.width, height=page.height, gutters=gutters)
    return replace(page, blocks=blocks)


def _page_gutters(page: PageText) -> tuple[tuple[float, float], ...]:
    columns: dict[int, list[float]] = {}
    for block in page.blocks:
        if block.role == "body":
            columns.setdefault(block.column, []).extend([block.bbox[0], block.bbox[2]])
    if len(columns) < 2:
        return ()
    order = sorted(columns)
    return tuple((_even(max(columns[a][1::2])), _even(min(columns[b][0::2])))
                 for a, b in zip(order, order[1:], strict=False))


def _even(x: float) -> float:
    return 2.0 * round(x / 2.0)


def join_baselines(lines: Sequence[Line]) -> list[Line]:
    """Join consecutive pieces that sit on one baseline side by side into one line."""
    joined: list[Line] = []
    for line in lines:
        last = joined[-1] if joined else None
        if last is not None and _same_baseline(last, line):
            words = tuple(sorted(last.words + line.words, key=lambda w: w.bbox[0]))
            joined[-1] = Line(words=words, bbox=union_bbox([last.bbox, line.bbox]))
        else:
            joined.append(line)
    return joined


def _same_baseline(a: Line, b: Line) -> bool:
    height = min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
    centre_a = (a.bbox[1] + a.bbox[3]) / 2
    centre_b = (b.bbox[1] + b.bbox[3]) / 2
    side_by_side = b.bbox[0] >= a.bbox[2] - 1.0 or a.bbox[0] >= b.bbox[2] - 1.0
    return side_by_side and abs(centre_a - centre_b) < _SAME_BASELINE * height


def _running_texts(pages: Sequence[PageText]) -> set[str]:
    """Masked texts of a page's outermost lines that repeat on many pages (headers, footers)."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_mask(line.text) for line in _outermost(page)})
    needed = max(3, int(0.3 * len(pages)))
    return {text for text, count in seen.items() if count >= needed and text}


def _outermost(page: PageText) -> list[Line]:
    lines = page.lines
    if not lines:
        return []
    top = min(lines, key=lambda ln: ln.bbox[1])
    bottom = max(lines, key=lambda ln: ln.bbox[3])

    def centre(ln: Line) -> float:
        return (ln.bbox[1] + ln.bbox[3]) / 2

    # the first and the last row of text: lines whose middle lies within the outermost line
    return [ln for ln in lines
            if centre(ln) <= top.bbox[3] or centre(ln) >= bottom.bbox[1]]


def _is_running(line: Line, role: str, running: set[str], outermost: set[int],
                column_width: float) -> bool:
    """A running header or footer: repeated on many pages, or set apart in the page margin
    and short (a page number, a department name). Code-led lines, credits and full lines of
    prose in the margin (an entry running across the page break) are kept."""
    outer = id(line) in outermost
    if not outer and role != "margin":
        return False
    text = line.text
    masked = _mask(text)
    code_led = match_code(text) is not None
    if outer and masked in running and (role == "margin" or not code_led):
        return True  # a code-led line repeated at the top of pages is an entry, unless in the
        # page margin (a dictionary-style header: "ACCT 101 - ACCT 240")
    if role == "margin":
        prose = line.bbox[2] - line.bbox[0] >= 0.6 * column_width and len(line.words) >= 6
        content = code_led or credits_line(text) is not None
        return not (content or prose) or masked in running or not masked
    return False


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[^\w]+", "", text.lower()))


def _mode(values: list[int]) -> float:
    return float(Counter(values).most_common(1)[0][0])
