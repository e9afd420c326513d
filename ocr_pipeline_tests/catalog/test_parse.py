from pathlib import Path

from ocr_pipeline.catalog.fields import join_lines
from ocr_pipeline.catalog.parse import ParsedEntry, read_catalog
from ocr_pipeline.ocr.text_layer import TextLayerEngine
from ocr_pipeline_tests.pdfs import Text, make_pdf


def parse_pdf(path: Path) -> dict[str, ParsedEntry]:
    doc_pages = list(TextLayerEngine().read_pages(path, range(1, _count(path) + 1)))
    entries = read_catalog(doc_pages).entries
    return {f"{e.code.subject} {e.code.number}": e for e in entries}


def _count(path: Path) -> int:
    import pymupdf

    with pymupdf.open(path) as doc:
        return doc.page_count


def furniture(page: int) -> list[Text]:
    return [Text(50, 30, "State College Catalog 2024-2025", size=8),
            Text(300, 770, f"Page {page}", size=8)]


class Column:
    """Writes lines down a column, hanging-indent entries, like a two-column catalog."""

    def __init__(self, x: float, top: float = 60, bottom: float = 740) -> None:
        self.x, self.y, self.bottom = x, top, bottom
        self.texts: list[Text] = []

    def add(self, text: str, *, font: str = "helv", indent: float = 9.0, size: float = 9.0,
            gap: float = 0.0) -> bool:
        self.y += gap
        if self.y > self.bottom:
            return False
        self.texts.append(Text(self.x + indent, self.y, text, font=font, size=size))
        self.y += 11
        return True


def test_two_column_catalog_with_furniture_and_breaks(tmp_path: Path) -> None:
    filler = [f"Filler sentence {i} keeps the text running on." for i in range(70)]
    lines: list[tuple[str, str, float, float]] = [  # text, font, indent, gap before
        ("Accounting", "hebo", 20, 0),
        ("ACC 124-Principles of Accounting I (3)", "hebo", 0, 4),
        ("Accounting theory and methods used to record", "helv", 9, 0),
        ("and report information. (3 lec hrs.)", "helv", 9, 0),
        ("ACC 201-Introduction to Financial Accounting (3)", "hebo", 0, 12),
        ("PreReq: C or better in Eng 21 or placement in", "heit", 9, 0),
        ("Eng 102 or placement in Eng 100", "heit", 18, 0),
        ("An introduction to accounting principles and", "helv", 9, 0),
        ("practices used to record and communicate finan-", "helv", 9, 0),
        ("cial information. The MATH 100 course is a good", "helv", 9, 0),
        ("preparation.", "helv", 9, 0),
        *[(f, "helv", 9, 0) for f in filler],
        ("End of it. (3 lec hrs.)", "helv", 9, 0),
        ("ACC 255-Using Spreadsheets in Accounting II (3)", "hebo", 0, 12),
        ("Provides hands-on training in spreadsheets.", "helv", 9, 0),
        *[(f, "helv", 9, 0) for f in filler[:52]],
        ("ACC 295-Accounting Capstone (3)", "hebo", 0, 12),
        ("Integrates knowledge and skills into the work", "helv", 9, 0),
        ("environment. (3 lec hrs.)", "helv", 9, 0),
    ]
    columns = [Column(40), Column(300), Column(40), Column(300)]
    current = 0
    for text, font, indent, gap in lines:
        while not columns[current].add(text, font=font, indent=indent, gap=gap):
            current += 1
            gap = 0
    page1 = furniture(1) + columns[0].texts + columns[1].texts
    page2 = furniture(2) + columns[2].texts + columns[3].texts
    found = parse_pdf(make_pdf(tmp_path / "cat.pdf", [page1, page2]))

    assert set(found) == {"ACC 124", "ACC 201", "ACC 255", "ACC 295"}
    acc124 = found["ACC 124"]
    assert acc124.title == "Principles of Accounting I"
    assert (acc124.credits.low, acc124.credits.high) == (3, 3)
    assert acc124.description == "Accounting theory and methods used to record and report information."

    acc201 = found["ACC 201"]
    assert acc201.prerequisites == "C or better in Eng 21 or placement in Eng 102 or placement in Eng 100"
    assert acc201.description.startswith("An introduction to accounting principles and practices")
    assert "financial information. The MATH 100 course" in acc201.description
    assert acc201.description.endswith("Filler sentence 69 keeps the text running on. End of it.")
    assert "State College" not in acc201.description and "Page" not in acc201.description
    assert acc201.page == 1

    assert found["ACC 255"].page in (1, 2)
    acc295 = found["ACC 295"]
    assert acc295.page == 2
    assert acc295.description == "Integrates knowledge and skills into the work environment."


