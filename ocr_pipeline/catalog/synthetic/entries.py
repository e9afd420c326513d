"""Course text to printed entries in a layout's template, with the truth of each entry.

An entry is printed as its layout says (``layouts.py``): the code in the catalog's shape, maybe
with a cross-listed code; the heading (side by side, run-in or the code above the title); the
credits where and as the catalog prints them, with designators; requisites as lines or inline
sentences; recurring labelled lines; an hours line. The truth records what the page shows, by
the conventions of ``benchmarks/truth/README.md``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pymupdf

from ocr_pipeline.catalog.synthetic.corpus import CourseText, in_sentence, topics_of
from ocr_pipeline.catalog.synthetic.layouts import CodeStyle, CreditForm, LayoutSpec
from ocr_pipeline.catalog.synthetic.truth import TruthRecord
from ocr_pipeline.catalog.synthetic.vocabulary import (
    ATTRIBUTE_VALUES,
    SUBJECTS,
    TITLE_EXTENSIONS,
)

WRAP_TITLE_RATE = 1 / 15
"""Share of entries whose title is made long enough to wrap the heading onto a second line."""
PREREQ_RATE = 0.34
COREQ_RATE = 0.12
"""With PREREQ_RATE, about 40% of entries print a prerequisite or corequisite."""
CROSS_LIST_RATE = 0.2
"""Share of entries that print a cross-listed code, in a layout that cross-lists."""
DESIGNATOR_RATE = 0.4
"""Share of entries that print designators, in a layout that has them."""
SECOND_DESIGNATOR_RATE = 0.25
ATTRIBUTE_RATE = 0.55
"""Share of entries that print each of the layout's recurring labelled lines."""
WRAP_OVERFLOW = 0.05
"""A wrapped heading line is this share of the column wider than the room it has."""
LAB_HOURS = (0, 0, 0, 2, 3)
"""Lab hours of a ``triple`` (credits-lecture-lab) entry."""

PREREQUISITES = (
    "{a}", "{a}", "{a} or {b}", "{a} and {b}", "{a} with a grade of C or better",
    "{a} or consent of instructor", "{a} or equivalent", "Junior standing or consent of instructor",
    "Admission to the {d} program", "{a}; and {b} or placement in {c}",
    "{a} or {b} with a grade of C or better, or placement in {c}; and {e} or consent of the "
    "department chair",
    "{a} and {b}, or admission to the {d} program with the approval of the program coordinator "
    "and the instructor",
)
COREQUISITES = ("{a}", "{a} or concurrent enrollment", "{a} (may be taken concurrently)")

Labelled = tuple[str, str]
"""(label, text) as printed, e.g. ("Prerequisite:", "ACCT 201.")."""


@dataclass(frozen=True, slots=True)
class Code:
    """A course code: the truth's subject and number, and how the catalog prints it."""

    subject: str
    number: str
    printed_subject: str
    """``Acct`` for a title-case subject, ``GS-CS`` with a subject prefix."""
    sep: str
    """What joins subject and number: ``" "``, ``"-"`` or ``""``."""

    @property
    def printed(self) -> str:
        return f"{self.printed_subject}{self.sep}{self.number}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One course entry ready to typeset; ``record.page`` is 0 until it is placed."""

    record: TruthRecord
    department: str | None
    """The department heading printed before this entry, if the subject changes here."""
    heading: tuple[str, ...]
    """Heading-type text, each item starting a line of its own: ``("CS 101 Title (3)",)``, or
    the code and the title (``code_above``). A run-in paragraph continues after the last."""
    right: str | None
    """Credits (and designators) set flush right on the heading's first line."""
    credits_line: str | None
    """Credits alone on the line below the heading, after any designator: ``NS3 4 cr.``"""
    before: tuple[Labelled, ...]
    """Labelled lines printed between the heading and the description."""
    paragraph: str
    """The description as printed: with inline requisites and closing credits if any."""
    after: tuple[Labelled, ...]
    """Labelled lines printed after the description."""
    hours: str | None


@dataclass(frozen=True, slots=True)
class _Requisites:
    prerequisite: Labelled | None
    corequisite: Labelled | None

    @property
    def printed(self) -> list[Labelled]:
        return [r for r in (self.prerequisite, self.corequisite) if r is not None]


