"""Labelled lines and sentences of an entry (``labels.py``) and the fields they fill."""

from __future__ import annotations

import pytest

from ocr_pipeline.catalog.labels import (
    Labelled,
    classify,
    known_field,
    leading_comma_label,
    line_label,
    split_inline,
)

NONE_LEARNED: frozenset[str] = frozenset()


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("Prerequisite(s): CS 101", "Prerequisite(s)", "CS 101"),
        ("Prereq: CS 101", "Prereq", "CS 101"),
        ("PreReq: “C” or better in Eng 21", "PreReq", "“C” or better in Eng 21"),
        ("Prerequisites: MATH 101 and MATH 102.", "Prerequisites", "MATH 101 and MATH 102."),
        ("Coreq: MATH 110", "Coreq", "MATH 110"),
        ("Corequisite: BIOL 101L", "Corequisite", "BIOL 101L"),
        ("CoReq: Ag 200 (or prior completion)", "CoReq", "Ag 200 (or prior completion)"),
        ("Terms Offered: Fall, Spring", "Terms Offered", "Fall, Spring"),
        ("Repeat Status: Not repeatable for credit", "Repeat Status",
         "Not repeatable for credit"),
        ("Components: Lecture, Laboratory", "Components", "Lecture, Laboratory"),
        ("Recommended: Busn 188", "Recommended", "Busn 188"),
        ("Credits: 3.00", "Credits", "3.00"),
        ("Pre or Corequisite: MATH 101", "Pre or Corequisite", "MATH 101"),
        ("Cross-listed as HSer 130 and SUDs 130", "Cross-listed as", "HSer 130 and SUDs 130"),
        ("Cross-listed with PHIL 214", "Cross-listed with", "PHIL 214"),
        ("Same as ENGL 491", "Same as", "ENGL 491"),
    ],
)
def test_line_label(text: str, label: str, value: str) -> None:
    assert line_label(text) == (label, value)


@pytest.mark.parametrize(
    "text",
    [
        "Prerequisites are listed in the schedule",
        "Notes on the history of music",
        "Students will learn: many things",
        "World War II. Prerequisite: HIST 101",
        "Note (see below: the lab",
    ],
)
def test_ordinary_sentence_is_no_label(text: str) -> None:
    assert line_label(text) is None


@pytest.mark.parametrize(
    ("label", "known"),
    [
        ("Prerequisite(s)", ("prerequisites", False)),
        ("Prerequisites", ("prerequisites", False)),
        ("Prereq", ("prerequisites", False)),
        ("PreReq", ("prerequisites", False)),
        ("Pre-req", ("prerequisites", False)),
        ("Prerequisite:", ("prerequisites", False)),
        ("Coreq", ("corequisites", False)),
        ("Co-requisite", ("corequisites", False)),
        ("Corequisite(s)", ("corequisites", False)),
        ("Pre or Corequisite", ("prerequisites", True)),
        ("Prerequisite/Corequisite", ("prerequisites", True)),
        ("Recommended Prerequisite", ("prerequisites", True)),
        ("Cross-listed with", ("cross_listed", False)),
        ("Same as", ("cross_listed", False)),
        ("Credits", ("credits", False)),
        ("Credit Hours", ("credits", False)),
        ("Units", ("credits", False)),
        ("Course Description", ("description", False)),
        ("Terms Offered", None),
        ("Repeat Status", None),
        ("Components", None),
        ("Recommended", None),
    ],
)
def test_known_field(label: str, known: tuple[str, bool] | None) -> None:
    assert known_field(label) == known


