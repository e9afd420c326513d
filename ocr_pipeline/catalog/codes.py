"""The shape of a course code, broad enough for any registrar's style.

``CS 101``, ``CS-101``, ``CS101``, ``ENGL 1301``, ``BIOL 101L``, ``PSYCH 323-0``, ``GS-CC-5000``,
``COMP/PSYC 415`` (slash cross-listing), ``C977``, ``AFT2`` (letters and digits run together),
``Acc 124`` (mixed case), ``ENVR POL 311`` (two-word subjects) and MIT-style ``1.10J`` or
``21A.224J``. A heading may carry more: ``SPAN 351, 352`` (several numbers), ``CFS 393-1,2``
(sequence suffixes), ``ENGL 491/SEMN 495`` and ``MATH 214 (PHIL 214)`` (cross-listed codes).

Whether a code-shaped line start is a course heading is not decided here: the catalog's own
profile (``profile.py``) decides that from how its headings look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[A-Z][A-Za-z]{0,6}&?"
_SHORT_CAPS = r"[A-Z]{2,5}"
_SUBJECT = (
    rf"(?:{_SHORT_CAPS}(?:[ ]{_SHORT_CAPS}){{1,2}}(?=[ \u00a0]\d)"  # ENVR POL 311
    rf"|{_WORD}(?:-[A-Z]{{1,5}})*(?:/{_WORD})*)"  # GS-CC, COMP/PSYC
)
_NUMBER = r"\d{1,5}[A-Z]{0,2}(?:-(?:\d{1,2}|[A-Z]{1,2})(?![\w]))?"
_SEP = r"(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0]{1,2}|\.[ \u00a0]?|[ ]\.|:|)"
"""Between subject and number: a space, hyphen or stop, or a scan's speck (``SPAN .303``,
``CIS:472``)."""
_CODE = re.compile(
    rf"(?P<subject>{_SUBJECT})(?P<sep>{_SEP})(?P<number>{_NUMBER})(?![\w&]|-[a-z]|:\d)"
)
_MIT = re.compile(r"(?P<subject>\d{1,2}[A-Z]?)\.(?P<number>\d{1,4}[A-Z]{0,2})(?![\w.])")
_MARKER = re.compile(
    r"^(?:[+*•†‡#◆■►▪●○◦‣∙·–—-](?=\s)|[+*•†‡◆■►▪●]|[.,°«»©®¢eo~_‘’'`](?=\s)"
    r"|[eco¢][«»¢©®°](?=\s)|[‘’'`](?=[A-Z])|[-~](?=[A-Z]{2}))\s*")
"""A bullet before the code, also as OCR misreads one (``. CPSC 453``, ``e CPSC 453``) or a
speck it reads as a quote, tilde or underscore (``‘SPAN 201``, ``~ SPAN 302``), or a round
bullet read as ``¢``, ``e«`` or ``¢«``."""
_PREFIX = re.compile(r"^(?P<label>[A-Z][A-Za-z]{2,12}[ ]\d{1,2}):[ ]+")
"""A short label before the code: ``Block 7: DR240 ...`` (one offering of a topics course)."""
_THROUGH = re.compile(r"^[ \u00a0]?[-–—][ \u00a0]?(\d{1,5}[A-Z]?)(?![\w.])")
_MORE_NUMBERS = re.compile(
    r"^(?:(?:,[ \u00a0]?(?:and[ ]|&[ ])?|/)(\d{1,5}[A-Z]{0,2}))+(?![\w/])"
)
_ONE_MORE = re.compile(r"(?:,[ \u00a0]?(?:and[ ]|&[ ])?|/)(\d{1,5}[A-Z]{0,2})")
_PAREN_CODE = re.compile(r"^[ \u00a0]*\((?P<code>[^()]{2,24})\)")
_SLASH_CODE = re.compile(r"^[ \u00a0]*/[ \u00a0]?")
_AFTER = re.compile(r"^(?P<after>\.(?!\d)|[ \u00a0]*[-—–:][ \u00a0]*|[ \u00a0]*)")

SUBJECT_STOPWORDS = frozenset({
    "A", "I", "An", "As", "At", "By", "In", "No", "Of", "On", "Or", "To", "Up",
    "Fall", "Spring", "Summer", "Winter", "Term", "Terms", "Year", "Years", "Page", "Pages",
    "Room", "Fig", "Figure", "Table", "Grade", "Grades", "Level", "Levels", "Section", "Unit",
    "Units", "Credit", "Credits", "Hours", "Hour", "Total", "Block", "Chapter", "Part", "Step",
    "Phase", "Week", "Weeks", "Day", "Days", "Module", "Appendix", "Version", "Vol", "Box",
    "Suite", "Route", "Hall", "Floor", "Ext", "Phone", "Fax", "Class", "Article", "Item",
    "Number", "Code", "Option", "Track", "Group", "Semester", "Quarter", "Session", "Lab",
    "Lecture", "Course", "Courses", "Minimum", "Maximum", "Approximately", "About", "Over",
    "Under", "Only", "Plus", "And", "The", "For", "With", "From", "Ages", "Age", "Since",
    "Until", "Before", "After", "Between", "Rev", "Tel", "Ed", "Vols", "Nos", "Jan", "Feb",
    "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "January",
    "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "Building", "Highway", "Interstate", "Zip", "Catalog", "Policy",
    "Rule", "Title", "Department", "Program", "Degree", "Major", "Minor", "Students",
    "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven",
    "Twelve", "Fifteen", "Twenty", "Thirty", "Forty", "Fifty", "Hundred",
})
"""Capitalized words that precede a number in prose, never a subject (``Fall 2018``)."""


@dataclass(frozen=True, slots=True)
class CodeMatch:
    """A course code at the start of a line, with what follows it."""

    subject: str
    number: str
    raw: str
    """The code as printed (``COMP/PSYC 415``, ``DR205``, ``ACCT-212``)."""
    rest: str
    """Text after the code, its decorations and its separator (title, credits, ...)."""
    sep: str
    """What joins subject and number as printed: ``" "``, ``"-"``, ``"."`` or ``""`` (run
    together)."""
    after: str
    """The separator printed after the code: ``"."``, ``"-"``, ``"—"``, ``":"``, ``" "`` or
    ``""``."""
    more_numbers: tuple[str, ...] = ()
    """Further numbers of the same subject in the heading (``SPAN 351, 352``)."""
    cross_listed: tuple[str, ...] = ()
    """Normalized codes printed with this one (``COMP/PSYC 415``, ``MATH 214 (PHIL 214)``)."""
    through: str = ""
    """The last number of a range printed as the code (``DR212–215``: ``215``)."""
    marker: bool = False
    """A bullet or similar mark came before the code."""
    prefix: str = ""
    """A label printed before the code (``Block 7``)."""

    @property
    def code(self) -> str:
        return normalize_code(self.subject, self.number)

    @property
    def codes(self) -> list[str]:
        """Every course number the heading names, in order (one record each)."""
        return [self.code, *(normalize_code(self.subject, n) for n in self.more_numbers)]

    @property
    def kind(self) -> str:
        """The code's shape, for the catalog profile: ``SUBJ 101``, ``SUBJ101``, ``21A.224J``..."""
        if self.sep == ".":
            return "numeric" if self.subject[:1].isdigit() else "dotted"
        if not self.sep:
            return "joined"
        case = "caps" if self.subject.upper() == self.subject else "mixed"
        return f"{case}{'-' if '-' in self.sep else ' '}"


