"""Labelled lines of a course entry (``Prerequisite:``, ``Terms Offered:``) and where each goes.

A few labels mean the same thing in every catalog (prerequisites, corequisites, cross-listings,
credits): they are known here. Any other ``Label:`` that starts lines in several entries of a
catalog is learned by the catalog's profile and kept in ``attributes`` under its printed name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Field = Literal["prerequisites", "corequisites", "cross_listed", "credits", "description",
                "attributes"]

_KNOWN: tuple[tuple[re.Pattern[str], Field, bool], ...] = (
    # (label pattern, field, whether the printed label is kept as a prefix of the value)
    (re.compile(r"pre-?\s?req(?:uisite)?s?(?:\(s\))?(?: for this course)?", re.I),
     "prerequisites", False),
    (re.compile(r"co-?\s?req(?:uisite)?s?(?:\(s\))?", re.I), "corequisites", False),
    (re.compile(r"(?:pre(?:requisite)?s?|prereq)\s?(?:or|and|/|&)\s?co-?req(?:uisite)?s?(?:\(s\))?",
                re.I), "prerequisites", True),
    (re.compile(r"(?:recommended|suggested)(?: additional)? pre-?req(?:uisite)?s?(?:\(s\))?", re.I),
     "prerequisites", True),
    (re.compile(r"cross-?\s?listed(?: (?:with|as))?|same as|also (?:listed|offered) as|"
                r"identical (?:with|to)", re.I), "cross_listed", False),
    (re.compile(r"credits?(?: hours?)?|units?|semester hours|credit value", re.I),
     "credits", False),
    (re.compile(r"course description|description", re.I), "description", False),
)
_LINE_LABEL = re.compile(
    r"^(?P<label>[A-Z][\w.'’/&()-]*(?:[ ](?:[A-Z(][\w.'’/&()-]*|of|for|and|or|in|to|the|a)){0,4})"
    r"[ ]?(?P<colon>:)[ ]?"
)
_KNOWN_NO_COLON = re.compile(
    r"^(?P<label>Cross-?\s?listed(?: (?:with|as))?|Same as|Also listed as"
    r"|Credits?(?= [\d.½]+(?:[ ]?[-–][ ]?[\d.½]+)?$)|Credit Hours(?= [\d.]))\b[ ]?", re.I
)
"""Labels printed without a colon: cross-listings, and credits followed by a number only."""
_INLINE = re.compile(
    r"(?:(?<=[.;)”\"])|(?<=\s))(?P<label>(?:Recommended |Suggested (?:Additional )?)?"
    r"(?:Pre-?\s?req(?:uisite)?s?(?:\(s\))?|Co-?\s?req(?:uisite)?s?(?:\(s\))?"
    r"|Pre(?:requisite)?s? or Co-?req(?:uisite)?s?)(?: for this course)?)\.?[ ]?[:;][ ]?",
)
"""A prerequisite or corequisite label inside a paragraph; its colon may be a scan's semicolon
(``Prerequisites; JRNL-5314``), which no sentence puts after the capitalized word."""
_LEADING_COMMA = re.compile(
    r"^(?P<label>Pre-?req(?:uisite)?s?(?:\(s\))?|Co-?req(?:uisite)?s?(?:\(s\))?)[,;][ ]"
)
_SENTENCE_END = re.compile(r"(?:(?<=[a-z0-9)”\"])|(?<=\d[A-Z]))\.[ ]+(?=[A-Z(“\"])")
"""A sentence ends at a period after a word, a number or a code (``BIOL 101L.``)."""


@dataclass(frozen=True, slots=True)
class Labelled:
    label: str
    """As printed, without its colon."""
    value: str
    field: Field


def known_field(label: str) -> tuple[Field, bool] | None:
    """The field a label always means, and whether the label stays as a prefix."""
    text = label.strip().rstrip(":").strip().rstrip(".")
    for pattern, field, keep in _KNOWN:
        if pattern.fullmatch(text):
            return field, keep
    return None


def line_label(text: str) -> tuple[str, str] | None:
    """``('Terms Offered', 'Fall')`` for a line that starts with a label, else None."""
    m = _LINE_LABEL.match(text)
    if m is None:
        m = _KNOWN_NO_COLON.match(text)
        if m is None:
            return None
        return m.group("label"), text[m.end():].strip()
    label = m.group("label").strip()
    if label.count("(") != label.count(")") or ". " in label:
        return None  # "World War II. Prerequisite:" is a sentence, then an inline label
    return label, text[m.end():].strip()


def classify(label: str, value: str, *, learned: frozenset[str]) -> Labelled | None:
    """What a labelled line holds: a known label, or one the catalog repeats (``learned``)."""
    known = known_field(label)
    if known is not None:
        field, keep = known
        if field == "credits" and not _looks_numeric(value):
            return None
        return Labelled(label=label, value=f"{label}: {value}" if keep else value, field=field)
    if label in learned:
        return Labelled(label=label, value=value, field="attributes")
    return None


def leading_comma_label(text: str) -> tuple[str, str] | None:
    """``Prerequisite, CPSC 230. Students learn...`` (or ``Prerequisite;``) at a paragraph's
    start."""
    m = _LEADING_COMMA.match(text)
    return (m.group("label"), text[m.end():]) if m else None


def split_inline(text: str) -> tuple[str, list[Labelled]]:
    """Take the prerequisite and corequisite sentences out of a paragraph.

    An inline label's value runs to the end of its sentence, the next label or the paragraph's
    end: ``'Examines X.Prerequisite: BUSN-220 Open to majors.'`` -> ``('Examines X.',
    [Prerequisite 'BUSN-220 Open to majors'])``.
    """
    found: list[Labelled] = []
    if "req" not in text.lower():  # no prerequisite or corequisite label to look for
        return " ".join(text.split()), found
    lead = leading_comma_label(text)
    if lead is not None:
        value, rest = _first_sentence(lead[1])
        found.append(_labelled(lead[0], value))
        text = rest
    kept: list[str] = []
    position = 0
    for m in _INLINE.finditer(text):
        if m.start() < position:
            continue
        kept.append(text[position:m.start()])
        following = text[m.end():]
        nxt = _INLINE.search(following)
        segment = following[: nxt.start()] if nxt else following
        value, rest = _first_sentence(segment)
        found.append(_labelled(m.group("label"), value))
        kept.append(" " + rest if rest else "")
        position = m.end() + len(segment)
    kept.append(text[position:])
    return re.sub(r"\s+", " ", "".join(kept)).strip(), found


def _labelled(label: str, value: str) -> Labelled:
    known = known_field(label)
    field, keep = known if known else ("attributes", False)
    value = value.strip().rstrip(".").strip()
    return Labelled(label=label, value=f"{label}: {value}" if keep else value, field=field)


def _first_sentence(text: str) -> tuple[str, str]:
    m = _SENTENCE_END.search(text)
    if m is None:
        return text.strip(), ""
    return text[: m.start()].strip(), text[m.end():].strip()


def _looks_numeric(value: str) -> bool:
    return bool(re.match(r"^[\d.½]", value.strip())) or value.strip().lower().startswith("var")
