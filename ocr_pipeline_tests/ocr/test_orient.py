"""Scans fed turned or skewed are read upright: real pages, the scan simulator, real tesseract."""

from __future__ import annotations

import io
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_pipeline.catalog.models import Line, PageText, Word
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.catalog.synthetic.scan import Degradation, make_scanned
from ocr_pipeline.ocr.orient import (
    clear_borders,
    looks_turned,
    skew_angle,
    upright,
    upright_clip,
)
from ocr_pipeline.ocr.tesseract import TesseractEngine, default_tessdata
from ocr_pipeline_tests.pdfs import Text, entry, make_pdf

DPI = 200
STILL = {"skew": (0.0, 0.0), "noise": (3.0, 4.0), "jpeg": (85, 90)}
ENTRIES = [
    ("CHEM 101 General Chemistry I", ["Atoms, bonding and stoichiometry for science majors.",
                                       "Three lecture hours and one laboratory each week."]),
    ("CHEM 102 General Chemistry II", ["Equilibrium, kinetics and thermodynamics of solutions.",
                                        "Prerequisite: CHEM 101 with a grade of C or better."]),
    ("BIOL 210 Cell Biology", ["Structure and function of cells, membranes and organelles.",
                               "Laboratory work uses light and fluorescence microscopy."]),
    ("PHYS 150 Mechanics", ["Kinematics, forces, energy and momentum with calculus.",
                            "Weekly problem sessions and two laboratory reports."]),
]


