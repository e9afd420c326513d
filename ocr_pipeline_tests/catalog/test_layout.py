from dataclasses import replace

from ocr_pipeline.catalog.layout import body_gutters, find_gutters, order_lines
from ocr_pipeline.catalog.models import Line, Word


def line(x0: float, y0: float, text: str, *, width: float | None = None) -> Line:
    words = text.split()
    w = width if width is not None else 5.0 * len(text)
    step = w / len(words)
    return Line(
        words=tuple(
            Word(text=t, bbox=(x0 + i * step, y0, x0 + (i + 1) * step - 2, y0 + 10), conf=1.0, size=10)
            for i, t in enumerate(words)
        ),
        bbox=(x0, y0, x0 + w, y0 + 10),
    )


def column(x0: float, label: str, *, top: float = 80, rows: int = 20, width: float = 150) -> list[Line]:
    return [line(x0, top + 12 * i, f"{label} row {i} words", width=width) for i in range(rows)]


def texts(blocks) -> list[str]:  # type: ignore[no-untyped-def]
    return [ln.text for b in blocks for ln in b.lines]


def test_one_column_keeps_top_to_bottom() -> None:
    lines = column(72, "a", width=450)
    blocks = order_lines(list(reversed(lines)), width=612, height=792)
    assert texts(blocks) == [ln.text for ln in lines]


def test_two_columns_read_left_column_first() -> None:
    left, right = column(50, "L", width=240), column(320, "R", width=240)
    shuffled = [ln for pair in zip(right, left) for ln in pair]
    blocks = order_lines(shuffled, width=612, height=792)
    assert texts(blocks) == [ln.text for ln in left + right]
    assert [b.column for b in blocks] == [0, 1]


def test_three_columns() -> None:
    cols = [column(x, label, width=150) for x, label in ((40, "A"), (225, "B"), (410, "C"))]
    blocks = order_lines([ln for c in reversed(cols) for ln in c], width=612, height=792)
    assert texts(blocks) == [ln.text for c in cols for ln in c]
    assert len(find_gutters([ln for c in cols for ln in c], width=612)) == 2


def test_full_width_heading_splits_bands() -> None:
    top_left, top_right = column(50, "TL", rows=5, width=240), column(320, "TR", rows=5, width=240)
    heading = line(50, 150, "Department of Physics spans the page width", width=510)
    low_left = column(50, "BL", top=170, rows=5, width=240)
    low_right = column(320, "BR", top=170, rows=5, width=240)
    blocks = order_lines(top_right + low_right + [heading] + low_left + top_left,
                         width=612, height=792)
    assert texts(blocks) == [ln.text for ln in top_left + top_right + [heading] + low_left + low_right]


def test_running_header_and_footer_are_margin_blocks() -> None:
    header = line(50, 20, "Catalog 2025 header words")
    footer = line(290, 760, "Page 12 of it")
    body = column(50, "L", width=240) + column(320, "R", width=240)
    blocks = order_lines([footer, *body, header], width=612, height=792)
    assert blocks[0].role == "margin" and blocks[0].lines == (header,)
    assert blocks[-1].role == "margin" and blocks[-1].lines == (footer,)
    assert all(b.role == "body" for b in blocks[1:-1])


def test_a_short_centred_title_does_not_hide_the_gutter() -> None:
    body = column(50, "L", rows=40, width=240) + column(320, "R", rows=40, width=240)
    title = line(250, 590, "Which course should I take", width=130)
    assert find_gutters(body + [title], width=612)


def test_last_column_with_a_single_line() -> None:
    left = column(50, "L", rows=12, width=240)
    last = line(320, 80, "the last words of the catalog", width=200)
    blocks = order_lines([left[0], last, *left[1:]], width=612, height=792)
    assert texts(blocks) == [ln.text for ln in left] + [last.text]


def test_page_text_round_trips_through_json() -> None:
    import json

    from ocr_pipeline.catalog.models import PageText

    blocks = order_lines(column(50, "L", width=240) + column(320, "R", width=240), width=612,
                         height=792)
    page = PageText(page=3, width=612, height=792, blocks=blocks, method="tesseract",
                    engine_version="t-1", seconds=0.5)
    back = PageText.from_dict(json.loads(json.dumps(page.to_dict())))
    assert back.text == page.text
    assert [b.column for b in back.blocks] == [0, 1]
    assert back.lines[0].words[0].bbox == page.lines[0].words[0].bbox
    assert (back.page, back.method, back.engine_version) == (3, "tesseract", "t-1")


def test_a_single_short_line_lower_right_is_a_cell_not_a_column() -> None:
    left = column(50, "L", rows=12, width=240)
    cell = line(360, 80 + 12 * 6 - 6, "1 course each semester", width=110)
    assert find_gutters([*left, cell], width=612) == []
    blocks = order_lines([*left[:6], cell, *left[6:]], width=612, height=792)
    assert texts(blocks) == [ln.text for ln in left[:6]] + [cell.text] + [
        ln.text for ln in left[6:]]


def _ink_line(y0: float, text: str) -> Line:
    """A scan's line: its box only the ink, 8 pt high on a 15 pt pitch."""
    shaped = line(60, y0, text, width=400)
    return Line(words=tuple(replace(w, bbox=(w.bbox[0], y0, w.bbox[2], y0 + 8))
                            for w in shaped.words), bbox=(60, y0, 460, y0 + 8))


def test_a_scans_title_atop_its_page_is_body_a_running_header_is_margin() -> None:
    body = [_ink_line(71 + 15 * i, f"body line {i} of the course description") for i in range(30)]
    title = _ink_line(40, "Honor Scholar Senior Tutorial")  # two pitches above: a heading
    blocks = order_lines([title, *body], width=612, height=792)
    assert [b.role for b in blocks] == ["body"]
    header = _ink_line(30, "Course Catalog Honors Programs")  # three pitches above the body
    blocks = order_lines([header, *body], width=612, height=792)
    assert [b.role for b in blocks] == ["margin", "body"]


def test_a_running_header_set_flush_right_shows_no_column() -> None:
    body = column(50, "L", top=100, rows=30, width=300)
    header = line(475, 40, "Run Date: 08/16/2018", width=95)
    assert find_gutters([header, *body], width=612)  # the header alone would show one
    assert body_gutters([header, *body], width=612, height=792) == []
    right = column(380, "R", top=100, rows=30, width=200)
    assert body_gutters([header, *body, *right], width=612, height=792)
