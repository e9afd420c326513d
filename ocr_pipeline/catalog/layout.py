"""Reading order from geometry: margins, column gutters, full-width bands.

Engines hand over lines with boxes; this module groups them into blocks in the order a person
reads them: running headers first, then each horizontal band of the body (a full-width line
such as a department heading closes a band), inside a band the columns left to right, running
footers last. It works the same for one, two and three columns and for OCR and text layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, pairwise

from ocr_pipeline.catalog.models import Block, Line, union_bbox

MARGIN_BAND = 0.09
"""Share of the page height at top and bottom where running headers and footers live."""
_MIN_COLUMN_LINE = 0.15
"""Lines narrower than this share of the page do not show where columns are."""
_MARGIN_PITCHES = 2.2
"""A running header stands this many line pitches above the next line's top or more: the
white of 1.2 line heights a text layer's boxes show (they span the pitch), measured the same
on a scan's ink boxes, which leave more white between lines."""


def order_lines(lines: Sequence[Line], *, width: float, height: float,
                gutters: list[tuple[float, float]] | None = None) -> tuple[Block, ...]:
    """Group ``lines`` into blocks in reading order; ``gutters`` (x0, x1) if they are known
    (the catalog's own columns), else found in the page's geometry."""
    if not lines:
        return ()
    head, body, foot = _split_margins(lines, height=height)
    blocks: list[Block] = []
    if head:
        blocks.append(_block(head, column=0, role="margin"))
    if gutters is None:
        gutters = find_gutters(body, width=width)
    band: list[Line] = []
    wide: list[Line] = []
    for line in sorted(body, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        if gutters and _crosses(line, gutters):
            blocks.extend(_band_blocks(band, gutters))
            band = []
            wide.append(line)
        else:
            if wide:
                blocks.append(_block(wide, column=0, role="body"))
                wide = []
            band.append(line)
    blocks.extend(_band_blocks(band, gutters))
    if wide:
        blocks.append(_block(wide, column=0, role="body"))
    if foot:
        blocks.append(_block(foot, column=0, role="margin"))
    return tuple(blocks)


def body_gutters(lines: Sequence[Line], *, width: float,
                 height: float) -> list[tuple[float, float]]:
    """The gutters of a page's body: running headers and footers (a report's ``Run Date:``
    set flush right at the top) show no column."""
    return find_gutters(_split_margins(lines, height=height)[1], width=width) if lines else []


def find_gutters(lines: Sequence[Line], *, width: float) -> list[tuple[float, float]]:
    """Vertical white strips that separate columns, as (x0, x1) intervals."""
    # Prose lines define columns; short labels (charts, centred titles, credits set flush
    # right) may sit anywhere.
    narrow = [
        ln for ln in lines
        if _MIN_COLUMN_LINE * width <= ln.bbox[2] - ln.bbox[0] < 0.6 * width
        and len(ln.words) >= 3
    ]
    if len(narrow) < 4:
        return []
    step = max(width / 400.0, 0.5)
    bins = int(width / step) + 1
    delta = [0] * (bins + 1)
    for ln in narrow:
        delta[max(0, int(ln.bbox[0] / step))] += 1
        delta[min(bins - 1, int(ln.bbox[2] / step)) + 1] -= 1
    cover = list(accumulate(delta[:bins]))
    # A few lines may bridge a gutter (a centred title above the columns): if no strip is
    # wholly empty, tolerate them. Not first, or a sparse last column would count as white.
    for tolerance in (0, int(0.04 * len(narrow))):
        gutters = _empty_strips(narrow, cover, step=step, tolerance=tolerance, width=width)
        if gutters:
            return gutters
    return []


def _empty_strips(
    lines: Sequence[Line], cover: list[int], *, step: float, tolerance: int, width: float
) -> list[tuple[float, float]]:
    left = min(ln.bbox[0] for ln in lines)
    right = max(ln.bbox[2] for ln in lines)
    min_gap = 0.012 * width
    gutters: list[tuple[float, float]] = []
    run_start: int | None = None
    for i, count in enumerate(cover):
        x = i * step
        empty = count <= tolerance and left < x < right
        if empty and run_start is None:
            run_start = i
        elif not empty and run_start is not None:
            x0, x1 = run_start * step, i * step
            if x1 - x0 >= min_gap and _both_sides_have_text(lines, x0, x1):
                gutters.append((x0, x1))
            run_start = None
    return gutters


def _both_sides_have_text(lines: Sequence[Line], x0: float, x1: float) -> bool:
    """Two lines or more left of the strip and one or more right of it. A last page may hold
    one line in its last column, at the columns' top; one short line right of the strip and
    lower down is a cell (``1 course each semester`` under a ``Credits`` column head), not a
    column."""
    left = [ln for ln in lines if ln.bbox[2] <= x0]
    right = [ln for ln in lines if ln.bbox[0] >= x1]
    if len(left) < 2 or not right:
        return False
    if len(right) >= 2:
        return True
    top = right[0].bbox[1]
    return top <= min(ln.bbox[1] for ln in left) + (right[0].bbox[3] - top)


def _split_margins(lines: Sequence[Line], *, height: float) -> tuple[list[Line], list[Line], list[Line]]:
    """Separate lines in the top/bottom bands that stand apart from the body by a clear gap."""
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines)
    line_height = heights[len(heights) // 2]
    min_gap = max(1.2 * line_height, _MARGIN_PITCHES * _pitch(lines, line_height) - line_height,
                  0.01 * height)
    by_top = sorted(lines, key=lambda ln: ln.bbox[1])
    head = _apart(by_top, limit=MARGIN_BAND * height, min_gap=min_gap, edge=lambda ln: ln.bbox[3],
                  far=lambda ln: ln.bbox[1])
    by_bottom = sorted(lines, key=lambda ln: -ln.bbox[3])
    foot = _apart(by_bottom, limit=-(1.0 - MARGIN_BAND) * height, min_gap=min_gap,
                  edge=lambda ln: -ln.bbox[1], far=lambda ln: -ln.bbox[3])
    margin = {id(ln) for ln in head + foot}
    body = [ln for ln in lines if id(ln) not in margin]
    if not body:  # a page of nothing but short lines: keep them as body
        return [], list(lines), []
    return head, body, foot


def _pitch(lines: Sequence[Line], line_height: float) -> float:
    """The page's usual distance from one line's top to the next one's: a text layer's line
    boxes span it, a scan's boxes only their ink."""
    tops = sorted(ln.bbox[1] for ln in lines)
    steps = sorted(b - a for a, b in pairwise(tops) if b - a > 0.5 * line_height)
    return steps[len(steps) // 2] if steps else line_height


def _apart(ordered: list[Line], *, limit: float, min_gap: float, edge, far) -> list[Line]:
    """The longest run of lines from one page edge, inside ``limit``, followed by a gap.

    ``edge``/``far`` map a line to its inner and outer coordinate measured from that edge.
    """
    best = 0
    reach = float("-inf")
    for i, line in enumerate(ordered[:-1]):
        reach = max(reach, edge(line))
        if reach > limit:
            break
        if far(ordered[i + 1]) - reach >= min_gap:
            best = i + 1
    return ordered[:best]


def _crosses(line: Line, gutters: list[tuple[float, float]]) -> bool:
    return any(line.bbox[0] < g0 and line.bbox[2] > g1 for g0, g1 in gutters)


def _column_of(line: Line, gutters: list[tuple[float, float]]) -> int:
    center = (line.bbox[0] + line.bbox[2]) / 2
    return sum(1 for g0, _ in gutters if center > g0)


def _band_blocks(band: list[Line], gutters: list[tuple[float, float]]) -> list[Block]:
    if not band:
        return []
    columns: dict[int, list[Line]] = {}
    for line in band:
        columns.setdefault(_column_of(line, gutters), []).append(line)
    return [
        _block(sorted(columns[c], key=lambda ln: (ln.bbox[1], ln.bbox[0])), column=c, role="body")
        for c in sorted(columns)
    ]


def _block(lines: list[Line], *, column: int, role: str) -> Block:
    ordered = sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])) if role == "margin" else lines
    return Block(
        lines=tuple(ordered),
        bbox=union_bbox([ln.bbox for ln in ordered]),
        column=column,
        role=role,  # type: ignore[arg-type]
    )
