"""Give any PDF the look of a scan: image-only pages, slightly rotated, blurred and noisy."""

from __future__ import annotations

import io
import logging
import random
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import OcrPipelineError

logger = logging.getLogger(__name__)

MIN_DPI, MAX_DPI = 36, 1200
MIN_ANGLE, MAX_ANGLE = 0.2, 0.8
"""Skew in degrees, either direction."""
MIN_BLUR, MAX_BLUR = 0.4, 0.8
MIN_NOISE, MAX_NOISE = 6.0, 10.0
PAPER = 0.94
"""White paper prints as 94% of full brightness, black ink stays near black."""
JPEG_QUALITY = (70, 85)


def make_scanned(
    *, src: Path, dst: Path, dpi: int = 200, seed: int = 0, invisible_text: bool = False
) -> Path:
    """Write an image-only copy of ``src`` to ``dst``, one page at a time.

    Each page is rendered at ``dpi`` in grayscale, skewed, blurred, given Gaussian noise and
    stored as a JPEG on a page of the original size. ``invisible_text`` lays the original text
    over the image with render mode 3 (invisible), like a searchable scan; that layer is set in
    Helvetica, so characters outside Latin-1 do not survive in it.
    """
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise OcrPipelineError(f"scan resolution must be {MIN_DPI}-{MAX_DPI} dpi, got {dpi}")
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    out = pymupdf.open()
    try:
        with CatalogPdf(src) as pdf:
            for number in range(1, pdf.page_count + 1):
                page = pdf.page(number)
                image = _scanned_page(pdf.render_gray(number, dpi=dpi), rng=rng, noise=noise)
                target = out.new_page(width=page.rect.width, height=page.rect.height)
                target.insert_image(target.rect, stream=image)
                if invisible_text:
                    _copy_text_invisibly(page, target)
        out.save(dst, garbage=3, deflate=True)
        logger.info("scanned look: %s -> %s (%d pages at %d dpi)", src, dst, out.page_count, dpi)
    finally:
        out.close()
    return Path(dst)


def _scanned_page(pix: pymupdf.Pixmap, *, rng: random.Random, noise: np.random.Generator) -> bytes:
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    angle = rng.uniform(MIN_ANGLE, MAX_ANGLE) * rng.choice((-1, 1))
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(MIN_BLUR, MAX_BLUR)))
    pixels = np.asarray(image, dtype=np.float32) * PAPER + 6.0
    pixels += noise.normal(0.0, rng.uniform(MIN_NOISE, MAX_NOISE), pixels.shape).astype(np.float32)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L").save(
        buffer, format="JPEG", quality=rng.randint(*JPEG_QUALITY)
    )
    return buffer.getvalue()


def _copy_text_invisibly(source: pymupdf.Page, target: pymupdf.Page) -> None:
    """Lay every horizontal text span of ``source`` over ``target``, invisible, width-matched."""
    shape = target.new_shape()
    for block in source.get_text("dict")["blocks"]:
        for line in block.get("lines", ()):
            if abs(line["dir"][0] - 1.0) > 1e-3:
                continue
            for span in line["spans"]:
                text = span["text"]
                if not text.strip():
                    continue
                origin = pymupdf.Point(span["origin"])
                natural = pymupdf.get_text_length(text, fontname="helv", fontsize=span["size"])
                stretch = (span["bbox"][2] - span["bbox"][0]) / natural if natural else 1.0
                shape.insert_text(origin, text, fontname="helv", fontsize=span["size"],
                                  render_mode=3, morph=(origin, pymupdf.Matrix(stretch, 1.0)))
    shape.commit()
