"""Words Tesseract read with little confidence are read again on their own: the choice on
made-up words, the reading on real pixels with real Tesseract."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr_pipeline.catalog.models import UNREAD_BESIDE, Line, Word, union_bbox
from ocr_pipeline.ocr.doubtful import (
    covered,
    doubted,
    doubtful_runs,
    gap_runs,
    ink_rows,
    keeps,
    with_readings,
    without_fragments,
)
from ocr_pipeline.ocr.tesseract import TesseractEngine

DPI = 200
SCALE = DPI / 72


def _word(text: str, x0: float, conf: float, *, y0: float = 100.0, width: float = 30.0) -> Word:
    return Word(text=text, bbox=(x0, y0, x0 + width, y0 + 8), conf=conf, size=10.0)


def _line(*words: Word) -> Line:
    return Line(words=words, bbox=union_bbox([w.bbox for w in words]))


def test_a_run_is_the_unsure_words_around_a_doubtful_one() -> None:
    line = _line(_word("Introduction", 10, 0.96), _word("Crodie:", 50, 0.0),
                 _word("3", 90, 0.72), _word("Audit", 130, 0.95),
                 _word("mechanisms,", 170, 0.7))  # unsure, but nothing doubtful beside it
    (run,) = doubtful_runs([line])
    assert (run.line, run.start, run.end) == (0, 1, 3)
    x0, y0, x1, y1 = run.box
    # a little room around the run, never into the words beside it
    assert 40 <= x0 < 50 and 120 < x1 <= 130 and y0 < 100 and y1 > 108


def test_a_reading_again_is_kept_only_if_sure_and_more_than_a_mark() -> None:
    assert keeps([_word("Credits:", 0, 0.9), _word("3", 40, 0.9)])
    assert not keeps([_word("Credits:", 0, 0.9), _word("3", 40, 0.6)])
    assert not keeps([_word("a", 0, 0.85)])  # an icon read as a letter
    assert not keeps([])


def test_readings_replace_their_runs_and_the_pieces_of_the_same_ink() -> None:
    cell = _line(_word("aide", 114, 0.22, y0=474), _word("6", 152, 0.22, y0=474, width=5))
    piece = _line(_word("ae", 136, 0.23, y0=472, width=12))  # its top half, read apart
    other = _line(_word("faint", 300, 0.3, y0=474))  # doubtful, but not in the box read
    lines = [piece, cell, other]
    runs = doubtful_runs(lines)
    assert [r.line for r in runs] == [0, 1, 2]
    read = [_word("Credits:", 114, 0.91, y0=474, width=28),
            _word("3", 152, 0.91, y0=474, width=5)]
    (cell_run,) = [r for r in runs if r.line == 1]
    assert covered(runs[0], lines, [cell_run.box])  # the piece: no need to read it again
    result = with_readings(lines, {cell_run: read})
    assert [ln.text for ln in result] == ["Credits: 3", "faint"]
    assert all(w.size == 10.0 for w in result[0].words)  # the line's measured size


def test_a_doubtful_piece_on_a_surely_read_word_is_dropped() -> None:
    whole = _line(_word("Credits:", 114, 0.88, y0=629), _word("3", 153, 0.91, y0=629))
    piece = _line(_word("nos", 125, 0.34, y0=631, width=23))
    alone = _line(_word("nos", 400, 0.34, y0=631))
    assert [ln.text for ln in without_fragments([whole, piece, alone])] == ["Credits: 3", "nos"]


def _typed(size: tuple[int, int], texts: list[tuple[tuple[int, int], str]]) -> Image.Image:
    """A white image of ``size`` with each text set at its place, black in a 28 px font."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    for place, text in texts:
        draw.text(place, text, fill=0, font=font)
    return image


def _page() -> np.ndarray:
    return np.asarray(_typed((1700, 300), [
        ((100, 60), "ENME489E Special Topics in Mechanical Engineering"),
        ((580, 115), "Grading Method: Regular,"), ((320, 135), "Credits: 3"),
        ((580, 155), "Pass-Fail, Audit")]))


