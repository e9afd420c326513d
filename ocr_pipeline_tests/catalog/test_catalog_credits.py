"""Where a catalog prints its credits and in what form: each test typesets a small catalog whose
entries all print them the same way, and checks the records and what the profile learned."""

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
    RIGHT_ALIGNED,
    SERIF_ITALIC,
    Expect,
    Row,
    assert_records,
    extract,
    paragraph,
)

Credits = tuple[str | None, float | None, float | None]


def positions(result: CatalogResult) -> dict[str, float]:
    assert result.profile is not None
    return result.profile.credits.positions


def test_credits_at_the_end_of_the_heading(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number} {c.title} (3)", BOLD), *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3)) for c in COURSES])
    assert positions(result) == {"heading": 1.0}
    assert result.profile is not None and result.profile.credits.expected == 1.0


@pytest.mark.parametrize("font", [BOLD, REGULAR], ids=["bold", "regular"])
def test_credits_right_aligned_on_the_heading_baseline(tmp_path: Path, font: str) -> None:
    rows: list[Row] = []
    for c in COURSES:  # two text runs on one baseline: the heading, and credits at the margin
        rows += [[(f"BIOL {c.number} {c.title}", BOLD), ("4 Credits", font, RIGHT_ALIGNED)],
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("4 Credits", 4, 4)) for c in COURSES])
    assert positions(result) == {"heading": 1.0}


def test_credits_alone_on_the_next_line(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number} {c.title}", BOLD), ("4 cr", REGULAR),
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("4 cr", 4, 4)) for c in COURSES])
    assert positions(result) == {"next_line": 1.0}


def test_credits_on_the_next_line_between_designators(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number} {c.title}", BOLD), ("NS3 4 cr UL", REGULAR),
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("4 cr", 4, 4), attributes={"designators": "NS3 UL"})
                            for c in COURSES])
    assert positions(result) == {"next_line": 1.0}


def test_a_dark_designator_before_the_next_lines_credits_is_not_title(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:  # an icon as dark as the heading (a scan reads it as a bold NS3 or <_)
        rows += [(f"BIOL {c.number} {c.title}", BOLD), [("NS3", BOLD), ("4 cr", REGULAR, 100)],
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("4 cr", 4, 4), attributes={"designators": "NS3"})
                            for c in COURSES])


@pytest.mark.parametrize(
    ("line", "credits"),
    [("Credits: 3.00", ("3.00", 3, 3)), ("Credits 3", ("3", 3, 3))],
)
def test_credits_on_a_labelled_line(tmp_path: Path, line: str, credits: Credits) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number} {c.title}", BOLD), *paragraph(c.description),
                 (line, REGULAR), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description, credits=credits)
                            for c in COURSES])
    assert positions(result) == {"label": 1.0}


def test_credits_on_a_labelled_line_beside_another_label(tmp_path: Path) -> None:
    """A table row of labelled cells read as one line (a scan's row):
    ``Credits: 3 General Education: DSSP``; the second cell's value ends with the row."""
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"ARTT {c.number} {c.title}", BOLD),
                 ("Credits: 3 General Education: DSSP", REGULAR), *paragraph(c.description),
                 GAP]
    result = extract(tmp_path, rows)
    assert [(r.course_code, r.title, r.credits_text, r.credits_min, r.credits_max)
            for r in result.records] == [(f"ARTT {c.number}", c.title, "3", 3, 3)
                                         for c in COURSES]
    # a label the catalog never opens a line with is kept where a person sees it
    assert [r.description for r in result.records] == [
        f"General Education: DSSP {c.description}" for c in COURSES]


INSTRUCTORS = ("Manley", "Ortiz", "Chen", "Abernathy", "Staff", "Kowalski", "Dube", "Manley")


def test_credits_at_the_end_of_the_description(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c, name in zip(COURSES, INSTRUCTORS, strict=True):
        rows += [(f"MUS {c.number} {c.title}", BOLD),
                 *paragraph(c.description, last=f"1 unit — {name}."), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"MUS {c.number}", c.title, c.description,
                                   credits=("1 unit", 1, 1), attributes={"instructor": name})
                            for c, name in zip(COURSES, INSTRUCTORS, strict=True)])
    assert positions(result) == {"paragraph_end": 1.0}


