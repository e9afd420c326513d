"""Open and validate catalog PDFs, classify their pages, render pages for OCR.

A ``CatalogPdf`` holds one open document; pages are read and rendered one at a time, so the
memory held is one page's worth whatever the length of the catalog.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from types import TracebackType
from typing import Any

import pymupdf

from ocr_pipeline.catalog.models import PageKind
from ocr_pipeline.errors import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    FileTooLargeError,
    NotAPdfError,
    PageTooLargeError,
    UnreadableFileError,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 1 << 30
"""Default upper bound on a catalog file (1 GiB)."""
MIN_PAGE_POINTS = 72.0
MAX_PAGE_POINTS = 14_400.0
"""PDF's own limit on a page side (200 inches); anything outside is treated as absurd."""

_CID = re.compile(r"\(cid:\d+\)")
_GARBAGE = re.compile("[\x00-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_WHITESPACE = re.compile(r"\s+")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PageClass:
    """How a page's text should be read, and why."""

    page: int
    kind: PageKind
    reason: str
    text_chars: int
    bad_ratio: float
    """Share of text-layer characters that are garbage (cid codes, unmapped, control)."""


def text_layer_quality(text: str) -> tuple[int, float]:
    """Return (visible character count, share of garbage characters) for text-layer text."""
    cid_chars = sum(len(m) for m in _CID.findall(text))
    cleaned = _WHITESPACE.sub("", _CID.sub("", text))
    total = len(cleaned) + cid_chars
    if total == 0:
        return 0, 0.0
    return total, (cid_chars + len(_GARBAGE.findall(cleaned))) / total


def has_garbage(text: str) -> bool:
    """True if ``text`` holds unmapped (U+FFFD), control or private-use characters."""
    return _GARBAGE.search(text) is not None


TEXT_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_PRESERVE_WHITESPACE
"""Unmapped glyphs come out as U+FFFD (not as a plausible wrong letter), so they can be seen."""
MIN_TEXT_CHARS = 20
MAX_BAD_RATIO = 0.05


def classify_text(text: dict[str, Any], *, page: pymupdf.Page, number: int) -> PageClass:
    """Born-digital or scanned, from a page's ``get_text('dict')`` and its images/drawings."""
    visible: list[str] = []
    invisible = 0
    for block in text["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                if span["alpha"] == 0:
                    invisible += len(span["text"].strip())
                else:
                    visible.append(span["text"])
    chars, bad = text_layer_quality("".join(visible))
    if invisible > chars:
        return PageClass(number, "scanned", "invisible text layer (an earlier OCR)", chars, bad)
    if chars >= MIN_TEXT_CHARS and bad > MAX_BAD_RATIO:
        return PageClass(number, "scanned", f"garbled text layer ({bad:.0%} unmapped)", chars, bad)
    if chars >= MIN_TEXT_CHARS:
        return PageClass(number, "born_digital", "good text layer", chars, bad)
    if page.get_images(full=False) or page.get_drawings():
        return PageClass(number, "scanned", "no text layer", chars, bad)
    return PageClass(number, "born_digital", "blank page", chars, bad)


class CatalogPdf:
    """A validated catalog PDF. Use as a context manager; pages are loaded on demand."""

    def __init__(self, path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = Path(path)
        self._doc = _open_validated(self.path, max_bytes=max_bytes)
        self.page_count: int = self._doc.page_count
        self._sha256: str | None = None

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = sha256_file(self.path)
        return self._sha256

    def page(self, number: int) -> pymupdf.Page:
        """Load the 1-based page ``number``."""
        try:
            return self._doc.load_page(number - 1)
        except Exception as exc:  # mupdf raises its own RuntimeError subclasses
            raise CorruptPdfError(self.path, f"page {number} cannot be read ({exc})") from exc

    def classify(self, number: int) -> PageClass:
        """Decide whether page ``number`` has a text layer good enough to trust as is."""
        return self.classify_loaded(self.page(number), number=number)[0]

    def classify_loaded(
        self, page: pymupdf.Page, *, number: int
    ) -> tuple[PageClass, dict[str, Any]]:
        """Classify a loaded page; also return its text dict so the text layer is read once."""
        text = page.get_text("dict", flags=TEXT_FLAGS)
        return classify_text(text, page=page, number=number), text

    def render_gray(self, number: int, *, dpi: int) -> pymupdf.Pixmap:
        """Render page ``number`` to an 8-bit grayscale pixmap at ``dpi``."""
        page = self.page(number)
        return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)

    def render_clip(self, number: int, bbox: tuple[float, float, float, float], *, dpi: int,
                    margin: float = 12.0) -> bytes:
        """PNG of a region of page ``number`` (PDF points, top-left origin), with a margin."""
        page = self.page(number)
        clip = (pymupdf.Rect(bbox) + (-margin, -margin, margin, margin)) & page.rect
        return page.get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY,
                               alpha=False).tobytes("png")

    def close(self) -> None:
        self._doc.close()

    def __enter__(self) -> CatalogPdf:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _open_validated(path: Path, *, max_bytes: int) -> pymupdf.Document:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotAPdfError(path, "no such file") from None
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from None
    if not S_ISREG(stat.st_mode):
        raise NotAPdfError(path, "not a regular file")
    size = stat.st_size
    if size == 0:
        raise NotAPdfError(path, "file is empty")
    if size > max_bytes:
        raise FileTooLargeError(path, f"{size:,} bytes, limit {max_bytes:,}")
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
            handle.seek(max(0, size - 2048))
            tail = handle.read()
    except OSError as exc:
        raise UnreadableFileError(path, exc.strerror or str(exc)) from None
    if b"%PDF-" not in head:
        raise NotAPdfError(path, "no %PDF header")
    if b"%%EOF" not in tail:
        raise CorruptPdfError(path, "truncated: no end-of-file marker")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise CorruptPdfError(path, str(exc)) from exc
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise EncryptedPdfError(path)
    if doc.page_count == 0:
        doc.close()
        raise EmptyPdfError(path)
    for index in range(doc.page_count):
        try:
            rect = doc.load_page(index).rect
        except Exception as exc:
            doc.close()
            raise CorruptPdfError(path, f"page {index + 1} cannot be read ({exc})") from exc
        for side in (rect.width, rect.height):
            if not MIN_PAGE_POINTS <= side <= MAX_PAGE_POINTS:
                doc.close()
                raise PageTooLargeError(
                    path, f"page {index + 1} is {rect.width:.0f} x {rect.height:.0f} points"
                )
    if doc.is_repaired:
        logger.warning("%s: PDF structure was damaged and repaired on open", path.name)
    return doc
