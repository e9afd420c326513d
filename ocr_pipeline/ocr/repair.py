"""Mend a text layer's unmapped glyphs by OCR of just the lines that hold them.

Some born-digital catalogs embed fonts whose glyphs map to no character (``�ow`` for "flow",
``e�amine`` for "examine"). Rather than OCR the whole page and lose the exact text layer, the
lines holding such words are rendered alone at high resolution, stacked into one strip and read
by Tesseract in one call per page; the garbled words take the OCR reading (and its
confidence), every other word stays exact. A word of glyphs alone that OCR does not read
surely is no text: a symbol font's character (private use: East Central's liberal-arts square,
read ``@`` or ``&``) is the mark ``■``, as a scan's solid ink read as a sign is; a glyph that
maps to nothing (Alma's icons before a course's designators, read ``van``, ``ais``, ``=``) is
left out: it had hidden the credits of its line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

import pymupdf

from ocr_pipeline.catalog.models import Line, PageText, Word
from ocr_pipeline.catalog.pdf import has_garbage
from ocr_pipeline.ocr.tesseract import TesseractEngine

logger = logging.getLogger(__name__)

REPAIR_DPI = 300
STRIP_GAP = 12.0
"""White space between stacked line crops, in points."""
MAX_LENGTH_CHANGE = 2
"""A ligature glyph is one character in the text layer and two in the OCR reading."""
PICTURE_CONF = 0.9
"""A word of glyphs alone read less surely than this is a mark or a picture, not text."""
MARK = "■"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True, slots=True)
class _Crop:
    line: Line
    clip: pymupdf.Rect
    top: float
    """Where the crop starts in the strip, in points."""


def has_garbled_words(page: PageText) -> bool:
    return any(_garbled(word) for line in page.lines for word in line.words)


def repair_garbled_words(
    page_text: PageText, *, page: pymupdf.Page, engine: TesseractEngine
) -> PageText:
    """Return ``page_text`` with garbled words replaced by their OCR reading where it is sure."""
    crops = _crops(page_text, page=page)
    if not crops:
        return page_text
    readings = _read_strip(crops, page=page, number=page_text.page, engine=engine)
    repaired = 0
    mended: dict[int, Line] = {}
    for crop in crops:
        line, count = _mend(crop.line, readings.get(id(crop.line), []))
        mended[id(crop.line)] = line
        repaired += count
    if not repaired:
        return page_text
    blocks = []
    for block in page_text.blocks:
        lines = [mended.get(id(line), line) for line in block.lines]
        if any(line.words for line in lines):  # a block of pictures alone goes with them
            blocks.append(replace(block, lines=tuple(line for line in lines if line.words)))
    logger.debug("page %d: %d garbled word(s) read by OCR", page_text.page, repaired)
    return replace(page_text, blocks=tuple(blocks), method=f"{page_text.method}+{engine.name}")


def _garbled(word: Word) -> bool:
    return has_garbage(word.text)


def _glyphs_alone(word: Word) -> bool:
    """A word of unmapped or private-use glyphs only: no letter of it is known."""
    return all(has_garbage(c) for c in word.text)


def _crops(page_text: PageText, *, page: pymupdf.Page) -> list[_Crop]:
    crops: list[_Crop] = []
    top = STRIP_GAP
    for line in page_text.lines:
        if not any(_garbled(word) for word in line.words):
            continue
        clip = (pymupdf.Rect(line.bbox) + (-2, -2, 2, 2)) & page.rect
        crops.append(_Crop(line=line, clip=clip, top=top))
        top += clip.height + STRIP_GAP
    return crops


def _read_strip(
    crops: list[_Crop], *, page: pymupdf.Page, number: int, engine: TesseractEngine
) -> dict[int, list[Word]]:
    """OCR all crops stacked in one image; OCR words per line, in page coordinates."""
    width = max(c.clip.width for c in crops) + 2 * STRIP_GAP
    height = crops[-1].top + crops[-1].clip.height + STRIP_GAP
    scale = REPAIR_DPI / 72.0
    strip = pymupdf.Pixmap(
        pymupdf.csGRAY, pymupdf.IRect(0, 0, int(width * scale), int(height * scale)), False
    )
    strip.clear_with(255)
    for crop in crops:
        pix = page.get_pixmap(dpi=REPAIR_DPI, clip=crop.clip, colorspace=pymupdf.csGRAY, alpha=False)
        pix.set_origin(int(STRIP_GAP * scale), int(crop.top * scale))
        strip.copy(pix, pix.irect)
    read = engine.read_image(
        strip.tobytes("pgm"), page=number, width=width, height=height, dpi=REPAIR_DPI,
        scanned=False,
    )
    found: dict[int, list[Word]] = {}
    for word in (w for line in read.lines for w in line.words):
        middle = (word.bbox[1] + word.bbox[3]) / 2
        crop = next((c for c in crops if c.top <= middle <= c.top + c.clip.height), None)
        if crop is None:
            continue
        dx, dy = crop.clip.x0 - STRIP_GAP, crop.clip.y0 - crop.top
        found.setdefault(id(crop.line), []).append(
            replace(word, bbox=(word.bbox[0] + dx, word.bbox[1] + dy,
                                word.bbox[2] + dx, word.bbox[3] + dy))
        )
    return found


def _mend(line: Line, candidates: list[Word]) -> tuple[Line, int]:
    """``line`` with its garbled words read by OCR, a symbol's made the mark and a picture's
    left out, and how many were; a line of pictures alone keeps no word."""
    words = []
    count = 0
    for word in line.words:
        match = _best_overlap(word, candidates) if _garbled(word) else None
        if _glyphs_alone(word) and (match is None or match.conf < PICTURE_CONF):
            count += 1
            if _PRIVATE_USE.search(word.text):
                words.append(replace(word, text=MARK, conf=1.0))
            continue
        if match is not None and not _garbled(match) and (
            abs(len(match.text) - len(word.text)) <= MAX_LENGTH_CHANGE
        ):
            word = replace(word, text=match.text, conf=match.conf)
            count += 1
        words.append(word)
    return replace(line, words=tuple(words)), count


def _best_overlap(word: Word, candidates: list[Word]) -> Word | None:
    best, best_overlap = None, 0.0
    for cand in candidates:
        overlap = min(word.bbox[2], cand.bbox[2]) - max(word.bbox[0], cand.bbox[0])
        if overlap > best_overlap:
            best, best_overlap = cand, overlap
    width = word.bbox[2] - word.bbox[0]
    return best if best is not None and best_overlap >= 0.5 * width else None
