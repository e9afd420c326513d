"""Code-led lines that are not course headings: each is explained (a requirement row, a
cross-reference), and one that nothing explains becomes a record for review, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline.extract import CatalogResult
from ocr_pipeline_tests.catalog.typeset import (
    BOLD,
    COURSES,
    GAP,
    PAGE,
    REGULAR,
    Expect,
    Row,
    assert_records,
    extract,
    paragraph,
)

PROGRAM_TEXT = ("The major in biology prepares students for graduate study and for careers in "
                "health, research and conservation. Students complete the core courses below and "
                "twelve credits of electives.")
TOPICS = ("Topics vary by term and are announced in the schedule of classes before registration "
          "opens each term.")


def course_pages(*, font: str = BOLD, heading: str = "{code} {title} (3)") -> list[Row]:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(heading.format(code=f"BIOL {c.number}", title=c.title), font),
                 *paragraph(c.description), GAP]
    return rows


def plain_records() -> list[Expect]:
    return [Expect(f"BIOL {c.number}", c.title, c.description, credits=("3", 3, 3))
            for c in COURSES]


def explained(result: CatalogResult) -> list[tuple[int, str, str]]:
    return [(e.page, e.text, e.reason) for e in result.reading.explained]


REQUIRED = ["BIOL 110 Principles of Biology", "BIOL 120 Cell Biology",
            "CHEM 101 General Chemistry I", "CHEM 102 General Chemistry II", "MATH 151 Calculus I"]
ELECTIVES = ["BIOL 310 Microbiology", "BIOL 320 Plant Physiology", "BIOL 410 Evolution"]


@pytest.mark.parametrize("credit_column", [False, True], ids=["titles", "titles-and-credits"])
def test_requirement_list_on_a_program_page(tmp_path: Path, credit_column: bool) -> None:
    required = [f"{row} {4 if n < 4 else 3}" if credit_column else row
                for n, row in enumerate(REQUIRED)]
    program: list[Row] = [
        ("Biology, B.S.", BOLD), *paragraph(PROGRAM_TEXT), GAP,
        ("Required courses:", REGULAR), *[(row, REGULAR) for row in required], GAP,
        ("Electives (choose two):", REGULAR), *[(row, REGULAR) for row in ELECTIVES],
        PAGE,
    ]
    result = extract(tmp_path, [*program, *course_pages()])
    assert_records(result, plain_records())
    assert all(r.page == 2 for r in result.records)
    assert explained(result) == [(1, row, "requirement_row") for row in required + ELECTIVES]
    assert result.profile is not None and result.profile.sections == ((2, 2),)


def test_code_starting_a_line_inside_a_paragraph(tmp_path: Path) -> None:
    lines = {
        2: ["Laboratory research with a faculty member on a question agreed in advance; students "
            "who", "BIOL 120 Cell Biology has not yet been completed need the consent of the "
            "instructor."],
        5: ["Field and laboratory study of plant function, growth and response to stress. "
            "Students with credit in", "BIOL 220 may not enroll without consent."],
    }
    rows: list[Row] = []
    for n, c in enumerate(COURSES):
        body = [(line, REGULAR) for line in lines[n]] if n in lines else paragraph(c.description)
        rows += [(f"BIOL {c.number} {c.title} (3)", BOLD), *body, GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [
        Expect(f"BIOL {c.number}", c.title, " ".join(lines[n]) if n in lines else c.description,
               credits=("3", 3, 3)) for n, c in enumerate(COURSES)])
    assert explained(result) == [(1, lines[2][1], "cross_reference"),
                                 (1, lines[5][1], "cross_reference")]


@pytest.mark.parametrize(
    ("font", "heading", "odd", "code", "title", "credits"),
    [
        # a range of numbers in heading type, with no entries of that range below it
        (BOLD, "{code} {title} (3)", "BIOL 290–295 Special Topics in Biology", "BIOL 290",
         "Special Topics in Biology", ("3", 3, 3)),
        # headings in body type; a code-led line without their period and credits
        (REGULAR, "{code}. {title}. 3 Credits.", "BIOL 299 Special Topics in Biology", "BIOL 299",
         "Special Topics in Biology", ("3 Credits", 3, 3)),
    ],
    ids=["range", "body-type"],
)
def test_unexplained_code_line_is_a_record_for_review(
    tmp_path: Path, font: str, heading: str, odd: str, code: str, title: str,
    credits: tuple[str, float, float],
) -> None:
    rows = course_pages(font=font, heading=heading)
    at = rows.index(GAP, rows.index(GAP) + 1) + 1  # after the second entry
    rows[at:at] = [(odd, font), *paragraph(TOPICS), GAP]
    result = extract(tmp_path, rows)
    entries = [Expect(f"BIOL {c.number}", c.title, c.description, credits=credits)
               for c in COURSES]
    entries.insert(2, Expect(code, title, TOPICS, status="pending_review"))
    assert_records(result, entries)
    assert "unexplained" in result.records[2].confidence_factors
    assert all("unexplained" not in r.confidence_factors for n, r in enumerate(result.records)
               if n != 2)
    assert result.profile is not None and result.profile.unexplained == 1
    assert explained(result) == []
