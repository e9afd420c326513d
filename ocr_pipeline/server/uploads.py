"""Uploaded files: read within the size limit, recognized by their bytes (not by the declared
content type), validated, and PDFs rendered page by page."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pymupdf
from fastapi import UploadFile
from PIL import Image

from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import (
    CorruptImageError,
    EmptyUploadError,
    FileTooLargeError,
    PageRangeError,
    PixelBudgetError,
    TooManyPagesError,
    UnsupportedFileError,
)

IMAGE_FORMATS = frozenset({"PNG", "JPEG", "TIFF", "BMP", "WEBP", "PPM"})
PASSED_AS_IS = frozenset({"PNG", "PPM"})
"""Formats engines get unchanged; the others are converted to PNG first."""
CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")

Kind = Literal["pdf", "image"]


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    kind: Kind


async def read_upload(file: UploadFile, *, max_bytes: int) -> Upload:
    """The file's bytes (FileTooLargeError past ``max_bytes``) and what kind of file it is."""
    name = safe_name(file.filename)
    chunks = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLargeError(name, f"more than {max_bytes:,} bytes (MAX_UPLOAD_MB)")
        chunks.append(chunk)
    data = b"".join(chunks)
    return Upload(filename=name, data=data, kind=sniff(name, data))


def safe_name(filename: str | None) -> str:
    base = Path(filename or "upload").name
    return _UNSAFE.sub("_", base).strip("._") or "upload"


def sniff(name: str, data: bytes) -> Kind:
    if not data:
        raise EmptyUploadError(name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "image"  # one Pillow can read, too large to decode: decoded_image refuses it
    except Exception:  # noqa: BLE001 - Pillow's way of saying "not an image I know"
        fmt = None
    if fmt not in IMAGE_FORMATS:
        raise UnsupportedFileError(
            name, "expected a PDF or an image (PNG, JPEG, TIFF, BMP, WEBP, PNM)")
    return "image"


def expect(upload: Upload, kind: Kind) -> None:
    if upload.kind != kind:
        raise UnsupportedFileError(upload.filename, f"this endpoint takes {_KIND_NAMES[kind]}, "
                                   f"and this is {_KIND_NAMES[upload.kind]}")


_KIND_NAMES = {"pdf": "a PDF", "image": "an image"}


def decoded_image(upload: Upload, *, max_pixels: int) -> bytes:
    """The image checked end to end (its size within ``max_pixels`` before it is decoded, every
    byte decodes), as PNG unless already PNG/PNM."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data)) as img:
                check_pixels(upload.filename, img.size, max_pixels=max_pixels, what="the image")
                img.load()
                if img.format in PASSED_AS_IS:
                    return upload.data
                out = io.BytesIO()
                img.convert("L" if img.mode in ("1", "L", "I;16") else "RGB").save(out, "PNG")
                return out.getvalue()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PixelBudgetError(upload.filename, str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptImageError(upload.filename, str(exc)) from exc


def check_pages(pdf: CatalogPdf, numbers: list[int], *, dpi: int, max_pixels: int,
                name: str) -> None:
    """PixelBudgetError unless each page of ``numbers`` renders within ``max_pixels`` at
    ``dpi``, told by its size before any is rendered; call on the rendering thread."""
    zoom = pymupdf.Matrix(dpi / 72, dpi / 72)
    for number in numbers:
        box = (pdf.page(number).rect * zoom).irect
        check_pixels(name, (box.width, box.height), max_pixels=max_pixels,
                     what=f"page {number} at {dpi} dpi")


def check_pixels(name: str, size: tuple[int, int], *, max_pixels: int, what: str) -> None:
    width, height = size
    if width * height > max_pixels:
        raise PixelBudgetError(name, f"{what} is {width:,} x {height:,} pixels; the budget is "
                               f"{max_pixels:,} (OCR_MAX_PIXELS)")


def page_numbers(spec: str | None, *, page_count: int, max_pages: int, name: str) -> list[int]:
    """1-based pages from ``spec`` (``"1-3,7"``; None: all), within the document and limit."""
    if spec is None or not spec.strip():
        numbers = list(range(1, page_count + 1))
    else:
        numbers = []
        for part in spec.split(","):
            match = _RANGE.match(part)
            if match is None:
                raise PageRangeError(name, f"{spec!r} is not a page range like 1-3,7")
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if low < 1 or high < low:
                raise PageRangeError(name, f"{part.strip()!r} is not an increasing range of "
                                     "1-based pages")
            if high > page_count:
                raise PageRangeError(name, f"page {high} requested, the document has "
                                     f"{page_count}")
            numbers.extend(n for n in range(low, high + 1) if n not in numbers)
    if len(numbers) > max_pages:
        raise TooManyPagesError(name, f"{len(numbers)} pages requested, the limit is "
                                f"{max_pages} (MAX_PAGES)")
    return numbers


def open_pdf(upload: Upload, folder: Path) -> CatalogPdf:
    """Validate the PDF (opens, not encrypted, has pages, sane page sizes); call on the
    rendering thread."""
    path = folder / upload.filename
    path.write_bytes(upload.data)
    return CatalogPdf(path)


def render_page(pdf: CatalogPdf, number: int, *, dpi: int) -> bytes:
    """Page ``number`` as 8-bit grayscale PNM at ``dpi``; call on the rendering thread."""
    return pdf.render_gray(number, dpi=dpi).tobytes("pgm")
