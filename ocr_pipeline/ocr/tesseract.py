"""The ``tesseract`` engine: the CPU OCR default for scanned pages.

Each page is rendered to 8-bit grayscale, piped to the ``tesseract`` CLI as PGM on stdin, and
read back as TSV (one row per word, box in pixels, confidence 0..100). Tesseract runs with
``OMP_THREAD_LIMIT=1``: its OpenMP threading thrashes on small machines (a dense page took 41 s
instead of 4.6 s on two cores), so parallelism comes from one single-threaded tesseract process
per core instead.

PyMuPDF does not support threads, so pages are rendered in the thread that iterates
``read_pages``; worker threads only feed tesseract processes and parse their output. At most
two pages per worker are rendered ahead, so memory stays bounded whatever the page count.
"""

from __future__ import annotations

import io
import logging
import os
import re
import statistics
import subprocess
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import EngineUnavailableError, OcrError
from ocr_pipeline.ocr.base import ImageReading
from ocr_pipeline.ocr.ink import mark_bold
from ocr_pipeline.ocr.orient import (
    MIN_SKEW,
    MIN_TURN_CONFIDENCE,
    looks_turned,
    parse_osd,
    skew_angle,
    upright,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
"""Seconds one page may take before its tesseract process is killed."""
HEIGHT_PER_POINT = 0.76
"""Median word ink height over font size. Calibrated on Helvetica at 8-18 pt (0.74-0.79);
Times reads about 0.69 and Courier 0.64, so their sizes come out 10-15% small."""
READER_REVISION = 9
"""Bumped when what is made of tesseract's words changes (bold from the ink, deskew; 8: images
made here are not deskewed; 9: each word keeps its measured weight), so cached pages are read
again."""
INSTALL_HINT = "install it with `apt-get install tesseract-ocr` (Debian/Ubuntu)"
_VERSION = re.compile(r"tesseract\s+v?(\d\S*)")
_TSV_FIELDS = 12

_RawWord = tuple[str, tuple[int, int, int, int], float]
"""A TSV word: text, (x0, y0, x1, y1) in pixels, confidence in [0, 1]."""


class TesseractEngine:
    """OCR with the ``tesseract`` command-line program, one process per page."""

    name = "tesseract"
    device = "cpu"

    def __init__(
        self,
        *,
        lang: str = "eng",
        psm: int = 3,
        workers: int | None = None,
        binary: str = "tesseract",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.lang = lang
        self.psm = psm
        self.workers = workers or os.cpu_count() or 1
        self.binary = binary
        self.timeout = timeout
        self._version: str | None = None

    @property
    def version(self) -> str:
        """``tesseract-<release>-<lang>-psm<psm>``; checks the program and its language data."""
        if self._version is None:
            self._version = self._probe()
        return self._version

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int) -> Iterator[PageText]:
        """Yield one ``PageText`` per 1-based page number, in the order given.

        Up to ``workers`` pages are recognized at once. Closing the iterator early cancels
        pages not yet started and waits for the running ones.
        """
        logger.debug(  # self.version also fails early when tesseract is unusable
            "%s: %d pages with %s, %d workers, %d dpi",
            pdf.name, len(pages), self.version, self.workers, dpi,
        )
        ahead = 2 * self.workers
        numbers = iter(pages)
        with CatalogPdf(pdf) as doc, ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="tesseract"
        ) as pool:
            pending: deque[tuple[float, Future[PageText]]] = deque()
            try:
                while True:
                    while len(pending) < ahead and (number := next(numbers, None)) is not None:
                        pending.append(self._submit(pool, doc, number, dpi=dpi))
                    if not pending:
                        return
                    render_seconds, future = pending.popleft()
                    result = future.result()
                    yield replace(result, seconds=result.seconds + render_seconds)
            finally:
                for _, future in pending:
                    future.cancel()

    def read_image(
        self, image_bytes: bytes, *, page: int, width: float, height: float, dpi: int,
        scanned: bool = True,
    ) -> PageText:
        """Recognize one rendered page: PNG or PGM bytes at ``dpi``, page size in points.

        A ``scanned`` page is deskewed first; if the reading looks turned, Tesseract's
        orientation detection is asked and a turned page is read again upright. Word boxes are
        in the upright page's points; the page keeps the turn and skew applied. An image made
        here (a strip of a text layer's lines) is read as it is.
        """
        started = time.perf_counter()
        gray = _gray(image_bytes)
        reading = self._read_upright(gray, rotation=0, page=page, dpi=dpi, level=scanned)
        if (scanned and looks_turned(reading.lines)
                and (turn := self._orientation(gray, page=page, dpi=dpi))):
            second = self._read_upright(gray, rotation=turn, page=page, dpi=dpi)
            if (second.lines and not looks_turned(second.lines)
                    or _median_conf(second.lines) > _median_conf(reading.lines)):
                reading = second
        if reading.rotation in (90, 270):
            width, height = height, width
        blocks = order_lines(reading.lines, width=width, height=height)
        seconds = time.perf_counter() - started
        logger.debug(
            "page %d: %d words in %d lines, %d blocks, turned %d, skew %.2f, %.2f s",
            page, sum(len(ln.words) for ln in reading.lines), len(reading.lines), len(blocks),
            reading.rotation, reading.skew, seconds,
        )
        return PageText(
            page=page,
            width=width,
            height=height,
            blocks=blocks,
            method=self.name,
            engine_version=self.version,
            seconds=seconds,
            styled=True,
            rotation=reading.rotation,
            skew=reading.skew,
        )

    def _read_upright(self, gray: np.ndarray, *, rotation: int, page: int, dpi: int,
                      level: bool = True) -> _Reading:
        turned = upright(gray, rotation=rotation)
        skew = skew_angle(turned) if level else 0.0
        if abs(skew) < MIN_SKEW:
            skew = 0.0
        image = upright(turned, skew=skew)
        tsv = self._run(
            ["stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "--dpi", str(dpi), "tsv"],
            stdin=_pgm(image),
            what=f"page {page}",
        )
        lines = mark_bold(parse_tsv(tsv, dpi=dpi), image, dpi=dpi)
        return _Reading(lines=lines, rotation=rotation, skew=skew)

    def _orientation(self, gray: np.ndarray, *, page: int, dpi: int) -> int:
        """Clockwise degrees that set the page upright by Tesseract's OSD; 0 when it cannot
        tell (too few letters) or is unsure."""
        try:
            report = self._run(["stdin", "stdout", "--psm", "0", "--dpi", str(dpi)],
                               stdin=_pgm(gray), what=f"page {page} orientation")
        except OcrError as exc:  # too few letters, or no osd data: read the page as it lies
            hint = "; is tesseract-ocr-osd installed?" if "osd" in str(exc).lower() else ""
            logger.warning("page %d reads as if turned, but Tesseract cannot tell its "
                           "orientation (%s)%s", page, exc, hint)
            return 0
        found = parse_osd(report)
        if found is None or found[1] < MIN_TURN_CONFIDENCE:
            return 0
        return found[0]

    def read(self, image: bytes, *, page: int, dpi: int, prompt: str | None) -> ImageReading:
        """``ImageOcrEngine``: read one image (any format Tesseract's Leptonica decodes) at
        ``dpi``. Tesseract takes no prompt; the reading says so with ``prompt=None``."""
        with Image.open(io.BytesIO(image)) as img:
            pixels = img.size
        width, height = (side * 72.0 / dpi for side in pixels)
        return ImageReading(
            page=self.read_image(image, page=page, width=width, height=height, dpi=dpi),
            prompt=None,
        )

    def _submit(
        self, pool: ThreadPoolExecutor, doc: CatalogPdf, number: int, *, dpi: int
    ) -> tuple[float, Future[PageText]]:
        started = time.perf_counter()
        rect = doc.page(number).rect
        image = doc.render_gray(number, dpi=dpi).tobytes("pgm")
        future = pool.submit(
            self.read_image, image, page=number, width=rect.width, height=rect.height, dpi=dpi
        )
        return time.perf_counter() - started, future

    def _probe(self) -> str:
        release = _VERSION.search(self._run(["--version"], what="--version"))
        if release is None:
            raise EngineUnavailableError(f"{self.binary!r} does not report a tesseract version")
        listing = self._run(["--list-langs"], what="--list-langs").splitlines()[1:]
        installed = {entry.strip() for entry in listing}
        missing = [code for code in self.lang.split("+") if code not in installed]
        if missing:
            packages = " ".join(f"tesseract-ocr-{c.lower().replace('_', '-')}" for c in missing)
            raise EngineUnavailableError(
                f"tesseract has no language data for {'+'.join(missing)}; "
                f"install it with `apt-get install {packages}`"
            )
        return f"tesseract-{release.group(1)}-{self.lang}-psm{self.psm}-ink{READER_REVISION}"

    def _run(self, args: list[str], *, what: str, stdin: bytes | None = None) -> str:
        """Run tesseract single-threaded, return its stdout; ``what`` names the call in errors."""
        try:
            done = subprocess.run(
                [self.binary, *args],
                input=stdin,
                capture_output=True,
                timeout=self.timeout,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=False,
            )
        except (FileNotFoundError, PermissionError) as exc:
            raise EngineUnavailableError(
                f"tesseract program {self.binary!r} cannot be run ({exc.strerror}); {INSTALL_HINT}"
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"{what}: tesseract timed out after {self.timeout:g} s") from exc
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip() or "no message"
            raise OcrError(f"{what}: tesseract exited with status {done.returncode}: {stderr}")
        return done.stdout.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class _Reading:
    lines: list[Line]
    rotation: int
    skew: float


def _gray(image_bytes: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(image_bytes)) as img:
        return np.asarray(img.convert("L"))


def _pgm(gray: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(gray).save(out, format="PPM")
    return out.getvalue()


def _median_conf(lines: Sequence[Line]) -> float:
    confs = [w.conf for line in lines for w in line.words]
    return statistics.median(confs) if confs else 0.0


def parse_tsv(tsv: str, *, dpi: int) -> list[Line]:
    """Lines of words from tesseract's TSV, in its order, boxes converted to PDF points. How
    they are cut and joined again into printed lines is ``catalog.assemble``'s work."""
    scale = 72.0 / dpi
    grouped: dict[tuple[str, ...], list[_RawWord]] = {}
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t", _TSV_FIELDS - 1)
        if len(fields) < _TSV_FIELDS or fields[0] != "5" or not fields[11].strip():
            continue
        left, top, width, height = (int(v) for v in fields[6:10])
        conf = min(max(float(fields[10]) / 100.0, 0.0), 1.0)
        grouped.setdefault(tuple(fields[1:5]), []).append(
            (fields[11].strip(), (left, top, left + width, top + height), conf)
        )
    lines: list[Line] = []
    for raw in grouped.values():
        size = _font_size(raw) * scale
        words = tuple(
            Word(
                text=text,
                bbox=(x0 * scale, y0 * scale, x1 * scale, y1 * scale),
                conf=conf,
                size=size,
            )
            for text, (x0, y0, x1, y1), conf in raw
        )
        lines.append(Line(words=words, bbox=union_bbox([w.bbox for w in words])))
    return lines


def _font_size(words: list[_RawWord]) -> float:
    """Font size in pixels from the median ink height of the line's words (punctuation aside)."""
    heights = [box[3] - box[1] for text, box, _ in words if any(c.isalnum() for c in text)]
    if not heights:
        heights = [box[3] - box[1] for _, box, _ in words]
    return statistics.median(heights) / HEIGHT_PER_POINT
