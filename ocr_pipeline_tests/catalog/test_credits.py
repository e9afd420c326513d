"""The credits grammar (``credits.py``): credit expressions, designators after them, credit
lines, credits that end a paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr_pipeline.catalog.codes import match_code
from ocr_pipeline.catalog.credits import (
    Credits,
    credits_before_cell,
    credits_line,
    labelled_credits,
    leading_credits,
    number,
    parse_credits,
    split_credits,
    trailing_credits,
    without_credits_label,
)


def credits_of(found: Credits | None) -> tuple[str, float | None, float | None, str, str]:
    assert found is not None
    return found.text, found.low, found.high, found.form, found.designators


@pytest.mark.parametrize(
    ("text", "title", "credits"),
    [
        ("INTRODUCTION TO CONSTRUCTION MANAGEMENT (3)", "INTRODUCTION TO CONSTRUCTION MANAGEMENT",
         ("3", 3, 3, "parenthesised", "")),
        ("Introduction to Computer Science. 3 Credits.", "Introduction to Computer Science.",
         ("3 Credits", 3, 3, "units", "")),
        ("Managerial Accounting 400(4)", "Managerial Accounting",
         ("400(4)", 4, 4, "hours_credits", "")),
        ("Calculus I 5 cr.", "Calculus I", ("5 cr", 5, 5, "units", "")),
        ("Research (1-4)", "Research", ("1-4", 1, 4, "parenthesised", "")),
        ("Independent Study. Variable credit.", "Independent Study.",
         ("Variable credit", None, None, "variable", "")),
        ("Cooperative Education (1-3)", "Cooperative Education",
         ("1-3", 1, 3, "parenthesised", "")),
        ("Collision Repair (12)", "Collision Repair", ("12", 12, 12, "parenthesised", "")),
        ("Financial Reporting. (4 Hours)", "Financial Reporting.",
         ("4 Hours", 4, 4, "parenthesised", "")),
        ("Anatomy and Physiology (3-3-0)", "Anatomy and Physiology",
         ("3-3-0", 3, 3, "triple", "")),
        ("Field Work 2-4 cr", "Field Work", ("2-4 cr", 2, 4, "units", "")),
        ("Ethics 3 Hours", "Ethics", ("3 Hours", 3, 3, "units", "")),
        ("Chamber Music 1 unit", "Chamber Music", ("1 unit", 1, 1, "units", "")),
        ("Directed Study Variable", "Directed Study",
         ("Variable", None, None, "variable", "")),
        ("Writing (3 credits)", "Writing", ("3 credits", 3, 3, "parenthesised", "")),
        ("Studio (3 - 6)", "Studio", ("3 - 6", 3, 6, "parenthesised", "")),
        ("Music .25 units", "Music", (".25 units", 0.25, 0.25, "units", "")),
        ("Laboratory ½-6 credits", "Laboratory", ("½-6 credits", 0.5, 6, "units", "")),
        ("Methods 3 s.h.", "Methods", ("3 s.h", 3, 3, "units", "")),
    ],
)
def test_credit_forms_at_the_end_of_a_heading(
    text: str, title: str, credits: tuple[str, float | None, float | None, str, str]
) -> None:
    head, found = split_credits(text)
    assert head == title
    assert credits_of(found) == credits


@pytest.mark.parametrize(
    ("text", "title", "credits"),
    [
        ("Topics in Art History (3) (DH)", "Topics in Art History",
         ("3", 3, 3, "parenthesised", "(DH)")),
        ("Art (3) (DH) (WI)", "Art", ("3", 3, 3, "parenthesised", "(DH) (WI)")),
        ("Introduction to Latin-American Literature I and II (3-3-0) AIGM",
         "Introduction to Latin-American Literature I and II", ("3-3-0", 3, 3, "triple", "AIGM")),
        ("Seminar 2-4 cr UL", "Seminar", ("2-4 cr", 2, 4, "units", "UL")),
        ("Topics (3) [formerly SPAN 361]", "Topics",
         ("3", 3, 3, "parenthesised", "[formerly SPAN 361]")),
        # a scan's misread closing bracket
        ("Spanish and the Digital Age (3-3-0) [Formerly SPAN 303W, not equivalent}",
         "Spanish and the Digital Age",
         ("3-3-0", 3, 3, "triple", "[Formerly SPAN 303W, not equivalent}")),
    ],
)
def test_designators_after_the_credits_are_kept_apart(
    text: str, title: str, credits: tuple[str, float | None, float | None, str, str]
) -> None:
    head, found = split_credits(text)
    assert head == title
    assert credits_of(found) == credits


@pytest.mark.parametrize(
    "text",
    ["Intro to Logic", "World History 1500 to Present", "Calculus 2", "Topics in Art (DH)"],
)
def test_no_credits_leaves_the_heading_alone(text: str) -> None:
    assert split_credits(text) == (text, None)


@pytest.mark.parametrize(
    ("text", "low"), [("Poetry and Drama G6)", 6), ("Poetry and Drama Q4)", 4),
                      ("Poetry and Drama GB)", None), ("Poetry and Drama (S)", None)])
def test_a_parenthesis_read_as_a_letter_is_damaged_credits(text: str, low: float | None) -> None:
    head, found = split_credits(text)
    assert head == "Poetry and Drama"
    assert found is not None and (found.low, found.clean) == (low, False)


def test_a_speck_read_as_a_hyphen_before_the_unit_is_damaged_credits() -> None:
    head, found = split_credits("Internship (1-12-hours)")
    assert head == "Internship"
    assert found is not None and (found.low, found.high, found.clean) == (1, 12, False)


@pytest.mark.parametrize("text", ["Reading (ESL)", "Studio Art (DH)", "Topics in Art C"])
def test_a_parenthesised_mark_is_no_damaged_credits(text: str) -> None:
    assert split_credits(text) == (text, None)


@pytest.mark.parametrize(("text", "title"), [("Topics (3", "Topics"), ("Topics 3)", "Topics")])
def test_a_lost_parenthesis_is_read_as_damaged(text: str, title: str) -> None:
    head, found = split_credits(text)
    assert head == title
    assert found is not None and (found.text, found.low, found.clean) == ("3", 3, False)


@pytest.mark.parametrize(
    ("text", "credits"),
    [
        ("3", ("3", 3, 3, "bare", "")),
        ("3.00", ("3.00", 3, 3, "bare", "")),
        ("1-4", ("1-4", 1, 4, "bare", "")),
        ("1 to 3", ("1 to 3", 1, 3, "bare", "")),
        ("3 credits", ("3 credits", 3, 3, "units", "")),
        ("3 Credits.", ("3 Credits", 3, 3, "units", "")),
        ("3-3-0", ("3-3-0", 3, 3, "triple", "")),
        ("400(4)", ("400(4)", 4, 4, "hours_credits", "")),
        ("Variable", ("Variable", None, None, "variable", "")),
        ("Variable credit", ("Variable credit", None, None, "variable", "")),
        # rising choices before the unit: from the first to the last, no credit triple
        ("1/4-1/2-1 course", ("1/4-1/2-1 course", 0.25, 1, "units", "")),
        ("1-2-3 credits", ("1-2-3 credits", 1, 3, "units", "")),
    ],
)
def test_parse_credits(text: str,
                       credits: tuple[str, float | None, float | None, str, str]) -> None:
    assert credits_of(parse_credits(text)) == credits


@pytest.mark.parametrize("text", ["", "  ", "abc", "Fall 2018", "Intro to Logic (3)",
                                  "3-2-4 credits"])
def test_parse_credits_rejects_other_text(text: str) -> None:
    assert parse_credits(text) is None


@pytest.mark.parametrize(
    ("text", "credits"),
    [
        ("4 cr", ("4 cr", 4, 4, "units", "")),
        ("NS3 4 cr UL", ("4 cr", 4, 4, "units", "NS3 UL")),
        ("1-8 cr UL", ("1-8 cr", 1, 8, "units", "UL")),
        ("SO 4 cr", ("4 cr", 4, 4, "units", "SO")),
        ("(3)", ("3", 3, 3, "parenthesised", "")),
        ("3 Credits", ("3 Credits", 3, 3, "units", "")),
    ],
)
def test_credits_line(text: str,
                      credits: tuple[str, float | None, float | None, str, str]) -> None:
    assert credits_of(credits_line(text)) == credits


@pytest.mark.parametrize(
    "text",
    ["Credits: 3", "Students take 4 cr", "Prerequisite: CS 101",
     "Introduction to the theory of music 3 cr"],
)
def test_other_lines_are_no_credits_line(text: str) -> None:
    assert credits_line(text) is None


@pytest.mark.parametrize(
    ("text", "paragraph", "credits", "instructor"),
    [
        ("Rehearsal and performance of works. 1 unit — Manley.",
         "Rehearsal and performance of works.", ("1 unit", 1, 1, "units", ""), "Manley"),
        ("Rehearsal. 1 unit -- Smith", "Rehearsal.", ("1 unit", 1, 1, "units", ""), "Smith"),
        ("Studies of the field. 3 credits.", "Studies of the field.",
         ("3 credits", 3, 3, "units", ""), ""),
        ("Supervised work. Variable credit — Staff.", "Supervised work.",
         ("Variable credit", None, None, "variable", ""), "Staff"),
    ],
)
def test_credits_ending_a_paragraph(
    text: str, paragraph: str, credits: tuple[str, float | None, float | None, str, str],
    instructor: str,
) -> None:
    head, found, name = trailing_credits(text)
    assert head == paragraph
    assert credits_of(found) == credits
    assert name == instructor


@pytest.mark.parametrize(
    "text",
    ["A study of the field. (3)", "Studies of 4 units of things in the field.",
     "No credits here."],
)
def test_paragraph_without_closing_credits(text: str) -> None:
    assert trailing_credits(text) == (text, None, "")


@pytest.mark.parametrize(
    ("text", "value"), [("3", 3.0), ("3.5", 3.5), (".25", 0.25), ("½", 0.5), ("1½", 1.5)]
)
def test_number(text: str, value: float) -> None:
    assert number(text) == value


subjects = st.from_regex(r"[A-Z]{2,4}", fullmatch=True)
numbers = st.from_regex(r"[1-9][0-9]{2,3}[A-Z]?", fullmatch=True)
title_words = st.lists(
    st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True), min_size=1, max_size=6
).map(" ".join)
credit_forms = st.sampled_from(["({c})", "{c} Credits.", "{c} cr.", "({c}-{d})", "400({c})"])


@given(subjects, numbers, title_words, credit_forms, st.integers(1, 6))
def test_heading_round_trip(subject: str, code_number: str, title: str, form: str,
                            c: int) -> None:
    text = f"{subject} {code_number} {title} " + form.format(c=c, d=c + 2)
    found = match_code(text)
    assert found is not None
    assert (found.subject, found.number) == (subject, code_number)
    head, credits = split_credits(found.rest)
    assert head == title
    assert credits is not None and credits.low == c
    assert credits.high == (c + 2 if "-" in form else c)


def test_labelled_credits_glued_to_a_scanned_headings_last_word() -> None:
    """A scan lost the space before ``Credits:`` set flush right on the heading's line."""
    text, found = labelled_credits("Senior Seminar: Public Policy and LawCredits: 3.00",
                                   heading=True)
    assert text == "Senior Seminar: Public Policy and Law"
    assert found is not None and found.low == found.high == 3
    assert labelled_credits("Discredits: 3 of them", heading=True)[1] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3 General Education: DSSP", ("3", "General Education: DSSP")),
     ("1-4 credits Grading Method: Regular", ("1-4 credits", "Grading Method: Regular")),
     ("3 Pass-Fail, Audit", ("3", "Pass-Fail, Audit")),
     ("3", None), ("3 hours of lecture: weekly", None), ("3 or 4 depending", None),
     ("Variable", None)],
)
def test_credits_before_another_cell_on_the_line(value: str,
                                                  expected: tuple[str, str] | None) -> None:
    found = credits_before_cell(value)
    assert (found if found is None else (found[0].text, found[1])) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Values Seminar Credits:", "Values Seminar"), ("Values SeminarCredits:", "Values Seminar"),
     ("the Modern Organization — Credits:", "the Modern Organization"),
     ("Credits:", ""), ("Credits: 3.00", None), ("Earn Credits", None),
     ("Seminar on Academic Credits", None)],
)
def test_a_credits_label_ending_a_heading(text: str, expected: str | None) -> None:
    assert without_credits_label(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3 hours--Prereq.: CHEM 1114.", ("Prereq.: CHEM 1114.", "3 hours")),
     ("1 to 4 hours--Prereq.: Departmental approval.", ("Prereq.: Departmental approval.",
                                                        "1 to 4 hours")),
     # a scan's speck after the figure
     ("3. hours--Prereq.: CHEM 1114.", ("Prereq.: CHEM 1114.", "3 hours")),
     ("3: hours--Prereq.: 2193.", ("Prereq.: 2193.", "3 hours")),
     ("3 .hours--Prereq.: 2193.", ("Prereq.: 2193.", "3 hours")),
     # a numbered sentence is no credits
     ("1. Hours must be arranged with the instructor.", None),
     ("2. Students write a paper.", None)],
)
def test_credits_opening_a_line(text: str, expected: tuple[str, str] | None) -> None:
    found = leading_credits(text)
    assert (found if found is None else (found[0], found[1].text)) == expected
