"""DeepSeek-OCR's grounding markup to text blocks with page-space boxes.

With a ``<|grounding|>`` prompt the model writes each region as
``<|ref|>label<|/ref|><|det|>[[x1, y1, x2, y2]]<|/det|>`` followed by the region's text
(markdown; tables as HTML). Coordinates are on a 0-999 grid over the whole image, whatever
its size. Text outside any region (a prompt without grounding, or a preamble) becomes one block
over the whole page.

The model gives a box per region, not per word. Words are laid out inside their region: the
font size that fits the region's text into its box, greedy wrapping at that size, words placed
left to right by their length. That is the geometry the course parser reads (sizes, line
starts, reading order); it is an estimate, and only as good as the region box.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from ocr_pipeline.catalog.models import BBox, Block, Line, Word, union_bbox

GRID = 999.0
"""The model's coordinate grid: 0..999 on both axes."""
CHAR_WIDTH = 0.5
"""Mean character advance over font size (proportional Latin fonts)."""
LEADING = 1.2
"""Line pitch over font size."""
UNGROUNDED_SIZE = 10.0
"""Font size assumed for text without a box: its lines are stacked from the top of the page."""
BOLD_LABELS = frozenset({"title", "sub_title"})
SKIPPED_LABELS = frozenset({"image"})
"""Regions with no text of their own."""
LAYOUT_LABELS = frozenset({"title", "sub_title", "text", "table", "table_caption",
                           "table_footnote", "image", "image_caption", "equation"})
"""Region kinds of the document prompts. Under ``<|grounding|>OCR this image.`` the reference
is the recognized text itself, with nothing after the box."""

_REGION = re.compile(r"<\|ref\|>(.*?)<\|/ref\|><\|det\|>(.*?)<\|/det\|>", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_ROW_END = re.compile(r"</tr\s*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Region:
    """One region of the model's output: label, text as written, box in points, and where
    its text sits in the raw output (for token-level confidence)."""

    label: str
    text: str
    bbox: BBox
    start: int
    end: int
    grounded: bool = True
    """False for text outside any region: its box is the whole page, its layout unknown."""


def parse_regions(raw: str, *, width: float, height: float) -> list[Region]:
    """Regions of ``raw`` in output order; boxes scaled from the 0-999 grid to points."""
    matches = list(_REGION.finditer(raw))
    regions: list[Region] = []
    lead_end = matches[0].start() if matches else len(raw)
    if raw[:lead_end].strip():
        regions.append(Region("text", raw[:lead_end].strip(), (0.0, 0.0, width, height), 0,
                              lead_end, grounded=False))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        box = _grid_box(match.group(2), width=width, height=height)
        label, text = match.group(1).strip(), raw[match.end():end].strip()
        if not text and label not in LAYOUT_LABELS:
            label, text = "text", label
        if box is None or not text or label in SKIPPED_LABELS:
            continue
        regions.append(Region(label, text, box, match.start(), end))
    return regions


def region_block(region: Region, *, conf: float) -> Block:
    """A block of wrapped lines of estimated words filling the region's box (text without a
    box: its lines at ``UNGROUNDED_SIZE`` from the top of the page)."""
    rows = plain_lines(region.text, label=region.label)
    bold = region.label in BOLD_LABELS
    x0, y0, x1, y1 = region.bbox
    chars = sum(len(text) for text, _ in rows) or 1
    size = (math.sqrt((x1 - x0) * (y1 - y0) / (CHAR_WIDTH * LEADING * chars))
            if region.grounded else UNGROUNDED_SIZE)
    per_line = max(1, int((x1 - x0) / (CHAR_WIDTH * size)))
    wrapped = [(piece, strong or bold) for text, strong in rows for piece in _wrap(text, per_line)]
    pitch = min(LEADING * size, (y1 - y0) / max(len(wrapped), 1))
    size = pitch / LEADING
    lines = []
    for number, (text, strong) in enumerate(wrapped):
        top = y0 + number * pitch
        words = _place_words(text, left=x0, top=top, bottom=top + pitch, size=size, conf=conf,
                             bold=strong)
        lines.append(Line(words=words, bbox=union_bbox([w.bbox for w in words])))
    return Block(lines=tuple(lines), bbox=region.bbox, label=region.label)


def plain_lines(text: str, *, label: str) -> list[tuple[str, bool]]:
    """Non-empty lines of a region's markdown (or HTML table) as plain text, each with
    whether it was emphasized (bold or a heading)."""
    if label == "table" or "<table" in text.lower():
        text = _CELL_END.sub("  ", _ROW_END.sub("\n", text))
    rows = []
    for line in html.unescape(_TAG.sub("", text)).splitlines():
        strong = bool(_HEADING.match(line)) or line.strip().startswith("**")
        plain = " ".join(_EMPHASIS.sub("", _HEADING.sub("", line)).split())
        if plain:
            rows.append((plain, strong))
    return rows


def _grid_box(det: str, *, width: float, height: float) -> BBox | None:
    numbers = [min(max(float(n), 0.0), GRID) for n in _NUMBER.findall(det)]
    boxes = [numbers[i:i + 4] for i in range(0, len(numbers) - 3, 4)]
    if not boxes:
        return None
    scaled = [(min(b[0], b[2]) / GRID * width, min(b[1], b[3]) / GRID * height,
               max(b[0], b[2]) / GRID * width, max(b[1], b[3]) / GRID * height) for b in boxes]
    box = union_bbox(scaled)
    return box if box[2] > box[0] and box[3] > box[1] else None


def _wrap(text: str, per_line: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines


def _place_words(text: str, *, left: float, top: float, bottom: float, size: float,
                 conf: float, bold: bool) -> tuple[Word, ...]:
    advance = CHAR_WIDTH * size
    words = []
    x = left
    for word in text.split():
        words.append(Word(text=word, bbox=(x, top, x + len(word) * advance, bottom), conf=conf,
                          size=size, bold=bold))
        x += (len(word) + 1) * advance
    return tuple(words)
