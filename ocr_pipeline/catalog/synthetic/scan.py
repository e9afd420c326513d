"""Give any PDF the look of a scan: image-only pages, skewed, blurred, noisy, worn.

The scan simulator of the benchmarks: any born-digital page (a dev catalog's, a synthetic
one's) becomes a scanned page at a chosen resolution and degradation, and the records of the
born-digital original are the truth of the scan. ``PRESETS`` name the usual degradations;
``Degradation`` sets each one: resolution, skew, a whole-page rotation, blur, Gaussian and
salt-and-pepper noise, JPEG artefacts, uneven illumination, show-through of the reverse page,
and bolder or thinner strokes (toner).
"""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import OcrPipelineError

logger = logging.getLogger(__name__)

MIN_DPI, MAX_DPI = 36, 1200
PAPER = 0.94
"""White paper prints as 94% of full brightness, black ink stays near black."""
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True, slots=True)
class Degradation:
    """How a scan differs from the page it was made of. Random parts (the skew's angle, the
    noise) are drawn per page from a seed, so a scan is reproducible."""

    dpi: int = 200
    skew: tuple[float, float] = (0.2, 0.8)
    """Smallest and largest skew in degrees, either direction."""
    rotate: int = 0
    """A whole-page rotation (0, 90, 180 or 270 degrees clockwise): a page fed turned."""
    blur: tuple[float, float] = (0.4, 0.8)
    """Gaussian blur radius in pixels."""
    noise: tuple[float, float] = (6.0, 10.0)
    """Standard deviation of Gaussian noise, in grey levels."""
    salt: float = 0.0
    """Share of pixels turned black or white (dust, speckle)."""
    jpeg: tuple[int, int] = (70, 85)
    """JPEG quality range."""
    illumination: float = 0.0
    """Depth of uneven lighting: the darkest corner loses this share of its brightness."""
    show_through: float = 0.0
    """Opacity of the reverse page seen through the paper (the next page, mirrored)."""
    toner: int = 0
    """Strokes one pixel bolder (1) or thinner (-1)."""

    def __post_init__(self) -> None:
        if not MIN_DPI <= self.dpi <= MAX_DPI:
            raise OcrPipelineError(
                f"scan resolution must be {MIN_DPI}-{MAX_DPI} dpi, got {self.dpi}")
        if self.rotate not in ROTATIONS:
            raise OcrPipelineError(f"rotation must be one of {ROTATIONS}, got {self.rotate}")
        if self.toner not in (-1, 0, 1):
            raise OcrPipelineError(f"toner must be -1, 0 or 1, got {self.toner}")


PRESETS: dict[str, Degradation] = {
    "light": Degradation(),
    "clean": Degradation(dpi=300, skew=(0.0, 0.3), blur=(0.3, 0.5), noise=(2.0, 4.0),
                         jpeg=(85, 92)),
    "default": Degradation(dpi=200, skew=(0.3, 1.5), noise=(6.0, 10.0), salt=0.0005,
                           show_through=0.08, illumination=0.1),
    "rough": Degradation(dpi=150, skew=(1.0, 3.0), blur=(0.6, 1.0), noise=(10.0, 14.0),
                         salt=0.002, jpeg=(55, 70), illumination=0.25, show_through=0.15,
                         toner=1),
    "bulletin": Degradation(dpi=300, skew=(0.3, 1.5), blur=(0.5, 0.8), noise=(6.0, 10.0),
                            salt=0.001, jpeg=(70, 85), illumination=0.3, show_through=0.2,
                            toner=1),
}
"""``light``: the synthetic catalogs' scanned look; ``default``: the scan benchmark's (200 dpi,
skew up to 1.5 degrees, noise, light show-through); ``clean``: a careful 300 dpi scan;
``rough``: a worn 150 dpi copy; ``bulletin``: an old bulletin's photocopy scanned at 300 dpi
(strong show-through, uneven light, toner spread)."""


