"""A scanned page set upright before it is read: skew from the ink, whole turns from OSD.

Skew (a page fed a few degrees off) is found in the pixels with a projection profile: ink
pixels counted per row are sharpest, lines of text against white leading, at the angle the
lines run. Turned pages (90, 180 or 270 degrees) are rare, and Tesseract's orientation and
script detection costs as much as a third of a reading, so it is asked only when a first
reading looks turned: most words unreadable, or words taller than they are wide.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Sequence

import numpy as np
from PIL import Image

from ocr_pipeline.catalog.models import Line

MAX_SKEW = 3.5
"""Degrees either way searched for skew; scanners feed pages less than this off."""
MIN_SKEW = 0.1
"""Skew below this is left alone: over a 7-inch line it moves a baseline under 1 pt."""
MIN_TURN_CONFIDENCE = 2.0
"""Tesseract's orientation confidence needed to turn a page (upright text scores 10-15)."""
MAX_BORDER = 0.15
"""Share of the page's width (height) a border band along one edge may take."""
_DARK = 128
_BORDER_INK, _FRINGE_INK = 0.5, 0.3
_COARSE, _FINE = 0.25, 0.025
_UNREADABLE = 0.6
"""A page whose median word confidence is below this may be upside down."""
_LONG_WORD = 4


def clear_borders(gray: np.ndarray) -> np.ndarray:
    """``gray`` with the dark bands a scanner leaves along a page's edges (its lid around the
    sheet, a binding's shadow) made white. They would outweigh the text in ``skew_angle`` (a
    page 1.4 degrees off measured level) and be read as words. A band is the lines (columns,
    rows) from an edge inward that are mostly ink, and the slanted or ragged fringe after them;
    printed text never fills a third of a line, and a rule inside the page is not reached."""
    dark = gray < _DARK
    cleared = gray
    for axis, size in ((0, gray.shape[1]), (1, gray.shape[0])):
        share = dark.mean(axis=axis)  # axis 0: the ink of each column; 1: of each row
        reach = int(size * MAX_BORDER)
        lead = _band(share[:reach])
        trail = _band(share[::-1][:reach])
        if lead or trail:
            if cleared is gray:
                cleared = gray.copy()
            band = np.swapaxes(cleared, 0, 1) if axis == 0 else cleared
            band[:lead] = 255
            band[size - trail:] = 255
    return cleared


def _band(share: np.ndarray) -> int:
    """How many lines from the edge (``share``: ink per line, the edge first) are border."""
    width = 0
    while width < len(share) and share[width] >= _BORDER_INK:
        width += 1
    if width:
        while width < len(share) and share[width] >= _FRINGE_INK:
            width += 1
    return width


def skew_angle(gray: np.ndarray, *, limit: float = MAX_SKEW) -> float:
    """Degrees the page's lines of text are turned counter-clockwise (negative: clockwise);
    0.0 for a page without enough ink to tell."""
    small = gray[::2, ::2]  # half resolution: a 200 dpi page still has 5-pixel x-heights
    ys, xs = np.nonzero(small < _DARK)
    if len(ys) < 200:
        return 0.0
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - small.shape[1] / 2

    def sharpness(degrees: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(degrees))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = np.arange(-limit, limit + _COARSE / 2, _COARSE)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - _COARSE, best + _COARSE + _FINE / 2, _FINE)
    return round(float(max(fine, key=sharpness)), 3)


def upright(gray: np.ndarray, *, rotation: int = 0, skew: float = 0.0) -> np.ndarray:
    """``gray`` turned ``rotation`` degrees clockwise (a multiple of 90, the page keeps all its
    pixels) and then ``skew`` degrees clockwise about its centre (white fills the corners)."""
    image = Image.fromarray(gray)
    if rotation % 360:
        image = image.rotate(-rotation, expand=True)
    if abs(skew) >= MIN_SKEW:
        image = image.rotate(-skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return np.asarray(image)


def looks_turned(lines: Sequence[Line]) -> bool:
    """A reading that suggests a turned page: most words unreadable (upside down), or most
    long words taller than wide (sideways)."""
    words = [w for line in lines for w in line.words]
    if not words:
        return False
    if statistics.median(w.conf for w in words) < _UNREADABLE:
        return True
    long = [w for w in words if len(w.text) >= _LONG_WORD]
    tall = sum(1 for w in long if w.bbox[3] - w.bbox[1] > w.bbox[2] - w.bbox[0])
    return bool(long) and tall > len(long) / 2


def upright_clip(gray: np.ndarray, bbox: tuple[float, float, float, float], *, dpi: int,
                 rotation: int, skew: float, margin: float = 12.0) -> bytes:
    """PNG of ``bbox`` (points on the page as it was read upright, with ``margin``) from the
    page as scanned (``gray``, 8-bit at ``dpi``): what a reviewer of that region should see."""
    image = upright(gray, rotation=rotation, skew=skew)
    scale = dpi / 72.0
    x0, y0, x1, y1 = (round(v * scale) for v in (bbox[0] - margin, bbox[1] - margin,
                                                 bbox[2] + margin, bbox[3] + margin))
    out = io.BytesIO()
    Image.fromarray(image[max(y0, 0):max(y1, 1), max(x0, 0):max(x1, 1)]).save(out, format="PNG")
    return out.getvalue()
