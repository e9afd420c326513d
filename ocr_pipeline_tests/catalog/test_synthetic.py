"""The synthetic catalog generator: deterministic, and its truth is what the PDF shows."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pymupdf
import pytest

from ocr_pipeline.catalog.synthetic import (
    LAYOUTS,
    PRESETS,
    Degradation,
    GeneratedCatalog,
    LayoutSpec,
    TruthRecord,
    generate_catalog,
    load_truth,
    make_scanned,
)
from ocr_pipeline.errors import InputError, OcrPipelineError

COURSES = 30
_CODE = re.compile(
    r"(?P<subject>[A-Za-z]+(?:-[A-Z]+)*)(?:/[A-Z]+(?:-[A-Z]+)*)*[ -]?(?P<number>\d+[A-Z]?(?:-\d)?)"
)
"""A printed code, read independently of the generator (README conventions)."""


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


@dataclass(frozen=True)
class Span:
    font: str
    size: float
    x1: float
    text: str


@dataclass(frozen=True)
class PrintedLine:
    """Spans that share a baseline in one column of one page, left to right."""

    page: int
    column: int
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return " ".join(" ".join(s.text.split()) for s in self.spans)


def _printed_lines(pdf: Path, layout: LayoutSpec) -> list[PrintedLine]:
    """The body lines of a catalog in reading order: page, column, top to bottom."""
    rows: dict[tuple[int, int, float], list[tuple[float, Span]]] = {}
    pitch = layout.column_width + layout.column_gap
    with pymupdf.open(pdf) as doc:
        for number, page in enumerate(doc, start=1):
            clip = pymupdf.Rect(0, 50, page.rect.width, page.rect.height - 48)
            for block in page.get_text("dict", clip=clip)["blocks"]:
                for line in block.get("lines", ()):
                    for span in line["spans"]:
                        if not span["text"].strip():
                            continue
                        x0, _, x1, _ = span["bbox"]
                        column = int((x0 - layout.margin + layout.column_gap / 2) // pitch)
                        key = (number, column, round(span["origin"][1], 1))
                        rows.setdefault(key, []).append(
                            (x0, Span(span["font"], round(span["size"], 2), x1, span["text"])))
    return [PrintedLine(page=page, column=column,
                        spans=tuple(s for _, s in sorted(row, key=lambda r: r[0])))
            for (page, column, _), row in sorted(rows.items())]


def _joined(lines: list[PrintedLine]) -> str:
    """Lines as one text, hyphenation at line ends undone."""
    text = ""
    for line in lines:
        if re.search(r"[a-z]-$", text):
            text = text[:-1] + line.text
        else:
            text = f"{text} {line.text}".strip()
    return text


@dataclass(frozen=True)
class PrintedEntry:
    """One entry's printed lines: its heading in heading type, everything up to the next."""

    heading: list[PrintedLine]
    lines: list[PrintedLine]
    """From the heading's first line to the next entry's, in body size."""


def _entries(catalog: GeneratedCatalog, layout: LayoutSpec) -> list[PrintedEntry]:
    """Each truth record's printed entry, found by its code at the start of a heading-type line
    on the record's page."""
    lines = _printed_lines(catalog.pdf, layout)
    heading_font = pymupdf.Font(layout.heading_font).name
    starts: list[int] = []
    for record in catalog.records:
        first_word = record.title.split()[0]
        start = next(
            i for i in range(starts[-1] + 1 if starts else 0, len(lines))
            if lines[i].page == record.page and lines[i].spans[0].font == heading_font
            and lines[i].text.startswith(record.course_code_raw)
            and (first_word in lines[i].text or layout.heading_kind == "code_above")
        )
        starts.append(start)
    entries = []
    for start, stop in zip(starts, [*starts[1:], len(lines)]):
        body = [ln for ln in lines[start:stop] if ln.spans[0].size == layout.body_size]
        entries.append(PrintedEntry(heading=_heading(body, heading_font, layout), lines=body))
    return entries


def _heading(lines: list[PrintedLine], font: str, layout: LayoutSpec) -> list[PrintedLine]:
    """The lines set in heading type; a run-in heading's last line goes on in body type."""
    heading: list[PrintedLine] = []
    for line in lines:
        if all(s.font == font for s in line.spans):
            heading.append(line)
            continue
        if layout.heading_kind == "run_in" and line.spans[0].font == font:
            heading.append(line)
        break
    return heading


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_same_seed_same_catalog_other_seed_other_catalog(tmp_path: Path, layout: str) -> None:
    first = generate_catalog(out_dir=tmp_path / "a", name="c", layout=layout, courses=15, seed=3)
    again = generate_catalog(out_dir=tmp_path / "b", name="c", layout=layout, courses=15, seed=3)
    other = generate_catalog(out_dir=tmp_path / "c", name="c", layout=layout, courses=15, seed=4)
    assert first.truth.read_bytes() == again.truth.read_bytes()
    assert first.pages == again.pages
    assert _body_text(first.pdf) == _body_text(again.pdf)
    assert first.truth.read_bytes() != other.truth.read_bytes()
    assert load_truth(first.truth) == first.records