@pytest.fixture(scope="module")
def born(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts: list[Text] = []
    y = 90.0
    for heading, body in ENTRIES:
        made, y = entry(72, y, heading, body, size=11, leading=14)
        texts += made
    return make_pdf(tmp_path_factory.mktemp("orient") / "born.pdf", [texts])


def _words(page: PageText) -> list[str]:
    return [word.text for line in page.lines for word in line.words]


def _born_words(pdf: Path) -> list[str]:
    with pymupdf.open(pdf) as doc:
        return [w[4] for w in doc[0].get_text("words", sort=True)]


def _read(born: Path, tmp: Path, *, engine: TesseractEngine | None = None,
          **degradation: object) -> PageText:
    scan = make_scanned(src=born, dst=tmp / "scan.pdf", seed=3,
                        degradation=Degradation(dpi=DPI, **{**STILL, **degradation}))
    (page,) = (engine or TesseractEngine()).read_pages(scan, [1], dpi=DPI)
    return page


class _AskingEngine(TesseractEngine):
    """The real engine, counting the pages it asks Tesseract's orientation detection about,
    and its whole-image recognitions."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []
        self.recognized = 0

    def _orientation(self, gray: np.ndarray, *, page: int, dpi: int) -> int:
        self.asked.append(page)
        return super()._orientation(gray, page=page, dpi=dpi)

    def _recognize(self, model: Any, image: np.ndarray, *, page: int, dpi: int) -> list[Line]:
        self.recognized += 1
        return super()._recognize(model, image, page=page, dpi=dpi)


def _gray_page(pdf: Path) -> np.ndarray:
    with CatalogPdf(pdf) as doc:
        return np.asarray(doc.render_gray(1, dpi=DPI).pil_image())


@pytest.mark.parametrize("degrees", [-3.0, -1.2, 0.0, 0.7, 2.5])
def test_skew_is_measured_in_the_ink(born: Path, degrees: float) -> None:
    level = Image.fromarray(_gray_page(born))
    turned = np.asarray(level.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255))
    assert skew_angle(turned) == pytest.approx(degrees, abs=0.1)
    # levelled by the measured angle, the page measures level
    assert skew_angle(upright(turned, skew=skew_angle(turned))) == pytest.approx(0.0, abs=0.1)


def test_a_blank_page_has_no_skew() -> None:
    assert skew_angle(np.full((400, 300), 240, dtype=np.uint8)) == 0.0


def _line(*boxes: tuple[str, float, tuple[float, float, float, float]]) -> Line:
    words = tuple(Word(text=t, bbox=b, conf=c, size=10.0) for t, c, b in boxes)
    return Line(words=words, bbox=words[0].bbox)


def test_a_reading_looks_turned_when_unreadable_or_sideways() -> None:
    wide = (10.0, 10.0, 60.0, 20.0)
    tall = (10.0, 10.0, 20.0, 60.0)
    assert not looks_turned([_line(("Chemistry", 0.95, wide), ("laboratory", 0.9, wide))])
    assert looks_turned([_line(("ʎɹʇsıɯǝɥɔ", 0.2, wide), ("ʎɹoʇɐɹoqɐl", 0.3, wide))])
    assert looks_turned([_line(("Chemistry", 0.9, tall), ("laboratory", 0.9, tall))])
    assert not looks_turned([])


@pytest.mark.parametrize("fed", [90, 180])
def test_a_page_fed_turned_is_read_upright(born: Path, tmp_path: Path, fed: int) -> None:
    page = _read(born, tmp_path, rotate=fed)
    assert (page.rotation + fed) % 360 == 0  # turned back the other way
    assert (page.width, page.height) == (612, 792)  # the upright page's size
    ratio = SequenceMatcher(None, _words(page), _born_words(born)).ratio()
    assert ratio > 0.9
    heading = next(ln for ln in page.lines if ln.text.startswith("CHEM 102"))
    assert heading.bbox[1] == pytest.approx(110, abs=25)  # near the top, as printed


def test_a_page_skewed_three_degrees_is_levelled(born: Path, tmp_path: Path) -> None:
    page = _read(born, tmp_path, skew=(3.0, 3.0))
    assert abs(page.skew) == pytest.approx(3.0, abs=0.15)
    assert page.rotation == 0
    ratio = SequenceMatcher(None, _words(page), _born_words(born)).ratio()
    assert ratio > 0.9
    # levelled lines: each heading's words share one baseline
    for line in page.lines:
        if line.text.startswith(("CHEM", "BIOL", "PHYS")):
            bottoms = [w.bbox[3] for w in line.words]
            assert max(bottoms) - min(bottoms) < 3


def test_the_dark_frame_of_a_scanner_lid_is_cleared_before_levelling(
        born: Path, tmp_path: Path) -> None:
    """A sheet fed 2 degrees off, scanned with the lid's dark frame around it on three sides:
    the frame's rows and columns of ink would outweigh the text's in the skew measure (it
    measured the page level) and be read as words."""
    scan = make_scanned(src=born, dst=tmp_path / "scan.pdf", seed=3,
                        degradation=Degradation(dpi=DPI, **{**STILL, "skew": (2.0, 2.0)}))
    framed = _gray_page(scan).copy()
    framed[:, :60] = 25
    framed[:, -40:] = 30
    framed[-50:, :] = 20
    png = io.BytesIO()
    Image.fromarray(framed).save(png, format="PNG")
    page = TesseractEngine().read_image(png.getvalue(), page=1, width=612, height=792, dpi=DPI)
    assert abs(page.skew) == pytest.approx(2.0, abs=0.15)
    ratio = SequenceMatcher(None, _words(page), _born_words(born)).ratio()
    assert ratio > 0.9


def test_clearing_borders_keeps_the_page_inside_them() -> None:
    page = np.full((400, 300), 235, dtype=np.uint8)
    page[100:104, 40:260] = 0  # a rule across the page
    page[150:380, 150:152] = 0  # a column rule
    assert clear_borders(page) is page  # nothing to clear: the page itself, not a copy
    framed = page.copy()
    framed[:, :12] = 30
    framed[:8, :] = 40
    framed[:, 12:15] = np.where(np.arange(400) % 3 == 0, 255, 30)[:, None]  # a ragged edge
    cleared = clear_borders(framed)
    assert (cleared[:, :15] == 255).all() and (cleared[:8] == 255).all()
    assert (cleared[15:, 15:] == framed[15:, 15:]).all()  # rules and paper untouched
    assert (framed[8:, :12] == 30).all()  # the reading's image is not changed in place


def test_only_a_page_that_reads_turned_is_asked_for_its_orientation(
        born: Path, tmp_path: Path) -> None:
    engine = _AskingEngine()
    page = _read(born, tmp_path, engine=engine)
    assert (page.rotation, page.skew) == (0, 0.0)
    assert engine.asked == []
    engine.recognized = 0
    page = _read(born, tmp_path, engine=engine, rotate=180)
    assert engine.asked == [1]
    # read whole as it lies and upright, and no more: reading as it lies poorly, it is not
    # read again from other looks (ocr.looks) before its turn is known
    assert engine.recognized == 2
    again = PageText.from_dict(page.to_dict())  # the turn is kept with the cached page
    assert (again.rotation, again.skew) == (page.rotation, page.skew) == (180, 0.0)


def test_the_clip_of_a_turned_page_shows_the_region_upright(born: Path, tmp_path: Path) -> None:
    page = _read(born, tmp_path, rotate=180, skew=(1.5, 1.5))
    heading = next(ln for ln in page.lines if ln.text.startswith("BIOL 210"))
    with CatalogPdf(tmp_path / "scan.pdf") as scan:
        gray = np.asarray(scan.render_gray(1, dpi=DPI).pil_image())
    png = upright_clip(gray, heading.bbox, dpi=DPI, rotation=page.rotation, skew=page.skew)
    with Image.open(io.BytesIO(png)) as clip:
        assert clip.width > 2 * clip.height  # the heading (and a margin), lying flat
    seen = TesseractEngine(psm=6).read(png, page=1, dpi=DPI, prompt=None).page
    assert "BIOL 210" in seen.text


def test_an_image_made_here_is_read_as_it_is(born: Path) -> None:
    """A strip of a text layer's lines (repair) or the image a model saw (the referee) keeps
    its geometry: no deskew, no turn, whatever the lines' slant."""
    slanted = Image.fromarray(_gray_page(born)).rotate(2.0, fillcolor=255)
    out = io.BytesIO()
    slanted.save(out, format="PNG")
    engine = TesseractEngine()
    kept = engine.read_image(out.getvalue(), page=1, width=612, height=792, dpi=DPI,
                             scanned=False)
    levelled = engine.read_image(out.getvalue(), page=1, width=612, height=792, dpi=DPI)
    assert (kept.rotation, kept.skew) == (0, 0.0)
    assert levelled.skew == pytest.approx(2.0, abs=0.1)  # turned back clockwise


@pytest.mark.parametrize("osd_installed", [True, False])
def test_an_orientation_tesseract_cannot_tell_is_one_warning_naming_the_right_cause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        osd_installed: bool) -> None:
    """A page with one short word upside down reads as if turned; OSD finds too few letters
    to tell. The warning says to install tesseract-ocr-osd only where its language data is
    missing."""
    if not osd_installed:  # real tesseract with only the eng data in reach
        tessdata = tmp_path / "tessdata"
        tessdata.mkdir()
        (tessdata / "eng.traineddata").symlink_to(default_tessdata() / "eng.traineddata")
        monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    image = Image.new("L", (500, 300), 255)
    ImageDraw.Draw(image).text((40, 120), "Wxq", fill=0, font=ImageFont.load_default(size=28))
    png = io.BytesIO()
    image.rotate(180).save(png, format="PNG")
    with caplog.at_level("WARNING", logger="ocr_pipeline.ocr.tesseract"):
        page = TesseractEngine(workers=1).read_image(png.getvalue(), page=3, width=180,
                                                      height=108, dpi=200)
    assert page.rotation == 0
    [warning] = [r.getMessage() for r in caplog.records if "orientation" in r.getMessage()]
    assert warning.startswith("page 3 reads as if turned, but Tesseract cannot tell")
    assert ("apt-get install tesseract-ocr-osd" in warning) is (not osd_installed)
    assert warning.endswith("(too few letters)") is osd_installed