@pytest.mark.parametrize(
    ("label", "value", "learned", "labelled"),
    [
        ("Prerequisite(s)", "CS 101", NONE_LEARNED,
         Labelled("Prerequisite(s)", "CS 101", "prerequisites")),
        ("Coreq", "MATH 110", NONE_LEARNED, Labelled("Coreq", "MATH 110", "corequisites")),
        ("Pre or Corequisite", "MATH 101", NONE_LEARNED,
         Labelled("Pre or Corequisite", "Pre or Corequisite: MATH 101", "prerequisites")),
        ("Terms Offered", "Fall", frozenset({"Terms Offered"}),
         Labelled("Terms Offered", "Fall", "attributes")),
        ("Components", "Lecture", frozenset({"Terms Offered", "Components"}),
         Labelled("Components", "Lecture", "attributes")),
        ("Credits", "3.00", NONE_LEARNED, Labelled("Credits", "3.00", "credits")),
        ("Credits", "Variable", NONE_LEARNED, Labelled("Credits", "Variable", "credits")),
    ],
)
def test_classify(label: str, value: str, learned: frozenset[str], labelled: Labelled) -> None:
    assert classify(label, value, learned=learned) == labelled


@pytest.mark.parametrize(
    ("label", "value", "learned"),
    [
        ("Components", "Lecture", NONE_LEARNED),  # a label the catalog does not repeat
        ("Lab Fee", "$40", frozenset({"Terms Offered"})),
        ("Credits", "see department", NONE_LEARNED),  # not a credit value
    ],
)
def test_classify_leaves_unknown_labels(label: str, value: str, learned: frozenset[str]) -> None:
    assert classify(label, value, learned=learned) is None


@pytest.mark.parametrize(
    ("text", "rest", "found"),
    [
        ("Examines X.Prerequisite: BUSN-220 Open to majors.", "Examines X.",
         [Labelled("Prerequisite", "BUSN-220 Open to majors", "prerequisites")]),
        ("Studies the cell. Prerequisite: BIOL 101. Lab fee required.",
         "Studies the cell. Lab fee required.",
         [Labelled("Prerequisite", "BIOL 101", "prerequisites")]),
        ("A course. Prereq: CS 101 and CS 102", "A course.",
         [Labelled("Prereq", "CS 101 and CS 102", "prerequisites")]),
        ("Covers things. Pre or Corequisite: MATH 101.", "Covers things.",
         [Labelled("Pre or Corequisite", "Pre or Corequisite: MATH 101", "prerequisites")]),
        ("Covers World War II. Prerequisite: HIST 101.", "Covers World War II.",
         [Labelled("Prerequisite", "HIST 101", "prerequisites")]),
        ("Prerequisite, CPSC 230. Students learn to code.", "Students learn to code.",
         [Labelled("Prerequisite", "CPSC 230", "prerequisites")]),
        ("Studies the cell. Prerequisite: BIOL 101. Corequisite: BIOL 101L. Lab fee required.",
         "Studies the cell. Lab fee required.",
         [Labelled("Prerequisite", "BIOL 101", "prerequisites"),
          Labelled("Corequisite", "BIOL 101L", "corequisites")]),
        # a typo or a scan's semicolon for the colon (Smith's "Prerequisites; PSY 150")
        ("Writes a plan. Prerequisites; JRNL-5314 and CIVE-5150.", "Writes a plan.",
         [Labelled("Prerequisites", "JRNL-5314 and CIVE-5150", "prerequisites")]),
        ("Prerequisite; CHEM 101. Fall and Spring.", "Fall and Spring.",
         [Labelled("Prerequisite", "CHEM 101", "prerequisites")]),
        ("Meets weekly; no prerequisite; open to all.", "Meets weekly; no prerequisite; open to all.",
         []),
        ("No labels here.", "No labels here.", []),
    ],
)
def test_split_inline(text: str, rest: str, found: list[Labelled]) -> None:
    assert split_inline(text) == (rest, found)


def test_leading_comma_label() -> None:
    assert leading_comma_label("Prerequisite, CPSC 230. Students learn.") == (
        "Prerequisite", "CPSC 230. Students learn.")
    assert leading_comma_label("Prerequisites are listed in the schedule.") is None
