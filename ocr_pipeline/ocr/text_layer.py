"""The ``text_layer`` engine: words straight from a born-digital PDF, exact, confidence 1.0."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pymupdf

from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.pdf import CatalogPdf, _is_garbage

_BOLD = 16
_ITALIC = 2
GARBLED_WORD_CONF = 0.3
"""Confidence of a text-layer word holding unmapped or control characters."""


class TextLayerEngine:
    name = "text_layer"

    @property
    def version(self) -> str:
        return f"pymupdf-{pymupdf.VersionBind}"

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int = 0) -> Iterator[PageText]:
        with CatalogPdf(pdf) as doc:
            for number in pages:
                yield self.read_page(doc.page(number), number=number)

    def read_page(self, page: pymupdf.Page, *, number: int, text: dict[str, Any] | None = None) -> PageText:
        """Read one loaded page; ``text`` may pass an already extracted ``get_text('dict')``."""
        started = time.perf_counter()
        if text is None:
            text = page.get_text("dict", flags=pymupdf.TEXT_MEDIABOX_CLIP)
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
        )


def _lines(block: dict[str, Any]) -> Iterator[Line]:
    for raw in block.get("lines", ()):
        if raw["dir"][0] < 0.9:  # rotated or vertical text: not catalog body text
            continue
        words: list[Word] = []
        for span in raw["spans"]:
            if span["alpha"] == 0:
                continue
            words.extend(_span_words(span))
        if words:
            yield Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))


def _span_words(span: dict[str, Any]) -> Iterator[Word]:
    text: str = span["text"]
    x0, y0, x1, y1 = span["bbox"]
    if not text.strip():
        return
    per_char = (x1 - x0) / max(len(text), 1)
    bold = bool(span["flags"] & _BOLD) or "bold" in span["font"].lower()
    italic = bool(span["flags"] & _ITALIC) or "italic" in span["font"].lower()
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                token = text[start:i]
                garbled = any(_is_garbage(c) for c in token)
                yield Word(
                    text=token,
                    bbox=(x0 + start * per_char, y0, x0 + i * per_char, y1),
                    conf=GARBLED_WORD_CONF if garbled else 1.0,
                    size=span["size"],
                    bold=bold,
                    italic=italic,
                )
                start = None
        elif start is None:
            start = i
