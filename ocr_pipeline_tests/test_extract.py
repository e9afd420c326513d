"""extract_catalog end to end on synthetic catalogs with exact truth: text layer and real OCR."""

import re
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.models import Line, PageText
from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.errors import NoCoursesFoundError
from ocr_pipeline.extract import extract_catalog
from ocr_pipeline.ocr.repair import has_garbled_words, repair_garbled_words
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.ocr.text_layer import TextLayerEngine
from ocr_pipeline_tests.pdfs import Text, make_pdf


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(".").lower()


@pytest.mark.parametrize("layout", ["one_column", "two_column", "three_column", "caps_two_column",
                                    "typewriter"])
def test_born_digital_records_match_truth_exactly(tmp_path: Path, layout: str) -> None:
    made = generate_catalog(out_dir=tmp_path, name=layout, layout=layout, courses=40, seed=11)
    result = extract_catalog(made.pdf)
    got = {r.course_code: r for r in result.records}
    assert set(got) == {t.course_code for t in made.records}
    for truth in made.records:
        record = got[truth.course_code]
        assert norm(record.title) == norm(truth.title)
        assert (record.credits_min, record.credits_max) == (truth.credits_min, truth.credits_max)
        assert norm(record.description) == norm(truth.description)
        assert record.page == truth.page
        assert record.method == "text_layer"
        assert record.status == "auto_accepted"
    assert result.methods == {"text_layer": made.pages}


def test_scanned_catalog_is_read_by_tesseract(tmp_path: Path) -> None:
    made = generate_catalog(out_dir=tmp_path, name="scan", layout="caps_two_column", courses=10,
                            seed=5, scanned=True)
    result = extract_catalog(made.pdf, workers=2)
    assert result.methods == {"tesseract": made.pages}
    assert {c.kind for c in result.page_classes} == {"scanned"}
    truth = {t.course_code: t for t in made.records}
    found = [r for r in result.records if r.course_code in truth]
    assert len(found) >= 9
    titles_right = sum(norm(r.title) == norm(truth[r.course_code].title) for r in found)
    assert titles_right >= 9
    assert all(0.0 <= r.confidence < 1.0 for r in result.records)
    # OCR confidences feed the score: no scanned record is as sure as a text-layer record
    assert all(r.confidence_factors["ocr"] < 1.0 for r in result.records)


def test_reextraction_gives_the_same_record_ids(tmp_path: Path) -> None:
    made = generate_catalog(out_dir=tmp_path, name="again", layout="two_column", courses=12, seed=3)
    first = extract_catalog(made.pdf).records
    second = extract_catalog(made.pdf).records
    assert [r.record_id for r in first] == [r.record_id for r in second]
    assert len({r.record_id for r in first}) == len(first)


def test_catalog_without_courses(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "welcome.pdf", [[Text(72, 90, "Welcome to our college.")]])
    with pytest.raises(NoCoursesFoundError, match="welcome.pdf"):
        extract_catalog(pdf)


def test_unmapped_glyphs_are_read_again_by_ocr(tmp_path: Path) -> None:
    """A text layer whose font maps some glyphs to nothing (U+FFFD), as in real catalogs."""
    lines = ["Students examine the flow of funds in a complex market.",
             "Students explore fixed and flexible exchange rates."]
    pdf = make_pdf(tmp_path / "glyphs.pdf", [[Text(72, 100 + 20 * i, t, size=12)
                                              for i, t in enumerate(lines)]])
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        clean = TextLayerEngine().read_page(page, number=1)
        garbled = _garble(clean, {"x": "\ufffd", "fl": "\ufffd"})
        assert has_garbled_words(garbled) and not has_garbled_words(clean)
        mended = repair_garbled_words(garbled, page=page, engine=TesseractEngine(psm=6, workers=1))
    assert mended.text == clean.text
    assert mended.method == "text_layer+tesseract"
    repaired = [w for ln in mended.lines for w in ln.words if w.conf < 1.0]
    assert {w.text for w in repaired} >= {"examine", "flow", "complex", "explore", "fixed"}


def _garble(page: PageText, table: dict[str, str]) -> PageText:
    def mangle(line: Line) -> Line:
        words = []
        for word in line.words:
            text = word.text
            for old, new in table.items():
                text = text.replace(old, new)
            words.append(replace(word, text=text, conf=0.3 if text != word.text else word.conf))
        return replace(line, words=tuple(words))

    blocks = tuple(replace(b, lines=tuple(mangle(ln) for ln in b.lines)) for b in page.blocks)
    return replace(page, blocks=blocks)
