"""The ``text_layer`` engine: words straight from a born-digital PDF, exact, confidence 1.0."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pymupdf

from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import TEXT_LAYER, Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.pdf import TEXT_FLAGS, CatalogPdf, has_garbage

_BOLD = 16
_ITALIC = 2
_TOKEN = re.compile(r"\S+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
READER_REVISION = 6
"""Bumped when the words read from a text layer change, so cached pages are read again."""
_MAX_BOX_EMS = 2.0
"""A span's box taller than this many times its type's size comes from a font's absurd
metrics (Bethel's Cambria: 3.1 em above the baseline, 2.5 below), not from its letters."""
_ASCENT = 0.9
_DESCENT = 0.25
"""A usual font's reach above and below the baseline, in ems: a box made of them stands for
one from absurd metrics."""
GARBLED_WORD_CONF = 0.3
"""Confidence of a text-layer word holding unmapped or control characters."""


class TextLayerEngine:
    name = TEXT_LAYER

    @property
    def version(self) -> str:
        return f"pymupdf-{pymupdf.VersionBind}-r{READER_REVISION}"

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int = 0) -> Iterator[PageText]:
        with CatalogPdf(pdf) as doc:
            for number in pages:
                yield self.read_page(doc.page(number), number=number)

    def read_page(self, page: pymupdf.Page, *, number: int, text: dict[str, Any] | None = None) -> PageText:
        """Read one loaded page; ``text`` may pass an already extracted ``get_text('dict')``."""
        started = time.perf_counter()
        if text is None:
            text = page.get_text("dict", flags=TEXT_FLAGS)
        lines = [line for block in text["blocks"] for line in _lines(block)]
        width, height = page.rect.width, page.rect.height
        return PageText(
            page=number,
            width=width,
            height=height,
            blocks=order_lines(lines, width=width, height=height),
            method=self.name,
            engine_version=self.version,
            seconds=time.perf_counter() - started,
            styled=True,
        )


def _lines(block: dict[str, Any]) -> Iterator[Line]:
    for raw in block.get("lines", ()):
        if raw["dir"][0] < 0.9:  # rotated or vertical text: not catalog body text
            continue
        spans = [span for span in raw["spans"] if span["alpha"] != 0 and span["text"]]
        words = _words(spans)
        if words:
            yield Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))


def _words(spans: list[dict[str, Any]]) -> list[Word]:
    """Split a line's spans into words; a word may run across spans (``Investiga`` + ``-``).

    A word takes its style from the span of its first character; character positions are
    spread evenly over their span's box.
    """
    # a control character ends some fonts' runs (``Capitalism \x03``): it separates words
    text = _CONTROL.sub(" ", "".join(span["text"] for span in spans))
    starts: list[int] = []
    steps: list[float] = []
    offset = 0
    for span in spans:
        starts.append(offset)
        x0, _, x1, _ = span["bbox"]
        steps.append((x1 - x0) / len(span["text"]))
        offset += len(span["text"])
    words: list[Word] = []
    index = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        while index + 1 < len(spans) and starts[index + 1] <= start:
            index += 1
        last = index
        while last + 1 < len(spans) and starts[last + 1] < end:
            last += 1
        span = spans[index]
        token = match.group()
        top, bottom = _vertical(span)
        flags, font = span["flags"], span["font"].lower()
        words.append(
            Word(
                text=token,
                bbox=(
                    span["bbox"][0] + steps[index] * (start - starts[index]),
                    top,
                    spans[last]["bbox"][0] + steps[last] * (end - starts[last]),
                    bottom,
                ),
                conf=GARBLED_WORD_CONF if has_garbage(token) else 1.0,
                size=span["size"],
                bold=bool(flags & _BOLD) or "bold" in font,
                italic=bool(flags & _ITALIC) or "italic" in font,
                font=span["font"].rpartition("+")[2],  # without a subset's "ABCDEF+" prefix
            )
        )
    return words


def _vertical(span: dict[str, Any]) -> tuple[float, float]:
    """The span's top and bottom: its box's, unless the font's metrics make that box over
    ``_MAX_BOX_EMS`` of its type's size (a body line's box reaching above its heading put it
    first): then a usual font's reach about the baseline."""
    top, bottom = span["bbox"][1], span["bbox"][3]
    size = span["size"]
    if bottom - top <= _MAX_BOX_EMS * size:
        return top, bottom
    baseline = span["origin"][1]
    return baseline - _ASCENT * size, baseline + _DESCENT * size
