"""extract_catalog end to end on synthetic catalogs with exact truth: text layer and real OCR."""

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.models import CourseRecord, Line, PageText
from ocr_pipeline.catalog.synthetic import LAYOUTS, GeneratedCatalog, TruthRecord, generate_catalog
from ocr_pipeline.errors import NoCoursesFoundError
from ocr_pipeline.extract import CatalogResult, extract_catalog
from ocr_pipeline.ocr.repair import has_garbled_words, repair_garbled_words
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.ocr.text_layer import TextLayerEngine
from ocr_pipeline_tests.pdfs import Text, make_pdf


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(".").lower()


BORN_DIGITAL = sorted(LAYOUTS)
"""Every layout: between them they print side-by-side, run-in and code-above headings, credits
at the heading's end, flush right, below the heading, on a labelled line and closing the
paragraph, cross-listings, designators and recurring labelled lines."""
CREDIT_POSITIONS = {"heading": "heading", "right": "heading", "next_line": "next_line",
                    "label": "label", "paragraph_end": "paragraph_end"}
"""Where a layout prints credits -> how the profile names that place (flush-right credits are
on the heading's line)."""

COMPARED = ("course_code_raw", "title", "credits_text", "credits_min", "credits_max",
            "description", "page", "prerequisites", "corequisites", "cross_listed", "attributes")
Extracted = Callable[[str], tuple[GeneratedCatalog, CatalogResult]]


@pytest.fixture(scope="module")
def born_digital(tmp_path_factory: pytest.TempPathFactory) -> Extracted:
    """Each layout's catalog (40 courses) and what extract_catalog reads from it, made once."""
    done: dict[str, tuple[GeneratedCatalog, CatalogResult]] = {}

    def extracted(layout: str) -> tuple[GeneratedCatalog, CatalogResult]:
        if layout not in done:
            made = generate_catalog(out_dir=tmp_path_factory.mktemp(layout), name=layout,
                                    layout=layout, courses=40, seed=11)
            done[layout] = made, extract_catalog(made.pdf)
        return done[layout]

    return extracted


@pytest.mark.parametrize("layout", BORN_DIGITAL)
def test_born_digital_records_match_truth_exactly(born_digital: Extracted, layout: str) -> None:
    made, result = born_digital(layout)
    got = {r.course_code: r for r in result.records}
    assert set(got) == {t.course_code for t in made.records}
    wrong = []
    for truth in made.records:
        record = got[truth.course_code]
        expected, found = _compared(truth), _compared(record)
        wrong += [f"{truth.course_code} {name}: got {found[name]!r}, want {value!r}"
                  for name, value in expected.items() if found[name] != value]
        assert record.method == "text_layer"
        if record.status != "auto_accepted":
            wrong.append(f"{truth.course_code} status: {record.confidence_factors}")
    assert not wrong, "\n".join(wrong)
    assert result.methods == {"text_layer": made.pages}


def _compared(record: TruthRecord | CourseRecord) -> dict[str, object]:
    """The fields compared with the truth; title and description as ``norm`` sees them."""
    values = {name: getattr(record, name) for name in COMPARED}
    return {**values, "title": norm(record.title), "description": norm(record.description)}


@pytest.mark.parametrize("layout", BORN_DIGITAL)
def test_the_learned_profile_is_the_layouts_template(born_digital: Extracted, layout: str) -> None:
    made, result = born_digital(layout)
    spec = LAYOUTS[layout]
    profile = result.profile
    assert profile is not None
    positions = profile.credits.positions
    assert max(positions, key=positions.__getitem__, default=None) == CREDIT_POSITIONS[
        spec.credits_at]
    assert (profile.heading.run_in >= 0.5) == (spec.heading_kind == "run_in")
    assert (profile.heading.title_below >= 0.5) == (spec.heading_kind == "code_above")
    assert {label: profile.labels.get(label) for label in spec.attribute_labels} == dict.fromkeys(
        spec.attribute_labels, "attributes")
    if spec.requisites_at != "inline" and any(t.corequisites for t in made.records):
        assert profile.labels.get(spec.coreq_label.rstrip(":")) == "corequisites"
    if spec.credits_at == "label":
        assert profile.labels.get(spec.credits_label.rstrip(":")) == "credits"
    assert set(profile.designators) <= set(spec.designators)
    assert bool(profile.designators) == any("designators" in t.attributes for t in made.records)
    assert bool(profile.cross_listed.get("heading")) == any(t.cross_listed for t in made.records)


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


@pytest.mark.parametrize(("glyph", "marks"), [("\ufffd", []), ("\uf06e", ["■"])])
def test_a_glyph_alone_read_unsurely_is_a_mark_or_a_picture(tmp_path: Path, glyph: str,
                                                          marks: list[str]) -> None:
    """Alma's icon before a course's designators and credits is a glyph that maps to nothing;
    OCR read it ``van`` or ``=`` unsurely, and the line ``van NS2 4 cr UL`` held no credits: it
    is left out. East Central's liberal-arts square is a symbol font's character (private use),
    read ``@`` or ``&``: it is the mark ``■``. Words with a glyph unmapped are still read."""
    pdf = make_pdf(tmp_path / "icon.pdf", [[Text(72, 100, "#"), Text(86, 100, "NS2 4 cr UL"),
                                            Text(72, 120, "Students examine the market.")]])
    with pymupdf.open(pdf) as doc:
        doc[0].draw_circle((76, 96.5), 4.5, color=(0, 0, 0), fill=(0, 0, 0))
        doc[0].draw_rect(pymupdf.Rect(74.5, 94, 77.5, 99), color=(1, 1, 1), fill=(1, 1, 1))
        doc.saveIncr()
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        garbled = _garble(TextLayerEngine().read_page(page, number=1), {"#": glyph, "x": "\ufffd"})
        mended = repair_garbled_words(garbled, page=page, engine=TesseractEngine(psm=6, workers=1))
    # the glyph's piece of the line, then the rest of it (the stream joins them by baseline)
    assert [line.text for line in mended.lines] == [*marks, "NS2 4 cr UL",
                                                    "Students examine the market."]
