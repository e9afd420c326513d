"""The ``text_layer`` engine: words straight from a born-digital PDF, exact, confidence 1.0."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pymupdf

from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.pdf import TEXT_FLAGS, CatalogPdf, is_garbage

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
        )


def _lines(block: dict[str, Any]) -> Iterator[Line]:
    for raw in block.get("lines", ()):
        if raw["dir"][0] < 0.9:  # rotated or vertical text: not catalog body text
            continue
        spans = [span for span in raw["spans"] if span["alpha"] != 0 and span["text"]]
        words = list(_words(spans))
        if words:
            yield Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))


def _words(spans: list[dict[str, Any]]) -> Iterator[Word]:
    """Split a line's spans into words; a word may run across spans (``Investiga`` + ``-``)."""
    chars: list[tuple[str, float, float, dict[str, Any]]] = []
    for span in spans:
        text: str = span["text"]
        x0, _, x1, _ = span["bbox"]
        step = (x1 - x0) / max(len(text), 1)
        chars.extend((ch, x0 + i * step, x0 + (i + 1) * step, span) for i, ch in enumerate(text))
    token: list[tuple[str, float, float, dict[str, Any]]] = []
    for item in [*chars, (" ", 0.0, 0.0, {})]:
        if not item[0].isspace():
            token.append(item)
            continue
        if token:
            yield _word(token)
            token = []


def _word(token: list[tuple[str, float, float, dict[str, Any]]]) -> Word:
    text = "".join(ch for ch, *_ in token)
    span = max((t[3] for t in token), key=lambda sp: sum(1 for t in token if t[3] is sp))
    _, y0, _, y1 = span["bbox"]
    garbled = any(is_garbage(c) for c in text)
    return Word(
        text=text,
        bbox=(token[0][1], y0, token[-1][2], y1),
        conf=GARBLED_WORD_CONF if garbled else 1.0,
        size=span["size"],
        bold=bool(span["flags"] & _BOLD) or "bold" in span["font"].lower(),
        italic=bool(span["flags"] & _ITALIC) or "italic" in span["font"].lower(),
    )