def test_a_cell_cut_in_two_by_the_rows_beside_it_is_read_right_alone() -> None:
    """As Tesseract read a scanned schedule page: ``Credits: 3``, centred between two rows of
    the next column, cut in two by them and read ``ae`` above ``aide 6``, all at 0.2."""
    gray = _page()
    engine = TesseractEngine(workers=1)
    png = io.BytesIO()
    Image.fromarray(gray).save(png, format="PNG")
    page = engine.read_image(png.getvalue(), page=1, width=1700 / SCALE, height=300 / SCALE,
                             dpi=DPI, scanned=False)
    lines = list(page.lines)
    (cell,) = [ln for ln in lines if ln.words[0].text == "Credits:"]
    x0, y0, x1, y1 = cell.bbox
    misread = [
        _line(Word(text="aide", bbox=(x0, y0, x0 + 0.8 * (x1 - x0), y1), conf=0.22,
                   size=cell.words[0].size),
              Word(text="6", bbox=(x1 - 5, y0, x1, y1), conf=0.22, size=cell.words[0].size)),
        _line(Word(text="ae", bbox=(x0 + 0.5 * (x1 - x0), y0, x0 + 0.8 * (x1 - x0),
                                    y0 + 0.3 * (y1 - y0)), conf=0.23, size=cell.words[0].size)),
    ]
    given = [ln for ln in lines if ln is not cell] + misread
    with engine._model() as model:
        result = engine._read_doubtful(model, gray, given, dpi=DPI)
    texts = [ln.text for ln in result]
    assert "Credits: 3" in texts and "ae" not in texts and "aide 6" not in texts
    (read,) = [ln for ln in result if ln.text == "Credits: 3"]
    assert min(w.conf for w in read.words) >= 0.8
    assert abs(read.bbox[0] - x0) < 3 and abs(read.bbox[3] - y1) < 3  # where it is printed
    # the lines read surely are left as they were
    assert [ln for ln in result if ln.text != "Credits: 3"] == [
        ln for ln in lines if ln is not cell]


def test_a_run_read_no_better_alone_stays_as_read() -> None:
    gray = np.full((200, 600), 255, dtype=np.uint8)  # nothing printed where the run is
    engine = TesseractEngine(workers=1)
    lines = [_line(_word("smudge", 50, 0.2, y0=20))]
    with engine._model() as model:
        result = engine._read_doubtful(model, gray, lines, dpi=DPI)
    assert result == lines


def test_a_word_with_unread_ink_after_it_is_read_again_with_that_ink() -> None:
    line = _line(_word("DR213", 36, 0.92), _word("Theatre/", 70, 0.92),
                 _word("Studio.", 140, 0.95))
    (run,) = gap_runs([line], [(0, 1, 132.0)])
    assert (run.line, run.start, run.end) == (0, 1, 2)
    x0, y0, x1, y1 = run.box
    # from the word to the end of the ink, never into the words beside them
    assert 66 <= x0 < 70 and 132 < x1 <= 140 and y0 < 100 and y1 > 108


def test_words_beside_unread_ink_are_doubted_and_no_other() -> None:
    theatre = _word("Theatre/", 70, 0.92)
    line = _line(_word("DR213", 36, 0.92), theatre, _word("Studio.", 140, 0.95))
    (result,) = doubted([line], {theatre})
    assert [w.conf for w in result.words] == [0.92, UNREAD_BESIDE, 0.95]
    assert [w.text for w in result.words] == ["DR213", "Theatre/", "Studio."]


def _heading(*, picture: bool) -> np.ndarray:
    image = _typed((1500, 200), [((100, 60), "DR213 Theatre/Acting Studio"),
                                 ((650, 60), "Blocks 1-2")])
    if picture:  # a solid mark between two words, as wide as a word
        ImageDraw.Draw(image).rectangle((560, 62, 620, 88), fill=0)
    return np.asarray(image)


def _read(gray: np.ndarray) -> list[Line]:
    png = io.BytesIO()
    Image.fromarray(gray).save(png, format="PNG")
    page = TesseractEngine(workers=1).read_image(
        png.getvalue(), page=1, width=gray.shape[1] / SCALE, height=gray.shape[0] / SCALE,
        dpi=DPI, scanned=False)
    return list(page.lines)


