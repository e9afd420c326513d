"""TesseractEngine against real libtesseract, on image-only PDFs typeset here."""

from __future__ import annotations

import re
import statistics
from difflib import SequenceMatcher
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.errors import EngineUnavailableError, OcrError
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.tesseract import TesseractEngine, parse_tsv
from ocr_pipeline_tests.pdfs import Text, make_image_only, make_pdf

DPI = 200

BODY = [
    "Introduction to atomic structure, chemical bonding and stoichiometry.",
    "Laboratory work covers titration, calorimetry and spectroscopy.",
    "Prerequisite: placement into college algebra or consent of the instructor.",
    "Students write weekly reports and present one research project.",
    "Offered every fall and spring semester on the main campus.",
    "Three lecture hours and one recitation hour each week.",
]
HEADING = "General Chemistry Course Notes"


def _scan(tmp: Path, name: str, pages: list[list[Text]]) -> tuple[Path, Path]:
    """A born-digital PDF and its image-only twin (the page pictured at ``DPI``)."""
    born = make_pdf(tmp / f"{name}.pdf", pages)
    return born, make_image_only(born, tmp / f"{name}-scan.pdf", dpi=DPI)


def _words(page: PageText) -> list[str]:
    return [word.text for line in page.lines for word in line.words]


@pytest.fixture(scope="module")
def one_column(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple], PageText]:
    """Typeset word boxes of a one-column page (16 pt heading, 10 pt body) and its OCR."""
    tmp = tmp_path_factory.mktemp("one_column")
    texts = [Text(72, 90, HEADING, size=16)]
    texts += [Text(72, 130 + 16 * i, line, size=10) for i, line in enumerate(BODY)]
    born, scan = _scan(tmp, "one", [texts])
    with pymupdf.open(born) as doc:
        typeset = doc[0].get_text("words", sort=True)
    (page,) = TesseractEngine().read_pages(scan, [1], dpi=DPI)
    return typeset, page


@pytest.fixture(scope="module")
def four_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("four_pages")
    names = ["alpha", "bravo", "charlie", "delta"]
    pages = [
        [Text(72, 100 + 20 * i, f"This is page {name} of the catalog.", size=12) for i in range(3)]
        for name in names
    ]
    return _scan(tmp, "four", pages)[1]


def test_recognized_words_match_the_typeset_text(one_column: tuple[list[tuple], PageText]) -> None:
    typeset, page = one_column
    expected = [w[4] for w in typeset]
    matched = SequenceMatcher(a=expected, b=_words(page), autojunk=False)
    same = sum(block.size for block in matched.get_matching_blocks())
    assert same >= 0.95 * len(expected), (expected, _words(page))


def test_word_boxes_are_where_the_text_was_typeset(
    one_column: tuple[list[tuple], PageText],
) -> None:
    typeset, page = one_column
    ocr = [word for line in page.lines for word in line.words]
    matched = SequenceMatcher(a=[w[4] for w in typeset], b=[w.text for w in ocr], autojunk=False)
    pairs = [(typeset[block.a + k], ocr[block.b + k])
             for block in matched.get_matching_blocks() for k in range(block.size)]
    assert len(pairs) >= 0.95 * len(typeset)
    for (x0, y0, x1, y1, text, *_), word in pairs:
        # Typeset boxes span the font's ascent to descent; OCR boxes hug the ink inside them.
        assert word.bbox[0] == pytest.approx(x0, abs=2.5), text
        assert word.bbox[2] == pytest.approx(x1, abs=2.5), text
        assert y0 - 1.0 <= word.bbox[1] < word.bbox[3] <= y1 + 1.0, text


def test_confidences_and_page_metadata(one_column: tuple[list[tuple], PageText]) -> None:
    _, page = one_column
    confs = [word.conf for line in page.lines for word in line.words]
    assert all(0.0 <= c <= 1.0 for c in confs)
    assert statistics.median(confs) > 0.8
    assert (page.page, page.width, page.height) == (1, 612, 792)
    assert page.method == "tesseract"
    assert page.engine_version == TesseractEngine().version
    assert page.seconds > 0
    assert not any(word.bold or word.italic for line in page.lines for word in line.words)


