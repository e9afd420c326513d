"""A real catalog's pages scanned with the simulator give the records of their text layer
(../shared/dev-data; skipped where it is absent)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.synthetic import PRESETS, make_scanned
from ocr_pipeline.extract import extract_catalog

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "dev-data"
TRUTH = ROOT / "benchmarks" / "truth" / "coloradocollege_2012.json"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/dev-data is not present")


def _window(tmp_path: Path) -> Path:
    """The first two course pages of Colorado's truth window, born digital."""
    truth = json.loads(TRUTH.read_text())
    first = truth["pages"][0]
    born = tmp_path / "window.pdf"
    with pymupdf.open(DATA / truth["source"]) as whole, pymupdf.open() as window:
        window.insert_pdf(whole, from_page=first - 1, to_page=first)
        window.save(born)
    return born


def test_a_scanned_window_gives_the_records_of_its_text_layer(tmp_path: Path) -> None:
    born = _window(tmp_path)
    scan = make_scanned(src=born, dst=tmp_path / "scan.pdf", degradation=PRESETS["default"])
    text = {r.course_code: r for r in extract_catalog(born).records}
    scanned = {r.course_code: r for r in extract_catalog(scan).records}
    assert len(text) >= 15
    assert scanned.keys() == text.keys()  # no course lost, none made up
    same = [code for code, r in text.items()
            if (scanned[code].title, scanned[code].credits_min, scanned[code].credits_max)
            == (r.title, r.credits_min, r.credits_max)]
    assert len(same) >= 0.9 * len(text)
    # a scanned record that differs from its twin waits for a person
    assert all(scanned[code].status == "pending_review" for code in text.keys() - set(same))
    assert sum(r.status == "auto_accepted" for r in scanned.values()) >= 0.25 * len(text)


def test_a_toner_spread_scan_of_small_type_keeps_its_courses(tmp_path: Path) -> None:
    """Strokes a pixel bolder (a worn photocopy) on an 8 pt page: Tesseract's own threshold
    fills the letters and joins the lines, and two thirds of the courses were lost. Read again
    from a thinner look, they are found, and a record that differs from its twin waits for a
    person."""
    born = _window(tmp_path)
    worn = replace(PRESETS["default"], toner=1)
    scan = make_scanned(src=born, dst=tmp_path / "scan.pdf", degradation=worn)
    text = {r.course_code: r for r in extract_catalog(born).records}
    scanned = {r.course_code: r for r in extract_catalog(scan).records}
    assert len(scanned.keys() & text.keys()) >= 0.9 * len(text)
    differ = [code for code, r in scanned.items() if code not in text or (
        r.title, r.credits_min, r.credits_max) != (
        text[code].title, text[code].credits_min, text[code].credits_max)]
    assert all(scanned[code].status == "pending_review" for code in differ)
