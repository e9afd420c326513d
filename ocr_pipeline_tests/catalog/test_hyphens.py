"""Line-end hyphens settled by the catalog's own words (``catalog.hyphens``), in ``join_lines``
and in whole catalogs."""

from __future__ import annotations

from pathlib import Path

from ocr_pipeline.catalog.fields import join_lines
from ocr_pipeline.catalog.hyphens import catalog_words, keeps_hyphen
from ocr_pipeline_tests.catalog.typeset import BOLD, GAP, REGULAR, Row, extract

PRINTED = catalog_words([
    "Students build cross-cultural skills and self-awareness, self-management and a",
    "research project on an instruction set. Social sciences majors may enrol in the",
    "seminar of the department of communi-",
    "cation with the German-American society.",
])


def test_catalog_words_leave_out_the_halves_of_a_word_broken_at_a_line_end() -> None:
    assert {"cross-cultural", "sciences", "instruction", "set"} <= PRINTED
    assert "communi" not in PRINTED and "cation" not in PRINTED
    # "self-" begins two compounds; "German-" one, which makes it no compound-maker
    assert "self-" in PRINTED and "german-" not in PRINTED


def test_a_word_printed_whole_elsewhere_is_joined() -> None:
    assert not keeps_hyphen("Social Sci-", "ences (3)", PRINTED)
    assert join_lines(["Social Sci-", "ences (3)"], words=PRINTED) == "Social Sciences (3)"


def test_a_compound_printed_elsewhere_or_made_of_printed_words_keeps_its_hyphen() -> None:
    assert join_lines(["a cross-", "cultural perspective"], words=PRINTED) == (
        "a cross-cultural perspective")
    assert join_lines(["self-", "regulation"], words=PRINTED) == "self-regulation"
    assert join_lines(["the instruction-", "set design"], words=PRINTED) == (
        "the instruction-set design")
    assert join_lines(["ready-to-", "wear"], words=PRINTED) == "ready-to-wear"


def test_halves_that_are_no_printed_words_are_one_word() -> None:
    assert join_lines(["communi-", "cation"], words=PRINTED) == "communication"
    assert join_lines(["German-", "ness"], words=PRINTED) == "Germanness"
    # "in" is printed, but too short to stand for a word of its own
    assert join_lines(["in-", "formation"], words=PRINTED | {"formation"}) == "information"


def test_without_the_catalogs_words_a_line_end_hyphen_breaks_a_word() -> None:
    assert join_lines(["a cross-", "cultural perspective"]) == "a crosscultural perspective"


def test_a_typed_dash_at_a_line_end_joins_without_a_space_a_doubled_hyphen_goes() -> None:
    assert join_lines(["3 hours--", "and a lab"], words=PRINTED) == "3 hours--and a lab"
    assert join_lines(["build inter--", "faith skills"], words=PRINTED) == (
        "build inter--faith skills")  # no word the catalog prints: left as printed
    assert join_lines(["build cross-cul--", "tural skills"], words=PRINTED) == (
        "build cross-cultural skills")
    assert join_lines(["the social sci--", "ences"], words=PRINTED) == "the social sciences"
    assert join_lines(["the social sci-—", "ences"], words=PRINTED) == "the social sciences"


def test_a_code_or_a_slash_broken_at_a_line_end_joins_without_a_space() -> None:
    assert join_lines(["ENGL-", "260 strongly recommended"]) == "ENGL-260 strongly recommended"
    assert join_lines(["Public Policy (3-", "3-0)"]) == "Public Policy (3-3-0)"
    assert join_lines(["quality and safety standards/", "competencies"]) == (
        "quality and safety standards/competencies")


def test_a_catalog_keeps_the_compounds_it_prints_and_joins_the_words_it_breaks(
        tmp_path: Path) -> None:
    """``cross-`` / ``cultural`` ends a line in one description; the catalog prints
    ``cross-cultural`` whole in another, and ``communication`` whole in a third."""
    descriptions = {
        "101": ["Explores language in a cross-", "cultural setting."],
        "102": ["Introduces cross-cultural research and interpersonal communi-",
                "cation in groups."],
        "103": ["Studies communication across borders."],
    }
    rows: list[Row] = []
    for number, lines in descriptions.items():
        rows += [(f"COMM {number} Topics in Communication (3)", BOLD),
                 *((line, REGULAR) for line in lines), GAP]
    records = {r.course_code: r.description for r in extract(tmp_path, rows).records}
    assert records == {
        "COMM 101": "Explores language in a cross-cultural setting.",
        "COMM 102": "Introduces cross-cultural research and interpersonal communication in groups.",
        "COMM 103": "Studies communication across borders.",
    }
