"""Labelled lines of a catalog's entries: the labels that recur are learned and mapped to
prerequisites, corequisites and attributes; a label printed once lowers confidence."""

from __future__ import annotations

from pathlib import Path

from ocr_pipeline_tests.catalog.typeset import (
    BOLD,
    COURSES,
    GAP,
    PAGE,
    REGULAR,
    Course,
    Expect,
    Row,
    assert_records,
    extract,
    paragraph,
)

TERMS = ("Fall", "Spring", "Fall, Spring")
COMPONENTS = ("Lecture, Laboratory", "Lecture", "Lecture, Laboratory", "Seminar", "Lecture",
              "Lecture, Laboratory", "Lecture", "Lecture, Laboratory")
"""Varied, so that no two pages end on the same line (it would look like a running footer)."""


def labelled_entry(n: int, c: Course, *, extra: list[Row] | None = None) -> list[Row]:
    """An entry with a prerequisite line (two spellings), some with a corequisite line, and
    the catalog's three attribute lines."""
    prerequisite = (f"Prerequisite(s): BIOL {100 + n} or consent of instructor." if n % 2 == 0
                    else f"Prereq: BIOL {100 + n}")
    return [
        (f"BIOL {c.number} {c.title} (3)", BOLD),
        *paragraph(c.description),
        (prerequisite, REGULAR),
        *([(f"Coreq: CHEM {110 + n}", REGULAR)] if n in (2, 3, 5) else []),
        (f"Terms Offered: {TERMS[n % 3]}", REGULAR),
        ("Repeat Status: Not repeatable for credit", REGULAR),
        (f"Components: {COMPONENTS[n]}", REGULAR),
        *(extra or []),
        PAGE if n == 3 else GAP,  # four entries a page
    ]


def expected(n: int, c: Course, *, status: str = "auto_accepted") -> Expect:
    return Expect(
        f"BIOL {c.number}", c.title, c.description, credits=("3", 3, 3),
        prerequisites=(f"BIOL {100 + n} or consent of instructor" if n % 2 == 0
                       else f"BIOL {100 + n}"),
        corequisites=f"CHEM {110 + n}" if n in (2, 3, 5) else None,
        attributes={"Terms Offered": TERMS[n % 3], "Repeat Status": "Not repeatable for credit",
                    "Components": COMPONENTS[n]},
        status=status,
    )


def test_recurring_labels_fill_their_fields(tmp_path: Path) -> None:
    rows = [row for n, c in enumerate(COURSES) for row in labelled_entry(n, c)]
    result = extract(tmp_path, rows)
    assert_records(result, [expected(n, c) for n, c in enumerate(COURSES)])
    assert result.profile is not None
    assert result.profile.labels == {
        "Prerequisite(s)": "prerequisites", "Prereq": "prerequisites", "Coreq": "corequisites",
        "Terms Offered": "attributes", "Repeat Status": "attributes", "Components": "attributes",
    }
    assert result.profile.label_entries == {
        "Prerequisite(s)": 4, "Prereq": 4, "Coreq": 3, "Terms Offered": 8, "Repeat Status": 8,
        "Components": 8,
    }


def test_a_label_printed_once_lowers_confidence(tmp_path: Path) -> None:
    fee = ("Lab Fee: $40 per semester", REGULAR)
    rows = [row for n, c in enumerate(COURSES)
            for row in labelled_entry(n, c, extra=[fee] if n == 6 else None)]
    result = extract(tmp_path, rows)
    assert result.profile is not None and "Lab Fee" not in result.profile.labels
    odd = result.records[6]
    assert odd.course_code == "BIOL 410"
    assert odd.status == "pending_review"
    assert "unknown_label" in odd.confidence_factors
    # where its text goes is the reviewer's call, but it is not lost
    assert "$40 per semester" in odd.description + " ".join(odd.attributes.values())
    want = expected(6, COURSES[6], status="pending_review")
    assert (odd.title, odd.credits_text, odd.prerequisites, odd.corequisites) == (
        want.title, want.credits[0], want.prerequisites, want.corequisites)
    assert {k: v for k, v in odd.attributes.items() if k != "Lab Fee"} == want.attributes
    others = [r for n, r in enumerate(result.records) if n != 6]
    assert_records(others, [expected(n, c) for n, c in enumerate(COURSES) if n != 6])

