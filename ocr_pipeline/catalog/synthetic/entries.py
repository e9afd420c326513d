"""Course text to printed entries: heading form, credits, prerequisites, hours line, truth."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pymupdf

from ocr_pipeline.catalog.synthetic.corpus import CourseText, in_sentence, topics_of
from ocr_pipeline.catalog.synthetic.layouts import Form, LayoutSpec
from ocr_pipeline.catalog.synthetic.truth import TruthRecord
from ocr_pipeline.catalog.synthetic.vocabulary import SUBJECTS, TITLE_EXTENSIONS

WRAP_TITLE_RATE = 1 / 15
"""Share of entries whose title is made long enough to wrap the heading onto a second line."""
PREREQ_RATE = 0.34
COREQ_RATE = 0.12
"""With PREREQ_RATE, about 40% of entries print a prerequisite or corequisite line."""
VARIABLE_RATE = 0.6
"""Share of credit ranges a ``dotted`` layout prints as ``Variable credit``."""

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


@dataclass(frozen=True, slots=True)
class Entry:
    """One course entry ready to typeset; ``record.page`` is 0 until it is placed."""

    record: TruthRecord
    department: str | None
    """The department heading printed before this entry, if the subject changes here."""
    heading: str
    requisites: tuple[tuple[str, str], ...]
    """(label, text) pairs as printed, e.g. ("Prerequisite:", "ACCT 201.")."""
    description: str
    hours: str | None


def build_entries(
    *, courses: Sequence[CourseText], layout: LayoutSpec, rng: random.Random
) -> list[Entry]:
    """Print ``courses`` (sorted by subject) in ``layout``'s forms."""
    printed_subject = {
        c.subject: _print_subject(c.subject, layout=layout, rng=rng) for c in courses
    }
    forms = [f for f, _ in layout.forms]
    weights = [w for _, w in layout.forms]
    chosen: list[Form] = [rng.choices(forms, weights=weights)[0] for _ in courses]
    raw_codes = [
        _raw_code(printed_subject[c.subject], c.number, form) for c, form in zip(courses, chosen)
    ]
    entries: list[Entry] = []
    previous: str | None = None
    for index, (course, form) in enumerate(zip(courses, chosen)):
        department = None
        if course.subject != previous:
            department = _department_heading(course.department, layout=layout)
            previous = course.subject
        entries.append(
            _entry(course=course, form=form, code_raw=raw_codes[index], department=department,
                   others=raw_codes[:index] + raw_codes[index + 1:], layout=layout, rng=rng)
        )
    return entries


def _entry(
    *, course: CourseText, form: Form, code_raw: str, department: str | None,
    others: Sequence[str], layout: LayoutSpec, rng: random.Random,
) -> Entry:
    credits_text, low, high = _credits(course.credits, form=form, rng=rng)
    title = course.title
    if rng.random() < WRAP_TITLE_RATE:
        title = _long_title(
            title,
            course=course,
            heading=lambda t: _heading(code_raw, t, credits_text, form=form),
            layout=layout,
            rng=rng,
        )
    if layout.caps_titles:
        title = title.upper()
    requisites = _requisites(course, others=others, layout=layout, rng=rng)
    description = " ".join(course.sentences)
    record = TruthRecord(
        page=0,
        subject=course.subject,
        number=course.number,
        course_code=f"{course.subject} {course.number}",
        course_code_raw=code_raw,
        title=title,
        credits_text=credits_text,
        credits_min=low,
        credits_max=high,
        description=description,
        prerequisites="; ".join(text for _, text in requisites) or None,
    )
    period = "." if layout.prereq_period else ""
    return Entry(
        record=record,
        department=department,
        heading=_heading(code_raw, title, credits_text, form=form),
        requisites=tuple((label, text + period) for label, text in requisites),
        description=description,
        hours=_hours(course.credits, rng=rng) if layout.hours_line else None,
    )


def _print_subject(subject: str, *, layout: LayoutSpec, rng: random.Random) -> str:
    if len(subject) >= 3 and rng.random() < layout.title_case_subjects:
        return subject.capitalize()
    return subject


def _raw_code(subject: str, number: str, form: Form) -> str:
    return f"{subject}-{number}" if form == "hyphen_code" else f"{subject} {number}"


def _department_heading(name: str, *, layout: LayoutSpec) -> str:
    if layout.department_style == "caps":
        return name.upper()
    if layout.department_style == "department_of" and not name.endswith(" Courses"):
        return f"Department of {name}"
    return name


def _amount(value: float) -> str:
    return f"{value:g}"


def _credits(
    credits: tuple[float, float], *, form: Form, rng: random.Random
) -> tuple[str, float | None, float | None]:
    low, high = credits
    amount = _amount(low) if low == high else f"{_amount(low)}-{_amount(high)}"
    if form == "dotted":
        if low != high and rng.random() < VARIABLE_RATE:
            return "Variable credit", None, None
        unit = "Credit" if low == high == 1 else "Credits"
        return f"{amount} {unit}", low, high
    if form == "hyphen_code":
        return f"{max(1, round(high)) * 100}({amount})", low, high
    if form == "cr":
        return f"{amount} cr", low, high
    return amount, low, high


def _heading(code_raw: str, title: str, credits_text: str, *, form: Form) -> str:
    if form == "dotted":
        return f"{code_raw}. {title}. {credits_text}."
    if form == "cr":
        return f"{code_raw} {title} {credits_text}."
    if form == "paren":
        return f"{code_raw} {title} ({credits_text})"
    return f"{code_raw} {title} {credits_text}"


def _long_title(
    title: str, *, course: CourseText, heading: Callable[[str], str], layout: LayoutSpec,
    rng: random.Random,
) -> str:
    """Extend ``title`` until its heading no longer fits on one line of the column."""
    topics = topics_of(course.subject) or (course.title,)
    for _ in range(12):
        printed = heading(title.upper() if layout.caps_titles else title)
        width = pymupdf.get_text_length(printed, fontname=layout.heading_font,
                                        fontsize=layout.body_size)
        if width > layout.column_width * 1.05:
            break
        extension = rng.choice(TITLE_EXTENSIONS).format(t=rng.choice(topics))
        if extension not in title:
            title += extension
    return title


def _requisites(
    course: CourseText, *, others: Sequence[str], layout: LayoutSpec, rng: random.Random
) -> list[tuple[str, str]]:
    if len(others) < 5:
        return []
    found: list[tuple[str, str]] = []
    codes = rng.sample(list(others), 5)
    program = in_sentence(course.department) if course.subject in SUBJECTS else course.subject
    fill = {"a": codes[0], "b": codes[1], "c": codes[2], "e": codes[3], "d": program}
    if rng.random() < PREREQ_RATE:
        text = rng.choice(PREREQUISITES).format(**fill)
        found.append((_prereq_label(text, layout=layout, rng=rng), text))
    if rng.random() < COREQ_RATE:
        found.append((layout.coreq_label, rng.choice(COREQUISITES).format(a=codes[4])))
    return found


def _prereq_label(text: str, *, layout: LayoutSpec, rng: random.Random) -> str:
    labels = layout.prereq_labels
    if "Prereq:" in labels and (len(labels) == 1 or rng.random() < 0.3):
        return "Prereq:"
    plural = [label for label in labels if label.endswith("s:")]
    if plural and (" and " in text or ";" in text):
        return plural[0]
    return labels[0]


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
