"""Reading scanned catalogs: what the catalog itself vouches for, the marks that confirm or
doubt a title's end, and what OCR misreads around a heading. Entries are read from OCR-like
pages made here (words with boxes, confidences and measured weight, no font)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from ocr_pipeline.catalog.candidates import rest_kind
from ocr_pipeline.catalog.codes import match_code
from ocr_pipeline.catalog.confidence import (
    codes_in_order,
    marked_pairs,
    repeated_readings,
    score,
    sure_pairs,
    sure_words,
    usual_credits,
)
from ocr_pipeline.catalog.credits import split_credits
from ocr_pipeline.catalog.fields import case_confirms_boundary, case_cut_near, title_complete
from ocr_pipeline.catalog.models import Block, Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.parse import TITLE_WRAP_CUE, ParsedEntry, read_catalog

TITLES = ["Organic Chemistry", "Physical Chemistry", "Inorganic Chemistry", "Analytical Methods",
          "Polymer Chemistry", "Chemical Biology", "Quantum Chemistry"]
BODY = "Laboratory work and lectures on chemistry for majors"


def _line(text: str, y: float, *, conf: dict[str, float] | None = None, bold: int = 0,
          weights: tuple[float, float] = (0.0, 0.0)) -> Line:
    """A line as a scan reads it: the first ``bold`` words measured bold; ``weights``: the
    measured weight of bold and of other words (0.0: not measured)."""
    words, x = [], 72.0
    for i, token in enumerate(text.split()):
        width = 5.0 * len(token)
        words.append(Word(text=token, bbox=(x, y, x + width, y + 8), size=10.0,
                          conf=(conf or {}).get(token, 0.96), bold=i < bold,
                          weight=weights[0] if i < bold else weights[1]))
        x += width + 4
    return Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))


def _sized(line: Line, size: float) -> Line:
    """``line`` with its type measured at ``size`` (OCR sizes a line by its words' boxes)."""
    return replace(line, words=tuple(replace(w, size=size) for w in line.words))


def _catalog(numbers: list[str], *, heading_conf: dict[str, float]) -> PageText:
    lines, y = [], 72.0
    for number, title in zip(numbers, TITLES, strict=False):
        heading = f"CHEM {number} {title} (3)"
        lines.append(_line(heading, y, conf=heading_conf, bold=len(heading.split()) - 1))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    block = Block(lines=tuple(lines), bbox=union_bbox([ln.bbox for ln in lines]), column=0,
                  role="body")
    return PageText(page=1, width=612, height=792, blocks=(block,), method="tesseract",
                    engine_version="t", styled=True)


def test_codes_in_order_between_their_neighbours() -> None:
    page = _catalog(["101", "205", "230", "230L", "310", "120", "400"], heading_conf={})
    entries = read_catalog([page]).entries
    assert [e.code.number for e in entries] == ["101", "205", "230", "230L", "310", "120", "400"]
    # 310 is followed by 120: neither is between its neighbours; the first and last have one
    assert codes_in_order(entries) == {1, 2, 3}


def test_codes_that_are_subjects_of_their_own_are_in_order_by_their_letters() -> None:
    """WGU's codes (``JNT2``, ``JOT2``, ``JPT2``) are letters and one number, listed in the
    letters' order: a code between its neighbours there is one, not a misread; across a first
    letter or a number (``IZT2`` / ``JNT2``, ``C997`` / ``D001``) the order says nothing."""
    codes = ["IYT2", "IZT2", "JNT2", "JOT2", "JPT2", "JRT2", "JQT2", "C997", "D001", "D002"]
    entries = [SimpleNamespace(code=match_code(f"{c} - Title")) for c in codes]
    assert codes_in_order(entries) == {3, 4}  # type: ignore[arg-type]


def test_a_heading_word_read_unsurely_is_vouched_for_by_the_catalog() -> None:
    # tesseract doubts the bold numerals and a title word it reads right
    unsure = {"205": 0.45, "Physical": 0.5}
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf=unsure)
    entry = read_catalog([page]).entries[1]
    alone, _ = score(entry)
    assert alone < 0.5
    # "physical" is not read surely anywhere else: only the code's order vouches
    vouched = sure_words([page])
    assert "chemistry" in vouched and "physical" not in vouched
    ordered, _ = score(entry, vouched=vouched, code_in_order=True)
    assert ordered < 0.5  # "Physical" still doubted
    both, factors = score(entry, vouched=vouched | {"physical"}, code_in_order=True)
    assert both >= 0.9 and factors["ocr"] == pytest.approx(0.99)


def test_a_comma_the_catalog_prints_nowhere_between_two_words_is_not_vouched_for() -> None:
    """DePauw's ``Honor, Scholar First-Year Seminar`` under strong show-through: a speck
    beside ``Honor`` read as a comma, the word at 0.83. The catalog reads ``Honor`` surely
    elsewhere, but as ``Honor Scholar``, no mark between them: that does not vouch for the
    comma. A comma between words the catalog never prints side by side (``Media, Power``) is
    vouched for with its word."""
    lines, y = [], 72.0
    for number in range(101, 107):
        title = {102: "Honor, Scholar Seminar", 104: "Media, Power Seminar"}.get(
            number, "Honor Scholar Seminar")
        heading = f"HONR {number} {title} (3)"
        lines += [_line(heading, y, conf={"Honor,": 0.83, "Media,": 0.83},
                        bold=len(heading.split()) - 1),
                  _line("Media studies for the Honor Scholar program", y + 12)]
        y += 36
    page = _page(lines)
    entries = read_catalog([page]).entries
    pairs = sure_pairs([page], among=marked_pairs(entries))
    assert ("honor", "scholar") in pairs and ("media", "power") not in pairs
    comma, media = (score(entries[k], vouched=sure_words([page]), pairs=pairs,
                          code_in_order=True)[0] for k in (1, 3))
    assert comma < 0.9 <= media
    assert score(entries[1], vouched=sure_words([page]), code_in_order=True)[0] >= 0.9


def test_a_quote_mark_ending_a_title_is_not_vouched_for_with_its_word() -> None:
    """Smith's ``GOV 326 Seminar in Comparative Politics’`` at 150 dpi: a speck after the
    title read as a closing quote, the word at 0.55. The catalog reads ``Politics`` surely
    elsewhere; that vouches for the letters, not for a quote mark with no other beside it."""
    scores = {}
    for last in ("Politics’", "Politics", "‘Politics’"):
        lines, y = [], 72.0
        for number in range(321, 326):
            heading = f"GOV {number} Seminar in {last if number == 323 else 'Politics'}"
            lines += [_line(heading, y, conf={last: 0.55}, bold=len(heading.split())),
                      _line("Politics and government in comparative perspective", y + 12)]
            y += 36
        page = _page(lines)
        entry = read_catalog([page]).entries[2]
        assert entry.title == f"Seminar in {last}"
        scores[last] = score(entry, vouched=sure_words([page]), code_in_order=True)[0]
    assert scores["Politics’"] < 0.9 <= min(scores["Politics"], scores["‘Politics’"])


def test_a_scanned_line_set_as_the_headings_is_reviewed_where_no_paragraph_start_shows() -> None:
    """WGU at 150 dpi: Tesseract lost the last line of ``D034``'s text, so the line before
    ``DZP2 - Application of Elementary Visual ...`` ends on a comma, with no more white above
    it than between any two lines, and its type measured larger than the headings'. Set as the
    headings are otherwise (its code measured bold, the headings' dash after it), it is for
    review, not explained away as a mention; a line that opens with a code in body weight
    there still is one."""
    text = ("and practice of teaching in the elementary classroom with attention to the "
            "methods")
    lines, y = [], 72.0
    for k, code in enumerate(["D031", "D032", "D033", "DZP2", "D035", "D036"]):
        last = text + ("," if code in ("D033", "DZP2") else ".")  # before DZP2 and D035
        heading = f"{code} - Subject Methods {k} - Subject methods prepares candidates to teach"
        line = _line(heading, y, bold=5 if code != "D035" else 0, weights=(1.6, 1.0))
        lines += [_sized(line, 12.5) if code == "DZP2" else line,
                  _line(text + " and", y + 10), _line(last, y + 20)]
        y += 30
    reading = read_catalog([_page(lines)])
    outcomes = {line.text.split()[0]: line.outcome for line in reading.code_led}
    assert outcomes["DZP2"] == "unexplained"
    assert outcomes["D035"] == "cross_reference"
    assert {"D031", "D032", "D033", "D036"} <= {e.code.raw for e in reading.entries}