def test_a_word_left_unread_inside_a_line_is_read_again_from_its_ink() -> None:
    """As Tesseract read a toner-spread scan: ``Theatre/`` at 0.92 and ``Acting``'s ink left
    unread before ``Studio``, so the record was auto-accepted without it."""
    gray = _heading(picture=False)
    (line,) = _read(gray)
    assert line.text == "DR213 Theatre/Acting Studio Blocks 1-2"
    whole = line.words[1]
    # the same line as if Tesseract had read only the slash's side of the word
    cut = replace(whole, text="Theatre/",
                  bbox=(whole.bbox[0], whole.bbox[1],
                        whole.bbox[0] + 0.55 * (whole.bbox[2] - whole.bbox[0]), whole.bbox[3]))
    misread = _line(line.words[0], cut, *line.words[2:])
    engine = TesseractEngine(workers=1)
    with engine._model() as model:
        (result,) = engine._read_doubtful(model, gray, [misread], dpi=DPI)
    assert result.text == "DR213 Theatre/Acting Studio Blocks 1-2"
    assert min(w.conf for w in result.words) >= 0.8


def test_a_picture_left_unread_inside_a_line_makes_the_word_before_it_doubtful() -> None:
    gray = _heading(picture=True)
    (line,) = _read(gray)
    # the picture read as nothing between two words
    lines = [_line(*(w for w in line.words if not 560 <= w.bbox[0] * SCALE <= 620))]
    assert lines[0].text == "DR213 Theatre/Acting Studio Blocks 1-2"
    engine = TesseractEngine(workers=1)
    with engine._model() as model:
        (result,) = engine._read_doubtful(model, gray, lines, dpi=DPI)
    assert result.text == lines[0].text
    assert [w.conf <= UNREAD_BESIDE for w in result.words] == [False, False, True, False, False]


def _stacked() -> np.ndarray:
    """A heading's code over the label set close under it, the title beside the code."""
    return np.asarray(_typed((1200, 200), [((100, 40), "PHL 126"),
                                           ((260, 40), "Introduction to Values"),
                                           ((100, 76), "AH")]))


def _merged(heading: Line, label: Line) -> Line:
    """``heading`` with its code and ``label`` under it read as one word, its box over both."""
    merged = replace(heading.words[0], text="Linge", conf=0.14,
                     bbox=union_bbox([heading.words[0].bbox, heading.words[1].bbox, label.bbox]))
    return _line(merged, *heading.words[2:])


def test_the_rows_of_type_in_a_runs_ink() -> None:
    gray = _stacked()
    lines = _read(gray)
    assert [ln.text for ln in lines] == ["PHL 126 Introduction to Values", "AH"]
    heading, label = lines
    merged = _merged(heading, label)
    (run,) = doubtful_runs([merged])
    rows = ink_rows(gray, run, [merged], scale=SCALE)
    assert len(rows) == 2
    (top, bottom), (under, _) = rows
    assert top <= heading.bbox[1] * SCALE + 3 and bottom < under  # a white gap between
    assert abs(under - label.bbox[1] * SCALE) <= 3
    # one row of type has none to tell apart: a dot over an i is no row
    (run,) = doubtful_runs([_line(replace(heading.words[2], conf=0.2))])
    assert ink_rows(gray, run, [_line(replace(heading.words[2], conf=0.2))], scale=SCALE) == []


def test_a_code_read_as_one_word_with_the_label_under_it_is_read_one_row_at_a_time() -> None:
    """At 150 dpi Tesseract read ``PHL 126`` and the ``AH`` set close under it as one word,
    ``Linge`` at 0.14, and no line ``AH``: read again whole it reads no better; one row at a
    time it reads ``PHL 126`` in the heading's line and ``AH`` as a line of its own."""
    gray = _stacked()
    heading, label = _read(gray)
    engine = TesseractEngine(workers=1)
    with engine._model() as model:
        result = engine._read_doubtful(model, gray, [_merged(heading, label)], dpi=DPI)
    assert [ln.text for ln in result] == ["PHL 126 Introduction to Values", "AH"]
    assert abs(result[1].bbox[1] - label.bbox[1]) < 2  # where it is printed