def test_font_size_is_estimated_from_line_height(one_column: tuple[list[tuple], PageText]) -> None:
    _, page = one_column
    heading, *body = page.lines
    assert heading.text == HEADING
    assert heading.size == pytest.approx(16, rel=0.1)
    assert statistics.median(line.size for line in body) == pytest.approx(10, rel=0.1)


@pytest.mark.parametrize("columns", [2, 3])
def test_columns_come_back_in_reading_order(tmp_path: Path, columns: int) -> None:
    names = ["Alpha", "Bravo", "Charlie"][:columns]
    column_width = (612 - 2 * 50) / columns
    texts = [Text(50 + c * column_width, 120 + 18 * i, f"{name} {10 + i} course notes", size=10)
             for c, name in enumerate(names) for i in range(8)]
    _, scan = _scan(tmp_path, f"columns{columns}", [texts])
    (page,) = TesseractEngine().read_pages(scan, [1], dpi=DPI)
    seen = [(names.index(line.words[0].text), line.words[1].text) for line in page.lines
            if len(line.words) > 1 and line.words[0].text in names]
    assert len(seen) >= 0.9 * len(texts)
    assert seen == sorted(seen)
    assert [block.column for block in page.blocks] == list(range(columns))


def test_blank_page_has_no_blocks(tmp_path: Path) -> None:
    _, scan = _scan(tmp_path, "blank", [[]])
    (page,) = TesseractEngine().read_pages(scan, [1], dpi=150)
    assert page.blocks == ()
    assert page.text == ""


def test_read_image_takes_png_bytes(tmp_path: Path) -> None:
    born = make_pdf(tmp_path / "png.pdf", [[Text(72, 100, "Seminar in research methods", size=14)]])
    with pymupdf.open(born) as doc:
        png = doc[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY).tobytes("png")
    page = TesseractEngine().read_image(png, page=7, width=612, height=792, dpi=150)
    assert page.page == 7
    assert page.text == "Seminar in research methods"
    assert page.lines[0].bbox[0] == pytest.approx(72, abs=2)


def test_pages_come_back_in_the_requested_order(four_pages: Path) -> None:
    order = [3, 1, 4, 2]
    pages = list(TesseractEngine(workers=2).read_pages(four_pages, order, dpi=150))
    assert [p.page for p in pages] == order
    names = {1: "alpha", 2: "bravo", 3: "charlie", 4: "delta"}
    for page in pages:
        assert f"This is page {names[page.page]} of the catalog." in page.text


def test_workers_read_pages_side_by_side_each_with_one_loaded_model(four_pages: Path) -> None:
    engine = TesseractEngine(workers=2)
    assert len(list(engine.read_pages(four_pages, [1, 2, 3, 4], dpi=150))) == 4
    # two pages were in recognition at once (a second model was needed), and the models were
    # kept for the next pages rather than loaded per page
    assert engine.models_loaded == 2
    assert len(list(engine.read_pages(four_pages, [4, 3], dpi=150))) == 2
    assert engine.models_loaded == 2


def test_is_an_ocr_engine() -> None:
    assert isinstance(TesseractEngine(), OcrEngine)
    assert TesseractEngine().workers >= 1


def test_missing_language_folder_says_how_to_install(tmp_path: Path) -> None:
    engine = TesseractEngine(tessdata=tmp_path / "nowhere")
    with pytest.raises(EngineUnavailableError, match=r"apt-get install tesseract-ocr-eng.*"
                                                     r"TESSDATA_PREFIX"):
        _ = engine.version
    with pytest.raises(EngineUnavailableError):
        next(engine.read_pages(tmp_path / "never-opened.pdf", [1], dpi=DPI))


def test_missing_language_data_names_the_package() -> None:
    with pytest.raises(EngineUnavailableError, match="tesseract-ocr-xyz"):
        _ = TesseractEngine(lang="eng+xyz").version