def test_a_scanned_heading_measured_larger_than_the_headings_is_still_theirs() -> None:
    """Smith at 150 dpi: a heading whose code and title measured bold as the others', but its
    type larger (Tesseract's boxes taller for a speck or show-through), is a heading where
    nothing else explains it, not a line for review as unexplained."""
    lines, y = [], 72.0
    for number, region in zip(range(221, 227), ("Europe", "Africa", "Asia", "Oceania", "Russia",
                                               "Latin America"), strict=True):
        heading = _line(f"GOV {number} Politics of {region}", y, bold=5, weights=(1.6, 1.0))
        lines += [_sized(heading, 12.5) if number == 224 else heading,
                  _line("The politics of a region of the world and its states", y + 10),
                  _line("and their peoples in the years since the war.", y + 20)]
        y += 30
    reading = read_catalog([_page(lines)])
    outcomes = {line.text.split()[1]: line.outcome for line in reading.code_led}
    assert outcomes == dict.fromkeys(outcomes, "heading") and "224" in outcomes


def test_a_scanned_line_of_words_that_had_room_on_the_heading_is_not_its_title() -> None:
    """Smith under toner spread: ``Topics Course``, the text's first line, measured as bold as
    the heading ``GOV 306 Seminar in American Government`` above it, though it would have
    fitted on the heading's line: the typesetter did not wrap the title there. A line that
    would not have fitted goes on the title."""
    long = "Government and the Politics of Marriage and Inheritance in the Law of"
    lines, y = [], 72.0
    for number, second in ((304, "Topics Course"), (305, "the American States"),
                           (306, "Topics Course"), (307, "the Western States")):
        head = f"GOV {number} {long if number in (305, 307) else 'Seminar in Government'}"
        lines += [_line(head, y, bold=len(head.split()), weights=(1.7, 1.0)),
                  _line(second, y + 10, bold=len(second.split()), weights=(1.7, 1.0))]
        lines += [_line("An examination of the politics of the family in the states and",
                        y + 20 + 10 * k) for k in range(3)]
        y += 60
    titles = {e.code.number: e.title for e in read_catalog([_page(lines)]).entries}
    assert titles["304"] == titles["306"] == "Seminar in Government"
    assert titles["305"] == f"{long} the American States"


def test_credits_opening_the_next_line_confirm_a_scanned_title_that_ran_to_its_lines_end(
) -> None:
    """East Central under toner spread: some headings' weight stepped down inside their line,
    so the catalog looked run-in and every title's end was doubted. A title that ran to its
    line's end, the next line opening with the credits (``3 hours--Prereq.: ...``), ends
    there."""
    body = "A study of the environment and the health of the public in the"
    lines, y = [], 72.0
    for number, title, run_in in ((2223, "Watershed Management", "of Rural Lands Across the State"),
                                  (2313, "Industrial Hygiene", ""),
                                  (2413, "Toxicology", "of Water Supplies and Soils"),
                                  (2613, "Environmental Economics", "")):
        head = f"EHS {number} {title} {run_in}".strip()
        lines += [_line(head, y, bold=2 + len(title.split()), weights=(1.7, 1.0)),
                  _line("3 hours--Prereq.: None. " + body, y + 10),
                  _line(body + " state.", y + 20)]
        y += 36
    reading = read_catalog([_page(lines)])
    assert reading.profile is not None and reading.profile.heading.run_in >= 0.25
    entries = {e.code.number: e for e in reading.entries}
    for number, title in (("2313", "Industrial Hygiene"), ("2613", "Environmental Economics")):
        assert entries[number].title == title and not entries[number].run_in
        assert "title_boundary" not in entries[number].cues


def test_a_scanned_title_that_ran_to_its_lines_end_is_confirmed_by_the_ink_below_it() -> None:
    """Northwestern is run-in, and a scan's run-in title ends where the ink steps down. A title
    that ran to its line's end steps down to the first word of the next line: ``Analysis of
    Social Data`` over body text ends there. The strokes are compared, not the weights, which
    are over each line's measured size: the line under ``Social Change around`` measured 0.77
    only for its boxes sized twice its type, and goes on with the title's ``the World``."""
    lines, y = [], 72.0
    for number, title, text in ((301, "The City", "Theories of the city and its people in"),
                                (302, "Sociology of Work", "Structure and process of modern"),
                                (303, "Analysis of Social Data", ""),
                                (305, "Population Dynamics", "Causes and consequences of its"),
                                (334, "Social Change around", "")):
        head = f"SOCIOL {number}-0 {title} {text}".strip()
        lines.append(_line(head, y, bold=2 + len(title.split()), weights=(1.8, 1.0)))
        below = _line("the World How and why protests begin and grow in the nations"
                      if number == 334 else "methods and findings of research on the matter",
                      y + 10, weights=(0.0, 0.77 if number == 334 else 1.0))
        # the line under 334's title: its boxes sized twice its type
        lines += [_sized(below, 20.0) if number == 334 else below,
                  _line("in the study of societies and of their changes.", y + 20)]
        y += 36
    reading = read_catalog([_page(lines)])
    assert reading.profile is not None and reading.profile.heading.run_in >= 0.25
    entries = {e.code.number: e for e in reading.entries}
    assert entries["303-0"].title == "Analysis of Social Data" and not entries["303-0"].run_in
    assert "title_boundary" not in entries["303-0"].cues
    assert "title_boundary" in entries["334-0"].cues


def test_noise_is_not_vouched_for() -> None:
    page = _catalog(["101", "205", "230"], heading_conf={"Physical": 0.1})
    entry = read_catalog([page]).entries[1]
    value, _ = score(entry, vouched=frozenset({"physical"}), code_in_order=True)
    assert value < 0.1


