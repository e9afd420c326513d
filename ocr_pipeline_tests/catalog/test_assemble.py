"""Lines of scanned pages rebuilt from OCR words: word boxes made here, and real scans read by
real tesseract."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ocr_pipeline.catalog.assemble import assemble, assemble_pages
from ocr_pipeline.catalog.models import UNREAD_BESIDE, Block, Line, PageText, Word, union_bbox
from ocr_pipeline.catalog.synthetic.scan import Degradation, make_scanned
from ocr_pipeline.extract import parse_catalog
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline_tests.pdfs import Text, make_pdf

SUBJECTS = ["CHEM", "BIOL", "PHYS", "MATH", "GEOL", "ANTH", "HIST", "ECON", "PSYC"]
TITLES = ["Organic Chemistry Laboratory", "Cell and Molecular Biology", "Waves and Optics",
          "Linear Algebra", "Earth Materials", "Cultural Anthropology", "Modern Europe",
          "Principles of Macroeconomics", "Research Methods"]
BODY = ["Structure, reactions and mechanisms studied through weekly experiments.",
        "Students keep a notebook and write two formal reports each term."]
SHORT_BODY = ["Lectures, readings and weekly problem sets.", "Two exams and a final paper."]


def _words(text: str, x: float, y: float, *, size: float = 9.0, conf: float = 0.95,
           gap: float = 3.0) -> list[Word]:
    out = []
    for token in text.split():
        width = 0.5 * size * len(token)
        out.append(Word(text=token, bbox=(x, y, x + width, y + 0.7 * size), conf=conf, size=size))
        x += width + gap
    return out


def _page(lines: list[list[Word]], *, method: str = "tesseract") -> PageText:
    """An OCR page as an engine might group it: every piece a block of its own."""
    blocks = []
    for words in lines:
        line = Line(words=tuple(words), bbox=union_bbox([w.bbox for w in words]))
        blocks.append(Block(lines=(line,), bbox=line.bbox, column=0, role="body"))
    return PageText(page=1, width=612, height=792, blocks=tuple(blocks), method=method,
                    engine_version="t", styled=True)


def test_credits_flush_right_in_a_block_of_their_own_join_their_heading() -> None:
    lines = [_words("CHEM 346 Organic Chemistry Laboratory", 72, 100),
             _words("004(2)", 510, 99)]  # far right, a point above the heading's baseline
    y = 112.0
    for text in BODY * 3:
        lines.append(_words(text, 72, y, gap=4.6))
        y += 12
    texts = [ln.text for ln in assemble(_page(lines)).lines]
    assert texts[0] == "CHEM 346 Organic Chemistry Laboratory 004(2)"
    assert len(texts) == 7


def test_two_columns_on_one_baseline_stay_apart_and_read_column_by_column() -> None:
    lines = []
    for row in range(8):
        y = 100 + 12 * row
        lines.append(_words(f"left column line {row} of prose text", 72, y)
                     + _words(f"right column line {row} of prose text 4", 320, y))
    page = assemble(_page(lines))
    texts = [ln.text for ln in page.lines]
    assert texts[:8] == [f"left column line {r} of prose text" for r in range(8)]
    assert texts[8:] == [f"right column line {r} of prose text 4" for r in range(8)]


def test_a_one_column_row_with_tab_stops_is_one_line_specks_are_dropped() -> None:
    speck = Word(text="2", bbox=(300, 112, 300.7, 112.7), conf=0.5, size=9.0)
    lines = [_words("MARK 395(1 - 3)", 72, 100), _words("06-JUN-2018", 480, 100),
             _words("Course ID:004966", 250, 100.5), [speck],
             _words("Independent Study", 72, 114)]
    lines += [_words(text, 72, 126 + 12 * i, gap=4.6) for i, text in enumerate(BODY * 3)]
    texts = [ln.text for ln in assemble(_page(lines)).lines]
    assert texts[:2] == ["MARK 395(1 - 3) Course ID:004966 06-JUN-2018", "Independent Study"]
    assert "2" not in texts


def test_specks_at_a_lines_end_are_dropped_words_are_not() -> None:
    lines = [_words("CRWR 645. MFA Fiction Workshop. 6 Credits. -", 72, 100),
             _words("Kidd Tutorial II: Poetry '", 72, 112),
             _words("Offered 2024-25, see page 4.", 72, 124)]
    texts = [ln.text for ln in assemble(_page(lines)).lines]
    assert texts == ["CRWR 645. MFA Fiction Workshop. 6 Credits.", "Kidd Tutorial II: Poetry",
                     "Offered 2024-25, see page 4."]


def test_an_icon_read_as_letters_is_dropped_heavy_words_read_surely_are_not() -> None:
    """Alma's headings end in small icons that OCR reads as ``<_<`` or ``-#@®``: solid ink
    (strokes many times the page's usual), read unsurely. A bold word read surely stays, and
    so does a heavy word read unsurely but not solid."""
    heading = [replace(w, weight=1.6) for w in _words("NUR 101 Integrative Seminar 1", 72, 100)]
    icon = [replace(w, weight=5.2, conf=0.12) for w in _words("<_< ter", 240, 100)]
    sure = [replace(w, weight=3.4, conf=0.93) for w in _words("ACADEMIC", 72, 130)]
    doubtful = [replace(w, weight=1.8, conf=0.3) for w in _words("Honors", 72, 150)]
    # solid ink read as a sign, however surely, is a printed mark; a dash, one long stroke,
    # is a dash
    signed = [*_words("GEOG 3223 Geography of Oklahoma", 72, 170),
              replace(_words("&", 240, 170)[0], weight=6.7, conf=0.75)]
    dash = [*_words("1 unit", 72, 190), replace(_words("—", 110, 190)[0], weight=9.9, conf=0.93),
            *_words("Platt.", 120, 190)]
    texts = [ln.text for ln in assemble(_page([heading + icon, sure, doubtful, signed,
                                                dash])).lines]
    assert texts == ["NUR 101 Integrative Seminar 1", "ACADEMIC", "Honors",
                     "GEOG 3223 Geography of Oklahoma ■", "1 unit — Platt."]


def test_faint_ink_read_unsurely_as_a_letter_or_two_is_dropped_print_is_not() -> None:
    """Show-through between a code and its ``Course ID:`` read ``Ne`` at 0.17 with strokes
    0.64 of the page's usual: not print. A faint long word, a bold short one, a faint short
    one read surely, and ink never measured (weight 0) stay."""
    code = [replace(w, weight=2.0) for w in _words("MGMT 201(3)", 72, 100)]
    speck = [replace(w, weight=0.64, conf=0.17) for w in _words("Ne", 130, 100)]
    rest = [replace(w, weight=2.0) for w in _words("Course ID:010263", 150, 100)]
    grey = [replace(w, weight=0.6, conf=0.12) for w in _words("requirement. Prerequisite:", 72, 120)]
    short = [replace(w, weight=0.7, conf=0.9) for w in _words("of it", 72, 140)]
    bold = [replace(w, weight=1.9, conf=0.2) for w in _words("A", 72, 160)]
    unmeasured = [replace(w, conf=0.1) for w in _words("ay", 72, 180)]
    sign = [replace(_words("©", 72, 200)[0], weight=0.42, conf=0.34),
            *(replace(w, weight=1.6) for w in _words("Aesthetics", 80, 200))]
    texts = [ln.text for ln in assemble(_page([code + speck + rest, grey, short, bold,
                                                unmeasured, sign])).lines]
    assert texts == ["MGMT 201(3) Course ID:010263", "requirement. Prerequisite:", "of it", "A",
                     "ay", "Aesthetics"]


def test_a_half_read_as_a_per_cent_sign_opening_a_range_is_a_half_again() -> None:
    """Chapman's ``½-6 credits`` read ``%-6 credits``: the ½ is given back, and doubted."""
    lines = [_words("(Offered as needed.) %-6 credits", 72, 100),
             _words("Raised 5% in 2020", 72, 112)]
    read = assemble(_page(lines)).lines
    assert [ln.text for ln in read] == ["(Offered as needed.) ½-6 credits", "Raised 5% in 2020"]
    (half,) = [w for w in read[0].words if w.text.startswith("½")]
    assert half.conf <= 0.8


def test_roman_numerals_read_with_an_l_or_a_bar_are_numerals_again() -> None:
    lines = [_words("Kidd Tutorial Il: Poetry", 72, 100),
             _words("Software Methodology |", 72, 112),
             _words("Fiction Workshop Ill", 72, 124),
             _words("Chemistry II and the ll of it, Part l", 72, 136)]
    texts = [ln.text for ln in assemble(_page(lines)).lines]
    assert texts == ["Kidd Tutorial II: Poetry", "Software Methodology I", "Fiction Workshop III",
                     "Chemistry II and the ll of it, Part I"]


def test_a_numeral_read_with_an_h_is_doubted_an_initial_is_not() -> None:
    lines = [_words("JAPN 103 Beginning Japanese HI", 72, 100),
             _words("HIST 102 Introduction to Europe IH: From Early Modernity", 72, 112),
             _words("Mark H. Reed, professor", 72, 124)]
    page = assemble(_page(lines))
    confs = {w.text: w.conf for ln in page.lines for w in ln.words}
    assert (confs["HI"], confs["IH:"], confs["H."]) == (0.8, 0.8, 0.95)
    assert page.lines[0].text == "JAPN 103 Beginning Japanese HI"


def test_an_i_glued_to_a_lines_last_word_as_an_exclamation_mark_is_a_numeral_doubted() -> None:
    lines = [_words("NMS 230 Game Design!", 72, 100), _words("PHL 111 Western Philosophy! -", 72, 112),
             _words("PED 151 Step Up! Be a Leader", 72, 124)]
    page = assemble(_page(lines))
    assert [ln.text for ln in page.lines] == ["NMS 230 Game Design I", "PHL 111 Western Philosophy I",
                                             "PED 151 Step Up! Be a Leader"]
    assert [w.conf for w in page.lines[0].words[-2:]] == [0.95, 0.8]


def test_a_code_read_with_a_figure_or_a_speck_is_a_code_again_and_doubted() -> None:
    lines = [_words("1ZT2 - Learning Theories - Learning", 72, 100),
             _words("CUA‘1 - Culture - Focuses on", 72, 112),
             _words("1990 - The year the program began", 72, 124),
             _words("IZT2 - Learning Theories", 72, 136),
             _words("lYT2 - Curriculum Theory", 72, 148),
             _words("NMA‘ - Professional Role", 72, 160),
             _words("NMS 450_ Senior Studio", 72, 172),
             _words("$0C 180 Topics in Sociology", 72, 184),
             _words("$500 fee for the laboratory", 72, 196),
             _words("MWIM i55—Intermediate Welding", 72, 208),
             _words("Nurs'254—Family Health", 72, 220),
             _words("Covid19 changed the schedule", 72, 232),
             _words("LG~-425 Mock Trial Credits: 3.00", 72, 244),
             _words("GSHU I11 Great Books Collegium (1)", 72, 256)]
    page = assemble(_page(lines))
    firsts = [ln.words[0] for ln in page.lines]
    assert [w.text for w in firsts] == ["IZT2", "CUA1", "1990", "IZT2", "IYT2", "NMA1", "NMS",
                                        "SOC", "$500", "MWIM", "Nurs", "Covid19", "LG-425",
                                        "GSHU"]
    assert [w.conf for w in firsts] == [0.8, 0.8, 0.95, 0.95, 0.8, 0.8, 0.95, 0.8, 0.95, 0.95,
                                        0.8, 0.95, 0.8, 0.95]
    texts = [ln.text for ln in page.lines]
    assert texts[6] == "NMS 450 Senior Studio"
    assert texts[9:11] == ["MWIM 155—Intermediate Welding", "Nurs 254—Family Health"]
    assert texts[13] == "GSHU 111 Great Books Collegium (1)"
    assert page.lines[9].words[1].conf == page.lines[13].words[1].conf == 0.8  # doubted


def test_a_speck_glued_before_a_lines_code_is_dropped_and_the_code_doubted() -> None:
    """At 150 dpi a speck before a heading's code was read with it (``.GSHU 199``, ``"GOV
    238``, ``.DR327``), or as a word of its own (``: SPAN 473.``), and no code was found
    there: the course was lost."""
    lines = [_words(".GSHU 199 First-Year Seminar (3)", 72, 100),
             _words("\u201cFCS 1113 Basic Construction", 72, 112),
             _words(".DR327 Feminist Performance.", 72, 124),
             _words("_ENGL/SEMN 485 Advanced Writing", 72, 136),
             _words('"Grand Tour" of the capitals', 72, 148),
             _words(".NET programming in the lab", 72, 160),
             _words(": SPAN 473. Hispanic Literature (3-3-0)", 72, 172),
             _words(": Spanish literature in its time", 72, 184)]
    page = assemble(_page(lines))
    assert [ln.text for ln in page.lines] == [
        "GSHU 199 First-Year Seminar (3)", "FCS 1113 Basic Construction",
        "DR327 Feminist Performance.", "ENGL/SEMN 485 Advanced Writing",
        '"Grand Tour" of the capitals', ".NET programming in the lab",
        "SPAN 473. Hispanic Literature (3-3-0)", ": Spanish literature in its time"]
    assert [ln.words[0].conf for ln in page.lines] == [0.8, 0.8, 0.8, 0.8, 0.95, 0.95, 0.8,
                                                       0.95]
    assert page.lines[0].words[0].bbox[0] == 72  # where the ink starts


def test_a_labels_figure_and_an_unclosed_quote_are_read_again() -> None:
    lines = [_words("MARK 661(3) Course 1D:013557 01-JAN-2018", 72, 100),
             _words("Introduction to ‘American Literature", 72, 112),
             _words("The ‘Boom’ in Latin American fiction", 72, 124),
             _words("Block A1: Studio work", 72, 136)]
    texts = [ln.text for ln in assemble(_page(lines)).lines]
    assert texts == ["MARK 661(3) Course ID:013557 01-JAN-2018",
                     "Introduction to American Literature",
                     "The ‘Boom’ in Latin American fiction", "Block A1: Studio work"]


def test_a_compound_cut_at_its_hyphen_is_one_word_a_spaced_hyphen_is_not() -> None:
    cut = _words("SPAN 351 Introduction to Latin-", 72, 100)
    american = Word(text="‘American", bbox=(cut[-1].bbox[2], 100, cut[-1].bbox[2] + 40, 106.3),
                    conf=0.64, size=9.0)
    spaced = _words("a grade of C- or better", 72, 112, gap=2.5)
    texts = [ln.text for ln in assemble(_page([[*cut, american], spaced])).lines]
    assert texts == ["SPAN 351 Introduction to Latin-American", "a grade of C- or better"]
    joined = assemble(_page([[*cut, american]])).lines[0].words[-1]
    assert joined.conf == 0.64  # no surer than its less sure half


def test_a_text_layer_page_is_left_as_the_typesetter_set_it() -> None:
    page = _page([_words("CHEM 346 Organic", 72, 100), _words("004(2)", 510, 99)],
                 method="text_layer")
    assert assemble(page) is page


def _scan_and_parse(tmp: Path, pages: list[list[Text]], spec: Degradation):
    born = make_pdf(tmp / "born.pdf", pages)
    scan = make_scanned(src=born, dst=tmp / "scan.pdf", seed=7, degradation=spec)
    read = list(TesseractEngine().read_pages(scan, list(range(1, len(pages) + 1)), dpi=spec.dpi))
    return parse_catalog(read, name="scan.pdf", catalog="t", source_uri=scan.as_uri(),
                         source_sha256="")[1]


def test_a_scan_with_credits_right_aligned_above_the_baseline(tmp_path: Path) -> None:
    texts: list[Text] = []
    y = 80.0
    for i, (subject, title) in enumerate(zip(SUBJECTS, TITLES, strict=True)):
        texts.append(Text(72, y, f"{subject}-{300 + i} {title}", font="hebo", size=10))
        texts.append(Text(500, y - 2.5, f"004({i % 4 + 1})", size=8))
        for line in BODY:
            y += 12
            texts.append(Text(72, y, line, size=9.5))
        y += 24
    records = _scan_and_parse(tmp_path, [texts], Degradation(dpi=200, skew=(0.5, 1.0)))
    found = {(r.course_code, r.title, r.credits_min) for r in records}
    assert found == {(f"{s} {300 + i}", t, i % 4 + 1)  # codes normalized
                     for i, (s, t) in enumerate(zip(SUBJECTS, TITLES, strict=True))}


def _three_column_page(first: int) -> list[Text]:
    texts: list[Text] = []
    for column, x in enumerate((54, 240, 426)):
        y = 80.0
        for row in range(3):
            n = 3 * column + row
            texts.append(Text(x, y, f"{SUBJECTS[n]} {first + n}", font="hebo", size=8.5))
            texts.append(Text(x, y + 10, TITLES[n][:28], font="hebo", size=8.5))
            for line in SHORT_BODY:
                texts.append(Text(x, y + 21, line[:34], size=8))
                y += 11
            y += 42
    return texts


@pytest.mark.parametrize("first", [100])
def test_three_columns_with_show_through_read_in_order(tmp_path: Path, first: int) -> None:
    spec = Degradation(dpi=200, skew=(0.3, 0.8), show_through=0.15, illumination=0.1)
    records = _scan_and_parse(tmp_path, [_three_column_page(first), _three_column_page(500)],
                              spec)
    on_first = [r.course_code for r in records if r.page == 1]
    assert on_first == [f"{SUBJECTS[n]} {first + n}" for n in range(9)]  # column by column
    assert all(r.page == 2 for r in records[9:]) and len(records) == 18


def test_a_words_middle_read_on_another_line_makes_one_word_again_doubted() -> None:
    """Colorado's scan read ``Expanded`` as ``Ex,`` and ``ded`` with ``pan`` in a line of
    debris below them (the ``p``'s descender took it down): put back, one word, doubted. A
    word of the next line below a wide gap stays where it is."""
    heading = _words("DA200 Topics in Dance: Experimental and", 36, 200, size=8.0, gap=2.5)
    ex = Word(text="Ex,", bbox=(253.4, 200.2, 263.9, 205.9), conf=0.93, size=8.0)
    ded = Word(text="ded", bbox=(280.4, 200.2, 295.6, 206.3), conf=0.94, size=8.0)
    cinema = Word(text="Cinema.", bbox=(298.1, 200.2, 332.3, 206.3), conf=0.94, size=8.0)
    debris = [Word(text=":", bbox=(49.0, 207.4, 49.7, 208.1), conf=0.57, size=8.0),
              Word(text="pan", bbox=(262.8, 200.2, 281.2, 211.7), conf=0.92, size=8.0)]
    table = [*_words("Credits:", 36, 230, size=8.0), *_words("4", 140, 230, size=8.0)]
    below = _words("one", 80, 238, size=8.0)  # under the table's gap, a line down
    page = assemble(_page([[*heading, ex, ded, cinema], debris, table, below]))
    texts = [ln.text for ln in page.lines]
    assert "DA200 Topics in Dance: Experimental and Ex,panded Cinema." in texts
    assert "Credits: 4" in texts and "one" in texts
    joined = next(w for ln in page.lines for w in ln.words if w.text == "Ex,panded")
    assert joined.conf == 0.8


def _spread(text: str, x0: float, x1: float, y: float, *, size: float = 9.0) -> list[Word]:
    """``text``'s words spread from ``x0`` to ``x1`` on one row (a justified line)."""
    tokens = text.split()
    step = (x1 - x0) / len(tokens)
    return [Word(text=token, bbox=(x0 + i * step, y, x0 + (i + 1) * step - 2.0, y + 0.7 * size),
                 conf=0.95, size=size) for i, token in enumerate(tokens)]


def test_a_gutter_a_page_shows_too_narrow_is_the_one_the_catalogs_other_pages_show() -> None:
    """Three columns on every page; on the last, one ragged line of the middle column ends
    5 points before the right column (a low-resolution copy's tight gutter). The page alone
    finds only its first gutter and would join its last two columns row by row; the gutters
    most of the catalog's other pages show keep them apart."""
    def page(number: int, *, ragged: bool) -> PageText:
        lines = []
        for row in range(8):
            y = 100 + 12 * row
            middle_end, right_start = (405, 410) if ragged and row == 3 else (395, 420)
            lines += [_spread(f"left prose {row} of the first column", 40, 200, y),
                      _spread(f"middle prose {row} of the second column", 230, middle_end, y),
                      _spread(f"right prose {row} of the third column", right_start, 580, y)]
        return replace(_page(lines), page=number)

    pages = assemble_pages([page(1, ragged=False), page(2, ragged=False), page(3, ragged=True)])
    alone = [ln.text for ln in assemble(page(3, ragged=True)).lines]
    assert "middle prose 0 of the second column right prose 0 of the third column" in alone
    texts = [ln.text for ln in pages[2].lines]
    assert texts == ([f"left prose {r} of the first column" for r in range(8)]
                     + [f"middle prose {r} of the second column" for r in range(8)]
                     + [f"right prose {r} of the third column" for r in range(8)])


def test_a_word_before_solid_ink_dropped_though_read_as_letters_is_doubted() -> None:
    """East Central's ``Elementary German I`` under strong show-through: the ``I`` and a blot
    beside it read ``1`` at 0.39, strokes 3.5 times the page's usual. Dropped as a picture,
    it may have been letters: the title's last word is doubted. An icon read as signs alone
    (``<_<``) doubts nothing."""
    heading = [replace(w, weight=1.6) for w in _words("GER 1113 Elementary German", 72, 100)]
    blot = replace(_words("1", 188, 100)[0], weight=3.5, conf=0.39)
    signs = [replace(w, weight=5.2, conf=0.12) for w in _words("<_<", 188, 130)]
    other = [replace(w, weight=1.6) for w in _words("GER 1223 Elementary German", 72, 130)]
    first, second = assemble(_page([[*heading, blot], [*other, *signs]])).lines
    assert first.text == second.text.replace("1223", "1113") == "GER 1113 Elementary German"
    assert [w.conf for w in first.words] == [0.95, 0.95, 0.95, UNREAD_BESIDE]
    assert [w.conf for w in second.words] == [0.95] * 4