def test_tessdata_prefix_is_where_the_models_are_looked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(EngineUnavailableError, match=str(tmp_path)):
        _ = TesseractEngine().version


def test_version_names_release_lang_and_psm_and_is_cached() -> None:
    engine = TesseractEngine(psm=6)
    assert re.fullmatch(r"tesseract-5\.\d+\.\d+-eng-psm6-ink\d+", engine.version)
    assert engine.version is engine.version


def test_timeout_is_an_ocr_error(four_pages: Path) -> None:
    with pymupdf.open(four_pages) as doc:
        png = doc[0].get_pixmap(dpi=150).tobytes("png")
    engine = TesseractEngine(timeout=0.001, workers=1)
    with pytest.raises(OcrError, match=r"page 2: tesseract timed out after 0\.001 s"):
        engine.read_image(png, page=2, width=612, height=792, dpi=150)
    # the model stopped at its deadline reads the next page in full
    engine.timeout = 60
    assert "page alpha" in engine.read_image(png, page=1, width=612, height=792, dpi=150).text


TSV = "\n".join([
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t",
    "4\t1\t1\t1\t1\t0\t200\t100\t400\t40\t-1\t",
    "5\t1\t1\t1\t1\t1\t200\t100\t100\t40\t96.5\tCHEM",
    "5\t1\t1\t1\t1\t2\t320\t100\t80\t40\t101.0\t101",
    "5\t1\t1\t1\t1\t3\t420\t100\t20\t20\t12\t ",
    "5\t1\t1\t1\t1\t4\t450\t104\t150\t36\t-1\t\"Intro\"",
    "5\t1\t2\t1\t1\t1\t1000\t100\t100\t40\t50\tNext",
    "",
])


def test_parse_tsv_converts_pixels_to_points_and_groups_lines() -> None:
    first, second = parse_tsv(TSV, dpi=200)
    assert [w.text for w in first.words] == ["CHEM", "101", '"Intro"']
    chem = first.words[0]
    assert chem.bbox == pytest.approx((72.0, 36.0, 108.0, 50.4))
    assert [w.conf for w in first.words] == pytest.approx([0.965, 1.0, 0.0])
    assert chem.size == pytest.approx(40 * 72 / 200 / 0.76)
    assert first.bbox == pytest.approx((72.0, 36.0, 216.0, 50.4))
    assert second.text == "Next"


def test_bold_words_are_found_in_the_ink(tmp_path: Path) -> None:
    """OCR reads letters, not weight: a bold heading (Helvetica-Bold) over body text in the same
    size is marked bold from its wider strokes, and no body word is."""
    texts: list[Text] = []
    for i, (code, title) in enumerate([("CHEM 101", "General Chemistry"),
                                       ("CHEM 102", "Organic Chemistry"),
                                       ("BIOL 210", "Cell Biology")]):
        texts.append(Text(72, 100 + 60 * i, f"{code} {title}", font="hebo", size=10))
        texts += [Text(72, 114 + 60 * i + 12 * k, line, size=10) for k, line in enumerate(BODY[:3])]
    _, scan = _scan(tmp_path, "bold", [texts])
    (page,) = TesseractEngine().read_pages(scan, [1], dpi=DPI)
    assert page.styled
    bold = {w.text for line in page.lines for w in line.words if w.bold}
    assert {"CHEM", "101", "General", "Chemistry", "Cell", "Biology"} <= bold
    assert not bold & {w for line in BODY[:3] for w in line.split()}
    # each word keeps its measured weight (stroke over the page's usual one), cached with it
    heavy = [w.weight for line in page.lines for w in line.words if w.bold]
    body = [w.weight for line in page.lines for w in line.words if not w.bold]
    assert statistics.median(heavy) > 1.35 and statistics.median(body) == pytest.approx(1, abs=0.1)
    again = PageText.from_dict(page.to_dict())
    assert [w.weight for ln in again.lines for w in ln.words] == pytest.approx(
        [w.weight for ln in page.lines for w in ln.words], abs=0.001)
