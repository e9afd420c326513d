"""The synthetic catalog generator: deterministic, and its truth is what the PDF shows."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.synthetic import (
    LAYOUTS,
    GeneratedCatalog,
    generate_catalog,
    load_truth,
    make_scanned,
)
from ocr_pipeline.errors import InputError, OcrPipelineError

COURSES = 30


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GeneratedCatalog]:
    out = tmp_path_factory.mktemp("synthetic")
    return {
        name: generate_catalog(out_dir=out, name=name, layout=name, courses=COURSES, seed=7)
        for name in LAYOUTS
    }


def _body_text(pdf: Path) -> str:
    """The text of every page without running header and footer, line-end hyphens joined."""
    with pymupdf.open(pdf) as doc:
        text = "\n".join(
            page.get_text(clip=pymupdf.Rect(0, 50, page.rect.width, page.rect.height - 48)).strip()
            for page in doc
        )
    return " ".join(text.replace("-\n", "").split())


def test_same_seed_same_catalog_other_seed_other_catalog(tmp_path: Path) -> None:
    first = generate_catalog(out_dir=tmp_path / "a", name="c", courses=15, seed=3)
    again = generate_catalog(out_dir=tmp_path / "b", name="c", courses=15, seed=3)
    other = generate_catalog(out_dir=tmp_path / "c", name="c", courses=15, seed=4)
    assert first.truth.read_bytes() == again.truth.read_bytes()
    assert first.pages == again.pages
    assert first.truth.read_bytes() != other.truth.read_bytes()
    assert load_truth(first.truth) == first.records


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_truth_matches_the_text_layer(catalogs: dict[str, GeneratedCatalog], layout: str) -> None:
    catalog = catalogs[layout]
    records = catalog.records
    assert len(records) == COURSES
    assert len({r.course_code for r in records}) == COURSES
    assert [r.page for r in records] == sorted(r.page for r in records)
    with pymupdf.open(catalog.pdf) as doc:
        assert doc.page_count == catalog.pages
        pages = [page.get_text() for page in doc]
    for record in records:
        text = pages[record.page - 1]
        assert record.course_code_raw in text, record
        assert record.title.split()[0] in text, record
        assert record.course_code == f"{record.subject} {record.number}"
        assert record.course_code_raw.upper().replace("-", " ") == record.course_code
    body = _body_text(catalog.pdf)
    for record in records:
        assert record.title in body, record.title
        assert record.description in body, record.description
        for requisite in (record.prerequisites or "").split("; "):
            assert requisite in body, requisite


def test_every_entry_form_appears_across_the_presets(catalogs: dict[str, GeneratedCatalog]) -> None:
    records = [r for c in catalogs.values() for r in c.records]
    texts = {r.credits_text for r in records}
    forms = {
        "(3)": r"\d+(\.\d+)?",
        "3 Credits / 1 Credit": r"\d+(\.\d+)?(-\d+)? Credits?",
        "400(4)": r"\d00\(\d+(\.\d+)?(-\d+(\.\d+)?)?\)",
        "5 cr": r"\d+(\.\d+)?(-\d+)? cr",
        "(1-4)": r"\d+-\d+",
    }
    for form, pattern in forms.items():
        assert any(t and re.fullmatch(pattern, t) for t in texts), form
    variable = [r for r in records if r.credits_text == "Variable credit"]
    assert variable and all(r.credits_min is None and r.credits_max is None for r in variable)
    ranges = [r for r in records if r.credits_text and re.fullmatch(r"\d+-\d+", r.credits_text)]
    assert all(r.credits_min < r.credits_max for r in ranges)
    caps = catalogs["caps_two_column"].records
    assert all(r.title == r.title.upper() for r in caps)
    assert any(r.course_code_raw != r.course_code for r in catalogs["two_column"].records)

    text = " ".join(_body_text(c.pdf) for c in catalogs.values())
    for label in ("Prerequisite:", "Prerequisites:", "Corequisite:", "Prereq:"):
        assert label in text, label
    assert "hrs. lect." in _body_text(catalogs["caps_two_column"].pdf)
    assert not any("hrs." in r.description for r in caps)
    with_requisites = sum(1 for r in records if r.prerequisites)
    assert 0.2 * len(records) < with_requisites < 0.65 * len(records)


def test_headings_wrap_and_descriptions_hyphenate_sometimes(
    catalogs: dict[str, GeneratedCatalog],
) -> None:
    wrapped = 0
    hyphenated = 0
    for catalog in catalogs.values():
        descriptions = " ".join(r.description for r in catalog.records)
        with pymupdf.open(catalog.pdf) as doc:
            lines = [line for page in doc for line in page.get_text().splitlines()]
        for record in catalog.records:
            heading = next(ln for ln in lines if ln.startswith(record.course_code_raw))
            wrapped += record.title not in heading
        for line, after in zip(lines, lines[1:]):
            match = re.search(r"(\w+)-$", line)
            if match and after.split() and f"{match.group(1)}{after.split()[0]}" in descriptions:
                hyphenated += 1
    assert wrapped >= 2
    assert hyphenated >= 5


def test_entries_break_across_columns_and_pages(tmp_path: Path) -> None:
    layout = LAYOUTS["two_column"]
    catalog = generate_catalog(out_dir=tmp_path, name="long", layout="two_column", courses=80,
                               seed=1)
    headings = {r.course_code_raw for r in catalog.records}
    body_tops: list[tuple[int, int]] = []
    with pymupdf.open(catalog.pdf) as doc:
        for number, page in enumerate(doc, start=1):
            for column in range(layout.columns):
                x0 = layout.margin + column * (layout.column_width + layout.column_gap)
                clip = pymupdf.Rect(x0 - 1, 50, x0 + layout.column_width + 1, page.rect.height - 48)
                lines = [
                    (line["bbox"][1], line["spans"])
                    for block in page.get_text("dict", clip=clip)["blocks"]
                    for line in block.get("lines", ())
                ]
                if not lines:
                    continue
                _, spans = min(lines, key=lambda item: item[0])
                text = "".join(s["text"] for s in spans)
                is_heading = any(text.startswith(code) for code in headings)
                is_department = spans[0]["size"] > layout.body_size
                if not (is_heading or is_department):
                    body_tops.append((number, column))
    assert any(column == 0 and number > 1 for number, column in body_tops)  # across a page
    assert any(column > 0 for _, column in body_tops)  # across a column


def test_scanned_catalog_is_image_only_with_the_same_truth(tmp_path: Path) -> None:
    digital = generate_catalog(out_dir=tmp_path / "d", name="c", layout="three_column",
                               courses=20, seed=5)
    scanned = generate_catalog(out_dir=tmp_path / "s", name="c", layout="three_column",
                               courses=20, seed=5, scanned=True, scan_dpi=100)
    assert scanned.records == digital.records
    assert scanned.truth.read_bytes() == digital.truth.read_bytes()
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["c.pdf", "c.truth.jsonl"]
    with pymupdf.open(digital.pdf) as original, pymupdf.open(scanned.pdf) as copy:
        assert copy.page_count == original.page_count == scanned.pages
        for page, scan in zip(original, copy):
            assert scan.rect == page.rect
            assert scan.get_text().strip() == ""
            assert len(scan.get_images()) == 1
            pix = scan.get_pixmap(dpi=40, colorspace=pymupdf.csGRAY)
            assert min(pix.samples) < 100  # there is ink on the page


def test_invisible_text_layer_over_the_scan(
    catalogs: dict[str, GeneratedCatalog], tmp_path: Path
) -> None:
    source = catalogs["two_column"].pdf
    dst = make_scanned(src=source, dst=tmp_path / "searchable.pdf", dpi=100, seed=2,
                       invisible_text=True)
    with pymupdf.open(source) as original, pymupdf.open(dst) as copy:
        assert copy.page_count == original.page_count
        for page, scan in zip(original, copy):
            assert len(scan.get_images()) == 1
            assert scan.get_text().split() == page.get_text().split()
            spans = [
                span
                for block in scan.get_text("dict")["blocks"]
                for line in block.get("lines", ())
                for span in line["spans"]
            ]
            assert spans and all(span["alpha"] == 0 for span in spans)


def test_make_scanned_rejects_a_non_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(InputError):
        make_scanned(src=bad, dst=tmp_path / "out.pdf", dpi=100)


def test_corpus_csv_supplies_the_courses(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.csv"
    corpus.write_text(
        "number,title,credits,description\n"
        "ZOOL\u00a01101,Animal Diversity (Honors).,4,Surveys the animal kingdom\u2014from sponges "
        "to mammals. Counts asZOOL 1102for majors.\n"
        "ZOOL\u00a01102,Animal Diversity Lab,1,Accompanies the lecture.\n"
        "ZOOL\u00a02990,Elective,1-4,Offers elective credit for courses taken elsewhere.\n"
        "BOTA\u00a01000,Plants and People,3,Covers the uses of plants. Prerequisite: none.\n"
        "BOTA\u00a01001,Plant Form and Function,4,Studies the anatomy of vascular plants.\n"
        "BOTA\u00a03100,\u201cGreen\u201d Chemistry,4,Examines sustainable synthesis.\n",
        encoding="utf-8",
    )
    catalog = generate_catalog(out_dir=tmp_path, name="z", layout="one_column", courses=6,
                               corpus=corpus)
    by_code = {r.course_code: r for r in catalog.records}
    assert sorted(by_code) == ["BOTA 1000", "BOTA 1001", "BOTA 3100", "ZOOL 1101", "ZOOL 1102",
                               "ZOOL 2990"]
    assert by_code["ZOOL 1101"].title == "Animal Diversity"
    assert by_code["ZOOL 1101"].description.startswith("Surveys the animal kingdom-from sponges")
    assert by_code["BOTA 1000"].description == "Covers the uses of plants."
    assert by_code["BOTA 3100"].title == '"Green" Chemistry'
    assert by_code["ZOOL 2990"].credits_text in {"1-4 Credits", "Variable credit"}
    body = _body_text(catalog.pdf)
    assert all(r.description in body for r in catalog.records)
    with pytest.raises(InputError):
        generate_catalog(out_dir=tmp_path, name="z", courses=7, corpus=corpus)


def test_bad_arguments_are_pipeline_errors(tmp_path: Path) -> None:
    with pytest.raises(OcrPipelineError, match="unknown layout"):
        generate_catalog(out_dir=tmp_path, name="x", layout="four_column")
    with pytest.raises(OcrPipelineError):
        generate_catalog(out_dir=tmp_path, name="x", courses=0)
    with pytest.raises(OcrPipelineError):
        generate_catalog(out_dir=tmp_path, name="../x", courses=3)