def test_plain_text_headings_without_bold(tmp_path: Path) -> None:
    page = []
    y = 80.0
    for code, title, credits in [("CS 101", "Introduction to Computer Science", "3 Credits."),
                                 ("CS 102", "Data Structures", "4 Credits."),
                                 ("MATH 221", "Calculus I", "5 cr.")]:
        page.append(Text(72, y, f"{code}. {title}. {credits}"))
        page.append(Text(72, y + 13, "Covers the basics of the subject in lectures and labs."))
        page.append(Text(72, y + 26, "Prerequisite: MATH 101."))
        y += 50
    found = parse_pdf(make_pdf(tmp_path / "plain.pdf", [page]))
    assert set(found) == {"CS 101", "CS 102", "MATH 221"}
    assert found["CS 102"].title == "Data Structures"
    assert found["MATH 221"].credits.text == "5 cr"
    assert found["CS 101"].prerequisites == "MATH 101"
    assert found["CS 101"].description == "Covers the basics of the subject in lectures and labs."


def test_wrapped_caps_title_and_hours_line(tmp_path: Path) -> None:
    page = [
        Text(72, 80, "AEC 105 INTRODUCTION TO CONSTRUCTION MANAGEMENT AND", font="hebo"),
        Text(72, 93, "PROJECT CONTROLS (3)", font="hebo"),
        Text(72, 106, "Prerequisite: AEC 101"),
        Text(72, 119, "Covers schedules, budgets and contracts of building projects."),
        Text(72, 132, "(3 hrs. lect. per week)"),
        Text(72, 160, "AEC 110 BLUEPRINT READING (2)", font="hebo"),
        Text(72, 173, "Reading plans."),
    ]
    found = parse_pdf(make_pdf(tmp_path / "caps.pdf", [page]))
    aec = found["AEC 105"]
    assert aec.title == "INTRODUCTION TO CONSTRUCTION MANAGEMENT AND PROJECT CONTROLS"
    assert aec.prerequisites == "AEC 101"
    assert aec.description == "Covers schedules, budgets and contracts of building projects."
    assert found["AEC 110"].description == "Reading plans."


def test_a_caps_titles_last_word_wrapped_before_its_credits_is_no_designator(
        tmp_path: Path) -> None:
    """``FULL`` ends the heading line at the column's edge and ``TIME (0)`` follows: ``TIME``
    did not fit, so it is the title's; a designator before credits (``NS3 (4)``) stands on a
    line after a heading that ended with room to spare."""
    page = [
        Text(72, 80, "COP 4946 GLOBAL CO-OP WORK EXPERIENCE - FULL", font="hebo"),
        Text(72, 93, "TIME (0)", font="hebo"),
        Text(72, 106, "Offers students an opportunity to engage in a global"),
        Text(72, 119, "work experience that relates to their field of study."),
        Text(72, 147, "BIOL 1100 CELLS AND TISSUES", font="hebo"),
        Text(72, 160, "NS3 (4)", font="hebo"),
        Text(72, 173, "Structure and function of the cell, from membranes to"),
        Text(72, 186, "the organism, in lectures and weekly laboratories."),
    ]
    found = parse_pdf(make_pdf(tmp_path / "caps.pdf", [page]))
    assert found["COP 4946"].title == "GLOBAL CO-OP WORK EXPERIENCE - FULL TIME"
    assert found["COP 4946"].credits.text == "0"
    assert found["BIOL 1100"].title == "CELLS AND TISSUES"
    assert found["BIOL 1100"].credits.text == "4"


def test_course_mentions_in_body_are_not_headings(tmp_path: Path) -> None:
    page = [
        Text(72, 80, "BIOL 4990 Research (1-4)", font="hebo"),
        Text(72, 93, "Independent laboratory research with a faculty member. Students"),
        Text(72, 106, "BIOL 2000 majors only; consult the department before enrolling"),
        Text(72, 119, "in this course."),
    ]
    found = parse_pdf(make_pdf(tmp_path / "mention.pdf", [page]))
    assert list(found) == ["BIOL 4990"]
    assert "BIOL 2000 majors only" in found["BIOL 4990"].description


def test_join_lines_undoes_hyphenation() -> None:
    assert join_lines(["valuat-", "ing assets", "and self-", "Paced"]) == "valuating assets and self-Paced"
    assert join_lines(["seventeenth-", "or eighteenth-century"]) == "seventeenth- or eighteenth-century"
    # a scan's speck read as a quote between a word's halves; a quoted word stays quoted
    assert join_lines(["Social Sci-", '"ences (3)']) == "Social Sciences (3)"
    assert join_lines(["the so-", '"Called" method']) == 'the so- "Called" method'