def build_entries(
    *, courses: Sequence[CourseText], layout: LayoutSpec, rng: random.Random
) -> list[Entry]:
    """Print ``courses`` (sorted by subject) in ``layout``'s template."""
    printed_subject = {
        c.subject: _print_subject(c.subject, layout=layout, rng=rng) for c in courses
    }
    forms = [f for f, _ in layout.forms]
    weights = [w for _, w in layout.forms]
    chosen: list[CreditForm] = [rng.choices(forms, weights=weights)[0] for _ in courses]
    codes = [_code(c, printed_subject[c.subject], layout=layout, rng=rng) for c in courses]
    entries: list[Entry] = []
    previous: str | None = None
    for index, (course, form) in enumerate(zip(courses, chosen)):
        department = None
        if course.subject != previous:
            department = _department_heading(course.department, layout=layout)
            previous = course.subject
        others = [c.printed for c in codes[:index] + codes[index + 1:]]
        entries.append(_entry(course=course, form=form, code=codes[index], department=department,
                              others=others, layout=layout, rng=rng))
    return entries


def _entry(
    *, course: CourseText, form: CreditForm, code: Code, department: str | None,
    others: Sequence[str], layout: LayoutSpec, rng: random.Random,
) -> Entry:
    credits_text, low, high = _credits(course.credits, form=form, layout=layout, rng=rng)
    credits = _printed_credits(credits_text, form=form, variable=low is None)
    code_part, code_raw, cross_listed = _cross_listing(code, subject=course.subject,
                                                       layout=layout, rng=rng)
    designators = _designators(layout=layout, rng=rng)
    tail = _heading_tail(credits, designators, layout=layout)
    right = _join(credits, designators) if layout.credits_at == "right" else None
    title = _title(course, code_part=code_part, tail=tail, right=right, layout=layout, rng=rng)
    requisites = _requisites(course, others=others, layout=layout, rng=rng)
    attributes = _attributes(layout=layout, rng=rng)
    hours = _hours(course.credits, rng=rng) if layout.hours_line else None
    description = " ".join(course.sentences)
    record = TruthRecord(
        page=0,
        subject=code.subject,
        number=code.number,
        course_code=f"{code.subject} {code.number}",
        course_code_raw=code_raw,
        title=title,
        credits_text=credits_text,
        credits_min=low,
        credits_max=high,
        description=description,
        prerequisites=requisites.prerequisite[1] if requisites.prerequisite else None,
        corequisites=requisites.corequisite[1] if requisites.corequisite else None,
        cross_listed=cross_listed,
        attributes=_truth_attributes(designators, attributes, hours),
    )
    return Entry(
        record=record,
        department=department,
        heading=_heading(code_part, title, tail, layout=layout),
        right=right,
        credits_line=_join(designators, credits) if layout.credits_at == "next_line" else None,
        before=tuple(_requisite_lines(requisites, layout=layout, at="before")),
        paragraph=_paragraph(description, requisites, credits, layout=layout),
        after=tuple(_after_lines(credits_text, requisites, attributes, layout=layout)),
        hours=hours,
    )


def _print_subject(subject: str, *, layout: LayoutSpec, rng: random.Random) -> str:
    if len(subject) >= 3 and rng.random() < layout.title_case_subjects:
        return subject.capitalize()
    return subject


def _code(course: CourseText, printed_subject: str, *, layout: LayoutSpec,
          rng: random.Random) -> Code:
    number = course.number
    if layout.sequence_suffixes:
        number = f"{number}-{rng.choice(layout.sequence_suffixes)}"
    return Code(subject=_prefixed(course.subject, layout=layout), number=number,
                printed_subject=_prefixed(printed_subject, layout=layout),
                sep=_separator(layout.code_style))


def _prefixed(subject: str, *, layout: LayoutSpec) -> str:
    return f"{layout.subject_prefix}-{subject}" if layout.subject_prefix else subject


def _separator(style: CodeStyle) -> str:
    return {"space": " ", "hyphen": "-", "joined": ""}[style]