def match_code(text: str) -> CodeMatch | None:
    """The course code that starts ``text`` (after a bullet, if any), or None."""
    marker = _MARKER.match(text)
    start = marker.end() if marker else 0
    prefix = _PREFIX.match(text, start)
    if prefix is not None:
        start = prefix.end()
    m = _CODE.match(text, start) or _MIT.match(text, start)
    if m is None or not _plausible(m):
        return None
    subject, number = m.group("subject"), m.group("number")
    sep = m.group("sep") if "sep" in m.groupdict() else "."
    rest = text[m.end():]
    more, rest = _more_numbers(number, rest)
    cross: list[str] = []
    if "/" in subject:  # COMP/PSYC 415: one number under several subjects
        subject, *others = subject.split("/")
        cross.extend(normalize_code(other, number) for other in others)
    rest, extra = _cross_listed(rest)
    cross.extend(extra)
    if rest[:1] in (")", ",", ";") or (rest[:1] == "/" and not extra):
        return None  # inside a list or a parenthesis: "ESL 22W) or ...", "AJ 130, or ..."
    through = _THROUGH.match(rest)
    if through is not None and _digits(through.group(1)) > _digits(number):
        rest = rest[through.end():]
    else:
        through = None
    after = _AFTER.match(rest)
    sign = after.group("after").strip() if after else ""
    return CodeMatch(
        subject=subject,
        number=number,
        raw=text[start:m.end()].strip(),
        rest=rest[after.end():].strip() if after else rest.strip(),
        sep=sep.strip() or ("" if not sep else " "),
        after=sign or (" " if rest[:1].isspace() else ""),
        more_numbers=tuple(more),
        cross_listed=tuple(dict.fromkeys(cross)),
        marker=marker is not None,
        prefix=prefix.group("label") if prefix else "",
        through=through.group(1) if through else "",
    )