def test_a_description_word_read_alike_again_and_again_is_vouched_for() -> None:
    """Every entry's short description holds a label OCR reads unsurely, letter for letter
    the same (``Prereq:`` at 0.6): the catalog prints it, and the records need no person for
    it. One entry's reading a letter off it (``Prereg:``) is a misread repeated, doubted."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        label = "Prereg:" if n == 5 else "Prereq:"
        lines += [_line(f"CHEM 1{n}0 {title} (3)", y, bold=4),
                  _line(f"Lectures. {label} CHEM 100 or consent.", y + 12, conf={label: 0.6})]
        y += 36
    page = _page(lines)
    entries = read_catalog([page]).entries
    repeated = repeated_readings([page])
    assert "Prereq:" in repeated and "Prereg:" not in repeated
    vouched = sure_words([page])
    alone = [score(e, vouched=vouched, code_in_order=True)[0] for e in entries]
    alike = [score(e, vouched=vouched, code_in_order=True, repeated=repeated)[0] for e in entries]
    assert all(value < 0.9 for value in alone)
    assert all(value >= 0.9 for value in alike[:5]) and alike[5] < 0.9


@pytest.mark.parametrize(
    ("title", "after", "confirmed"),
    [
        ("Global Capitalism", "Sociological aspects of the rise", True),
        ("Global", "Capitalism Sociological aspects", False),  # a word early
        ("Global Capitalism Sociological", "aspects of the rise", False),  # a word late
        ("Modern European", "History and Culture since 1800", False),  # "and": a title word
        ("Youth and Society", "How modern definitions", True),
        ("Youth and Society", "Introduc-", False),  # nothing after it to tell
        ("Study of", "Water quality in rivers", False),  # the title cannot end on "of"
    ],
)
def test_capitals_confirm_a_run_in_titles_end(title: str, after: str, confirmed: bool) -> None:
    assert case_confirms_boundary(title, after) is confirmed


def test_credits_after_a_doubled_stop_are_whole_numbers() -> None:
    _, found = split_credits("CRWR 635. MFA Poetry Workshop..6 Credits.")
    assert found is not None and (found.low, found.text) == (6, "6 Credits")
    assert split_credits("Workshop .5 credit")[1].low == 0.5  # type: ignore[union-attr]


def _page(lines: list[Line]) -> PageText:
    block = Block(lines=tuple(lines), bbox=union_bbox([ln.bbox for ln in lines]), column=0,
                  role="body")
    return PageText(page=1, width=612, height=792, blocks=(block,), method="tesseract",
                    engine_version="t", styled=True)


def _headed(headings: list[str], *, plain: int = 0) -> tuple[list[Line], float]:
    """Each of ``headings`` measured bold but its last ``plain`` words, over two lines of body
    text; and where the next line goes."""
    lines, y = [], 72.0
    for text in headings:
        lines.append(_line(text, y, bold=len(text.split()) - plain))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    return lines, y


def _weighed_headings(headings: list[tuple[str, list[float]]]) -> list[Line]:
    """Heading lines with each word's measured weight given, each over two lines of body
    text measured at body weight."""
    lines, y = [], 72.0
    for text, weights in headings:
        heading = _line(text, y)
        lines += [replace(heading, words=tuple(replace(w, weight=v) for w, v in
                                               zip(heading.words, weights, strict=True))),
                  _line(BODY, y + 12, weights=(0.0, 1.0)), _line(BODY, y + 24, weights=(0.0, 1.0))]
        y += 48
    return lines


@pytest.mark.parametrize(("second_sign", "sure"), [("-", True), ("~", False)])
def test_a_scans_title_that_holds_its_own_sign(second_sign: str, sure: bool) -> None:
    """``D036 - Practicum - Focus on Practice - Practicum provides ...``: the title ends at the
    last sign the measured weight reaches; where that sign was misread, the end is doubted."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        sign = second_sign if n == 2 else "-"
        heading = f"D0{30 + n} - {title} - Focus on Practice {sign} Students practise daily"
        lines.append(_line(heading, y, bold=len(heading.split()) - 3))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    titles = [e.title for e in entries]
    expected = [f"{t} - Focus on Practice" for t in TITLES[:6]]
    assert titles[:2] + titles[3:] == expected[:2] + expected[3:]
    assert titles[2] == (expected[2] if sure else TITLES[2])
    assert ("title_boundary" not in entries[2].cues) is sure


def test_a_charts_bare_codes_are_no_entries() -> None:
    """A flow chart's boxes (``ENG 20`` -> ``ENG 21``) set in the headings' bold type: codes
    alone with no running text after them, whatever share of the codes they are."""
    lines, y = _headed([f"CHEM {101 + n} {title} (3)" for n, title in enumerate(TITLES[:6])],
                       plain=1)
    for n in range(4):  # the chart, boxes one under another
        lines.append(_line(f"CHEM {101 + n}", y, bold=2))
        y += 30
    entries = read_catalog([_page(lines)]).entries
    assert [e.code.code for e in entries] == [f"CHEM {101 + n}" for n in range(6)]


def test_a_short_heading_lines_rest_is_title_whatever_weight_was_measured() -> None:
    """A scan's heading whose title measured thin (``CHEM 102 - Physical Chemistry`` with
    only ``CHEM 102 -`` bold): nothing runs on from so short a line, so it is all title."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n} - {title}"
        lines.append(_line(heading, y, bold=3 if n == 1 else len(heading.split())))
        long = " ".join([BODY] * 2)
        lines += [_line(long, y + 12), _line(long, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]


@pytest.mark.parametrize(
    ("line", "kind"),
    [("CIS 471. introduction to Artificial Intelligence. 4 Credits.", "title"),
     ("CRWR 240: lntroduction to Fiction Writing", "title"),
     ("MATH 101 including Linear Algebra", "prose"),
     ("MATH 101 is required of all Majors", "prose"),
     ("CIS 471 introduces students to search", "prose")],
)
def test_an_i_read_as_i_or_l_still_opens_a_title(line: str, kind: str) -> None:
    code = match_code(line)
    assert code is not None and rest_kind(code) == kind


def test_a_scans_title_gets_its_capital_back() -> None:
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        shown = "introduction to " + title if n == 2 else title
        heading = f"CHEM {101 + n}. {shown}. 4 Credits:"
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert entries[2].title == "Introduction to " + TITLES[2]
    assert all(e.credits is not None and e.credits.low == 4 for e in entries)


def test_a_word_one_letter_off_a_surely_read_word_is_doubted() -> None:
    """``Adyanced`` read at 0.90: Tesseract nearly sure, yet one letter off ``advanced``,
    which the catalog reads surely elsewhere."""
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf={"Physical": 0.9})
    entry = read_catalog([page]).entries[1]
    near = score(entry, vouched=frozenset({"physics", "physicat"}), code_in_order=True)[0]
    clear = score(entry, vouched=frozenset({"physics"}), code_in_order=True)[0]
    assert near < 0.6 and clear > 0.9


@pytest.mark.parametrize(("read", "known"), [("Emotiorial", "emotional"),
                                             ("Intemship", "internship"), ("Dinical", "clinical")])
def test_a_word_a_look_alike_group_off_a_surely_read_word_is_doubted(read: str,
                                                                     known: str) -> None:
    """``Social-Emotiorial`` read at 0.92 in a worn 150 dpi copy of WGU's D020 title: ``ri``
    for the ``n`` of ``Emotional``, which the catalog reads surely elsewhere (and ``m`` for
    ``rn``, ``d`` for ``cl``, each the other way round too)."""
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf={"Physical": 0.92})
    page = replace(page, blocks=tuple(
        replace(block, lines=tuple(
            replace(line, words=tuple(replace(w, text=read) if w.text == "Physical" else w
                                      for w in line.words))
            for line in block.lines))
        for block in page.blocks))
    entry = read_catalog([page]).entries[1]
    near = score(entry, vouched=frozenset({"chemistry", known}), code_in_order=True)[0]
    clear = score(entry, vouched=frozenset({"chemistry"}), code_in_order=True)[0]
    assert near < 0.6 and clear > 0.9


def test_text_run_in_after_a_title_weighs_as_description_not_heading() -> None:
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n}. {title}. Lectures and spectroscopy each week"
        lines.append(_line(heading, y, bold=len(title.split()) + 2,
                           conf={"spectroscopy": 0.4}))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    entry = entries[2]
    assert entry.title == TITLES[2] and entry.run_in.startswith("Lectures")
    assert "spectroscopy" not in [w.text for w in entry.heading_words()]
    assert "spectroscopy" in [w.text for w in entry.body_words()]
    assert score(entry, code_in_order=True)[1]["ocr"] >= 0.9


def test_a_code_number_glued_to_the_title_is_vouched_for_in_parts() -> None:
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf={"205": 0.5})
    entry = read_catalog([page]).entries[1]
    glued = [Word(text="205—Physical", bbox=w.bbox, conf=0.5, size=10.0) if w.text == "205"
             else w for w in entry.heading[0].line.words]
    line = Line(words=tuple(glued), bbox=entry.heading[0].line.bbox)
    entry.heading[0] = replace(entry.heading[0], line=line)
    assert score(entry, vouched=frozenset({"physical"}), code_in_order=True)[0] >= 0.9
    assert score(entry, vouched=frozenset(), code_in_order=True)[0] < 0.5


def test_credits_of_a_usual_value_are_vouched_for() -> None:
    """``(3)`` read at 0.0 (Tesseract's way with a short parenthesis): three credits is what
    many of the catalog's entries print."""
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf={"(3)": 0.0})
    entries = read_catalog([page]).entries
    usual = usual_credits(entries)
    assert usual == {(3.0, 3.0)}
    assert score(entries[1], code_in_order=True)[0] < 0.5
    assert score(entries[1], code_in_order=True, usual=usual)[0] >= 0.9
    assert score(entries[1], code_in_order=True, usual={(4.0, 4.0)})[0] < 0.5