def test_instructor_wrapped_below_the_closing_credits(tmp_path: Path) -> None:
    """``... sources. 1 unit`` / ``— Chen.``: the line break falls before the dash."""
    rows: list[Row] = []
    for n, (c, name) in enumerate(zip(COURSES, INSTRUCTORS, strict=True)):
        if n % 2:
            ending = [*paragraph(c.description, last="1 unit"), (f"— {name}.", REGULAR)]
        else:
            ending = paragraph(c.description, last=f"1 unit — {name}.")
        rows += [(f"MUS {c.number} {c.title}", BOLD), *ending, GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"MUS {c.number}", c.title, c.description,
                                   credits=("1 unit", 1, 1), attributes={"instructor": name})
                            for c, name in zip(COURSES, INSTRUCTORS, strict=True)])


@pytest.mark.parametrize(
    ("heading", "credits", "form"),
    [
        ("{code} {title} (3-3-0)", ("3-3-0", 3, 3), "triple"),
        ("{code}. {title}. 3 Credits.", ("3 Credits", 3, 3), "units"),
        ("{code} {title} 2-4 cr", ("2-4 cr", 2, 4), "units"),
        ("{code} {title} 3 Hours", ("3 Hours", 3, 3), "units"),
        ("{code} {title} 1 unit", ("1 unit", 1, 1), "units"),
        ("{code} {title} Variable", ("Variable", None, None), "variable"),
    ],
)
def test_credit_forms(tmp_path: Path, heading: str, credits: Credits, form: str) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(heading.format(code=f"BIOL {c.number}", title=c.title), BOLD),
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description, credits=credits)
                            for c in COURSES])
    assert result.profile is not None
    assert result.profile.credits.forms == {form: 1.0}


def test_variable_credits_among_numbers_are_no_deviation(tmp_path: Path) -> None:
    rows: list[Row] = []
    for n, c in enumerate(COURSES):
        credits = "Variable" if n == 4 else "(3)"
        rows += [(f"BIOL {c.number} {c.title} {credits}", BOLD), *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("Variable", None, None) if n == 4 else ("3", 3, 3))
                            for n, c in enumerate(COURSES)])


DESIGNATORS = ("(DH)", "(DB)", "(DL)", "(DH)", "(DB)", "(DL)", "(DH)", "(DB)")


def test_parenthesised_designators_after_the_credits(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c, mark in zip(COURSES, DESIGNATORS, strict=True):
        rows += [(f"HIST {c.number} {c.title} (3) {mark}", BOLD), *paragraph(c.description),
                 GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"HIST {c.number}", c.title, c.description,
                                   credits=("3", 3, 3), attributes={"designators": mark})
                            for c, mark in zip(COURSES, DESIGNATORS, strict=True)])
    assert result.profile is not None
    assert result.profile.designators == {"(DH)": 3, "(DB)": 3, "(DL)": 2}


def test_designator_after_a_credit_triple(tmp_path: Path) -> None:
    marks = ("AIGM", "WCSP", "", "AIGM", "", "WCSP", "AIGM", "")
    rows: list[Row] = []
    for c, mark in zip(COURSES, marks, strict=True):
        rows += [(f"SPAN {c.number}. {c.title} (3-3-0) {mark}".rstrip(), BOLD),
                 *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"SPAN {c.number}", c.title, c.description,
                                   credits=("3-3-0", 3, 3),
                                   attributes={"designators": mark} if mark else {})
                            for c, mark in zip(COURSES, marks, strict=True)])


HOURS = ("(3 hrs. lect. per week)", "(2 hrs. lect., 3 hrs. lab per week)", "(6 lec/lab hrs.)",
         "(variable hours)", "3 hrs. lect. per week")
PROSE = ("Tools (hammers) are provided.", "Hours of lab work are arranged with the instructor.")


def test_hours_lines_are_no_credits_and_no_description(tmp_path: Path) -> None:
    rows: list[Row] = []
    for n, c in enumerate(COURSES):
        if n < 5:  # an hours line of its own below the description
            body = [*paragraph(c.description), (HOURS[n], REGULAR)]
        elif n == 5:  # hours in parentheses closing the description
            body = paragraph(c.description, last="(3 lec hrs.)")
        else:  # no hours: parentheses, or a sentence about hours, stay in the description
            body = [*paragraph(c.description), (PROSE[n - 6], REGULAR)]
        rows += [(f"AEC {c.number} {c.title} (3)", BOLD), *body, GAP]
    result = extract(tmp_path, rows)
    hours = [h.strip("(). ") for h in HOURS] + ["3 lec hrs"]
    assert_records(result, [
        *(Expect(f"AEC {c.number}", c.title, c.description, credits=("3", 3, 3),
                 attributes={"hours": h}) for c, h in zip(COURSES, hours, strict=False)),
        *(Expect(f"AEC {c.number}", c.title, f"{c.description} {prose}", credits=("3", 3, 3))
          for c, prose in zip(COURSES[6:], PROSE, strict=True)),
    ])


