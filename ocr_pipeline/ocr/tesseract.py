"""The ``tesseract`` engine: the CPU OCR default for scanned pages.

Each page is rendered to 8-bit grayscale and read by libtesseract in this process, through
``tesserocr``: a model is loaded once per worker thread that needs one and kept for the
engine's life (a ``tesseract`` program started per page loaded its model every time). The
reading comes back as TSV (one row per word, box in pixels, confidence 0..100). The language
models are Debian's (``tesseract-ocr-eng``), found in ``TESSDATA_PREFIX`` or Debian's folder.

Recognition releases the GIL, so ``workers`` threads read that many pages at once, each with
its own model and each single-threaded (``ocr.libtesseract``).

PyMuPDF does not support threads, so pages are rendered in the thread that iterates
``read_pages``; worker threads only recognize. At most two pages per worker are rendered ahead,
so memory stays bounded whatever the page count.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import statistics
import threading
import time
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from ocr_pipeline.catalog.layout import order_lines
from ocr_pipeline.catalog.models import Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import EngineUnavailableError, OcrError
from ocr_pipeline.ocr.base import ImageReading
from ocr_pipeline.ocr.doubtful import (
    KEEP,
    Run,
    added_letters,
    centred_across,
    centred_in,
    covered,
    doubted,
    doubtful_runs,
    fills_gap,
    gap_runs,
    ink_rows,
    keeps,
    with_readings,
    without_fragments,
)
from ocr_pipeline.ocr.ink import mark_bold
from ocr_pipeline.ocr.libtesseract import tesserocr
from ocr_pipeline.ocr.looks import other_looks, reads_poorly, sure_count
from ocr_pipeline.ocr.missed import missed_blocks, missed_spans, unread_gaps, words_before
from ocr_pipeline.ocr.orient import (
    MIN_SKEW,
    MIN_TURN_CONFIDENCE,
    clear_borders,
    looks_turned,
    skew_angle,
    upright,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
"""Seconds Tesseract may spend recognizing one page before it is stopped."""
MISSED_WORD_CONF = 0.9
"""A word read again beside a line is kept only if read this surely: the ink there is more
often an icon or a speck (read ``ae``, ``gE`` at 0.2-0.7) than a dropped word (0.94-0.96)."""
DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
"""Where Debian's ``tesseract-ocr-<lang>`` packages install the language models."""
HEIGHT_PER_POINT = 0.76
"""Median word ink height over font size. Calibrated on Helvetica at 8-18 pt (0.74-0.79);
Times reads about 0.69 and Courier 0.64, so their sizes come out 10-15% small."""
READER_REVISION = 24
"""Bumped when what is made of tesseract's words changes (bold from the ink, deskew; 8: images
made here are not deskewed; 9: each word keeps its measured weight; 10: a scan's dark borders
are cleared first; 11: ink beside a line that no word was read from is read again; 12: and
doubtful words; 13: a page read poorly is read again from other looks, and ink left unread
between two words is read again; 15: and text-like ink no line reached; 16: down to a word
of it; 17: as a line where it reads as no block; 18: a word just before such ink that reads as no
text is doubted; 19: missed ink as short as 0.4 of its line; 20: a turned page is told from
Tesseract's first reading, before what it read poorly or missed is read again; 22: a doubtful
run whose ink is two rows of type is read a row at a time; 23: a page scanned finer than the dpi
asked is read at that dpi again, not at its own resolution as in 21-22: Tesseract's confidences
and the weights' thresholds are the 200 dpi reading's; 24: ink beside a line that reads as no
word alone is read again with the line's word beside it), so cached pages are read again."""
BLOCK_PAD = 4
"""A block of missed ink is read on a white margin of a 1/BLOCK_PAD inch."""
ROW_MARGIN = 0.2
"""A row of type read apart from the one Tesseract read it with is read with this share of its
height above and below: its inked rows leave out the faint edges of its letters."""
BLOCK_LINE_CONF = 0.5
"""A line read from missed ink is kept if half its words are read at least this surely: the
ink no line reached is also a picture's, read as scattered letters at 0.1-0.3."""
_TSV_FIELDS = 12

