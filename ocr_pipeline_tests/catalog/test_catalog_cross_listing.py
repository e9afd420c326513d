"""Cross-listed codes and several course numbers in one heading: which record each code
belongs to, and what stays out of the title."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline_tests.catalog.typeset import (
    BOLD,
    COURSES,
    GAP,
    REGULAR,
    Expect,
    Row,
    assert_records,
    extract,
    paragraph,
)


@pytest.mark.parametrize(
    ("printed", "code", "raw", "others"),
    [
        ("COMP/PSYC {n}", "COMP {n}", "COMP/PSYC {n}", ("PSYC {n}",)),
        ("MATH {n} (PHIL {n})", "MATH {n}", "MATH {n}", ("PHIL {n}",)),
        ("ENGL {n}/SEMN {m}", "ENGL {n}", "ENGL {n}", ("SEMN {m}",)),
    ],
    ids=["slash-subjects", "parenthesis", "slash-codes"],
)
def test_cross_listed_codes_in_the_heading(tmp_path: Path, printed: str, code: str, raw: str,
                                           others: tuple[str, ...]) -> None:
    subject = code.split()[0]
    rows: list[Row] = []
    expected: list[Expect] = []
    for n, c in enumerate(COURSES):
        numbers = {"n": c.number, "m": str(int(c.number) + 5)}
        if n % 2 == 0:  # every other course is cross-listed
            rows.append((f"{printed.format(**numbers)} {c.title} (3)", BOLD))
            expected.append(Expect(code.format(**numbers), c.title, c.description,
                                   credits=("3", 3, 3), raw=raw.format(**numbers),
                                   cross_listed=tuple(o.format(**numbers) for o in others)))
        else:
            rows.append((f"{subject} {c.number} {c.title} (3)", BOLD))
            expected.append(Expect(f"{subject} {c.number}", c.title, c.description,
                                   credits=("3", 3, 3)))
        rows += [*paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, expected)
    assert result.profile is not None
    assert result.profile.cross_listed == {"heading": 4}


def test_several_numbers_in_one_heading_give_a_record_each(tmp_path: Path) -> None:
    rows: list[Row] = []
    expected: list[Expect] = []
    for n, c in enumerate(COURSES):
        if n in (1, 4):  # SPAN 120, 121. Cell Biology I and II (3-3-0) AIGM
            second = str(int(c.number) + 1)
            rows.append((f"SPAN {c.number}, {second}. {c.title} I and II (3-3-0) AIGM", BOLD))
            expected += [Expect(f"SPAN {number}", f"{c.title} I and II", c.description,
                                credits=("3-3-0", 3, 3), attributes={"designators": "AIGM"})
                         for number in (c.number, second)]
        else:
            rows.append((f"SPAN {c.number}. {c.title} (3-3-0)", BOLD))
            expected.append(Expect(f"SPAN {c.number}", c.title, c.description,
                                   credits=("3-3-0", 3, 3)))
        rows += [*paragraph(c.description), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, expected)
    assert result.records[2].course_code_raw == "SPAN 121"
    assert result.records[1].page == result.records[2].page == 1


def test_cross_listing_lines(tmp_path: Path) -> None:
    lines = ("Cross-listed with CHEM {n}.", "Same as ENVS {n}.", "")
    others = ("CHEM {n}", "ENVS {n}", "")
    rows: list[Row] = []
    expected: list[Expect] = []
    for n, c in enumerate(COURSES):
        line, other = lines[n % 3].format(n=c.number), others[n % 3].format(n=c.number)
        rows += [(f"BIOL {c.number} {c.title} (3)", BOLD), *paragraph(c.description),
                 *([(line, REGULAR)] if line else []), GAP]
        expected.append(Expect(f"BIOL {c.number}", c.title, c.description, credits=("3", 3, 3),
                               cross_listed=(other,) if other else ()))
    result = extract(tmp_path, rows)
    assert_records(result, expected)
    assert result.profile is not None
    assert result.profile.cross_listed == {"label": 6}


def test_cross_listing_line_with_several_codes(tmp_path: Path) -> None:
    rows: list[Row] = []
    for c in COURSES:
        rows += [(f"BIOL {c.number} {c.title} (3)", BOLD), *paragraph(c.description),
                 (f"Same as ENVS {c.number}/GEOG {c.number}", REGULAR), GAP]
    result = extract(tmp_path, rows)
    assert_records(result, [Expect(f"BIOL {c.number}", c.title, c.description,
                                   credits=("3", 3, 3),
                                   cross_listed=(f"ENVS {c.number}", f"GEOG {c.number}"))
                            for c in COURSES])