def _cross_listing(
    code: Code, *, subject: str, layout: LayoutSpec, rng: random.Random
) -> tuple[str, str, list[str]]:
    """The code as the heading prints it, the raw code, and the cross-listed codes: the same
    number under another ``subject``."""
    if layout.cross_listing is None or rng.random() >= CROSS_LIST_RATE:
        return code.printed, code.printed, []
    other = _prefixed(rng.choice(sorted(set(SUBJECTS) - {subject})), layout=layout)
    listed = [f"{other} {code.number}"]
    if layout.cross_listing == "slash":
        raw = f"{code.printed_subject}/{other}{code.sep}{code.number}"
        return raw, raw, listed
    return f"{code.printed} ({other}{code.sep}{code.number})", code.printed, listed


def _designators(*, layout: LayoutSpec, rng: random.Random) -> str:
    if not layout.designators or rng.random() >= DESIGNATOR_RATE:
        return ""
    two = layout.credits_at != "next_line" and rng.random() < SECOND_DESIGNATOR_RATE
    return " ".join(rng.sample(layout.designators, 2 if two else 1))


def _department_heading(name: str, *, layout: LayoutSpec) -> str:
    if layout.department_style == "caps":
        return name.upper()
    if layout.department_style == "department_of" and not name.endswith(" Courses"):
        return f"Department of {name}"
    return name


def _amount(value: float) -> str:
    return f"{value:g}"


def _credits(
    credits: tuple[float, float], *, form: CreditForm, layout: LayoutSpec, rng: random.Random
) -> tuple[str, float | None, float | None]:
    """The credit expression as the truth records it, and its numbers."""
    low, high = credits
    if low != high and layout.variable_text and rng.random() < layout.variable_rate:
        return layout.variable_text, None, None
    return _credit_text(low, high, form=form, rng=rng), low, high


def _credit_text(low: float, high: float, *, form: CreditForm, rng: random.Random) -> str:
    amount = _amount(low) if low == high else f"{_amount(low)}-{_amount(high)}"
    plural = "" if low == high == 1 else "s"
    if form == "credits":
        return f"{amount} Credit{plural}"
    if form == "cr":
        return f"{amount} cr"
    if form == "hours_credits":
        return f"{max(1, round(high)) * 100}({amount})"
    if form == "triple" and low == high:
        lab = rng.choice(LAB_HOURS)
        return f"{amount}-{max(0, int(low) - (1 if lab else 0))}-{lab}"
    if form == "hours":
        return f"{amount} Hour{plural}"
    if form == "units":
        return f"{amount} unit{plural}"
    if form == "decimal":
        return f"{low:.2f}" if low == high else f"{low:.2f}-{high:.2f}"
    return amount


def _printed_credits(text: str, *, form: CreditForm, variable: bool) -> str:
    """The credits as the page shows them: ``(3)``, ``(3-3-0)``, ``5 cr.``"""
    if form in ("paren", "triple"):
        return f"({text})"
    if form == "cr" and not variable:
        return f"{text}."
    return text


def _heading_tail(credits: str, designators: str, *, layout: LayoutSpec) -> str:
    """What follows the title on its line: credits printed there, and designators."""
    if layout.credits_at == "heading":
        if layout.credits_period and not credits.endswith("."):
            credits += "."
        return _join(credits, designators)
    if layout.credits_at in ("right", "next_line"):
        return ""
    return designators


def _heading(code_part: str, title: str, tail: str, *, layout: LayoutSpec) -> tuple[str, ...]:
    code = code_part + ("." if layout.code_period else "")
    title += "." if layout.title_period else ""
    if layout.heading_kind == "code_above":
        return code, _join(title, tail)
    return (_join(code, title, tail),)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def heading_room(right: str | None, *, layout: LayoutSpec) -> float:
    """The width left for heading text beside credits set flush right (one em apart)."""
    if not right:
        return layout.column_width
    return layout.column_width - _heading_width(right, layout=layout) - layout.body_size


def _heading_width(text: str, *, layout: LayoutSpec) -> float:
    return pymupdf.get_text_length(text, fontname=layout.heading_font, fontsize=layout.body_size)


def _title(
    course: CourseText, *, code_part: str, tail: str, right: str | None, layout: LayoutSpec,
    rng: random.Random,
) -> str:
    """The title as printed: some made long enough to wrap their heading line, caps if the
    layout prints caps."""
    title = course.title
    if rng.random() < WRAP_TITLE_RATE:
        room = heading_room(right, layout=layout) + WRAP_OVERFLOW * layout.column_width

        def overflows(candidate: str) -> bool:
            shown = candidate.upper() if layout.caps_titles else candidate
            line = _heading(code_part, shown, tail, layout=layout)[-1]
            return _heading_width(line, layout=layout) > room

        title = _long_title(title, course=course, overflows=overflows, rng=rng)
    return title.upper() if layout.caps_titles else title


