"""Small catalogs typeset line by line with PyMuPDF, so that a test reads like the catalog it
makes.

A catalog is a list of rows, top to bottom:

- ``("CS 101 Introduction (3)", BOLD)`` or ``("text", REGULAR, 90)``: one run of text at x
  (default ``LEFT``) on its own baseline;
- a list of runs, ``[("CS 101 Introduction", BOLD), ("3 Credits", REGULAR, RIGHT_ALIGNED)]``:
  several runs on one baseline (a separate text run at the right edge, say);
- ``GAP``: a blank line; ``PAGE``: the next rows go on a new page.

Rows that do not fit the page flow onto the next one. ``paragraph`` wraps running text into
full-width body lines, as a catalog prints a description.

Text goes through ``pymupdf.TextWriter`` with PyMuPDF's copies of the base-14 fonts, not
``page.insert_text``, whose simple font encoding prints ``—``, ``–`` and ``“`` as ``·``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

import pymupdf

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.extract import CatalogResult, extract_catalog

BOLD: Final = "hebo"
REGULAR: Final = "helv"
SERIF: Final = "tiro"
SERIF_BOLD: Final = "tibo"
SERIF_ITALIC: Final = "tiit"

WIDTH: Final = 612.0
HEIGHT: Final = 792.0
LEFT: Final = 72.0
RIGHT: Final = 540.0
"""The right edge of the text column."""
RIGHT_ALIGNED: Final = -1.0
"""As a run's x: set the run flush against ``RIGHT``."""
SIZE: Final = 10.0
LEADING: Final = 12.0
TOP: Final = 72.0
BOTTOM: Final = 720.0

GAP: Final = "<gap>"
PAGE: Final = "<page>"

Run = tuple[str, str] | tuple[str, str, float]
Row = Run | list[Run] | str


class Course(NamedTuple):
    number: str
    title: str
    description: str


COURSES: Final = (
    Course("110", "Principles of Biology", "An introduction to the ideas of the field, with "
           "weekly readings, short essays and discussion of current problems."),
    Course("120", "Cell Biology", "Students study the main methods of the discipline through "
           "lectures, laboratory work and a final project."),
    Course("210", "Genetics", "A survey of the history of the subject from its beginnings to "
           "the present, with attention to sources."),
    Course("220", "Ecology", "Covers the principles and practice of the subject, with case "
           "studies drawn from local organizations."),
    Course("310", "Microbiology", "Examines theory and application through problem sets, group "
           "work and a research paper on a chosen topic."),
    Course("320", "Plant Physiology", "Practical work in the studio or laboratory under "
           "supervision, with regular critiques and a portfolio review."),
    Course("410", "Evolution", "Advanced study of selected topics chosen by the instructor, with "
           "presentations and a substantial paper."),
    Course("420", "Senior Seminar", "A seminar on current research, in which students read "
           "journal articles and lead the weekly discussion."),
)
"""A department's worth of courses; each test prints them in the layout it tests."""


@cache
def _font(name: str) -> pymupdf.Font:
    return pymupdf.Font(name)


def text_width(text: str, name: str = REGULAR, size: float = SIZE) -> float:
    return _font(name).text_length(text, fontsize=size)


def paragraph(text: str, *, last: str = "", font: str = REGULAR, x: float = LEFT,
              right: float = RIGHT, size: float = SIZE) -> list[Row]:
    """``text`` wrapped into lines that fill the column from ``x`` to ``right``; ``last`` ends
    the paragraph unbroken (``1 unit — Manley.`` on one line)."""
    words = [*text.split(), *([last] if last else [])]
    return [(line, font, x) for line in _wrap(words, font=font, size=size, first=right - x,
                                              width=right - x)]


