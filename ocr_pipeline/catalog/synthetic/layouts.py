"""Named page layouts for synthetic catalogs: fonts, columns and which entry forms they print.

Entry forms (the heading syntax, see ``entries.py``):

- ``paren``: ``AEC 105 INTRODUCTION TO CONSTRUCTION MANAGEMENT (3)``, ``BIOL 4990 Research (1-4)``
- ``dotted``: ``CS 101. Introduction to Computer Science. 3 Credits.``, ``... Variable credit.``
- ``hyphen_code``: ``ACCT-212 Managerial Accounting 400(4)``
- ``cr``: ``MATH 221 Calculus I 5 cr.``
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Form = Literal["paren", "dotted", "hyphen_code", "cr"]
DepartmentStyle = Literal["department_of", "name", "caps"]

PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0
"""US Letter, in points."""


@dataclass(frozen=True, slots=True)
class LayoutSpec:
    """How a synthetic catalog looks. Fonts are PyMuPDF base-14 names (``helv``, ``tibo``, ...)."""

    summary: str
    """One line for help texts and reports."""
    columns: int
    body_font: str
    body_size: float
    heading_font: str
    """Same size as the body; bold except in a layout where caps and position are the only cue."""
    caps_titles: bool
    forms: tuple[tuple[Form, float], ...]
    """Entry forms with their relative weights."""
    department_font: str
    department_size: float
    department_style: DepartmentStyle
    prereq_labels: tuple[str, ...]
    """Prerequisite labels this layout uses (the plural one for lists of courses)."""
    prereq_label_font: str
    prereq_font: str
    prereq_before_description: bool
    hours_line: bool
    """Print an hours line such as ``(3 hrs. lect. per week)`` after the description."""
    body_indent: float
    """Indent of prerequisite, description and hours lines relative to the heading (points)."""
    justify: bool
    hyphenation: float
    """Chance of hyphenating a long word that does not fit at a line end."""
    number_digits: int
    number_suffix_rate: float
    """Share of built-in course numbers with a letter suffix (``193V``)."""
    title_case_subjects: float
    """Share of subjects printed in title case (``Acct 124``) instead of upper case."""
    coreq_label: str = "Corequisite:"
    prereq_period: bool = True
    """End prerequisite lines with a period (the truth never includes it)."""
    leading: float = 1.2
    entry_gap: float = 0.6
    """Space between entries, in body lines."""
    column_gap: float = 20.0
    margin: float = 54.0
    first_page_number: int = 1
    """The number printed in the footer of the first page."""

    @property
    def column_width(self) -> float:
        return (PAGE_WIDTH - 2 * self.margin - (self.columns - 1) * self.column_gap) / self.columns


LAYOUTS: dict[str, LayoutSpec] = {
    "one_column": LayoutSpec(
        summary="one column, Times 10.5 body, Helvetica bold headings, "
        "'CS 101. Title. 3 Credits.' and 'Variable credit.', prerequisites after the description",
        columns=1,
        body_font="tiro",
        body_size=10.5,
        heading_font="hebo",
        caps_titles=False,
        forms=(("dotted", 1.0),),
        department_font="hebo",
        department_size=13.5,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        prereq_before_description=False,
        hours_line=False,
        body_indent=18.0,
        justify=False,
        hyphenation=0.35,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        first_page_number=41,
    ),
    "two_column": LayoutSpec(
        summary="two columns, Helvetica 9.5, bold headings, 'MATH 221 Calculus I 5 cr.' and "
        "'BIOL 4990 Research (1-4)', some title-case subject codes, 'Prereq:' lines",
        columns=2,
        body_font="helv",
        body_size=9.5,
        heading_font="hebo",
        caps_titles=False,
        forms=(("cr", 0.55), ("paren", 0.45)),
        department_font="hebo",
        department_size=12.5,
        department_style="name",
        prereq_labels=("Prereq:",),
        prereq_label_font="helv",
        prereq_font="helv",
        prereq_before_description=False,
        hours_line=False,
        body_indent=0.0,
        justify=False,
        hyphenation=0.5,
        number_digits=4,
        number_suffix_rate=0.0,
        title_case_subjects=0.25,
        column_gap=22.0,
    ),
    "three_column": LayoutSpec(
        summary="three justified columns, Times 8, bold headings, 'ACCT-212 Managerial "
        "Accounting 400(4)', Prerequisite(s)/Corequisite lines after the description",
        columns=3,
        body_font="tiro",
        body_size=8.0,
        heading_font="tibo",
        caps_titles=False,
        forms=(("hyphen_code", 1.0),),
        department_font="tibo",
        department_size=10.5,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        prereq_before_description=False,
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.7,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        entry_gap=0.5,
        column_gap=18.0,
        first_page_number=203,
    ),
    "caps_two_column": LayoutSpec(
        summary="Hawaii-like: two justified columns, Helvetica 9 body, Times bold ALL-CAPS "
        "headings 'AEC 105 TITLE (3)', italic prerequisites first, an hours line last",
        columns=2,
        body_font="helv",
        body_size=9.0,
        heading_font="tibo",
        caps_titles=True,
        forms=(("paren", 1.0),),
        department_font="hebo",
        department_size=12.0,
        department_style="caps",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="heit",
        prereq_font="heit",
        prereq_before_description=True,
        prereq_period=False,
        hours_line=True,
        body_indent=9.0,
        justify=True,
        hyphenation=0.6,
        number_digits=3,
        number_suffix_rate=0.1,
        title_case_subjects=0.0,
        entry_gap=1.0,
        column_gap=24.0,
        first_page_number=112,
    ),
    "typewriter": LayoutSpec(
        summary="one column, Courier 10 throughout, headings NOT bold (ALL-CAPS titles and "
        "position are the only cue), '(3)' and '3 cr.' credits, hours lines",
        columns=1,
        body_font="cour",
        body_size=10.0,
        heading_font="cour",
        caps_titles=True,
        forms=(("paren", 0.6), ("cr", 0.4)),
        department_font="cour",
        department_size=12.0,
        department_style="caps",
        prereq_labels=("Prerequisite:", "Prerequisites:", "Prereq:"),
        prereq_label_font="cour",
        prereq_font="cour",
        prereq_before_description=True,
        prereq_period=False,
        hours_line=True,
        body_indent=24.0,
        justify=False,
        hyphenation=0.25,
        number_digits=3,
        number_suffix_rate=0.05,
        title_case_subjects=0.0,
        leading=1.15,
        entry_gap=1.0,
    ),
}
