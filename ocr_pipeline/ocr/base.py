"""The engine protocol every reader of pages implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from ocr_pipeline.catalog.models import PageText


@runtime_checkable
class OcrEngine(Protocol):
    """Reads pages of a PDF into ``PageText`` (blocks in reading order, word confidences)."""

    name: str

    @property
    def version(self) -> str:
        """Engine version; part of the cache key of per-page outputs."""
        ...

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int) -> Iterator[PageText]:
        """Yield one ``PageText`` per 1-based page number, in the order given."""
        ...


@dataclass(frozen=True, slots=True)
class ImageReading:
    """One image read by an engine that serves single images (the OCR service's engines)."""

    page: PageText
    prompt: str | None
    """The prompt the engine was given; None for engines that take none (Tesseract)."""
    warnings: tuple[str, ...] = ()
    """Why parts of the page are less trustworthy (runaway repetition, truncated output)."""


@runtime_checkable
class ImageOcrEngine(Protocol):
    """Reads one rendered page image; what the OCR service runs per request."""

    name: str
    device: str

    @property
    def version(self) -> str: ...

    def read(self, image: bytes, *, page: int, dpi: int, prompt: str | None) -> ImageReading:
        """Read ``image`` (PNG, JPEG, TIFF... bytes) rendered at ``dpi``; boxes in points."""
        ...