_RawWord = tuple[str, tuple[int, int, int, int], float]
"""A TSV word: text, (x0, y0, x1, y1) in pixels, confidence in [0, 1]."""


def default_tessdata() -> Path:
    """The folder of language models: ``TESSDATA_PREFIX`` (Tesseract's own variable) where it
    is set, else Debian's."""
    return Path(os.environ.get("TESSDATA_PREFIX") or DEBIAN_TESSDATA)


class TesseractEngine:
    """OCR with libtesseract in this process, one loaded model per reading thread."""

    name = "tesseract"
    device = "cpu"

    def __init__(
        self,
        *,
        lang: str = "eng",
        psm: int = 3,
        workers: int | None = None,
        tessdata: Path | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.lang = lang
        self.psm = psm
        self.workers = workers or os.cpu_count() or 1
        self.tessdata = tessdata or default_tessdata()
        self.timeout = timeout
        self._version: str | None = None
        self._idle: queue.SimpleQueue[tesserocr.PyTessBaseAPI] = queue.SimpleQueue()
        self._loading = threading.Lock()
        self.models_loaded = 0
        """Models loaded so far: one per page read at the same time, reused after."""

    @property
    def version(self) -> str:
        """``tesseract-<release>-<lang>-psm<psm>``; checks that the language data is there."""
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

        A ``scanned`` page is cleared of the scanner's dark borders and deskewed first; if the
        reading looks turned, Tesseract's orientation detection is asked and a turned page is
        read again upright. Word boxes are in the upright page's points; the page keeps the
        turn and skew applied. An image made here (a strip of a text layer's lines) is read as
        it is.
        """
        started = time.perf_counter()
        gray = clear_borders(_gray(image_bytes)) if scanned else _gray(image_bytes)
        with self._model() as model:
            reading = self._first_reading(model, gray, rotation=0, page=page, dpi=dpi,
                                          scanned=scanned)
            if (scanned and looks_turned(reading.lines)
                    and (turn := self._orientation(gray, page=page, dpi=dpi))):
                second = self._first_reading(model, gray, rotation=turn, page=page, dpi=dpi)
                if (second.lines and not looks_turned(second.lines)
                        or _median_conf(second.lines) > _median_conf(reading.lines)):
                    reading = second
            reading = self._complete(model, reading, page=page, scanned=scanned)
        if reading.rotation in (90, 270):
            width, height = height, width
        blocks = order_lines(reading.lines, width=width, height=height)
        seconds = time.perf_counter() - started
        logger.debug(
            "page %d at %d dpi: %d words in %d lines, %d blocks, turned %d, skew %.2f, %.2f s",
            page, dpi, sum(len(ln.words) for ln in reading.lines), len(reading.lines), len(blocks),
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

    def _first_reading(self, model: tesserocr.PyTessBaseAPI, gray: np.ndarray, *,
                       rotation: int, page: int, dpi: int, scanned: bool = True) -> _Reading:
        """``gray`` turned ``rotation`` degrees, deskewed if ``scanned``, and Tesseract's
        reading of it as a whole: enough to tell a turned page, before the costlier reading
        again of what it read poorly or missed (``_complete``)."""
        turned = upright(gray, rotation=rotation)
        skew = skew_angle(turned) if scanned else 0.0
        if abs(skew) < MIN_SKEW:
            skew = 0.0
        image = upright(turned, skew=skew)
        lines = self._recognize(model, image, page=page, dpi=dpi)
        return _Reading(lines=lines, rotation=rotation, skew=skew, image=image, dpi=dpi)

    def _complete(self, model: tesserocr.PyTessBaseAPI, reading: _Reading, *, page: int,
                  scanned: bool) -> _Reading:
        """``reading`` with a poorly read page read from another look, ink it missed read
        again, doubtful words read again and each word's weight measured."""
        image, dpi, lines = reading.image, reading.dpi, list(reading.lines)
        # an image made here (a strip of a text layer's lines) is clean: no other look
        # reads it better, and nothing between its words is left for a reason
        if scanned and reads_poorly(lines):
            image, dpi, lines = self._best_look(model, image, lines, page=page, dpi=dpi)
        lines += self._read_missed(model, image, lines, dpi=dpi)
        beside: set[Word] = set()
        if scanned:
            found, beside = self._read_blocks(model, image, lines, dpi=dpi)
            lines += found
        lines = self._read_doubtful(model, image, lines, dpi=dpi, unread_ink=scanned,
                                    beside=beside)
        lines = mark_bold(lines, image, dpi=dpi)
        return replace(reading, lines=lines, image=image, dpi=dpi)

    def _recognize(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray, *, page: int,
                   dpi: int) -> list[Line]:
        _set_image(model, image, dpi=dpi)
        # False only when stopped at the deadline: the image is never empty here
        if not model.Recognize(timeout=round(self.timeout * 1000)):
            raise OcrError(f"page {page}: tesseract timed out after {self.timeout:g} s")
        return parse_tsv(model.GetTSVText(0), dpi=dpi)

    def _best_look(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                   lines: list[Line], *, page: int, dpi: int,
                   ) -> tuple[np.ndarray, int, list[Line]]:
        """The look of a poorly read page (``ocr.looks``), its resolution and its reading
        that read the most words surely: ``image`` and ``lines`` unless another does. The
        looks are read in turn until one reads well: a noisy page's despeckled look mostly
        does, and the other two are not made."""
        best = (image, dpi, lines)
        for look, look_dpi in other_looks(image, dpi=dpi):
            reading = self._recognize(model, look, page=page, dpi=look_dpi)
            if sure_count(reading) > sure_count(best[2]):
                best = (look, look_dpi, reading)
                if not reads_poorly(reading):
                    break
        logger.debug("page %d read poorly (%d of %d words surely); kept the look at %d dpi "
                     "with %d", page, sure_count(lines), sum(len(ln.words) for ln in lines),
                     best[1], sure_count(best[2]))
        return best

    def _read_missed(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                     lines: list[Line], *, dpi: int) -> list[Line]:
        """Words read again, one span at a time, from ink beside ``lines`` that Tesseract's
        layout analysis read nothing from (``ocr.missed``)."""
        found: list[Line] = []
        scale, together = dpi / 72.0, 0
        for x0, y0, x1, y1 in missed_spans(image, lines, scale=scale):
            sure = self._sure_beside(model, image, (x0, y0, x1, y1 + 1), dpi=dpi)
            if not sure and (beside := _word_beside(lines, (x0, y0, x1, y1), scale=scale)):
                # a short word alone in heavy type reads as nothing (``ENG`` as ``u``), with
                # the line's word beside it right: read together, its own words kept
                left, right = min(x0, beside[0]), max(x1, beside[1])
                sure = [w for w in self._sure_beside(model, image, (left, y0, right, y1 + 1),
                                                     dpi=dpi)
                        if centred_across(w, x0 / scale, x1 / scale)]
                together += len(sure)
            # a gap between two lines' ends is found from both of them: one reading
            sure = [w for w in sure if not any(centred_in(w, other.bbox) for other in found)]
            if sure:
                found.append(Line(words=tuple(sure), bbox=union_bbox([w.bbox for w in sure])))
        if found:
            logger.debug("%d word(s) beside lines read again (%d with the word beside them)",
                         sum(len(ln.words) for ln in found), together)
        return found

    def _sure_beside(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                     span: tuple[int, int, int, int], *, dpi: int) -> list[Word]:
        return [w for w in self._read_alone(model, image, span, dpi=dpi)
                if w.conf >= MISSED_WORD_CONF and sum(c.isalnum() for c in w.text) >= 2]

    def _read_blocks(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                     lines: list[Line], *, dpi: int) -> tuple[list[Line], set[Word]]:
        """Lines read, one block at a time, from text-like ink that no line of ``lines``
        reaches (``ocr.missed.missed_blocks``): of what is read there, the lines that read
        as text (``_reads_as_text``) and their words that no word of ``lines`` lies on; and
        the words of ``lines`` just before a block that reads as no text (``Mark`` before
        the toner-spread rest of ``Marketing``): a word may be missing after them."""
        found: list[Line] = []
        beside: set[Word] = set()
        for box in missed_blocks(image, lines, scale=dpi / 72.0):
            # a word alone in toner-spread type reads as no block at all, but as a line
            read = (self._read_box(model, image, box, dpi=dpi, psm=tesserocr.PSM.SINGLE_BLOCK,
                                   pad=dpi // BLOCK_PAD)
                    or self._read_box(model, image, box, dpi=dpi, psm=tesserocr.PSM.SINGLE_LINE,
                                      pad=dpi // BLOCK_PAD))
            kept = 0
            for line in read:
                words = [w for w in line.words
                         if not any(centred_in(w, other.bbox) for other in lines)]
                if _reads_as_text(words):
                    found.append(Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words])))
                    kept += 1
            if not kept:
                beside |= words_before(lines, box, scale=dpi / 72.0)
        if found or beside:
            logger.debug("%d line(s) read from ink no line reached, %d word(s) before such ink "
                         "read as no text", len(found), len(beside))
        return found, beside

    def _read_doubtful(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                       lines: list[Line], *, dpi: int, unread_ink: bool = True,
                       beside: Collection[Word] = frozenset()) -> list[Line]:
        """``lines`` with runs of doubtful words read again on their own, where that reads
        them surely, and (``unread_ink``) words before ink left unread between two words
        read again with it (``ocr.doubtful``); ``beside``: words before ink read as no text
        already, doubted too."""
        lines = without_fragments(lines)
        readings: dict[Run, list[Word]] = {}
        apart: list[Line] = []
        for run in doubtful_runs(lines):
            if covered(run, lines, [r.box for r in readings]):
                continue  # the rest of ink read again already
            if keeps(words := self._read_run(model, image, run, dpi=dpi)):
                readings[run] = words
            elif rows := self._read_rows(model, image, run, lines, dpi=dpi):
                readings[run], more = rows
                apart += more
        unread: set[Word] = set(beside)
        gaps = unread_gaps(image, lines, scale=dpi / 72.0) if unread_ink else []
        for run in gap_runs(lines, gaps):
            if covered(run, lines, [r.box for r in readings]):
                continue
            word, words = lines[run.line].words[run.start], self._read_run(model, image, run,
                                                                           dpi=dpi)
            if fills_gap(word, words):
                readings[run] = words
            elif added_letters(word, words) > 0:
                unread.add(word)
        if readings or unread:
            logger.debug("%d run(s) of doubtful words read again (%d line(s) read apart from "
                         "them), %d word(s) beside unread ink", len(readings), len(apart),
                         len(unread))
        return doubted(with_readings(lines, readings), unread) + apart

    def _read_rows(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray, run: Run,
                   lines: Sequence[Line], *, dpi: int) -> tuple[list[Word], list[Line]] | None:
        """``run`` read one row of type at a time (``ocr.doubtful.ink_rows``): the words of
        the row nearest the middle of the line's other words, where they read surely (else
        where the row read along the whole line reads them surely: ``PHL`` alone reads
        ``PHL:``, in ``PHL 180 Topics in Philosophy`` right), and the other rows as lines of
        their own; None where the run's ink is one row."""
        scale = dpi / 72.0
        rows = ink_rows(image, run, lines, scale=scale)
        if not rows:
            return None
        line = lines[run.line]
        others = [*line.words[:run.start], *line.words[run.end:]] or line.words[run.start:run.end]
        middle = statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in others)
        own = min(range(len(rows)), key=lambda k: abs(sum(rows[k]) / 2 / scale - middle))
        x0, _, x1, _ = (round(v * scale) for v in run.box)

        def read(top: int, bottom: int, left: int, right: int) -> list[Word]:
            margin = round(ROW_MARGIN * (bottom - top))
            return [w for w in self._read_alone(model, image, (left - margin, top - margin,
                                                               right + margin + 1,
                                                               bottom + margin), dpi=dpi)
                    if centred_across(w, run.box[0], run.box[2])]

        readings = [read(top, bottom, x0, x1) for top, bottom in rows]
        if not keeps(readings[own]):
            readings[own] = read(*rows[own], round(line.bbox[0] * scale),
                                 round(line.bbox[2] * scale))
            if not keeps(readings[own]):
                return None
        # a row under or over the line is a line Tesseract lost in it: its sure words
        apart = [[w for w in row if w.conf >= KEEP and sum(c.isalnum() for c in w.text) >= 2]
                 for k, row in enumerate(readings) if k != own]
        return readings[own], [Line(words=tuple(row), bbox=union_bbox([w.bbox for w in row]))
                               for row in apart if row]

    def _read_run(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray, run: Run, *,
                  dpi: int) -> list[Word]:
        scale = dpi / 72.0
        x0, y0, x1, y1 = (round(v * scale) for v in run.box)
        return self._read_alone(model, image, (x0, y0, x1 + 1, y1 + 1), dpi=dpi)

    def _read_alone(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                    span: tuple[int, int, int, int], *, dpi: int) -> list[Word]:
        """The words of one box of ``image`` (pixels x0, y0 to x1, y1, the ends excluded), read
        as a single line on a white margin, boxes in the page's points."""
        height = min(span[3], image.shape[0]) - max(span[1], 0)
        return [w for line in self._read_box(model, image, span, dpi=dpi,
                                             psm=tesserocr.PSM.SINGLE_LINE, pad=height - 1)
                for w in line.words]

    def _read_box(self, model: tesserocr.PyTessBaseAPI, image: np.ndarray,
                  span: tuple[int, int, int, int], *, dpi: int, psm: int, pad: int,
                  ) -> list[Line]:
        """The lines of one box of ``image`` (pixels x0, y0 to x1, y1, the ends excluded),
        read on a white margin ``pad`` pixels wide with page segmentation ``psm``, boxes in
        the page's points."""
        height, width = image.shape
        x0, y0, x1, y1 = max(span[0], 0), max(span[1], 0), min(span[2], width), min(span[3], height)
        if x1 <= x0 or y1 <= y0:
            return []
        pad = max(pad, 1)
        crop = np.pad(image[y0:y1, x0:x1], pad, constant_values=255)
        model.SetPageSegMode(psm)
        try:
            _set_image(model, crop, dpi=dpi)
            text = model.GetTSVText(0)
        finally:
            model.SetPageSegMode(self.psm)
        scale = dpi / 72.0
        offset = ((x0 - pad) / scale, (y0 - pad) / scale)
        return [Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))
                for line in parse_tsv(text, dpi=dpi)
                if (words := _shifted(line.words, offset))]

    def _orientation(self, gray: np.ndarray, *, page: int, dpi: int) -> int:
        """Clockwise degrees that set the page upright by Tesseract's OSD; 0 when it cannot
        tell (too few letters) or is unsure. Asked rarely, so its model is loaded per call."""
        try:
            with self._load("osd", psm=tesserocr.PSM.OSD_ONLY) as detector:
                _set_image(detector, gray, dpi=dpi)
                found = detector.DetectOrientationScript()
        except EngineUnavailableError as exc:  # no osd data: read the page as it lies
            found, why = None, str(exc)
        else:
            why = "too few letters"
        if found is None:
            logger.warning("page %d reads as if turned, but Tesseract cannot tell its "
                           "orientation (%s)", page, why)
            return 0
        if found["orient_conf"] < MIN_TURN_CONFIDENCE:
            return 0
        return (360 - found["orient_deg"]) % 360  # the turn it has, undone clockwise

    def read(self, image: bytes, *, page: int, dpi: int, prompt: str | None) -> ImageReading:
        """``ImageOcrEngine``: read one image (any format Pillow decodes) at ``dpi``.
        Tesseract takes no prompt; the reading says so with ``prompt=None``."""
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

    @contextmanager
    def _model(self) -> Iterator[tesserocr.PyTessBaseAPI]:
        """A loaded model no other thread is using: an idle one, else one loaded now."""
        try:
            model = self._idle.get_nowait()
        except queue.Empty:
            with self._loading:
                model = self._load(self.lang, psm=self.psm)
                self.models_loaded += 1
        try:
            yield model
        finally:
            self._idle.put(model)

    def _load(self, lang: str, *, psm: int) -> tesserocr.PyTessBaseAPI:
        try:
            return tesserocr.PyTessBaseAPI(path=f"{self.tessdata}{os.sep}", lang=lang, psm=psm)
        except RuntimeError as exc:
            raise EngineUnavailableError(
                f"Tesseract cannot load its {lang!r} model from {self.tessdata}; "
                f"{_install_hint(lang.split('+'))}"
            ) from exc

    def _probe(self) -> str:
        try:
            _, installed = tesserocr.get_languages(f"{self.tessdata}{os.sep}")
        except RuntimeError:  # the folder does not exist
            installed = []
        missing = [code for code in self.lang.split("+") if code not in installed]
        if missing:
            raise EngineUnavailableError(
                f"no Tesseract language data for {'+'.join(missing)} in {self.tessdata}; "
                f"{_install_hint(missing)}"
            )
        release = tesserocr.PyTessBaseAPI.Version()
        return f"tesseract-{release}-{self.lang}-psm{self.psm}-ink{READER_REVISION}"