def _plausible(m: re.Match[str]) -> bool:
    subject = m.group("subject")
    number = m.group("number")
    if "sep" not in m.groupdict():  # MIT style: 6.001, 21A.224J
        return True
    first = subject.split("/")[0].split("-")[0].split(" ")[0]
    if first in SUBJECT_STOPWORDS or first.rstrip("&") in SUBJECT_STOPWORDS:
        return False
    digits = len(re.match(r"\d*", number).group(0))  # type: ignore[union-attr]
    caps = first.upper() == first
    if not m.group("sep"):  # run together: DR205, C977, AFT2 (all capitals only)
        return caps and (digits >= 2 or len(first) >= 3)
    if not caps:  # Acc 124, Drama 105: a capitalized word needs a real course number
        return digits >= 2
    return len(first) >= 2 or digits >= 3


def _more_numbers(number: str, rest: str) -> tuple[list[str], str]:
    """``, 352`` after ``351``; ``,2`` after ``393-1`` is ``393-2``."""
    m = _MORE_NUMBERS.match(rest)
    if m is None:
        return [], rest
    found = [one.group(1) for one in _ONE_MORE.finditer(m.group(0))]
    stem, dash, suffix = number.rpartition("-")
    if dash and suffix.isdigit() and all(len(n) <= 2 and n.isdigit() for n in found):
        return [f"{stem}-{n}" for n in found], rest[m.end():]
    if all(len(n) >= 2 for n in found):
        return found, rest[m.end():]
    return [], rest


def _cross_listed(rest: str) -> tuple[str, list[str]]:
    """``(PHIL 214)`` or ``/SEMN 495`` right after the code: codes, and the rest without them."""
    found: list[str] = []
    while True:
        paren = _PAREN_CODE.match(rest)
        if paren:
            inner = match_code(paren.group("code"))
            if inner is not None and not inner.rest:
                found.append(inner.code)
                rest = rest[paren.end():]
                continue
        slash = _SLASH_CODE.match(rest)
        if slash:
            inner = match_code(rest[slash.end():])
            if inner is not None:
                found.extend([inner.code, *inner.cross_listed])
                consumed = len(rest) - len(rest[slash.end():]) + len(inner.raw)
                rest = rest[consumed:]
                continue
        return rest, found


def _digits(number: str) -> int:
    found = re.match(r"\d+", number)
    return int(found.group(0)) if found else -1


def normalize_code(subject: str, number: str) -> str:
    """``SUBJ 101``: upper case, one space; MIT-style numbers keep their dot (``21A.224J``)."""
    subject = subject.upper().rstrip("&").replace("\u00a0", " ")
    if subject[:1].isdigit():
        return f"{subject}.{number.upper()}"
    return f"{subject} {number.upper()}"


def find_codes(text: str) -> list[str]:
    """Normalized codes mentioned anywhere in ``text`` (for cross-listing lines)."""
    found: list[str] = []
    for m in re.finditer(rf"(?<![\w-]){_CODE.pattern}", text):
        if _plausible(m):
            subject = m.group("subject")
            for part in subject.split("/"):
                found.append(normalize_code(part, m.group("number")))
    return list(dict.fromkeys(found))
