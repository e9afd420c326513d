"""The engine protocol every reader of pages implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
