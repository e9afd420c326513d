"""Named page layouts for synthetic catalogs: fonts, columns and each catalog's entry template.

A layout is one catalog's template, as real catalogs have one: how codes are shaped
(``CS 101``, ``CS-101``, ``CS101``, ``PSYCH 323-0``, ``GS-CC-5000``, ``BIOL 101L``), how the
heading is set (code and title side by side, the description running in on the heading line,
or the code alone above the title), where credits are printed and in which form, which
decorations (cross-listed codes, designators) and which labelled lines recur.

Credit forms, as printed (the truth's ``credits_text`` leaves off parentheses and periods):

- ``paren``: ``(3)``, ``(1-4)``
- ``credits``: ``3 Credits``, ``1 Credit``
- ``cr``: ``5 cr.``, ``2-4 cr.``
- ``hours_credits``: ``400(4)`` (hours and credits)
- ``triple``: ``(3-3-0)`` (credits, lecture and lab hours; a range prints as ``(1-4)``)
- ``hours``: ``3 Hours``, ``1 Hour``
- ``units``: ``1 unit``, ``2 units``
- ``decimal``: ``3.00`` (the value of a ``Credits:`` line)
- ``bare``: ``3`` (the value of a ``Credits`` line)

Credit positions: ``heading`` (at the heading's end), ``right`` (flush right on the heading's
first line), ``next_line`` (alone on the line below the heading, after a designator if the
entry has one: ``NS3 4 cr.``), ``label`` (a labelled body line: ``Credits: 3.00``),
``paragraph_end`` (closing the description paragraph: ``... a final project. 3 units.``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CreditForm = Literal[
    "paren", "credits", "cr", "hours_credits", "triple", "hours", "units", "decimal", "bare"
]
CreditsAt = Literal["heading", "right", "next_line", "label", "paragraph_end"]
CodeStyle = Literal["space", "hyphen", "joined"]
"""``CS 101``, ``CS-101``, ``CS101``."""
HeadingKind = Literal["side_by_side", "run_in", "code_above"]
"""Code and title on one line; the same with the description running on after the title in
body type; the code alone on its line with the title on the line below."""
CrossListing = Literal["slash", "paren"]
"""``COMP/PSYC 415``; ``MATH 214 (PHIL 214)``."""
RequisitesAt = Literal["before", "after", "inline"]
"""Requisite lines before or after the description, or sentences inside its paragraph."""
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
    forms: tuple[tuple[CreditForm, float], ...]
    """Credit forms with their relative weights."""
    department_font: str
    department_size: float
    department_style: DepartmentStyle
    prereq_labels: tuple[str, ...]
    """Prerequisite labels this layout uses (the plural one for lists of courses)."""
    prereq_label_font: str
    """Font of every line label (``Prerequisite:``, ``Terms Offered:``, ``Credits:``)."""
    prereq_font: str
    requisites_at: RequisitesAt
    hours_line: bool
    """Print an hours line such as ``(3 hrs. lect. per week)`` after the description."""
    body_indent: float
    """Indent of labelled, description and hours lines relative to the heading (points)."""
    justify: bool
    hyphenation: float
    """Chance of hyphenating a long word that does not fit at a line end."""
    number_digits: int
    number_suffix_rate: float
    """Share of built-in course numbers with a letter suffix (``193V``, ``101L``)."""
    title_case_subjects: float
    """Share of subjects printed in title case (``Acct 124``) instead of upper case."""
    code_style: CodeStyle = "space"
    subject_prefix: str = ""
    """Printed before every subject with a hyphen: ``GS`` gives ``GS-CS-5000``."""
    sequence_suffixes: tuple[str, ...] = ()
    """Suffixes drawn for every number, printed after a hyphen: ``0`` gives ``PSYC 323-0``."""
    heading_kind: HeadingKind = "side_by_side"
    code_period: bool = False
    """A period after the code (``CS 101. Title``)."""
    title_period: bool = False
    """A period after the title (``CS 101. Title. 3 Credits.``, run-in ``DR205 Title. Text``)."""
    credits_period: bool = False
    """A period after credits printed in the heading (``3 Credits.``)."""
    credits_at: CreditsAt = "heading"
    credits_label: str = "Credits:"
    """The label of a ``label`` credits line, as printed (``Credits:`` or ``Credits``)."""
    variable_text: str | None = None
    """How a credit range may print instead (``Variable credit``); None prints every range."""
    variable_rate: float = 0.6
    """Share of credit ranges printed as ``variable_text``."""
    cross_listing: CrossListing | None = None
    designators: tuple[str, ...] = ()
    """Designators some entries print after their credits, or before credits on a line below."""
    attribute_labels: tuple[str, ...] = ()
    """Labelled lines that recur after the description (``Terms Offered``, ``Repeat Status``)."""
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

    def __post_init__(self) -> None:
        if self.heading_kind == "run_in" and self.credits_at in ("right", "next_line"):
            raise ValueError(f"a run-in heading cannot have credits at {self.credits_at!r}")

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
        forms=(("credits", 1.0),),
        department_font="hebo",
        department_size=13.5,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        requisites_at="after",
        hours_line=False,
        body_indent=18.0,
        justify=False,
        hyphenation=0.35,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_period=True,
        title_period=True,
        credits_period=True,
        variable_text="Variable credit",
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
        requisites_at="after",
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
        forms=(("hours_credits", 1.0),),
        department_font="tibo",
        department_size=10.5,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        requisites_at="after",
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.7,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_style="hyphen",
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
        requisites_at="before",
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
        requisites_at="before",
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
    "run_in_units": LayoutSpec(
        summary="Colorado-like: one justified column, Times 10, run-in bold 'DR205 Acting "
        "Workshop.' with the description on the same line, inline 'Prerequisite:' sentences, "
        "'1 unit' / '3 units' closing the paragraph",
        columns=1,
        body_font="tiro",
        body_size=10.0,
        heading_font="tibo",
        caps_titles=False,
        forms=(("units", 1.0),),
        department_font="tibo",
        department_size=13.0,
        department_style="name",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiro",
        prereq_font="tiro",
        requisites_at="inline",
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.4,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_style="joined",
        heading_kind="run_in",
        title_period=True,
        credits_at="paragraph_end",
        entry_gap=0.8,
        first_page_number=57,
    ),
    "run_in_quarter": LayoutSpec(
        summary="Northwestern-like: two columns, Helvetica 9, run-in bold 'PSYC 323-0 Title' "
        "with the description on the same line, 'COMP/PSYC 415' cross-listings, "
        "'Credits: 3.00', 'Prerequisite:', 'Coreq:' and 'Terms Offered:' lines",
        columns=2,
        body_font="helv",
        body_size=9.0,
        heading_font="hebo",
        caps_titles=False,
        forms=(("decimal", 1.0),),
        department_font="hebo",
        department_size=12.0,
        department_style="name",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="heit",
        prereq_font="helv",
        requisites_at="after",
        hours_line=False,
        body_indent=0.0,
        justify=False,
        hyphenation=0.5,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        sequence_suffixes=("0", "0", "0", "0", "1", "2"),
        heading_kind="run_in",
        credits_at="label",
        cross_listing="slash",
        attribute_labels=("Terms Offered",),
        coreq_label="Coreq:",
        column_gap=22.0,
    ),
    "triple_designators": LayoutSpec(
        summary="CNU-like: two justified columns, Times 9, bold 'SPAN 351. Title (3-3-0) AIGM' "
        "with designators after the credits, '(Variable)', 'MATH 214 (PHIL 214)' cross-listings",
        columns=2,
        body_font="tiro",
        body_size=9.0,
        heading_font="tibo",
        caps_titles=False,
        forms=(("triple", 1.0),),
        department_font="tibo",
        department_size=11.5,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        requisites_at="after",
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.5,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_period=True,
        variable_text="Variable",
        variable_rate=1.0,
        cross_listing="paren",
        designators=("AIGM", "AIWT", "AINW", "AICE"),
        column_gap=20.0,
        first_page_number=181,
    ),
    "right_credits": LayoutSpec(
        summary="one column, Helvetica 9.5, bold 'CS-101 Title' with '(3) (DH)' flush right on "
        "the heading's line, 'COMP/PSYC-415' cross-listings, 'Terms Offered:' and "
        "'Repeat Status:' lines",
        columns=1,
        body_font="helv",
        body_size=9.5,
        heading_font="hebo",
        caps_titles=False,
        forms=(("paren", 1.0),),
        department_font="hebo",
        department_size=12.0,
        department_style="caps",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="hebo",
        prereq_font="helv",
        requisites_at="after",
        hours_line=False,
        body_indent=12.0,
        justify=False,
        hyphenation=0.3,
        number_digits=3,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_style="hyphen",
        credits_at="right",
        cross_listing="slash",
        designators=("(DH)", "(SS)", "(NS)", "(WI)", "(DL)"),
        attribute_labels=("Terms Offered", "Repeat Status"),
        first_page_number=88,
    ),
    "code_above": LayoutSpec(
        summary="seminary-like: one justified column, Times 10.5, bold 'GS-CS-5000' alone on "
        "its line above the bold title, '3 Hours' on the line below, 'Coreq:' and "
        "'Repeat Status:' lines",
        columns=1,
        body_font="tiro",
        body_size=10.5,
        heading_font="tibo",
        caps_titles=False,
        forms=(("hours", 1.0),),
        department_font="tibo",
        department_size=13.0,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        requisites_at="after",
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.3,
        number_digits=4,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        code_style="hyphen",
        subject_prefix="GS",
        heading_kind="code_above",
        credits_at="next_line",
        attribute_labels=("Repeat Status",),
        coreq_label="Coreq:",
        entry_gap=1.0,
        first_page_number=23,
    ),
    "credits_below": LayoutSpec(
        summary="two columns, Helvetica 9, bold 'BIOL 101L Title' or 'MATH 214 (PHIL 214) "
        "Title', credits alone on the line below ('4 cr.', 'NS3 4 cr.', 'Variable'), "
        "'Prereq:' and 'Coreq:' lines",
        columns=2,
        body_font="helv",
        body_size=9.0,
        heading_font="hebo",
        caps_titles=False,
        forms=(("cr", 1.0),),
        department_font="hebo",
        department_size=12.0,
        department_style="name",
        prereq_labels=("Prereq:",),
        prereq_label_font="helv",
        prereq_font="helv",
        requisites_at="after",
        hours_line=False,
        body_indent=0.0,
        justify=False,
        hyphenation=0.5,
        number_digits=3,
        number_suffix_rate=0.15,
        title_case_subjects=0.0,
        credits_at="next_line",
        variable_text="Variable",
        cross_listing="paren",
        designators=("NS3", "SO", "HU", "WR", "NW"),
        coreq_label="Coreq:",
        column_gap=22.0,
        first_page_number=301,
    ),
    "credits_label": LayoutSpec(
        summary="two justified columns, Times 9.5, bold 'CS 1010 Title', an unpunctuated "
        "'Credits 3' line after the description, 'Prerequisite:' lines first, "
        "'Terms Offered:' lines",
        columns=2,
        body_font="tiro",
        body_size=9.5,
        heading_font="tibo",
        caps_titles=False,
        forms=(("bare", 1.0),),
        department_font="tibo",
        department_size=12.0,
        department_style="department_of",
        prereq_labels=("Prerequisite:", "Prerequisites:"),
        prereq_label_font="tiit",
        prereq_font="tiro",
        requisites_at="before",
        hours_line=False,
        body_indent=0.0,
        justify=True,
        hyphenation=0.5,
        number_digits=4,
        number_suffix_rate=0.0,
        title_case_subjects=0.0,
        credits_at="label",
        credits_label="Credits",
        attribute_labels=("Terms Offered",),
        column_gap=20.0,
        first_page_number=140,
    ),
}
