"""The course-code grammar (``codes.py``): what starts a line as a code, and what does not."""

from __future__ import annotations

import pytest

from ocr_pipeline.catalog.codes import CodeMatch, find_codes, match_code, normalize_code


def code_of(text: str) -> CodeMatch:
    found = match_code(text)
    assert found is not None, f"no code in {text!r}"
    return found


@pytest.mark.parametrize(
    ("text", "codes", "raw", "rest"),
    [
        ("CS 101 Introduction to Computer Science", ["CS 101"], "CS 101",
         "Introduction to Computer Science"),
        ("CS-101 Introduction to Computer Science", ["CS 101"], "CS-101",
         "Introduction to Computer Science"),
        ("CS101 Introduction to Computer Science", ["CS 101"], "CS101",
         "Introduction to Computer Science"),
        ("ENGL 1301 Composition I", ["ENGL 1301"], "ENGL 1301", "Composition I"),
        ("BIOL 101L General Biology Laboratory", ["BIOL 101L"], "BIOL 101L",
         "General Biology Laboratory"),
        ("PSYCH 323-0 Research Methods", ["PSYCH 323-0"], "PSYCH 323-0", "Research Methods"),
        ("GS-CC-5000 Capstone Seminar", ["GS-CC 5000"], "GS-CC-5000", "Capstone Seminar"),
        ("COMP/PSYC 415 Cognitive Science", ["COMP 415"], "COMP/PSYC 415", "Cognitive Science"),
        ("C977 Task Analysis", ["C 977"], "C977", "Task Analysis"),
        ("AFT2 Advanced Fire Tactics", ["AFT 2"], "AFT2", "Advanced Fire Tactics"),
        ("1.10J Fluid Mechanics", ["1.10J"], "1.10J", "Fluid Mechanics"),
        ("21A.224J Anthropology of Work", ["21A.224J"], "21A.224J", "Anthropology of Work"),
        ("SPAN 351, 352. Introduction to Latin-American Literature I and II",
         ["SPAN 351", "SPAN 352"], "SPAN 351",
         "Introduction to Latin-American Literature I and II"),
        ("CFS 393-1,2 Field Experience", ["CFS 393-1", "CFS 393-2"], "CFS 393-1",
         "Field Experience"),
        ("ENGL 491/SEMN 495 Senior Seminar", ["ENGL 491"], "ENGL 491", "Senior Seminar"),
        ("MATH 214 (PHIL 214) Topics in Logic", ["MATH 214"], "MATH 214", "Topics in Logic"),
        ("Block 7: DR240 Directing for the Stage", ["DR 240"], "DR240",
         "Directing for the Stage"),
        ("DR212–215 Studio Work", ["DR 212"], "DR212", "Studio Work"),
        ("Acc 193V—Cooperative Education (1-3)", ["ACC 193V"], "Acc 193V",
         "Cooperative Education (1-3)"),
        ("+ ABRP 100—Collision Repair (12)", ["ABRP 100"], "ABRP 100", "Collision Repair (12)"),
        ("ENVR POL 311 Environmental Policy", ["ENVR POL 311"], "ENVR POL 311",
         "Environmental Policy"),
        ("ACCT-212 Managerial Accounting 400(4)", ["ACCT 212"], "ACCT-212",
         "Managerial Accounting 400(4)"),
        ("AEC 105 INTRODUCTION TO CONSTRUCTION MANAGEMENT (3)", ["AEC 105"], "AEC 105",
         "INTRODUCTION TO CONSTRUCTION MANAGEMENT (3)"),
        ("CS 101. Introduction to Computer Science. 3 Credits.", ["CS 101"], "CS 101",
         "Introduction to Computer Science. 3 Credits."),
        ("HIST 4970 Independent Study. Variable credit.", ["HIST 4970"], "HIST 4970",
         "Independent Study. Variable credit."),
        ("CS 101", ["CS 101"], "CS 101", ""),
    ],
)
def test_code_forms(text: str, codes: list[str], raw: str, rest: str) -> None:
    found = code_of(text)
    assert found.codes == codes
    assert found.code == codes[0]
    assert found.raw == raw
    assert found.rest == rest


