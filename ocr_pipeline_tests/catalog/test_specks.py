"""Signs a scan's specks add to words, taken out where the catalog's own words say so
(``catalog.specks``): OCR lines made here, each word a box."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ocr_pipeline.catalog.assemble import assemble_pages
from ocr_pipeline.catalog.models import Block, Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.specks import cleared, likelier_readings

# the words a catalog prints bare again and again, and "Prereq." always with its stop
PRINTED = ["Students study the course and its culture through weekly readings.",
           "Students keep the course notebook and the culture journal each week.",
           "Students write about the course and culture in two formal reports.",
           "Prereq. or coreq. required. Prereq. or consent of the instructor."]


def _line(text: str, y: float = 100.0) -> Line:
    words, x = [], 72.0
    for token in text.split():
        width = 5.0 * len(token)
        words.append(Word(text=token, bbox=(x, y, x + width, y + 8), size=10.0, conf=0.96))
        x += width + 4
    return Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))


def _read(*texts: str) -> list[str]:
    """The texts of the lines given, cleared on a page that also prints ``PRINTED``."""
    lines = cleared([[_line(t) for t in (*texts, *PRINTED)]])[0]
    return [" ".join(w.text for w in line.words) for line in lines[:len(texts)]]


def test_a_stop_before_a_lowercase_word_after_a_word_printed_bare_is_a_speck() -> None:
    assert _read("Students. study the course. and more") == ["Students study the course and more"]
    # an abbreviation keeps its stop; a word printed nowhere else bare keeps it too
    assert _read("Prereq. or coreq. of widely. debated things") == [
        "Prereq. or coreq. of widely. debated things"]
    # a sentence's stop, a capital after it
    assert _read("the course. Students write") == ["the course. Students write"]


def test_a_stop_ending_a_line_before_a_lowercase_line_is_a_speck() -> None:
    assert _read("an introduction to the.", "course and its culture") == [
        "an introduction to the", "course and its culture"]


def test_signs_glued_between_two_printed_words_part_them() -> None:
    assert _read("the course.and culture:the week") == ["the course and culture the week"]
    assert _read("through the: course") == ["through the course"]
    assert _read("reports: the course") == ["reports: the course"]  # a clause may end there


def test_a_hyphen_after_a_comma_or_opening_a_word_inside_a_line_is_a_speck() -> None:
    assert _read("the course,-and its week-long culture") == [
        "the course, and its week-long culture"]
    assert _read("study the-course and-culture") == ["study the-course and-culture"]  # a dash?
    assert _read("Capstone Project.- The capstone") == ["Capstone Project - The capstone"]
    assert _read("study taken -weekly in the course") == ["study taken -weekly in the course"]
    assert _read("study taken -course in the week") == ["study taken course in the week"]


def test_an_accent_over_a_word_printed_without_it_is_a_speck() -> None:
    assert _read("thé coursé with José") == ["the course with José"]


def test_a_label_read_a_letter_off_where_the_catalog_repeats_it_is_the_label() -> None:
    labels = ["PreReq: ENG 21", "PreReq: ENG 22", "PreReq: ENG 100", "PreReg: ENG 102",
              "PreRegq: ENG 103"]
    lines = cleared([[_line(t) for t in [*labels, "World Literatures: The Land",
                                        "Literature: the Land", "Literature: the Sea",
                                        "Literature: the Air"]]])[0]
    texts = [" ".join(w.text for w in line.words) for line in lines]
    assert texts[:5] == ["PreReq: ENG 21", "PreReq: ENG 22", "PreReq: ENG 100",
                         "PreReq: ENG 102", "PreReq: ENG 103"]
    assert texts[5] == "World Literatures: The Land"  # inside a line: no label


def _unsure(line: Line) -> Line:
    """``line`` with its first word read at 0.5."""
    first = replace(line.words[0], conf=0.5)
    return replace(line, words=(first, *line.words[1:]))


def test_a_label_read_unsurely_a_letter_off_a_known_label_is_that_label() -> None:
    """Each of a catalog's corequisite lines read ``CoReg:``: no line to outvote it."""
    read = ["CoReg: Fire 101L and Fire 151", "Credts: 3", "Coreqisites: ENG 100",
            "Notes: Lab fee", "CoReg: by a sure reading", "Units: 4",
            "CoReg and a label inside: a line"]
    lines = cleared([[_unsure(_line(t)) for t in read[:5]] + [_line(t) for t in read[5:]]])[0]
    lines[4:5] = cleared([[_line(read[4])]])[0]  # read surely: printed so
    assert [" ".join(w.text for w in line.words) for line in lines] == [
        "CoReq: Fire 101L and Fire 151", "Credits: 3", "Corequisites: ENG 100",
        "Notes: Lab fee",  # a letter off no known label
        "CoReg: by a sure reading", "Units: 4", "CoReg and a label inside: a line"]


