"""Text patterns of a course entry: the heading (code, title, credits) and labelled lines.

These are the lexical half of the parser; ``parse.py`` adds the layout half (font weight and
size, indentation, column geometry, gaps) to decide which matching lines really are headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUBJECT = r"(?P<subject>[A-Z][A-Za-z&]{0,5}|[A-Z]{1,4}&)"
_NUMBER = r"(?P<number>\d{2,5}[A-Z]{0,2})"
_CODE = re.compile(
    rf"^{_SUBJECT}(?P<sep>[ \u00a0]?-[ \u00a0]?|[ \u00a0]{{1,2}}|\.[ \u00a0]?){_NUMBER}"
    r"(?P<after>\.?[ \u00a0]*[—–:\-]?[ \u00a0]*|\.|$)"
)
_MARKER = re.compile(r"^[+*•†‡#◆■►▪]\s*")
_NUMBER_ONLY = re.compile(r"^(?P<number>\d{3,4}[A-Z]{0,2})(?:\.|[ \u00a0]*[—–:])?[ \u00a0]+(?=[A-Z])")
_NUM = r"\d{1,2}(?:\.\d{1,2})?"
_RANGE = rf"(?P<lo>{_NUM})(?:[ ]?(?:-|–|—|to|or)[ ]?(?P<hi>{_NUM}))?"
_UNIT = (
    r"(?:Credit[ ]Hours?|Credits?|Semester[ ]Hours?|Quarter[ ]Hours?|cr|Cr|CR|Units?|units?|credits?"
    r"|credit[ ]hours?|Hours|hours|sh|SH|s\.h)\.?"
)
_CREDIT_FORMS = (
    re.compile(rf"(?P<text>(?P<hours>\d{{2,4}})\({_RANGE}\))\.?$"),
    re.compile(rf"\((?P<text>{_RANGE}(?:[ ]?{_UNIT})?)\)\.?$"),
    re.compile(rf"(?P<text>{_RANGE}[ ]?{_UNIT})\.?$"),
    re.compile(r"(?P<text>Variable[ ]credits?|Variable[ ]Credits?|Var\.?[ ]cr|Credit[ ]varies)\.?$"),
)
_BROKEN_CREDIT_FORMS = (  # one parenthesis lost, as OCR does: "(3" or " 3)"
    re.compile(rf"\((?P<text>{_RANGE})\.?$"),
    re.compile(rf"(?<=[ ])(?P<text>{_RANGE})\)\.?$"),
)
_SUBJECT_STOPWORDS = frozenset(
    {"A", "I", "An", "As", "At", "By", "Fall", "Spring", "Summer", "Winter", "Page", "Room", "Fig",
     "Grade", "Level", "Term", "Year", "Section", "Unit", "Units", "Credits", "Hours", "Total"}
)

_LABEL = re.compile(
    r"^(?P<label>Pre-?[Rr]eq(?:uisite)?s?(?:\(s\))?|PreReq|Prereq|"
    r"Co-?[Rr]eq(?:uisite)?s?(?:\(s\))?|CoReq|Coreq|"
    r"Pre(?:requisite)?s?[ ]?(?:and|/|&)[ ]?Co-?req(?:uisite)?s?|"
    r"Recommended(?:[ ]Preparation)?|Restrictions?|Cross-?[Ll]isted(?:[ ](?:as|with))?|"
    r"Corequisite|Repeatable|Note|Grading|Attributes?|Offered|Hours|Equivalent(?:[ ]to)?|"
    r"Same[ ]as|Formerly)\b[ ]?[:.]?[ ]?"
)
_INLINE_LABEL = re.compile(
    r"(?<=[.)])\s+(?=(?:Pre-?[Rr]eq(?:uisite)?s?(?:\(s\))?|PreReq|Co-?[Rr]eq(?:uisite)?s?(?:\(s\))?|CoReq)"
    r"\s*:)"
)
_HOURS_LINE = re.compile(
    r"^(?:\([\d.\- ]*(?:variable\s+)?(?:hrs?\.?|hours?|lec|lect|lab)\b[^()]*\)"
    r"|[\d.\- ]+(?:hrs?\.?|hours?|lec|lect|lab)\b[^()]*(?:week|hrs?\.?|lab|lect?\.?))\.?$",
    re.IGNORECASE,
)
_TRAILING_HOURS = re.compile(
    r"\s*\((?=[^()]*\b(?:hrs?|hours?|lec|lect|lab)\b)[^()]*\)\s*\.?$", re.IGNORECASE
)
_CONNECTORS = frozenset({"and", "of", "to", "the", "in", "for", "a", "an", "with", "&", "on", "or"})


@dataclass(frozen=True, slots=True)
class CodeMatch:
    subject: str
    number: str
    raw: str
    rest: str
    """Text after the code and its separator (title and credits)."""


@dataclass(frozen=True, slots=True)
class Credits:
    text: str
    low: float | None
    high: float | None
    clean: bool = True
    """False when the printed form was damaged (a parenthesis missing)."""


def match_code(text: str) -> CodeMatch | None:
    """A course code at the start of ``text`` (``AEC 105``, ``ACCT-212``, ``Acc 124—``)."""
    marker = _MARKER.match(text)
    if marker:
        text = text[marker.end():]
    m = _CODE.match(text)
    if m is None or m.group("subject") in _SUBJECT_STOPWORDS:
        return None
    after = m.group("after")
    rest = text[m.end():]
    if not after.strip() and rest[:1] not in ("", " ") and not after:
        return None
    if rest[:1] in (")", ",", ";", "/"):
        return None
    raw = text[: m.end("number")]
    return CodeMatch(subject=m.group("subject"), number=m.group("number"), raw=raw, rest=rest.strip())


def match_number_only(text: str, *, subject: str) -> CodeMatch | None:
    """A heading that prints only the number (``6610 APPLIED ML (3)``) under ``subject``."""
    m = _NUMBER_ONLY.match(text)
    if m is None:
        return None
    return CodeMatch(subject=subject, number=m.group("number"), raw=m.group("number"),
                     rest=text[m.end():].strip())


def normalize_code(subject: str, number: str) -> str:
    return f"{subject.upper().rstrip('&')} {number.upper()}"


def split_credits(text: str) -> tuple[str, Credits | None]:
    """Split trailing credits off a heading: ``'Calculus I 5 cr.'`` -> ``('Calculus I', 5-5)``."""
    stripped = text.rstrip()
    forms = [(form, True) for form in _CREDIT_FORMS] + [(f, False) for f in _BROKEN_CREDIT_FORMS]
    for form, clean in forms:
        m = form.search(stripped)
        if m is None:
            continue
        if m.start() > 0 and stripped[m.start() - 1] not in " .(—–-":
            continue
        names = m.groupdict()
        low = float(names["lo"]) if names.get("lo") else None
        high = float(names["hi"]) if names.get("hi") else low
        if low is not None and high is not None and high < low:
            continue
        head = stripped[: m.start()].rstrip(" (").rstrip()
        credit_text = m.group("text").rstrip(".")
        return head, Credits(text=credit_text, low=low, high=high, clean=clean)
    return stripped, None


def parse_credits(text: str) -> Credits | None:
    """Credits typed by a reviewer: ``3``, ``3 credits``, ``1-4``, ``400(4)``, ``Variable credit``."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(rf"{_RANGE}", text):
        text = f"({text})"
    return split_credits(text)[1]


def clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:—–-,;")


def title_looks_complete(title: str) -> bool:
    words = title.split()
    return bool(words) and words[-1].lower() not in _CONNECTORS


def match_label(text: str) -> tuple[str, str] | None:
    """``('Prerequisite', 'MATH 101')`` for a labelled line, else None."""
    m = _LABEL.match(text)
    if m is None:
        return None
    rest = text[m.end():]
    label = canonical_label(m.group("label"))
    if label != "Cross-listed" and not (m.group(0).rstrip().endswith((":", ".")) or rest[:1] == ":"):
        return None
    return label, rest.lstrip(" :").strip()


def canonical_label(label: str) -> str:
    low = label.lower().replace("-", "")
    if low.startswith("pre") and ("co" in low[3:]):
        return "Prerequisite"
    if low.startswith("pre"):
        return "Prerequisite"
    if low.startswith("co"):
        return "Corequisite"
    if low.startswith("cross"):
        return "Cross-listed"
    return label.split()[0].capitalize()


def split_inline_labels(text: str) -> list[str]:
    """Split ``'... text. Prerequisite: X.'`` into description and label parts."""
    return [part for part in _INLINE_LABEL.split(text) if part]


def is_hours_line(text: str) -> bool:
    return bool(_HOURS_LINE.match(text.strip()))


def strip_trailing_hours(text: str) -> str:
    return _TRAILING_HOURS.sub("", text).rstrip()
