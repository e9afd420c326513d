import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr_pipeline.catalog.headings import (
    is_hours_line,
    match_code,
    match_label,
    normalize_code,
    split_credits,
    strip_trailing_hours,
)


@pytest.mark.parametrize(
    ("text", "code", "raw", "title", "credits", "low", "high"),
    [
        ("AEC 105 INTRODUCTION TO CONSTRUCTION MANAGEMENT (3)", "AEC 105", "AEC 105",
         "INTRODUCTION TO CONSTRUCTION MANAGEMENT", "3", 3, 3),
        ("CS 101. Introduction to Computer Science. 3 Credits.", "CS 101", "CS 101",
         "Introduction to Computer Science.", "3 Credits", 3, 3),
        ("ACCT-212 Managerial Accounting 400(4)", "ACCT 212", "ACCT-212",
         "Managerial Accounting", "400(4)", 4, 4),
        ("MATH 221 Calculus I 5 cr.", "MATH 221", "MATH 221", "Calculus I", "5 cr", 5, 5),
        ("BIOL 4990 Research (1-4)", "BIOL 4990", "BIOL 4990", "Research", "1-4", 1, 4),
        ("HIST 4970 Independent Study. Variable credit.", "HIST 4970", "HIST 4970",
         "Independent Study.", "Variable credit", None, None),
        ("Acc 193V—Cooperative Education (1-3)", "ACC 193V", "Acc 193V",
         "Cooperative Education", "1-3", 1, 3),
        ("+ ABRP 100—Collision Repair (12)", "ABRP 100", "ABRP 100", "Collision Repair", "12", 12, 12),
        ("ACCT 1201. Financial Reporting. (4 Hours)", "ACCT 1201", "ACCT 1201",
         "Financial Reporting.", "4 Hours", 4, 4),
    ],
)
def test_entry_forms(text: str, code: str, raw: str, title: str, credits: str,
                     low: float | None, high: float | None) -> None:
    match = match_code(text)
    assert match is not None
    assert normalize_code(match.subject, match.number) == code
    assert match.raw == raw
    head, found = split_credits(match.rest)
    assert head == title
    assert found is not None and found.text == credits
    assert (found.low, found.high) == (low, high)


@pytest.mark.parametrize(
    "text",
    ["ESL 22W) or placement in Eng 100", "Students who complete AJ 130", "AJ 130, or HSer 130",
     "Fall 2024 schedule", "A 100 point scale", "(3 lec hrs.)"],
)
def test_not_a_course_code(text: str) -> None:
    assert match_code(text) is None


def test_no_credits_leaves_title_alone() -> None:
    assert split_credits("Intro to Logic") == ("Intro to Logic", None)


@pytest.mark.parametrize(
    ("text", "label", "rest"),
    [
        ("PreReq: “C” or better in Eng 21", "Prerequisite", "“C” or better in Eng 21"),
        ("Prerequisites: MATH 101 and MATH 102.", "Prerequisite", "MATH 101 and MATH 102."),
        ("Prereq: CS 101", "Prerequisite", "CS 101"),
        ("Corequisite: BIOL 101L", "Corequisite", "BIOL 101L"),
        ("CoReq: Ag 200 (or prior completion)", "Corequisite", "Ag 200 (or prior completion)"),
        ("Recommended: Busn 188", "Recommended", "Busn 188"),
        ("Cross-listed as HSer 130 and SUDs 130", "Cross-listed", "as HSer 130 and SUDs 130"),
    ],
)
def test_labels(text: str, label: str, rest: str) -> None:
    found = match_label(text)
    assert found is not None
    assert found[0] == label
    assert found[1].endswith(rest.split(" ", 1)[-1])


def test_ordinary_sentence_is_no_label() -> None:
    assert match_label("Prerequisites are listed in the schedule") is None
    assert match_label("Notes on the history of music") is None


@pytest.mark.parametrize(
    "text",
    ["(3 hrs. lect. per week)", "(2 hrs. lect., 3 hrs. lab per week)", "(6 lec/lab hrs.)",
     "(variable hours)", "3 hrs. lect. per week"],
)
def test_hours_lines(text: str) -> None:
    assert is_hours_line(text)


def test_hours_fragments_are_not_hours_lines() -> None:
    assert not is_hours_line("hrs.)")
    assert not is_hours_line("Hours of lab work are arranged with the instructor.")


def test_trailing_hours_are_stripped() -> None:
    assert strip_trailing_hours("Making decisions. (3 lec hrs.)") == "Making decisions."
    assert strip_trailing_hours("Uses tools (hammers).") == "Uses tools (hammers)."


subjects = st.from_regex(r"[A-Z]{2,4}", fullmatch=True)
numbers = st.from_regex(r"[1-9][0-9]{2,3}[A-Z]?", fullmatch=True)
title_words = st.lists(
    st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True), min_size=1, max_size=6
).map(" ".join)
credit_forms = st.sampled_from(["({c})", "{c} Credits.", "{c} cr.", "({c}-{d})", "400({c})"])


@given(subjects, numbers, title_words, credit_forms, st.integers(1, 6))
def test_heading_round_trip(subject: str, number: str, title: str, form: str, c: int) -> None:
    text = f"{subject} {number} {title} " + form.format(c=c, d=c + 2)
    match = match_code(text)
    assert match is not None
    assert (match.subject, match.number) == (subject, number)
    head, credits = split_credits(match.rest)
    assert head == title
    assert credits is not None and credits.low == c
    assert credits.high == (c + 2 if "-" in form else c)