def test_a_subject_read_unsurely_a_look_alike_letter_off_the_catalogs_is_that_subject() -> None:
    """A worn copy's headings: ``SOCIOL`` read ``SOCIDL`` on four of eleven."""
    sure = [_line(f"SOCIOL {n} Sociology {n}") for n in (110, 201, 202, 203, 204, 205, 206)]
    misread = [_unsure(_line("SOCIDL 276-0 Topics")), _unsure(_line("SOCIDL 302-0 Cities"))]
    others = [_line("SOCIDL 303-0 Surely read so"),  # printed so, for all OCR can tell
              _unsure(_line("SOCIDL 304-0 Prose")),
              _unsure(_line("GEOL 1114 Geology")),  # L is no G: another subject
              _unsure(_line("SOCIO 305-0 Shorter")),  # a letter short: stays
              _unsure(_line("SOCIDL and the rest"))]  # no number after it: no subject
    lines = cleared([[*sure, *misread, *others, _line("GEOG 1113 Geography"),
                      _line("GEOG 2243 Regions"), _line("GEOG 3333 Maps")]])[0]
    firsts = [line.words[0].text for line in lines]
    assert firsts[7:14] == ["SOCIOL", "SOCIOL", "SOCIDL", "SOCIOL", "GEOL", "SOCIO", "SOCIDL"]
    # read nearly as often as the subject it is a letter off: a subject of its own
    even = cleared([[*sure, *(_unsure(_line(f"SOCIDL {n} Topics")) for n in range(5))]])[0]
    assert [line.words[0].text for line in even][7:] == ["SOCIDL"] * 5


def test_of_two_readings_as_likely_neither_is_taken() -> None:
    """``CoRegq:`` is a letter off ``CoReg:`` and ``CoReq:``, each read three times: which it
    became had hung on the order of a set, so one catalog read two ways from run to run."""
    counts = Counter({"CoReg:": 3, "CoReq:": 3, "CoRegq:": 1, "CoReqs:": 1, "PreReq:": 5,
                      "PreReg:": 1})
    assert likelier_readings(counts) == {"CoReqs:": "CoReq:", "PreReg:": "PreReq:"}


def test_a_text_layer_page_keeps_its_signs() -> None:
    lines = [_line(t, 100 + 12 * n) for n, t in enumerate(["the course.and coursé", *PRINTED])]
    block = Block(lines=tuple(lines), bbox=union_bbox([ln.bbox for ln in lines]), column=0,
                  role="body")
    page = PageText(page=1, width=612, height=792, blocks=(block,), method="text_layer",
                    engine_version="t", styled=True)
    assert assemble_pages([page])[0].lines[0].text == "the course.and coursé"
    scanned = assemble_pages([PageText(page=1, width=612, height=792, blocks=(block,),
                                       method="tesseract", engine_version="t", styled=True)])
    assert scanned[0].lines[0].text == "the course and course"