def _long_title(
    title: str, *, course: CourseText, overflows: Callable[[str], bool], rng: random.Random
) -> str:
    """Extend ``title`` until its heading line no longer fits on one line of the column."""
    topics = topics_of(course.subject) or (course.title,)
    for _ in range(12):
        if overflows(title):
            break
        extension = rng.choice(TITLE_EXTENSIONS).format(t=rng.choice(topics))
        if extension not in title:
            title += extension
    return title


def _requisites(
    course: CourseText, *, others: Sequence[str], layout: LayoutSpec, rng: random.Random
) -> _Requisites:
    if len(others) < 5:
        return _Requisites(prerequisite=None, corequisite=None)
    codes = rng.sample(list(others), 5)
    program = in_sentence(course.department) if course.subject in SUBJECTS else course.subject
    fill = {"a": codes[0], "b": codes[1], "c": codes[2], "e": codes[3], "d": program}
    prerequisite = corequisite = None
    if rng.random() < PREREQ_RATE:
        text = rng.choice(PREREQUISITES).format(**fill)
        prerequisite = (_prereq_label(text, layout=layout, rng=rng), text)
    if rng.random() < COREQ_RATE:
        corequisite = (layout.coreq_label, rng.choice(COREQUISITES).format(a=codes[4]))
    return _Requisites(prerequisite=prerequisite, corequisite=corequisite)


def _prereq_label(text: str, *, layout: LayoutSpec, rng: random.Random) -> str:
    labels = layout.prereq_labels
    if "Prereq:" in labels and (len(labels) == 1 or rng.random() < 0.3):
        return "Prereq:"
    plural = [label for label in labels if label.endswith("s:")]
    if plural and (" and " in text or ";" in text):
        return plural[0]
    return labels[0]


def _attributes(*, layout: LayoutSpec, rng: random.Random) -> list[Labelled]:
    """The layout's recurring labelled lines this entry prints, label without its colon."""
    return [(label, rng.choice(ATTRIBUTE_VALUES[label])) for label in layout.attribute_labels
            if rng.random() < ATTRIBUTE_RATE]


def _truth_attributes(
    designators: str, attributes: Sequence[Labelled], hours: str | None
) -> dict[str, str]:
    found = dict(attributes)
    if designators:
        found["designators"] = designators
    if hours:
        found["hours"] = hours.removeprefix("(").removesuffix(")")
    return found


def _requisite_lines(requisites: _Requisites, *, layout: LayoutSpec, at: str) -> list[Labelled]:
    if layout.requisites_at != at:
        return []
    period = "." if layout.prereq_period else ""
    return [(label, text + period) for label, text in requisites.printed]


def _paragraph(
    description: str, requisites: _Requisites, credits: str, *, layout: LayoutSpec
) -> str:
    sentences = [description]
    if layout.requisites_at == "inline":
        sentences += [f"{label} {text}." for label, text in requisites.printed]
    if layout.credits_at == "paragraph_end":
        sentences.append(f"{credits}.")
    return " ".join(sentences)


def _after_lines(
    credits_text: str, requisites: _Requisites, attributes: Sequence[Labelled], *,
    layout: LayoutSpec,
) -> list[Labelled]:
    lines: list[Labelled] = []
    if layout.credits_at == "label":
        lines.append((layout.credits_label, credits_text))
    lines += _requisite_lines(requisites, layout=layout, at="after")
    lines += [(f"{label}:", value) for label, value in attributes]
    return lines


def _hours(credits: tuple[float, float], *, rng: random.Random) -> str:
    low, high = credits
    if low != high:
        return "(variable hours)"
    lecture = max(0, round(high))
    choice = rng.random()
    if lecture == 0 or choice < 0.15:
        return f"({2 * max(1, lecture)} hrs. lab per week)"
    unit = "hr." if lecture == 1 else "hrs."
    if choice < 0.45 and lecture > 1:
        lecture_unit = "hr." if lecture - 1 == 1 else "hrs."
        return f"({lecture - 1} {lecture_unit} lect., 3 hrs. lab per week)"
    return f"({lecture} {unit} lect. per week)"