def _install_hint(langs: Sequence[str]) -> str:
    packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in langs)
    return (f"install it with `apt-get install {packages}` (Debian/Ubuntu), or set "
            "TESSDATA_PREFIX to a folder that has it")


def _set_image(model: tesserocr.PyTessBaseAPI, gray: np.ndarray, *, dpi: int) -> None:
    height, width = gray.shape
    model.SetImageBytes(np.ascontiguousarray(gray).tobytes(), width, height, 1, width)
    model.SetSourceResolution(dpi)


@dataclass(frozen=True, slots=True)
class _Reading:
    lines: list[Line]
    rotation: int
    skew: float
    image: np.ndarray
    """The page as read: turned upright, deskewed, maybe another look of it."""
    dpi: int
    """The resolution of ``image``."""


def _gray(image_bytes: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(image_bytes)) as img:
        return np.asarray(img.convert("L"))


def _word_beside(lines: Sequence[Line], span: tuple[int, int, int, int], *, scale: float
                 ) -> tuple[int, int] | None:
    """The pixel columns (first and past the last) of the word of ``lines`` just after ``span``
    (ink before a line, ``ocr.missed.missed_spans``) or just before it (after a line), on its
    band: None where no line's end touches the span."""
    x0, y0, x1, y1 = span
    for line in lines:
        top, bottom = round(line.bbox[1] * scale), round(line.bbox[3] * scale)
        if (top, bottom) != (y0, y1):
            continue
        first, last = line.words[0].bbox, line.words[-1].bbox
        if round(first[0] * scale) >= x1:
            return round(first[0] * scale), round(first[2] * scale) + 1
        if round(last[2] * scale) <= x0:
            return round(last[0] * scale), round(last[2] * scale) + 1
    return None


def _shifted(words: Sequence[Word], by: tuple[float, float]) -> list[Word]:
    dx, dy = by
    return [replace(w, bbox=(w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx, w.bbox[3] + dy))
            for w in words]


def _reads_as_text(words: Sequence[Word]) -> bool:
    """Whether words read from ink no line reached are text: two letters or figures, half
    the words read at least ``BLOCK_LINE_CONF`` surely."""
    return (sum(c.isalnum() for w in words for c in w.text) >= 2
            and statistics.median(w.conf for w in words) >= BLOCK_LINE_CONF)


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
