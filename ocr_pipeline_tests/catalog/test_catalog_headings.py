"""How a catalog sets its headings: the kinds of heading the profile learns, and the records
read with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline.catalog.profile import HeadingTemplate
from ocr_pipeline.extract import CatalogResult
from ocr_pipeline_tests.catalog.typeset import (
    BOLD,
    COURSES,
    GAP,
    PAGE,
    REGULAR,
    SERIF,
    SERIF_BOLD,
    Expect,
    Row,
    assert_records,
    extract,
    paragraph,
    run_in,
)


def template(result: CatalogResult) -> HeadingTemplate:
    assert result.profile is not None
    return result.profile.heading


def form(result: CatalogResult) -> tuple[float, float, float]:
    """The heading's form as learned: shares of run-in, code alone, title below."""
    heading = template(result)
    return heading.run_in, heading.alone, heading.title_below


@pytest.mark.parametrize(
    ("code", "shape"),
    [("BIOL {n}", "SUBJ 101"), ("BIOL-{n}", "SUBJ-101"), ("BIOL{n}", "SUBJ101")],
)
def test_bold_code_and_title_on_one_line(tmp_path: Path, code: str, shape: str) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"{code.format(n=c.number)} {c.title} (3)", BOLD), *paragraph(c.description),
                 GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3), raw=code.format(n=c.number))
                            for c in COURSES])
    heading = template(result)
    assert heading.style.bold and heading.distinct
    assert heading.shape == shape
    assert form(result) == (0.0, 0.0, 0.0)


def test_run_in_heading(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:  # the description starts on the heading's line, in body type
        rows += [*run_in(f"BIOL {c.number} {c.title}. (3)", c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3)) for c in COURSES])
    assert form(result) == (1.0, 0.0, 0.0)


def test_run_in_heading_with_credits_closing_the_paragraph(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [*run_in(f"BIOL {c.number}. {c.title}.", f"{c.description} 3 credits."), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3 credits", 3, 3)) for c in COURSES])
    assert result.profile is not None
    assert result.profile.credits.positions == {"paragraph_end": 1.0}


def test_code_alone_on_its_line_above_a_bold_title(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number}", SERIF_BOLD), (f"{c.title} (3)", SERIF_BOLD),
                 *paragraph(c.description, font=SERIF), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3)) for c in COURSES])
    assert form(result) == (0.0, 1.0, 1.0)


CREDITS = ("4", "3", "3", "4", "3", "3", "4", "3")


@pytest.mark.parametrize(("code", "title_font"),
                         [("ACMAT {n}({c})", BOLD), ("ACMAT {n} ({c})", BOLD),
                          ("ACMAT {n}({c})", REGULAR)],
                         ids=["joined", "spaced", "joined-regular-title"])
def test_title_below_a_code_line_that_carries_credits(tmp_path: Path, code: str,
                                                      title_font: str) -> None:
    rows: list[Row] = []
    for c, credits in zip(COURSES, CREDITS, strict=True):  # ACMAT 117(3) / Title / ...
        rows += [(code.format(n=c.number, c=credits), BOLD), (c.title, title_font),
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"ACMAT {c.number}", c.title, c.description,
                                   credits=(credits, int(credits), int(credits)))
                            for c, credits in zip(COURSES, CREDITS, strict=True)])
    assert form(result)[2] == 1.0
    assert result.profile is not None
    assert result.profile.credits.positions == {"after_code": 1.0}


def test_headings_in_body_type(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number}. {c.title}. 3 Credits.", REGULAR), *paragraph(c.description),
                 GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3 Credits", 3, 3)) for c in COURSES])
    assert not template(result).distinct
    assert template(result).typical_after(".")


@pytest.mark.parametrize("more_entries_after", [True, False], ids=["more-entries", "last-entry"])
def test_heading_at_the_foot_of_a_page(tmp_path: Path, more_entries_after: bool) -> None:
    """The heading is a page's last line; its description is on the next page."""
    last = 4 if more_entries_after else 7
    rows: list[Row] = []
    for n, c in enumerate(COURSES):
        rows += [(f"BIOL {c.number} {c.title} (3)", BOLD)]
        if n == last:
            rows.append(PAGE)
        rows += [*paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3)) for c in COURSES])
    assert [r.page for r in result.records] == [1] * (last + 1) + [2] * (7 - last)