def make_scanned(
    *, src: Path, dst: Path, dpi: int | None = None, seed: int = 0,
    invisible_text: bool = False, degradation: Degradation | None = None,
    pages: Sequence[int] | None = None,
) -> Path:
    """Write an image-only copy of ``src`` (its ``pages``, 1-based; default all) to ``dst``.

    Each page is rendered in grayscale and degraded as ``degradation`` says (default the
    ``light`` preset; ``dpi`` overrides its resolution), and stored as a JPEG on a page of the
    original size (turned, if the degradation rotates pages). ``invisible_text`` lays the
    original text over the image with render mode 3 (invisible), like a searchable scan; that
    layer is set in Helvetica, so characters outside Latin-1 do not survive in it.
    """
    spec = degradation or PRESETS["light"]
    if dpi is not None:
        spec = Degradation(**{**_fields(spec), "dpi": dpi})
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    out = pymupdf.open()
    try:
        with CatalogPdf(src) as pdf:
            numbers = list(pages) if pages is not None else list(range(1, pdf.page_count + 1))
            for number in numbers:
                if not 1 <= number <= pdf.page_count:
                    raise OcrPipelineError(f"{src.name} has no page {number}")
                page = pdf.page(number)
                reverse = number + 1 if number < pdf.page_count else None
                back = pdf.render_gray(reverse, dpi=spec.dpi) if (
                    spec.show_through and reverse) else None
                image = _scanned_page(pdf.render_gray(number, dpi=spec.dpi), back=back,
                                      spec=spec, rng=rng, noise=noise)
                width, height = page.rect.width, page.rect.height
                if spec.rotate in (90, 270):
                    width, height = height, width
                target = out.new_page(width=width, height=height)
                target.insert_image(target.rect, stream=image)
                if invisible_text and not spec.rotate:
                    _copy_text_invisibly(page, target)
        out.save(dst, garbage=3, deflate=True)
        logger.info("scanned look: %s -> %s (%d pages at %d dpi)", src, dst, out.page_count,
                    spec.dpi)
    finally:
        out.close()
    return Path(dst)


def _fields(spec: Degradation) -> dict[str, object]:
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}


def _scanned_page(pix: pymupdf.Pixmap, *, back: pymupdf.Pixmap | None, spec: Degradation,
                  rng: random.Random, noise: np.random.Generator) -> bytes:
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    if spec.toner:  # a min filter spreads the dark strokes, a max filter wears them thin
        image = image.filter(ImageFilter.MinFilter(3) if spec.toner > 0
                             else ImageFilter.MaxFilter(3))
    pixels = np.asarray(image, dtype=np.float32)
    if back is not None:  # the reverse side, mirrored, seen through the paper
        reverse = np.asarray(Image.frombytes("L", (back.width, back.height), back.samples)
                             .transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                             .resize(image.size), dtype=np.float32)
        pixels = np.minimum(pixels, 255.0 - spec.show_through * (255.0 - reverse))
    image = Image.fromarray(pixels.astype(np.uint8), mode="L")
    angle = rng.uniform(*spec.skew) * rng.choice((-1, 1))
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(*spec.blur)))
    pixels = np.asarray(image, dtype=np.float32) * PAPER + 6.0
    if spec.illumination:
        pixels *= _lighting(pixels.shape, depth=spec.illumination, rng=rng)
    pixels += noise.normal(0.0, rng.uniform(*spec.noise), pixels.shape).astype(np.float32)
    if spec.salt:
        speckle = noise.random(pixels.shape)
        pixels[speckle < spec.salt / 2] = 0.0
        pixels[speckle > 1.0 - spec.salt / 2] = 255.0
    scanned = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    if spec.rotate:  # clockwise, as a page fed turned
        scanned = scanned.rotate(-spec.rotate, expand=True)
    buffer = io.BytesIO()
    scanned.save(buffer, format="JPEG", quality=rng.randint(*spec.jpeg))
    return buffer.getvalue()


def _lighting(shape: tuple[int, ...], *, depth: float, rng: random.Random) -> np.ndarray:
    """A smooth light falloff from a random corner: 1 at the bright side, ``1 - depth`` at
    the far one."""
    rows, cols = shape
    y = np.linspace(0.0, 1.0, rows, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, cols, dtype=np.float32)[None, :]
    if rng.random() < 0.5:
        y = 1.0 - y
    if rng.random() < 0.5:
        x = 1.0 - x
    return 1.0 - depth * (x + y) / 2.0


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