@pytest.mark.parametrize(
    ("text", "cross_listed"),
    [
        ("COMP/PSYC 415 Cognitive Science", ("PSYC 415",)),
        ("ENGL 491/SEMN 495 Senior Seminar", ("SEMN 495",)),
        ("MATH 214 (PHIL 214) Topics in Logic", ("PHIL 214",)),
        ("CS 101 Introduction to Computer Science", ()),
        ("MATH 214 (Formerly 212) Topics in Logic", ()),
    ],
)
def test_cross_listed_codes_in_the_heading(text: str, cross_listed: tuple[str, ...]) -> None:
    assert code_of(text).cross_listed == cross_listed


@pytest.mark.parametrize(
    ("text", "sep", "after", "kind"),
    [
        ("CS 101 Intro", " ", " ", "caps "),
        ("CS-101 Intro", "-", " ", "caps-"),
        ("CS101 Intro", "", " ", "joined"),
        ("CS 101. Intro", " ", ".", "caps "),
        ("CS 101: Intro", " ", ":", "caps "),
        ("CS 101 — Intro", " ", "—", "caps "),
        ("Acc 124 Principles of Accounting", " ", " ", "mixed "),
        ("21A.224J Anthropology", ".", " ", "numeric"),
    ],
)
def test_separators_and_shape(text: str, sep: str, after: str, kind: str) -> None:
    found = code_of(text)
    assert (found.sep, found.after, found.kind) == (sep, after, kind)


def test_decorations_around_the_code() -> None:
    assert code_of("+ ABRP 100—Collision Repair (12)").marker
    assert not code_of("ABRP 100—Collision Repair (12)").marker
    assert code_of("Block 7: DR240 Directing").prefix == "Block 7"
    assert code_of("DR212–215 Studio Work").through == "215"
    assert code_of("DR212-215 Studio Work").through == "215"
    assert code_of("DR212 Studio Work").through == ""
    # specks a scan shows before the code, as OCR reads them
    for text, code in (("‘SPAN 201. Intermediate Spanish I", "SPAN 201"),
                       ("~ SPAN 302. Advanced Conversation", "SPAN 302"),
                       ("_ SPAN 302. Advanced Conversation", "SPAN 302"),
                       ("e CPSC 453 Compilers", "CPSC 453"),
                       ("¢ EENG 200 - Electronics", "EENG 200"),
                       ("e« EENG 200L - Lab", "EENG 200L"),
                       ("¢« EENG 200L - Lab", "EENG 200L"),
                       ("SPAN .303. Spanish and the Digital Age", "SPAN 303"),
                       ("CIS:472. Machine Learning", "CIS 472"),
                       ("-APP MUSC 432. Applied Music", "APP MUSC 432")):
        found = code_of(text)
        assert found.code == code and (found.marker or found.sep in ".:")


@pytest.mark.parametrize(
    "text",
    [
        "Fall 2018 schedule of classes",
        "Fall 2024 schedule",
        "A 100 point scale is used",
        "ESL 22W) or placement in Eng 100",
        "AJ 130, or HSer 130",
        "Students who complete AJ 130",
        "(3 lec hrs.)",
        "Twelve 30-minute lessons with the instructor",
        "One 400-level course in the major",
        "Note: 101 ways to study",
        "-year program in two parts",
    ],
)
def test_not_a_course_code(text: str) -> None:
    assert match_code(text) is None


@pytest.mark.parametrize(
    ("subject", "number", "code"),
    [
        ("CS", "101", "CS 101"),
        ("cs", "101", "CS 101"),
        ("Acc", "193v", "ACC 193V"),
        ("Acc&", "124", "ACC 124"),
        ("GS-CC", "5000", "GS-CC 5000"),
        ("PSYCH", "323-0", "PSYCH 323-0"),
        ("21A", "224J", "21A.224J"),
        ("1", "10J", "1.10J"),
    ],
)
def test_normalize_code(subject: str, number: str, code: str) -> None:
    assert normalize_code(subject, number) == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Cross-listed with PHIL 214 and HIST-300.", ["PHIL 214", "HIST 300"]),
        ("HSer 130 and SUDs 130", ["HSER 130", "SUDS 130"]),
        ("COMP/PSYC 415", ["COMP 415", "PSYC 415"]),
        ("Same as ENGL 491/SEMN 495", ["ENGL 491", "SEMN 495"]),
        ("Offered Fall 2018 only", []),
    ],
)
def test_find_codes(text: str, codes: list[str]) -> None:
    assert find_codes(text) == codes