def test_truth_files_without_the_newer_fields_still_load(tmp_path: Path) -> None:
    old = {"page": 3, "subject": "CS", "number": "101", "course_code": "CS 101",
           "course_code_raw": "CS 101", "title": "Programming", "credits_text": "3",
           "credits_min": 3.0, "credits_max": 3.0, "description": "Introduces programming.",
           "prerequisites": "MATH 101; CS 100"}
    path = tmp_path / "old.truth.jsonl"
    path.write_text(json.dumps(old) + "\n\n", encoding="utf-8")
    assert load_truth(path) == [TruthRecord(**old, corequisites=None, cross_listed=[],
                                            attributes={})]
    path.write_text(json.dumps({**old, "grade": "A"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        load_truth(path)


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
        code = _CODE.fullmatch(record.course_code_raw)
        assert code is not None, record.course_code_raw
        assert f"{code['subject'].upper()} {code['number']}" == record.course_code
    body = _body_text(catalog.pdf)
    for record in records:
        assert record.title in body, record.title
        assert record.description in body, record.description
        for requisites in (record.prerequisites, record.corequisites):
            for requisite in (requisites or "").split("; "):
                assert requisite in body, requisite
    for record, entry in zip(records, _entries(catalog, LAYOUTS[layout])):
        text = _joined(entry.lines)
        assert record.description in text, record
        for label, value in record.attributes.items():
            printed = {"designators": value, "hours": f"({value})"}.get(label, f"{label}: {value}")
            assert printed in text, (label, value)
        for code in record.cross_listed:
            subject, number = code.split()
            assert re.search(rf"[/(]{subject}\b", entry.lines[0].text), (code, record)
            assert number in entry.lines[0].text


@pytest.mark.parametrize("layout", sorted(n for n, s in LAYOUTS.items()
                                          if s.heading_font != s.body_font))
def test_entries_print_their_layouts_template(
    catalogs: dict[str, GeneratedCatalog], layout: str
) -> None:
    """Heading kind and where credits and designators are printed, entry by entry."""
    spec = LAYOUTS[layout]
    for record, entry in zip(catalogs[layout].records, _entries(catalogs[layout], spec)):
        _assert_heading_kind(spec, record, entry)
        _assert_credits_place(spec, record, entry)


def _assert_heading_kind(spec: LayoutSpec, record: TruthRecord, entry: PrintedEntry) -> None:
    first = entry.heading[0]
    if spec.heading_kind == "code_above":
        assert first.text == record.course_code_raw, record
        assert entry.heading[1].text.startswith(record.title.split()[0]), record
    elif spec.heading_kind == "run_in":
        body_font = pymupdf.Font(spec.body_font).name
        run_in = [s.text for s in entry.heading[-1].spans if s.font == body_font]
        assert run_in, record  # the description starts on the heading's last line
        assert record.description.startswith(run_in[0].split()[0].rstrip("-")), record
    else:
        assert record.title.split()[0] in first.text, record


def _assert_credits_place(spec: LayoutSpec, record: TruthRecord, entry: PrintedEntry) -> None:
    credits = record.credits_text
    designators = record.attributes.get("designators", "")
    heading = _joined(entry.heading)
    if spec.credits_at == "heading":
        assert credits in heading and designators in heading, record
    elif spec.credits_at == "right":
        right = entry.heading[0].spans[-1]
        column_end = spec.margin + entry.heading[0].column * (
            spec.column_width + spec.column_gap) + spec.column_width
        assert right.x1 == pytest.approx(column_end, abs=0.5), record
        assert right.text.endswith(designators), record
        assert _bare(right.text.removesuffix(designators)) == credits, record
    elif spec.credits_at == "next_line":
        below = entry.lines[len(entry.heading)].text
        assert below.startswith(designators), record
        assert _bare(below.removeprefix(designators)) == credits, record
    elif spec.credits_at == "label":
        assert f"{spec.credits_label} {credits}" in [ln.text for ln in entry.lines], record
    else:
        assert _joined(entry.lines).endswith(f" {credits}."), record


def _bare(printed: str) -> str:
    """Credits as the truth records them: ``(3-3-0)`` -> ``3-3-0``, ``4 cr.`` -> ``4 cr``."""
    return printed.strip().strip("().")


def test_every_entry_form_appears_across_the_presets(catalogs: dict[str, GeneratedCatalog]) -> None:
    records = [r for c in catalogs.values() for r in c.records]
    texts = {r.credits_text for r in records}
    forms = {
        "(3)": r"\d+(\.\d+)?",
        "3 Credits / 1 Credit": r"\d+(\.\d+)?(-\d+)? Credits?",
        "400(4)": r"\d00\(\d+(\.\d+)?(-\d+(\.\d+)?)?\)",
        "5 cr": r"\d+(\.\d+)?(-\d+)? cr",
        "(1-4)": r"\d+-\d+",
        "(3-3-0)": r"\d+(\.\d+)?-\d+-\d+",
        "3 Hours / 1 Hour": r"\d+(\.\d+)?(-\d+)? Hours?",
        "1 unit / 2 units": r"\d+(\.\d+)?(-\d+)? units?",
        "Credits: 3.00": r"\d+\.\d\d(-\d+\.\d\d)?",
        "Variable": r"Variable",
        "Variable credit": r"Variable credit",
    }
    for form, pattern in forms.items():
        assert any(t and re.fullmatch(pattern, t) for t in texts), form
    variable = [r for r in records if r.credits_text and r.credits_text.startswith("Variable")]
    assert variable and all(r.credits_min is None and r.credits_max is None for r in variable)
    ranges = [r for r in records if r.credits_text and re.fullmatch(r"\d+-\d+", r.credits_text)]
    assert all(r.credits_min < r.credits_max for r in ranges)
    triples = [r for r in records if r.credits_text and r.credits_text.count("-") == 2]
    assert all(r.credits_min == r.credits_max == float(r.credits_text.split("-")[0])
               for r in triples)
    caps = catalogs["caps_two_column"].records
    assert all(r.title == r.title.upper() for r in caps)
    assert any(r.course_code_raw != r.course_code for r in catalogs["two_column"].records)

    shapes = {
        "CS 101": r"[A-Z]+ \d+", "CS-101": r"[A-Z]+-\d+", "CS101": r"[A-Z]+\d+",
        "PSYC 323-0": r"[A-Z]+ \d+-\d", "GS-CS-5000": r"GS-[A-Z]+-\d+",
        "BIOL 101L": r"[A-Z]+ \d+[A-Z]", "COMP/PSYC 415": r"[A-Z]+/[A-Z]+[ -]?\d+(-\d)?",
    }
    raw = {r.course_code_raw for r in records}
    for shape, pattern in shapes.items():
        assert any(re.fullmatch(pattern, code) for code in raw), shape
    paren = [r for r in records if r.cross_listed and "/" not in r.course_code_raw]
    slash = [r for r in records if "/" in r.course_code_raw]
    assert paren and slash and all(r.cross_listed for r in slash)
    designators = {r.attributes.get("designators") for r in records}
    for pattern in (r"\(\w+\)( \(\w+\))?", r"AI[A-Z]{2}( AI[A-Z]{2})?", r"[A-Z]{2}\d?"):
        assert any(d and re.fullmatch(pattern, d) for d in designators), pattern

    text = " ".join(_body_text(c.pdf) for c in catalogs.values())
    for label in ("Prerequisite:", "Prerequisites:", "Corequisite:", "Prereq:", "Coreq:",
                  "Terms Offered:", "Repeat Status:", "Credits:"):
        assert label in text, label
    labelled = {label for r in records for label in r.attributes}
    assert labelled == {"designators", "hours", "Terms Offered", "Repeat Status"}
    assert "hrs. lect." in _body_text(catalogs["caps_two_column"].pdf)
    assert not any("hrs." in r.description for r in caps)
    with_requisites = sum(1 for r in records if r.prerequisites or r.corequisites)
    assert 0.2 * len(records) < with_requisites < 0.65 * len(records)
    assert any(r.corequisites and not r.prerequisites for r in records)
    assert not any(r.corequisites and r.corequisites in (r.prerequisites or "") for r in records)


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
    with pytest.raises(ValueError, match="run-in"):
        replace(LAYOUTS["run_in_units"], credits_at="next_line")


def test_scan_simulator_degrades_chosen_pages(
    catalogs: dict[str, GeneratedCatalog], tmp_path: Path
) -> None:
    """Any PDF's pages, turned a quarter, at a preset's resolution: only those pages, sized as
    turned, with show-through darkening the paper."""
    source = catalogs["two_column"].pdf
    turned = dataclasses.replace(PRESETS["default"], rotate=90)
    dst = make_scanned(src=source, dst=tmp_path / "turned.pdf", degradation=turned, pages=[2])
    with pymupdf.open(source) as original, pymupdf.open(dst) as copy:
        assert copy.page_count == 1
        assert (copy[0].rect.width, copy[0].rect.height) == (original[1].rect.height,
                                                              original[1].rect.width)
        assert copy[0].get_text().strip() == ""
    plain = make_scanned(src=source, dst=tmp_path / "plain.pdf", pages=[1],
                         degradation=dataclasses.replace(PRESETS["light"], noise=(0.0, 0.0)))
    seen = make_scanned(src=source, dst=tmp_path / "seen.pdf", pages=[1],
                        degradation=dataclasses.replace(PRESETS["light"], noise=(0.0, 0.0),
                                                        show_through=0.3))

    def ink(path: Path) -> float:
        with pymupdf.open(path) as doc:
            pix = doc[0].get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
            return sum(255 - v for v in pix.samples) / len(pix.samples)

    assert ink(seen) > ink(plain) * 1.05  # the reverse page shows through the paper


@pytest.mark.parametrize(("field", "value"), [("dpi", 10), ("rotate", 45), ("toner", 2)])
def test_scan_simulator_rejects_impossible_degradations(field: str, value: int) -> None:
    with pytest.raises(OcrPipelineError, match={"dpi": "resolution", "rotate": "rotation",
                                                 "toner": "toner"}[field]):
        Degradation(**{field: value})
