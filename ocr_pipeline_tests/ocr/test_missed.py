"""Ink beside a line that Tesseract read no word from is found and read again: real pixels,
real Tesseract."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr_pipeline.catalog.models import Line, union_bbox
from ocr_pipeline.catalog.synthetic import LAYOUTS, PRESETS, generate_catalog, make_scanned
from ocr_pipeline.ocr.libtesseract import tesserocr
from ocr_pipeline.ocr.missed import missed_blocks, missed_spans, unread_gaps, words_before
from ocr_pipeline.ocr.tesseract import TesseractEngine, _word_beside

DPI = 200
SCALE = DPI / 72
DATA = Path(__file__).resolve().parents[3] / "shared" / "dev-data"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _lines(png: bytes, *, height: int) -> list[Line]:
    """The lines the engine reads from ``png`` (1400 pixels wide), top to bottom."""
    page = TesseractEngine(workers=1).read_image(png, page=1, width=1400 / SCALE,
                                                 height=height / SCALE, dpi=DPI, scanned=False)
    return sorted(page.lines, key=lambda ln: ln.bbox[1])


def _page() -> bytes:
    image = Image.new("L", (1400, 500), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    draw.text((100, 100), "AAI 6730 Deep Learning for Point Clouds", fill=0, font=font)
    draw.text((100, 250), "AAI 6740 Applied Reinforcement Learning", fill=0, font=font)
    for x, y in ((60, 255), (1300, 110), (1310, 262)):  # specks beside the lines
        draw.point((x, y), fill=0)
    return _png(image)


def test_ink_before_a_line_with_no_word_read_from_it_is_found() -> None:
    png = _page()
    lines = _lines(png, height=500)
    assert [ln.words[0].text for ln in lines] == ["AAI", "AAI"]
    gray = np.asarray(Image.open(io.BytesIO(png)))
    assert missed_spans(gray, lines, scale=SCALE) == []  # every word read; specks are no words
    # as Tesseract read the typewriter catalog: the subject of the second line not read
    rest = lines[1].words[1:]
    dropped = [lines[0], Line(words=rest, bbox=union_bbox([w.bbox for w in rest]))]
    [(x0, y0, x1, y1)] = missed_spans(gray, dropped, scale=SCALE)
    aai = [round(v * SCALE) for v in lines[1].words[0].bbox]
    assert x0 <= aai[0] + 2 and x1 >= aai[2] - 2 and y0 <= aai[3] and y1 >= aai[1]
    assert x1 < round(lines[1].words[1].bbox[0] * SCALE)


def test_ink_left_unread_between_two_words_of_a_line_is_found() -> None:
    png = _page()
    lines = _lines(png, height=500)
    gray = np.asarray(Image.open(io.BytesIO(png)))
    assert unread_gaps(gray, lines, scale=SCALE) == []  # word spaces and specks are no words
    # as Tesseract read a toner-spread heading: one word of it not read, its ink left there
    words = lines[0].words
    deep = words[2]
    assert deep.text == "Deep"
    kept = (*words[:2], *words[3:])
    dropped = [Line(words=kept, bbox=lines[0].bbox), lines[1]]
    [(line, before, end)] = unread_gaps(gray, dropped, scale=SCALE)
    assert (line, before) == (0, 1)  # after "6730"
    assert deep.bbox[2] - 2 <= end < words[3].bbox[0]


def _columns() -> bytes:
    """Two paragraphs, a rule between them and specks about: what a worn page shows."""
    image = Image.new("L", (1400, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    for row, text in enumerate(("NUR 101 Integrative Seminar 1",
                                "Provides the theoretical base to further",
                                "prepare nurses to become competent.")):
        draw.text((100, 80 + 50 * row), text, fill=0, font=font)
    draw.line((100, 300, 1300, 300), fill=0, width=3)
    for row, text in enumerate(("NUR 102 Integrative Seminar 2",
                                "Further develops the concepts learned",
                                "in NUR 101 and its practicum.")):
        draw.text((100, 420 + 50 * row), text, fill=0, font=font)
    for x, y in ((60, 700), (1300, 810), (700, 380), (40, 40)):
        draw.point((x, y), fill=0)
    return _png(image)


def test_a_paragraph_no_line_reached_is_found_as_one_block() -> None:
    png = _columns()
    lines = _lines(png, height=900)
    assert [ln.words[1].text for ln in lines if ln.words[0].text == "NUR"] == ["101", "102"]
    gray = np.asarray(Image.open(io.BytesIO(png)))
    assert missed_blocks(gray, lines, scale=SCALE) == []  # a rule and specks are no text
    # as Tesseract's layout analysis read a worn page: the second paragraph not at all
    first = [ln for ln in lines if ln.bbox[3] * SCALE < 300]
    second = [ln for ln in lines if ln.bbox[1] * SCALE > 300]
    [(x0, y0, x1, y1)] = missed_blocks(gray, first, scale=SCALE)
    ink = union_bbox([ln.bbox for ln in second])
    assert x0 <= ink[0] * SCALE and y0 <= ink[1] * SCALE  # the whole paragraph, no more
    assert x1 >= ink[2] * SCALE - 2 and y1 >= ink[3] * SCALE - 2
    assert y0 > 300 and y1 < 700


def test_a_word_alone_that_no_line_reached_is_found() -> None:
    """A code set apart left of its title (``ENME473``), the title read from a block of its
    own and the code not at all: ink about four letters wide is a block too."""
    image = Image.open(io.BytesIO(_columns()))
    ImageDraw.Draw(image).text((100, 760), "AB12", fill=0,
                               font=ImageFont.load_default(size=36))
    lines = [ln for ln in _lines(_png(image), height=900) if ln.bbox[1] * SCALE < 700]
    [(x0, y0, x1, y1)] = missed_blocks(np.asarray(image), lines, scale=SCALE)
    assert x0 <= 100 and x1 >= 180 and y0 <= 770 and y1 >= 790  # the word, drawn at 100, 760


def test_a_stack_of_subjects_tesseract_dropped_is_read_again(tmp_path: Path) -> None:
    """The typewriter layout's second page, scanned: Tesseract's layout analysis set the
    ``AAI`` before four course numbers apart and read none of them; their courses were lost
    in the entry above."""
    layout = "typewriter"
    made = generate_catalog(out_dir=tmp_path, name="typewriter-scan", layout=layout, courses=60,
                            seed=100 + list(LAYOUTS).index(layout), scanned=True,
                            corpus=DATA / "neu_catalog" / "catalog_export.csv")
    (page,) = TesseractEngine(workers=1).read_pages(made.pdf, [2], dpi=DPI)
    numbers = [line for line in page.lines if line.words[0].text in ("6730", "6740")]
    subjects = [line for line in page.lines if line.text == "AAI"]
    assert numbers and len(subjects) >= len(numbers)
    for line in numbers:  # each number has its subject on its baseline, just before it
        assert any(abs(s.bbox[3] - line.bbox[3]) < 3 and 0 < line.bbox[0] - s.bbox[2] < 12
                   for s in subjects)


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/dev-data is not present")
def test_paragraphs_a_worn_copys_layout_analysis_left_out_are_read(tmp_path: Path) -> None:
    """Alma's nursing page as a worn 150 dpi copy (the rough preset): Tesseract's layout
    analysis read no line of its first column's lower half, NUR 102's heading among them."""
    worn = make_scanned(src=DATA / "catalogs" / "alma_2018.pdf", dst=tmp_path / "worn.pdf",
                        degradation=PRESETS["rough"], pages=[81])
    (page,) = TesseractEngine(workers=1).read_pages(worn, [1], dpi=150)
    column = [ln for ln in page.lines if ln.bbox[2] < 300 and 510 < ln.bbox[1] < 660]
    assert len(column) >= 10  # two before
    assert any("102" in ln.text and "Seminar" in ln.text for ln in column)
    assert sum(ln.words[0].text == "Provides" for ln in column) == 2  # NUR 101's and 102's


def test_a_heavy_word_that_reads_as_no_block_is_read_as_a_line() -> None:
    """A code in toner-spread type, alone where no line reached: Tesseract's block reading
    finds no text in it, its line reading the code."""
    image = Image.new("L", (1400, 300), 200)
    draw = ImageDraw.Draw(image)
    draw.text((100, 40), "Design considerations in the packaging of electronic systems.",
              fill=20, font=ImageFont.load_default(size=34))
    draw.text((100, 180), "ENME473", fill=20, font=ImageFont.load_default(size=34),
              stroke_width=2, stroke_fill=20)
    ink = np.asarray(image.filter(ImageFilter.GaussianBlur(0.8))).astype(float)
    gray = np.clip(ink + np.random.default_rng(0).normal(0, 14, ink.shape), 0, 255).astype(
        np.uint8)
    engine = TesseractEngine(workers=1)
    with engine._model() as model:
        lines = [ln for ln in engine._recognize(model, gray, page=1, dpi=DPI)
                 if ln.words[0].text == "Design"]  # as if the page's reading missed the code
        assert len(lines) == 1
        (box,) = missed_blocks(gray, lines, scale=SCALE)
        assert engine._read_box(model, gray, box, dpi=DPI, psm=tesserocr.PSM.SINGLE_BLOCK,
                                pad=DPI // 4) == []
        (found,), beside = engine._read_blocks(model, gray, lines, dpi=DPI)
    assert found.text == "ENME473" and 100 / SCALE - 3 < found.bbox[0] < 110 / SCALE
    assert beside == set()


def test_a_word_before_ink_that_reads_as_no_text_is_doubted() -> None:
    """``Global Mark`` with the rest of ``Marketing`` spread to a blot by toner: ink no line
    reached that reads as no text. ``Mark`` may be a word cut short, so it is doubted."""
    image = Image.new("L", (1400, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((100, 40), "Design considerations in the packaging of electronic systems.",
              fill=0, font=ImageFont.load_default(size=34))
    draw.text((100, 180), "Global Mark", fill=0, font=ImageFont.load_default(size=34))
    mark = draw.textbbox((100, 180), "Global Mark", font=ImageFont.load_default(size=34))
    draw.rectangle((mark[2] + 4, mark[1] + 2, mark[2] + 110, mark[3]), fill=0)  # the blot
    gray = np.asarray(image)
    engine = TesseractEngine(workers=1)
    with engine._model() as model:
        lines = [ln for ln in engine._recognize(model, gray, page=1, dpi=DPI)
                 if ln.words[0].text in ("Design", "Global")]
        lines = [replace(ln, words=ln.words[:2]) if ln.words[0].text == "Global" else ln
                 for ln in lines]  # as read: the blot left out
        assert [ln.text for ln in lines][1] == "Global Mark"
        found, beside = engine._read_blocks(model, gray, lines, dpi=DPI)
    assert found == [] and {w.text for w in beside} == {"Mark"}
    # a word with paper after it is no such word
    assert words_before(lines, (1300, 180, 1380, 220), scale=SCALE) == set()


def test_a_word_left_unread_in_a_tall_line_is_found() -> None:
    """Hawaii's ``Fire 249—Emergency Medical Responder (4)`` on a 150 dpi copy: Tesseract read
    no word from ``Responder``, and the line's band, from the parenthesis' top to below the
    descenders (the line below's word boxes cover its lowest rows), is over twice the
    letters' height. The ink is found."""
    image = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(image).text((100, 100), "Emergency Medical Responder (4)", fill=0,
                               font=ImageFont.load_default(size=36))
    png = _png(image)
    [line] = _lines(png, height=300)
    assert [w.text for w in line.words] == ["Emergency", "Medical", "Responder", "(4)"]
    emergency, medical, responder, credits = line.words
    x0, _, x1, _ = credits.bbox
    letters = responder.bbox[3] - responder.bbox[1]
    reach = (letters / 0.45 - letters) / 2  # the letters stand 0.45 of the band
    tall = replace(credits, bbox=(x0, responder.bbox[1] - reach, x1, responder.bbox[3] + reach))
    dropped = [Line(words=(emergency, medical, tall), bbox=union_bbox([emergency.bbox,
                                                                       tall.bbox]))]
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    [(index, before, end)] = unread_gaps(gray, dropped, scale=SCALE)
    assert (index, before) == (0, 1) and end < x0


def test_ink_beside_a_line_is_read_with_the_lines_word_next_to_it() -> None:
    """The word of the line a missed span touches, to read the span with where alone it reads
    as nothing: the first word for ink before the line, the last for ink after it; none for
    ink on no line's band."""
    png = _page()
    lines = _lines(png, height=500)
    line = lines[1]
    rest = line.words[1:]
    dropped = [lines[0], Line(words=rest, bbox=union_bbox([w.bbox for w in rest]))]
    gray = np.asarray(Image.open(io.BytesIO(png)))
    [before] = missed_spans(gray, dropped, scale=SCALE)
    first = rest[0].bbox
    assert _word_beside(dropped, before, scale=SCALE) == (round(first[0] * SCALE),
                                                           round(first[2] * SCALE) + 1)
    head = line.words[:-1]
    cut = [lines[0], Line(words=head, bbox=union_bbox([w.bbox for w in head]))]
    [after] = missed_spans(gray, cut, scale=SCALE)
    last = head[-1].bbox
    assert _word_beside(cut, after, scale=SCALE) == (round(last[0] * SCALE),
                                                      round(last[2] * SCALE) + 1)
    x0, _, x1, y1 = after
    assert _word_beside(cut, (x0, y1 + 40, x1, y1 + 60), scale=SCALE) is None