def test_credits_in_a_table_column_under_the_entry(tmp_path: Path) -> None:
    """A small table under each description: ``Prerequisites | Credits``, then ``None | 1 /
    course`` with the value wrapped in its cell."""
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"HIST {c.number} {c.title}", BOLD), *paragraph(c.description),
                 [("Prerequisites", BOLD, 200.0), ("Credits", BOLD, 480.0)],
                 [("None", REGULAR, 200.0), ("1/2", REGULAR, 482.0)],
                 [("course", REGULAR, 482.0)], GAP]
    result = extract(tmp_path, rows)
    assert [(r.course_code, r.credits_min, r.credits_max) for r in result.records] == [
        (f"HIST {c.number}", 0.5, 0.5) for c in COURSES]
    assert all(r.description == c.description for r, c in zip(result.records, COURSES,
                                                              strict=True))
    assert positions(result) == {"table": 1.0}


def test_credits_in_a_table_column_the_cell_before_reaches_under(tmp_path: Path) -> None:
    """The prerequisites cell's last word (``and``) reaches under the ``Credits`` head: the
    credits are what of the cell reads as credits (``1`` / ``course``)."""
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"HIST {c.number} {c.title}", BOLD), *paragraph(c.description),
                 [("Prerequisites", BOLD, 200.0), ("Credits", BOLD, 480.0)],
                 [("A major in history with a GPA in the major of at least 3.30 and", REGULAR,
                   200.0), ("1", REGULAR, 482.0)],
                 [("permission of the department", REGULAR, 200.0), ("course", REGULAR, 482.0)],
                 GAP]
    result = extract(tmp_path, rows)
    assert [(r.course_code, r.credits_min, r.credits_max) for r in result.records] == [
        (f"HIST {c.number}", 1, 1) for c in COURSES]


def test_credits_in_a_table_column_the_cell_a_phrase_wider_than_its_head(tmp_path: Path) -> None:
    """DePauw: ``1 course each semester`` starts well left of the ``Credits`` head and only its
    last word reaches under it, where the other entries' ``1 course`` sits under the head; the
    cell is the whole phrase, its credits what it opens with (``1 course, class and lab``
    too)."""
    rows: list[Row] = []
    for n, c in enumerate(COURSES):
        prereq_head, cell_head, cell = (
            (250.0, 441.0, ("1 course each semester", REGULAR, 354.0)) if n == 2
            else (292.0, 483.0, ("1 course, class and lab", REGULAR, 446.0)) if n == 4
            else (292.0, 483.0, ("1 course", REGULAR, 446.0)))
        rows += [(f"HIST {c.number} {c.title}", BOLD), *paragraph(c.description),
                 [("Distribution Area", BOLD, 84.0), ("Prerequisites", BOLD, prereq_head),
                  ("Credits", BOLD, cell_head)], cell, PAGE if n == 3 else GAP]
    result = extract(tmp_path, rows)
    assert [(r.course_code, r.credits_text, r.credits_min, r.credits_max)
            for r in result.records] == [(f"HIST {c.number}", "1 course", 1, 1) for c in COURSES]
    assert all(r.description == c.description for r, c in zip(result.records, COURSES,
                                                              strict=True))


def test_a_credits_label_ending_the_heading_its_value_on_the_next_line(tmp_path: Path) -> None:
    """DeSales: ``MG-303 Leadership in the Modern Organization`` and an italic ``Credits:`` on
    the heading's line, ``3.00`` below."""
    rows: list[Row] = []
    for c in COURSES:
        rows += [[(f"BIOL {c.number} {c.title}", BOLD), ("Credits:", SERIF_ITALIC, 400.0)],
                 ("3.00", SERIF_ITALIC), *paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3.00", 3, 3)) for c in COURSES])


def test_credit_ending_a_line_of_prose_is_no_table_head(tmp_path: Path) -> None:
    """Northwestern: ``... special topics. Credit`` / ``for 298 may be earned more than once.
    At most 2`` / ``units ...``: the 2 stands under the word Credit, but no column's head stands
    apart there, so the prose stays whole and the credits unknown."""
    prose = ["Student-initiated seminars on special topics. Credit",
             "for 298 may be earned more than once. At most 2",
             "units of such credit count toward the major."]
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"COMM {c.number} {c.title}", BOLD), *((line, REGULAR) for line in prose), GAP]
    result = extract(tmp_path, rows)
    assert [(r.course_code, r.credits_min, r.description) for r in result.records] == [
        (f"COMM {c.number}", None, " ".join(prose)) for c in COURSES]