def run_in(heading: str, text: str, *, heading_font: str = BOLD, font: str = REGULAR,
           size: float = SIZE) -> list[Row]:
    """A run-in heading: ``heading``, then ``text`` from its line on, wrapped to the column."""
    x = LEFT + text_width(heading + " ", heading_font, size)
    first, *rest = _wrap(text.split(), font=font, size=size, first=RIGHT - x, width=RIGHT - LEFT)
    return [[(heading, heading_font, LEFT), (first, font, x)],
            *[(line, font, LEFT) for line in rest]]


def _wrap(words: list[str], *, font: str, size: float, first: float, width: float) -> list[str]:
    """Lines of ``words``, the first at most ``first`` wide, the others ``width``."""
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        room = width if lines else first
        if current and text_width(" ".join([*current, word]), font, size) > room:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def typeset(path: Path, rows: Sequence[Row], *, size: float = SIZE,
            leading: float = LEADING) -> Path:
    """Write ``rows`` to a PDF at ``path``, one baseline per row."""
    doc = pymupdf.open()
    page = doc.new_page(width=WIDTH, height=HEIGHT)
    y = TOP
    for row in rows:
        if row == PAGE or y > BOTTOM:
            page = doc.new_page(width=WIDTH, height=HEIGHT)
            y = TOP
            if row == PAGE:
                continue
        if row == GAP:
            y += leading
            continue
        runs: list[Run] = row if isinstance(row, list) else [row]  # type: ignore[assignment]
        writer = pymupdf.TextWriter(page.rect)
        for run in runs:
            text, name, x = _run(run)
            if x == RIGHT_ALIGNED:
                x = RIGHT - text_width(text, name, size)
            writer.append((x, y), text, font=_font(name), fontsize=size)
        writer.write_text(page)
        y += leading
    doc.save(path)
    doc.close()
    return path


def _run(run: Run) -> tuple[str, str, float]:
    if len(run) == 2:
        return run[0], run[1], LEFT
    return run  # type: ignore[return-value]


def extract(tmp_path: Path, rows: Sequence[Row], *, name: str = "catalog.pdf") -> CatalogResult:
    """Typeset ``rows`` and extract the catalog's records."""
    return extract_catalog(typeset(tmp_path / name, rows))


@dataclass(frozen=True)
class Expect:
    """A record as a test expects it (the fields compared by ``assert_records``)."""

    code: str
    title: str
    description: str
    credits: tuple[str | None, float | None, float | None] = (None, None, None)
    """``credits_text``, ``credits_min``, ``credits_max``."""
    prerequisites: str | None = None
    corequisites: str | None = None
    cross_listed: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    status: str = "auto_accepted"
    raw: str | None = None
    """``course_code_raw``; the normalized code when None."""

    def view(self) -> dict[str, Any]:
        text, low, high = self.credits
        return {
            "course_code": self.code, "course_code_raw": self.raw or self.code,
            "title": self.title, "credits_text": text, "credits_min": low, "credits_max": high,
            "description": self.description, "prerequisites": self.prerequisites,
            "corequisites": self.corequisites, "cross_listed": list(self.cross_listed),
            "attributes": dict(self.attributes), "status": self.status,
        }


def view(record: CourseRecord) -> dict[str, Any]:
    """The fields of ``record`` that ``Expect`` describes."""
    return {
        "course_code": record.course_code, "course_code_raw": record.course_code_raw,
        "title": record.title, "credits_text": record.credits_text,
        "credits_min": record.credits_min, "credits_max": record.credits_max,
        "description": record.description, "prerequisites": record.prerequisites,
        "corequisites": record.corequisites, "cross_listed": record.cross_listed,
        "attributes": record.attributes, "status": record.status,
    }


def assert_records(found: CatalogResult | Sequence[CourseRecord],
                   expected: Sequence[Expect]) -> None:
    """The catalog gave exactly the ``expected`` records, in reading order."""
    records = found.records if isinstance(found, CatalogResult) else list(found)
    assert [r.course_code for r in records] == [e.code for e in expected]
    for record, expect in zip(records, expected, strict=True):
        assert view(record) == expect.view(), record.course_code