def test_a_run_in_sign_holds_where_the_weight_ran_to_the_lines_end() -> None:
    """``D036 - Title - Description``: a clean scan measures some descriptions bold to the
    line's end; the catalog's sign still ends every title, and ``Game Design!`` is doubted."""
    lines, y = [], 72.0
    for n, title in enumerate([*TITLES[:5], "Game Design!"]):
        heading = f"D0{30 + n} - {title} - Students practise the methods of {title.lower()}"
        words = len(heading.split())
        lines.append(_line(heading, y, bold=words if n % 2 else len(title.split()) + 3))
        long = " ".join([BODY] * 2)
        lines += [_line(long, y + 12), _line(long, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [*TITLES[:5], "Game Design!"]
    assert "title_glyph" in entries[5].cues and "title_glyph" not in entries[4].cues


def test_a_code_in_order_is_sure_however_unsure_its_reading() -> None:
    page = _catalog(["101", "205", "230", "240", "250"], heading_conf={"205": 0.0})
    entry = read_catalog([page]).entries[1]
    assert score(entry)[0] < 0.1
    assert score(entry, code_in_order=True)[0] >= 0.9


def test_a_field_beside_the_code_weighs_as_description_not_heading() -> None:
    """``MARK 323 (3) Course ID:004952`` with the title below: the field's doubtful reading
    is no doubt about the code, title or credits."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"CHEM {101 + n} (3) Course ID:00{4950 + n}", y, bold=5,
                           conf={f"ID:00{4950 + n}": 0.5}))
        lines.append(_line(title, y + 12, bold=len(title.split())))
        lines += [_line(BODY, y + 24), _line(BODY, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    entry = entries[2]
    assert entry.title == TITLES[2] and entry.attributes["Course ID"] == "004952"
    assert "ID:004952" not in [w.text for w in entry.heading_words()]
    assert "ID:004952" in [w.text for w in entry.body_words()]
    assert score(entry, code_in_order=True)[1]["ocr"] >= 0.9


@pytest.mark.parametrize(("weights", "confirmed"), [((1.6, 1.0), True), ((1.5, 1.12), False),
                                                   ((1.7, 1.3), False), ((0.0, 0.0), False)])
def test_a_clear_step_in_the_ink_confirms_a_run_in_titles_end(
        weights: tuple[float, float], confirmed: bool) -> None:
    """``Institutions and Society | Institutions in a``: the capitals cannot tell, the ink can
    where the title's strokes are clearly heavier than the text run in after it."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n} {title} Chemistry in a changing world"
        lines.append(_line(heading, y, bold=len(title.split()) + 2, weights=weights))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert all(("title_boundary" not in e.cues) is confirmed for e in entries)


def test_a_scans_bullets_that_come_and_go_are_no_deviation() -> None:
    """Every heading of the page printed a bullet; the scan read some as ``+`` or ``«`` and
    lost the others."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        bullet = ("+ ", "« ", "", "", "+ ", "")[n]
        heading = f"{bullet}CHEM {101 + n} - {title}"
        lines.append(_line(heading, y, bold=len(heading.split())))
        long = " ".join([BODY] * 2)
        lines += [_line(long, y + 12), _line(long, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.code.code for e in entries] == [f"CHEM {101 + n}" for n in range(6)]
    assert not any("bullet" in e.cues for e in entries)


def test_a_scans_code_that_lost_its_space_is_still_a_heading() -> None:
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        code = f"CHEM{101 + n}" if n == 3 else f"CHEM {101 + n}"
        heading = f"{code} {title}"
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.code.code for e in entries] == [f"CHEM {101 + n}" for n in range(6)]
    assert entries[3].title == TITLES[3] and "unexplained" not in entries[3].cues


def test_a_sign_after_a_title_is_a_designator_and_a_label_is_no_title() -> None:
    """``Epidemiology @`` (a scan's ◆) and a table's ``Credits`` header read as a title."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        shown = {2: f"{title} @", 4: "Credits"}.get(n, title)
        heading = f"CHEM {101 + n} {shown}"
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert entries[2].title == TITLES[2] and entries[2].attributes["designators"] == "@"
    assert entries[4].cues.get("title_missing") == 0.3
    assert "title_missing" not in entries[3].cues


def test_a_scans_title_goes_on_to_close_its_parenthesis() -> None:
    """``ENG 4991 Individual Study (Subject named in`` / ``title listing) 1 to 4 hours--...``:
    the measured weight stopped, the parenthesis did not."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n} {title} (Subject named in"
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines.append(_line("title listing) Lectures and laboratory work each week", y + 12))
        lines += [_line(BODY, y + 24), _line(BODY, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{t} (Subject named in title listing)"
                                          for t in TITLES[:6]]
    assert entries[0].description.startswith("Lectures and laboratory")


def test_credits_glued_to_a_misread_weigh_in_the_heading() -> None:
    """``%-6 credits`` (a scan's ``½-6``) closing the paragraph: the ½ is given back, and the
    figure's word, read unsurely, counts in the record's confidence, not only ``credits``."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"CHEM {101 + n} - {title}", y, bold=len(title.split()) + 3))
        lines.append(_line(BODY, y + 12))
        ending = "(Offered as needed.) %-6 credits" if n == 2 else "(Offered as needed.) 3 credits"
        lines.append(_line(ending, y + 24, conf={"%-6": 0.3}))
        y += 48
    entry = read_catalog([_page(lines)]).entries[2]
    assert entry.credits is not None and entry.credits.text == "½-6 credits"
    assert "½-6" in [w.text for w in entry.heading_words()]
    assert score(entry, code_in_order=True)[0] < 0.5


def test_a_scans_wrapped_bold_title_goes_on_though_its_lines_measure_other_sizes() -> None:
    """OCR measures a size from each line's ink height: ``Data`` / ``Collection Practicum in
    ...`` came out 7.6 and 8.5 pt. Where weight sets the heading apart, the next line's heavy
    words still go on with the title."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = _line(f"CHEM {101 + n} {title} and Methods of", y, bold=7, weights=(1.6, 1.0))
        wrapped = _line("Data Collection Practicum in firsthand data collection", y + 12,
                        bold=2, weights=(1.6, 1.0))
        wrapped = replace(wrapped, words=tuple(replace(w, size=11.2) for w in wrapped.words))
        lines += [heading, wrapped, _line(BODY, y + 24), _line(BODY, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{t} and Methods of Data Collection"
                                          for t in TITLES[:6]]


@pytest.mark.parametrize(("printed", "read"), [
    # salt noise by a bold title read as a stop glued to a word; an initial's stop is printed
    ("Independent. Study", "Independent Study"), ("The.Obama Years", "The Obama Years"),
    ("Programming .& Computation", "Programming & Computation"),
    ("U.S. Literature", "U.S. Literature"), ("Nursing I W.Practicum", "Nursing I W.Practicum"),
    # a closing quote nothing opened is a speck too; a plural's apostrophe is printed
    ("Contemporary German Culture’", "Contemporary German Culture"),
    ("The ‘Boom’", "The ‘Boom’"), ("Writers' and Readers'", "Writers' and Readers'"),
])
def test_a_speck_read_as_a_stop_or_a_quote_at_a_scanned_title_is_dropped(printed: str,
                                                                           read: str) -> None:
    lines, y = [], 72.0
    for n, title in enumerate([*TITLES[:5], printed]):
        heading = f"CHEM {101 + n} {title} (3)"
        lines.append(_line(heading, y, bold=len(heading.split()) - 1, weights=(1.6, 1.0)))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [*TITLES[:5], read]


def test_where_a_catalogs_titles_end_with_a_stop_one_inside_a_title_is_kept() -> None:
    """``ENG 134 Public Speaking. Basic public speaking is ...`` measured bold to the line's
    end: the stop is the catalog's title end, evidence a person must see, not a speck."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        run_on = "Basic chemistry is the focus." if n == 5 else ""
        heading = f"CHEM {101 + n} {title}. {run_on}".strip()
        bold = len(heading.split()) if n == 5 else len(title.split()) + 2
        lines.append(_line(f"{heading} Lectures and laboratory work on chemistry", y, bold=bold,
                           weights=(1.6, 1.0)))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert "." in entries[5].title or entries[5].title == TITLES[5]


def test_a_wrapped_title_word_measured_light_for_its_descender_goes_on() -> None:
    """``PTH 6101 Medical Screening and Nutrition for`` / ``Therapists``: OCR sizes a line by
    its words' ink height, and the one word's descender made it a quarter taller, so its
    strokes, over that size, measured 1.29 against the heading's 1.6. Counted by what its
    letters reach, it is the heading's type and weight; a line that measures body weight is
    the description's."""
    title = "Medical Screening and Nutrition for"
    full = _line(f"CHEM 101 {title}", 0, bold=7).bbox[2]
    body = " ".join(["word"] * round((full + 12 - 72 + 4) / 24))  # 12 pt to spare
    tall = 8 * 0.945 / 0.765  # the ink of a word with capitals and a descender
    lines, y = [], 72.0
    for n in range(6):
        wrapped = _line("Therapists", y + 12, weights=(0.0, 0.95 if n == 5 else 1.29))
        wrapped = replace(wrapped, words=tuple(
            replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + tall), size=13.0)
            for w in wrapped.words))
        lines += [_line(f"CHEM {101 + n} {title}", y, bold=7, weights=(1.6, 1.0)), wrapped,
                  _line(body, y + 24), _line(body, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{title} Therapists"] * 5 + [title]
    assert entries[5].description.startswith("Therapists")


def test_a_heading_line_heavy_from_its_code_to_its_end_is_all_heading() -> None:
    """``CIVE/POLS-5150 Climate and Atmospheric Change (4)``: the code measured 1.39, its
    title 1.23-1.35, the credits body weight. No body text on the line steps it down: the
    title is the heading's, the credits and the lines below are not."""
    lines = _weighed_headings([
        (f"CHEM {101 + n} {title} (4)",
         [1.39, 1.41, *[1.23 + 0.04 * (k % 3) for k in range(len(title.split()))], 1.0])
        for n, title in enumerate(TITLES[:6])])
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert [e.credits.low if e.credits else None for e in entries] == [4] * 6
    assert all(e.description.startswith("Laboratory") for e in entries)


def test_a_wrapped_title_may_hold_a_colon_a_known_label_still_ends_it() -> None:
    """``MG-270 Principles and Practices of Health Care`` / ``Management: External View
    Credits: 3.00``: the second line opens in the heading's type with a word too wide for the
    room the first left, and ``Management`` is no label the catalog's fields use; a title line
    with room to spare ends before ``Components:``, and ``Prerequisite(s):`` in bold is a
    label."""
    fields = ("Management", "Leadership", "Operations", "Finance", "Strategy")
    title = "Principles and Practices of Health Care"
    full = _line(f"CHEM 101 {title}", 0, bold=7).bbox[2]
    body = " ".join(["word"] * round((full + 12 - 72 + 4) / 24))  # 12 pt to spare
    lines, y = [], 72.0
    for n in range(6):
        if n < 5:
            heading = f"CHEM {101 + n} {title}"
            second = _line(f"{fields[n]}: External View Credits: 3.00", y + 12, bold=3,
                           weights=(1.6, 1.0))
        else:  # a short title, then a field in the heading's type
            heading = "CHEM 106 Health Care"
            second = _line("Components: Lecture", y + 12, bold=1, weights=(1.6, 1.0))
        lines += [_line(heading, y, bold=len(heading.split()), weights=(1.6, 1.0)), second,
                  _line(body, y + 24), _line(body, y + 36), _line(body, y + 48),
                  _line("Prerequisite(s): CHEM 100", y + 60, bold=1, weights=(1.6, 1.0))]
        y += 84
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{title} {f}: External View" for f in fields] + [
        "Health Care"]
    assert [e.credits.low if e.credits else None for e in entries[:5]] == [3] * 5
    assert all(e.prerequisites == "CHEM 100" for e in entries)


def test_credits_labelled_at_the_end_of_a_prerequisite_line_are_the_entrys() -> None:
    """``Prerequisite: a 200-level course in American government. Credits: 4``, then the
    instructors' lines: the label's value ends before the credits."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"CHEM {101 + n} {title}", y, bold=len(title.split()) + 2,
                           weights=(1.6, 1.0)))
        long = " ".join([BODY] * 2)
        lines += [_line(long, y + 12), _line(long, y + 24),
                  _line("Prerequisite: a 200-level course in chemistry. Credits: 4", y + 36),
                  _line("Members of the department", y + 48)]
        y += 72
    entries = read_catalog([_page(lines)]).entries
    assert [(e.credits.low if e.credits else None) for e in entries] == [4] * 6
    assert all(e.prerequisites == "a 200-level course in chemistry" for e in entries)


def test_a_code_alone_over_its_title_is_a_heading_where_the_catalog_sets_them_so() -> None:
    """DePauw scanned: ``HIST 399`` alone on its line, ``Internship in Public History`` below,
    nothing bold. The code alone over a title, as every heading of the catalog is set, is the
    evidence a scan's missing type cannot give."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES):
        lines += [_line(f"HIST {301 + n}", y), _line(title, y + 20),
                  _line(" ".join([BODY] * 2), y + 40), _line(" ".join([BODY] * 2), y + 52)]
        y += 84
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries] == [f"HIST {301 + n}" for n in range(7)]
    assert [e.title for e in reading.entries] == TITLES
    assert not any("unexplained" in e.cues for e in reading.entries)


def test_credits_set_light_after_a_bold_title_are_the_headings_not_its_text() -> None:
    """``JRNL-4991 Research 400(4) Offers an opportunity...``: contact hours and credits,
    printed bold, measured at 1.24 after a title at 1.46, so the line steps down before them.
    They open the run-in text, but are the heading's credits, not the description's start."""
    lines = _weighed_headings([
        (f"CHEM-{101 + n} {title} 400(4) Offers lectures on chemistry",
         [1.55, *[1.46] * len(title.split()), 1.24, 1.0, 1.0, 1.0, 1.0])
        for n, title in enumerate(TITLES[:6])])
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert [(e.credits.low, e.credits.high) if e.credits else None
            for e in entries] == [(4, 4)] * 6
    assert all(e.description.startswith("Offers lectures") for e in entries)


def test_a_heading_set_apart_by_measured_size_alone_wraps_only_from_a_full_line() -> None:
    """A scan that measured no bold, only a larger size, on its headings (descenders and a
    semicolon raise a line's median ink height): the line below, measured as large for its
    parentheses, is no more of the title where the title's line ended with room to spare."""
    def sized(line: Line, size: float) -> Line:
        return replace(line, words=tuple(replace(w, size=size) for w in line.words))

    long = " ".join([BODY] * 2)
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines += [sized(_line(f"CHEM {101 + n} {title}; Topics", y), 12.8),
                  sized(_line("(Perm req) Grading Method: Regular,", y + 14), 12.6),
                  _line(long, y + 28), _line(long, y + 40)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{t}; Topics" for t in TITLES[:6]]


@pytest.mark.parametrize("scanned", [True, False])
def test_a_scanned_entry_without_credits_is_doubted_where_a_third_print_them(
        scanned: bool) -> None:
    """A rough copy of a catalog that prints credits for every course read them on a third of
    its entries: OCR lost the rest, so an entry without is doubted on a scan. A text layer
    that prints them for a third of its entries means it: no doubt there."""
    lines, y = [], 72.0
    for i, (number, title) in enumerate(zip(["101", "205", "230", "240", "250", "310", "320"],
                                            TITLES, strict=True)):
        heading = f"CHEM {number} {title}" + (" (3)" if i % 3 == 0 else "")
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    if not scanned:
        lines = [Line(words=tuple(replace(w, font="Helvetica-Bold" if w.bold else "Helvetica",
                                          conf=1.0) for w in ln.words), bbox=ln.bbox)
                 for ln in lines]
    block = Block(lines=tuple(lines), bbox=union_bbox([ln.bbox for ln in lines]), column=0,
                  role="body")
    page = PageText(page=1, width=612, height=792, blocks=(block,),
                    method="tesseract" if scanned else "text_layer", engine_version="t",
                    styled=True)
    entries = read_catalog([page]).entries
    assert [e.credits is not None for e in entries] == [i % 3 == 0 for i in range(7)]
    missing = [e.cues.get("credits_missing") for e in entries if e.credits is None]
    assert missing == [0.7] * 4 if scanned else missing == [None] * 4


def test_a_body_line_opening_with_credits_is_no_wrapped_title_though_its_figure_reads_bold(
        ) -> None:
    """East Central: ``GER 4981-4 Seminar in German (Subject named in title listing)``, then
    ``1 to 4 hours--Prereq.: Departmental approval. Directed ...`` whose ``1`` a scan measured
    bold: the credits open the body; the title ends with the heading's line."""
    lines, y = [], 72.0
    for number, title in zip(["1213", "2113", "3113", "4113", "4981"], TITLES, strict=False):
        heading = f"GER {number} {title} (Subject named in title listing)"
        lines.append(_line(heading, y, bold=len(heading.split()), weights=(1.6, 1.0)))
        lines.append(_line("1 to 4 hours--Prereq.: Departmental approval. Directed study", y + 12,
                           bold=1, weights=(1.4, 1.0)))
        lines.append(_line(BODY, y + 24))
        y += 48
    block = Block(lines=tuple(lines), bbox=union_bbox([ln.bbox for ln in lines]), column=0,
                  role="body")
    page = PageText(page=1, width=612, height=792, blocks=(block,), method="tesseract",
                    engine_version="t", styled=True)
    entries = read_catalog([page]).entries
    assert [(e.title, e.credits and (e.credits.low, e.credits.high)) for e in entries] == [
        (f"{t} (Subject named in title listing)", (1, 4)) for t in TITLES[:5]]


def test_a_few_headings_measured_bold_on_their_code_alone_keep_their_whole_line() -> None:
    """Maryland's scan measured two headings of ten bold on their code alone (``ENME489G``
    bold, ``Special Topics in ...`` at 1.2): run-ins that few are the scan's noise, not the
    catalog's style, so each heading line's rest is its title."""
    topics = ["Mechatronics and the Internet of Things", "Medical Robotics",
              "Design for Sustainability", "Dynamics of Atmospheric Flight",
              "Manufacturing Processes and Design", "Thermal System Design",
              "Fiber Optics", "Mechanical Contracting", "Vehicle Dynamics", "Combustion"]
    body = "Selected topics of current importance in mechanical engineering for seniors"
    lines, y = [], 72.0
    for n, topic in enumerate(topics):
        heading = f"ENME {481 + n} Special Topics in Mechanical Engineering; {topic}"
        lines.append(_line(heading, y, bold=2 if n in (4, 5) else len(heading.split()),
                           weights=(1.6, 1.2)))
        lines += [_line(body, y + 12), _line(body, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [
        f"Special Topics in Mechanical Engineering; {t}" for t in topics]


def test_headings_measured_bold_outweigh_more_plain_table_rows() -> None:
    """Oregon's scanned pages hold as many plain requirement-table rows that read like an
    entry (a code, a title, prose after) as bold headings, but among hundreds of plain rows:
    the group most of whose members read like entries is the catalog's headings."""
    lines, y = [], 60.0
    for n, title in enumerate(TITLES[:5]):
        heading = f"CHEM {301 + n} {title} (4)"
        lines.append(_line(heading, y, bold=len(heading.split()), weights=(1.7, 1.0)))
        lines += [_line(BODY, y + 10), _line(BODY, y + 20)]
        y += 34
    rows = ["GEOL 101 Exploring Planet Earth 4", "PHYS 201 General Physics 4",
            "MATH 251 Calculus I 4"]
    for n in range(30):
        lines.append(_line(rows[n % 3], y, weights=(0.0, 1.0)))
        y += 10
        if n % 4 == 3:
            lines.append(_line("Students who choose this path take these courses in their "
                               "second year", y, weights=(0.0, 1.0)))
            y += 10
    reading = read_catalog([_page(lines)])
    assert reading.profile is not None and reading.profile.heading.style.bold
    assert [e.code.raw for e in reading.entries] == [f"CHEM {301 + n}" for n in range(5)]


def test_credits_alone_on_the_line_after_a_heading_are_its_own_wrapped() -> None:
    """Oregon: ``ANTH 611. Ethnographic Research: Epistemology, Methods, Ethics.`` then
    ``4 Credits.`` alone: the heading's credits wrapped, as its other headings print them."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {301 + n}. {title}." + (" 4 Credits." if n % 2 else "")
        lines.append(_line(heading, y, bold=len(heading.split()), weights=(1.6, 1.0)))
        if not n % 2:
            lines.append(_line("4 Credits.", y + 10, bold=2, weights=(1.6, 1.0)))
        lines += [_line(BODY, y + 20), _line(BODY, y + 30)]
        y += 44
    entries = read_catalog([_page(lines)]).entries
    assert [(e.title, e.credits and e.credits.low, e.credits_position) for e in entries] == [
        (t, 4, "heading") for t in TITLES[:6]]


def _weighed_entries(headings: list[str], *, plain: int) -> list[ParsedEntry]:
    """The entries of a scanned page of ``headings``, each measured heavy but its last
    ``plain`` words and over a line of body text."""
    lines, y = [], 72.0
    for text in headings:
        lines += [_line(text, y, bold=len(text.split()) - plain, weights=(1.6, 1.0)),
                  _line(BODY, y + 12, weights=(0.0, 1.0))]
        y += 36
    return read_catalog([_page(lines)]).entries


def test_a_figure_ending_the_title_of_a_several_part_entry_opens_the_first_parts_text() -> None:
    """``STAT 301-1,2,3 Data Science 1. Methods addressed ...``: the scan measures the part's
    figure as bold as the title; it opens the text of part 1, and the title is the course's."""
    titles = ["Data Science", "Survey Sampling", "Causal Inference", "Regression Analysis",
              "Time Series", "Statistical Theory"]
    headings = [f"STAT 3{n}0-1,2,3 {title} 1. Methods addressed include" if n in (0, 5)
                else f"STAT 3{n}0-0 {title} Methods addressed include"
                for n, title in enumerate(titles)]
    entries = _weighed_entries(headings, plain=3)
    assert [e.title for e in entries] == titles
    assert entries[0].description.startswith("1. Methods addressed include")


def test_a_hyphen_ending_a_scanned_title_word_before_a_capital_is_doubted() -> None:
    """``Firefighter- Life Safety``: a speck read as a hyphen, or a compound OCR cut apart;
    the record waits for a person. A suspended hyphen (``Pre- and Post-Colonial``) does not."""
    titles = ["Firefighter- Life Safety", "Pre- and Post-Colonial Fiction", "Fire Behavior",
              "Wildland Firefighting", "Incident Command", "Hazardous Materials"]
    entries = _weighed_entries([f"FIRE 1{n}0 {title} (3)" for n, title in enumerate(titles)],
                               plain=1)
    assert [e.title for e in entries] == titles
    assert [e.cues.get("title_sign") for e in entries] == [0.8, *[None] * 5]


def test_short_entries_in_a_row_on_a_worn_copy_are_no_list() -> None:
    """A worn copy whose weight shows no heading: three entries of a line and a half each, one
    under another, their headings running on into their text across the column. Each is a
    code-led line near the others, as a list's rows are, but none is a row."""
    run_in = "This course explores the nature of the arts and of"
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"ENGL {201 + n} {title.split()[0]} {run_in}", y))
        body = [BODY] * (3 if n < 3 else 1)
        lines += [_line(text, y + 12 * (k + 1)) for k, text in enumerate(body)]
        y += 12 * (len(body) + 1) + 14
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries] == [f"ENGL {201 + n}" for n in range(6)]
    assert not reading.explained
    # a list's rows do not run on across the column: they stay rows
    rows = [_line(f"ENGL {301 + n} {title}", 500.0 + 12 * n) for n, title in enumerate(TITLES[:3])]
    listed = read_catalog([_page([*lines, *rows])])
    assert {e.reason for e in listed.explained} == {"requirement_row"}


@pytest.mark.parametrize(("heading", "below", "credits"), [
    ("CHEM {n}. {title}. 4 Credits.", BODY, "4 Credits"),
    ("CHEM {n} {title} (1)",
     "See note under CHEM 101. Prerequisite: CHEM 100 and two further courses (GE)", "1")])
def test_credits_printed_on_in_a_heading_line_end_its_title(heading: str, below: str,
                                                            credits: str) -> None:
    """A toner-spread copy measures words of the description's first line bold: the title
    does not wrap onto it past the credits printed at the heading line's end, where the title
    ends with its stop, or on a line well short of its column (Pepperdine's ``GSHU 114 Great
    Books Collegium (1)`` on a 150 dpi copy, ``See`` of the note below measured bold)."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        text = heading.format(n=101 + n, title=title)
        lines.append(_line(text, y, bold=len(text.split())))
        lines += [_line(below, y + 12, bold=2 if n == 2 else 0), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert [e.credits.text if e.credits else None for e in entries] == [credits] * 6
    assert entries[2].description.startswith(below.split()[0])


def test_designators_or_the_credits_rest_below_a_headings_credits_are_the_headings() -> None:
    """Set in the heading's type below credits printed on at its line's end: designators
    (CNU's ``AIWT`` below ``(3-3-0)``) and the rest of the credits (Bethel's ``(3`` /
    ``hours)``) are the heading's."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n} {title} " + ("(3-3-0)" if n == 1 else "(3")
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines += [_line("AIWT" if n == 1 else "hours)", y + 12, bold=1),
                  _line(BODY, y + 24), _line(BODY, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert [e.credits.text if e.credits else None for e in entries] == [
        "3 hours", "3-3-0", "3 hours", "3 hours", "3 hours", "3 hours"]
    assert entries[1].attributes.get("designators") == "AIWT"


@pytest.mark.parametrize(("title", "complete"), [
    ("Literature in Spain since", False), ("Literature in Spain since 1700", True),
    ("Readings from", False), ("Studies in", False), ("Topics in Theatre", True)])
def test_a_title_ending_on_a_preposition_is_incomplete(title: str, complete: bool) -> None:
    assert title_complete(title) is complete


def test_a_heading_a_speck_makes_tall_starts_a_paragraph() -> None:
    """Chapman's headings carry a bullet (``+ EENG 300 - Title``) and its entries end on their
    credits (``... (Offered every year.) 3 credits``). On a worn 150 dpi copy one heading was
    measured light, its bullet and a speck below it read as one mark (``.``) twice as tall as
    the line: the white above it, measured against that height, looked too little to start a
    paragraph, and the heading went as a row. Measured against the smaller of the two lines'
    heights, it starts one: an entry, as the others are."""
    ending = "with Pass option. (Offered every year.) 3 credits"
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        light = n == 3
        heading = _line(f"+ EENG {200 + 10 * n} - {title}", y, bold=0 if light else 6,
                        weights=(1.6, 1.0))
        if light:  # the bullet and a speck below it read as one mark, the box twice as tall
            x0, y0, x1, _ = heading.words[0].bbox
            speck = Word(text=".", bbox=(x0, y0, x1, y + 17), size=10.0, conf=0.59, weight=1.0)
            heading = Line(words=(speck, *heading.words[1:]),
                           bbox=union_bbox([speck.bbox, heading.bbox]))
        lines += [heading, _line(BODY, y + 12, weights=(0.0, 1.0)),
                  _line(ending, y + 24, weights=(0.0, 1.0))]
        y += 37  # 5 points of white between entries
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries] == [f"EENG {200 + 10 * n}" for n in range(6)]
    assert not reading.explained


def test_a_scans_title_ends_before_its_text_names_the_course_again() -> None:
    """WGU's ``D037 - Practicum in Educational Leadership - Focus on Instruction and
    Operations - Practicum in Educational Leadership - Focus on Instruction provides ...``:
    its text opens by naming the course. On a 150 dpi copy the measured weight ran on over
    that name to its sign; the title still ends where its own opening words start again."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = (f"D0{30 + n} - {title} - Focus on Practice - {title} - Focus on Practice "
                   "provides daily practice")
        # the weight runs on through the name to the sign after it on one heading, ends at the
        # title's sign on the others
        bold = len(heading.split()) - (6 if n == 2 else 3 + len(title.split()) + 4)
        lines.append(_line(heading, y, bold=bold))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [f"{t} - Focus on Practice" for t in TITLES[:6]]
    assert entries[2].description.startswith(f"{TITLES[2]} - Focus on Practice provides")


def test_a_scans_value_that_is_a_usual_range_without_its_hyphen_is_doubted() -> None:
    """Oregon's ``CIS 602. Supervised College Teaching. 1-5 Credits.`` read ``15 Credits.`` at
    0.93 on a 150 dpi copy: a value the catalog never prints, and with a hyphen between its
    figures the range it prints most. ``4 Credits.`` is no such misread."""
    credits = ["1-5", "1-5", "15", "1-5", "4", "1-5"]
    lines, _ = _headed([f"CHEM {101 + n}. {title}. {printed} Credits." for n, (title, printed)
                        in enumerate(zip(TITLES[:6], credits, strict=True))])
    entries = read_catalog([_page(lines)]).entries
    assert [(e.credits.low, e.credits.high) for e in entries if e.credits] == [
        (1, 5), (1, 5), (15, 15), (1, 5), (4, 4), (1, 5)]
    usual = usual_credits(entries)
    scores = [score(e, usual=usual, code_in_order=True) for e in entries]
    assert [n for n, (_, factors) in enumerate(scores) if "credits_range_misread" in factors] == [2]
    assert scores[2][0] < 0.9 and scores[4][0] > 0.9


def test_a_wrapped_title_measured_light_once_does_not_make_its_rest_a_label() -> None:
    """DeSales' ``MG-270 Principles and Practices of Health Care`` / ``Management: External
    View Credits: 3.00``, and MG-271 the same with ``Internal View``: on a scan the first
    wrapped line measured light, and ``Management:``, opening lines after two headings, was
    learned as a label of the catalog's, which then cut the second title short. A bold line
    opening after a bold heading is no label's evidence: the second title wraps whole."""
    lines, y = _headed([f"CHEM {101 + n} {title} Credits: 3.00"
                        for n, title in enumerate(TITLES[:4])], plain=2)
    for n, view in enumerate(("External", "Internal")):
        heading = f"MG {270 + n} Principles and Practices of Health Care"
        lines.append(_line(heading, y, bold=len(heading.split())))
        lines.append(_line(f"Management: {view} View Credits: 3.00", y + 12, bold=3 * n))
        lines += [_line(BODY, y + 24), _line(BODY, y + 36)]
        y += 60
    entries = read_catalog([_page(lines)]).entries
    assert entries[-1].title == "Principles and Practices of Health Care Management: Internal View"
    assert entries[-1].credits is not None and entries[-1].credits.low == 3


def test_a_full_title_line_over_a_lone_word_that_text_follows_is_doubted() -> None:
    """Smith's GOV 413 on a 150 dpi copy: its title fills the heading line and wraps onto
    ``Research``, whose box, run into the line below, was too tall for its ink, so it
    measured light and went to the description. A heading line filling its block over a
    line of a word or two, more text after it, may have wrapped: it is doubted. Under a short
    heading line, or over a full line, it is not."""
    full, short = "Washington Seminar The Art and Craft of Science", "Washington Seminar"
    lines, y = [], 72.0
    for n, (title, below) in enumerate([(full, "Research"), (full, BODY), (short, "Research"),
                                        (full, BODY), (full, BODY), (short, BODY)]):
        heading = f"CHEM {101 + n} {title}"
        lines += [_line(heading, y, bold=len(heading.split())), _line(below, y + 12),
                  _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == [full, full, short, full, full, short]
    assert [e.cues.get("title_wrap") for e in entries] == [TITLE_WRAP_CUE, *[None] * 5]


def test_a_scanned_heading_whose_title_ends_in_a_number_is_no_charts_row() -> None:
    """``NUR 401 Integrative Seminar 4``, its bold measured light and its credits below it
    misread, heads a paragraph as the catalog's headings do: for review, not a chart's row
    ending in its credits column. A row with no running text after it stays a row."""
    lines, y = _headed([f"CHEM {101 + n} {title} (3)" for n, title in enumerate(TITLES[:5])])
    lines += [_line("CHEM 190 Integrative Seminar 4", y), _line("ter UL", y + 12),
              _line(BODY, y + 24), _line(BODY, y + 36)]
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries][-1] == "CHEM 190"
    assert not reading.explained
    rows = [_line(f"CHEM {290 + n} Integrative Seminar {n + 1}", y + 60 + 12 * n) for n in range(2)]
    charted = read_catalog([_page([*lines[:-4], *rows])])
    assert [e.reason for e in charted.explained] == ["requirement_row"] * 2


@pytest.mark.parametrize(("title", "run_in", "reach", "cut"), [
    # toner-spread weight stepped down a word or two late, or early
    ("Population Dynamics Social", "causes and consequences", 2,
     ("Population Dynamics", "Social causes and consequences")),
    ("Elementary Spanish For students", "with no Spanish", 2,
     ("Elementary Spanish", "For students with no Spanish")),
    ("American Realisms: U.S.", "Literature 1865-1914 This course examines", 2,
     ("American Realisms: U.S. Literature 1865-1914", "This course examines")),
    # never stepped down: anywhere in the title
    ("Reading the World: Beyond Realism An introductory study of works", "", None,
     ("Reading the World: Beyond Realism", "An introductory study of works")),
    # no cut the capitals confirm: as read
    ("Literature in Latin America before", "1888 Readings in", 2,
     ("Literature in Latin America before", "1888 Readings in")),
    ("Advanced Topics in Design: Costume as Form/Form", "as Costume Costume study", 2,
     ("Advanced Topics in Design: Costume as Form/Form", "as Costume Costume study")),
    ("Sociology of Science", "", None, ("Sociology of Science", "")),
    ("Global Capitalism Sociological aspects of the", "world economy", 0,
     ("Global Capitalism Sociological aspects of the", "world economy")),
])
def test_a_scans_run_in_title_ends_where_its_capitals_show_near_where_its_weight_did(
    title: str, run_in: str, reach: int | None, cut: tuple[str, str]
) -> None:
    assert case_cut_near(title, run_in, reach=reach) == cut


def test_a_run_in_title_measured_a_word_long_ends_where_its_capitals_show_still_doubted() -> None:
    """Toner spread: the weight of ``Organic Chemistry | Social aspects of`` stepped down a
    word late, after ``Social``; the capitals show the title's end a word earlier. The title is
    cut there, and still waits for a person: the weight did not confirm it."""
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        heading = f"CHEM {101 + n} {title} Social aspects of modern chemistry"
        lines.append(_line(heading, y, bold=len(title.split()) + 3, weights=(1.5, 1.12)))
        lines += [_line(BODY, y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert [e.run_in.split()[:2] for e in entries] == [["Social", "aspects"]] * 6
    assert all("title_boundary" in e.cues for e in entries)


def test_a_heading_under_an_entry_of_one_line_run_across_the_column_is_no_list_row() -> None:
    """At 150 dpi Kalamazoo's ``ENGL 310 Constructing Blackness In this course...`` came right
    under ``ENGL 285 Writing Pedagogy This course will introduce...``, an entry of one line
    run on across the column: two code-led lines together, as a list's rows are; but a row
    is no line of prose."""
    text = "This course will introduce students to the fundamentals of writing and of its"
    lines, y = _headed([f"CHEM {101 + n} {title} (3)" for n, title in enumerate(TITLES[:4])])
    lines += [_line(f"CHEM 285 Writing Pedagogy {text}", y),
              _line(f"CHEM 310 Constructing Blackness {text}", y + 14),
              _line(BODY, y + 26), _line(BODY, y + 38)]
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries][-2:] == ["CHEM 285", "CHEM 310"]
    assert not reading.explained


def test_an_entry_starts_where_its_white_is_more_than_its_blocks_leading() -> None:
    """Kalamazoo under the bulletin preset: no entry ends with a stop (``...and Sophomore
    Standing``), its lines measure overlapping (-1 pt) and an entry's first line stands 1.5 pt
    below the one before: too little white against the line's height to start a paragraph,
    clearly more than the block's leading."""
    text = "Laboratory work and lectures on chemistry for the majors"
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"CHEM {101 + n} {title} {text}"[:len(text) + 10], y))
        lines += [_line(text, y + 7), _line(text.replace("majors", "minors"), y + 14)]
        y += 21 + 2.5
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries] == [f"CHEM {101 + n}" for n in range(6)]
    assert not reading.explained


def test_a_heading_line_run_on_with_no_type_to_tell_ends_its_title_where_capitals_show() -> None:
    """Kalamazoo under the bulletin preset: toner spread hid its bold, so nothing tells where
    a run-in title ends (``Reading the World: Beyond Realism An introductory study of...``)
    but the capitals. The title ends there, and waits for a person."""
    run_in = "An introduction to the study of the chemistry"
    lines, y = [], 72.0
    for n, title in enumerate(TITLES[:6]):
        lines.append(_line(f"CHEM {101 + n} {title} {run_in}", y))
        lines += [_line(BODY + " and of the physical world", y + 12), _line(BODY, y + 24)]
        y += 48
    entries = read_catalog([_page(lines)]).entries
    assert [e.title for e in entries] == TITLES[:6]
    assert all(e.run_in.startswith("An introduction") for e in entries)
    assert all("title_runs_on" in e.cues for e in entries)


def test_an_entry_right_under_a_section_heading_starts_a_paragraph() -> None:
    """Rochester under the bulletin preset: ``ENG 131 Reporting and Writing the News. A
    laboratory course`` came right under ``Language, Media, and Communication Courses``, a
    heading with white above it and no stop, the two lines measured touching: the entry was
    taken for a mention inside a paragraph and lost."""
    lines, y = _headed([f"CHEM {101 + n} {title} (3)" for n, title in enumerate(TITLES[:5])])
    lines += [_line("Laboratories and Communication Courses", y + 12),
              _line("CHEM 190 Chemistry in Society (3)", y + 20),
              _line(BODY, y + 32), _line(BODY, y + 44)]
    reading = read_catalog([_page(lines)])
    assert [e.code.code for e in reading.entries][-1] == "CHEM 190"
    assert not reading.explained
