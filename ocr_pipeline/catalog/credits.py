"""Credit expressions as registrars print them, and where in an entry they sit.

Forms: ``(3)``, ``(1-4)``, ``(3 credits)``, ``(3-3-0)`` (credits-lecture-lab), ``3 Credits``,
``2-4 cr``, ``1 unit``, ``.25 units``, ``½-6 credits``, ``3 Hours``, ``3 s.h.``, ``400(4)``
(hours and credits), ``Variable credit``; a labelled ``Credits: 3.00`` is read by
``parse_credits``. Designators printed after the credits (``(3) (DH)``, ``(3-3-0) AIGM``,
``2-4 cr UL``, ``[formerly SPAN 361]``) are split off and kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

_NUM = r"(?:[1-9]/[2-8]|\d{1,2}(?:\.\d{1,2})?|(?<![.\d])\.\d{1,2}|½|¼|¾|\d½)"
_DASH = r"[ ]?(?:-|–|—|to|or)[ ]?"
_RANGE = rf"(?P<lo>{_NUM})(?:{_DASH}(?P<hi>{_NUM}))?"
_TRIPLE = rf"(?P<lo>{_NUM})-(?P<lec>{_NUM})-(?P<lab>{_NUM})"
_UNIT = (
    r"(?:[Cc]redit[ ][Hh]ours?|[Cc]redits?|CREDITS?|[Ss]emester[ ][Hh]ours?|[Qq]uarter[ ][Hh]ours?"
    r"|[Cc]r|CR|[Uu]nits?|UNITS?|[Hh]ours?|HOURS?|[Hh]rs?|sh|SH|s\.h|[Ss]em\.?[ ][Hh]rs?"
    r"|[Qq]tr\.?[ ][Hh]rs?|pts?|[Pp]oints?|CU|[Cc]ompetency[ ][Uu]nits?|[Cc]ourses?)\.?"
)
_VARIABLE = r"(?:Variable(?:[ ][Cc]redits?|[ ][Uu]nits?)?|Var\.?[ ]cr|[Cc]redit[ ]varies|VAR)"
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("triple", re.compile(rf"\((?P<text>{_TRIPLE})\)$")),
    # rising values, then the unit: the choices (``1/4-1/2-1 course``), no triple
    ("choices", re.compile(rf"(?P<text>(?P<lo>{_NUM})(?:-{_NUM})+-(?P<hi>{_NUM})[ ]?{_UNIT})$")),
    ("hours_credits", re.compile(rf"(?P<text>(?P<hours>\d{{2,4}})\({_RANGE}\))$")),
    ("parenthesised", re.compile(rf"\((?P<text>{_RANGE}(?:[ ]?{_UNIT})?)\)$")),
    ("units", re.compile(rf"(?P<text>{_RANGE}[ ]?{_UNIT})$")),
    ("variable", re.compile(rf"\(?(?P<text>{_VARIABLE})\)?$")),
)
_BROKEN_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (  # one parenthesis lost, as OCR does
    ("parenthesised", re.compile(rf"\((?P<text>{_RANGE})$")),
    ("parenthesised", re.compile(rf"(?<=[ ])(?P<text>{_RANGE})\)$")),
    # a speck read as a hyphen before the unit: "(1-12-hours)"
    ("parenthesised", re.compile(rf"\((?P<text>{_RANGE})-{_UNIT}\)$")),
    # the opening parenthesis read as a letter (G6), QB)), the figure perhaps as one too
    ("parenthesised", re.compile(r"(?<=[ ])[GQCO](?P<text>(?P<lo>\d{1,2}))\)$")),
    ("parenthesised", re.compile(r"(?<=[ ])[GQCO(](?P<text>[BSZOIl&])\)$")),
)
_LABELLED_END = re.compile(
    rf"(?:^|(?<=[ .;]))(?:Credits?|Credit Hours|Units?|Semester Hours)[ ]?:?[ ]?(?P<text>{_RANGE})$"
)
_LABELLED_INLINE = re.compile(
    rf"(?:^|(?<=\s))(?:Credits?|Credit Hours|Units?|Semester Hours)[ ]?:[ ]?"
    rf"(?P<text>{_RANGE})\.?(?=[ ]|$)"
)
_LABELLED_IN_HEADING = re.compile(
    rf"(?:^|(?<=\s)|(?<=[a-z]))(?:Credits?|Credit Hours|Units?|Semester Hours)[ ]?:[ ]?"
    rf"(?P<text>{_RANGE})\.?(?=\s|$)"
)
"""``Credits: 3.00`` anywhere on a heading's line, glued to the title's last word too (a scan's
``LawCredits: 3.00``: the space before a label set flush right lost)."""
_BEFORE_CELL = re.compile(rf"^(?P<text>{_RANGE}(?:[ ]?{_UNIT})?)[ ]+(?=[A-Z])")
"""``3 Pass-Fail, Audit``: a labelled value's credits, then the row's next cell."""
_LABEL_ENDING = re.compile(
    r"(?:^|[ ]|(?<=[a-z]))(?:[—–-][ ])?(?:Credits?|Credit Hours|Units?|Semester Hours)[ ]?:$")
"""``Seminar Credits:``, ``SeminarCredits:``, ``— Credits:`` ending a heading's line."""
_SPECK_AFTER_FIGURE = re.compile(r"^(?P<figure>\d{1,2})(?:[.:,][ ]|[ ][.:,])(?=[A-Za-z])")
"""``3. hours--``, ``3 .hours--``: a scan's speck beside the figure that opens a line's
credits."""
_LEADING = re.compile(rf"^(?P<text>{_RANGE}[ ]?{_UNIT})[ ]?(?:--|—|–|\.|;|,|$)[ ]?")
_IN_TEXT = re.compile(
    rf"\((?P<text>{_RANGE}[ ](?:[Cc]redits?|[Uu]nits?|[Cc]redit [Hh]ours|[Ss]emester [Hh]ours))\)"
)
_BARE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("triple", re.compile(rf"(?P<text>{_TRIPLE})")),
    ("bare", re.compile(rf"(?P<text>{_RANGE})")),
)
_DESIGNATOR = re.compile(
    r"[ ]*(?:\[[^\[\]]{1,60}[\]}]|\((?:[A-Z][A-Za-z0-9]{0,5}|[A-Z]{1,4}[ /-][A-Z]{1,4})\)"
    r"|\b[A-Z][A-Z0-9]{1,4}\b)$"
)
_LEADING_DESIGNATOR = re.compile(r"^(?:[A-Z][A-Za-z0-9]{0,4}|\S{1,2})$")
"""A designator before credits on their line (``NS3``, ``SO``), or an icon's glyph or two."""
_MAX_DESIGNATORS = 4
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}


@dataclass(frozen=True, slots=True)
class Credits:
    text: str
    """As printed, without surrounding parentheses, trailing period or designators."""
    low: float | None
    high: float | None
    form: str = "units"
    """``parenthesised``, ``units``, ``triple``, ``hours_credits``, ``variable``, ``bare``,
    ``labelled`` (``Credits: 4`` ending a paragraph)."""
    clean: bool = True
    """False when the printed form was damaged (a parenthesis missing)."""
    designators: str = ""
    """What the heading printed after the credits (``AIGM``, ``(DH)``, ``UL``)."""


def split_credits(text: str) -> tuple[str, Credits | None]:
    """Split trailing credits (and designators after them) off a heading.

    ``'Calculus I 5 cr.'`` -> ``('Calculus I', 5-5)``; ``'Topics (3) (DH)'`` -> ``('Topics',
    3-3 with designators '(DH)')``.
    """
    stripped = text.rstrip().rstrip(".:").rstrip()  # "4 Credits:": a scan's full stop
    head, credits = _split_at_end(stripped)
    if credits is not None:
        return head, credits
    tail: list[str] = []
    rest = stripped
    for _ in range(_MAX_DESIGNATORS):
        m = _DESIGNATOR.search(rest)
        if m is None or m.start() == 0:
            break
        tail.insert(0, m.group(0).strip())
        rest = rest[: m.start()].rstrip().rstrip(".").rstrip()
        head, credits = _split_at_end(rest)
        if credits is not None:
            designators = " ".join(tail)
            return head, Credits(text=credits.text, low=credits.low, high=credits.high,
                                 form=credits.form, clean=credits.clean, designators=designators)
    return text.rstrip(), None


def _split_at_end(text: str) -> tuple[str, Credits | None]:
    forms = [(name, form, True) for name, form in _FORMS]
    forms += [(name, form, False) for name, form in _BROKEN_FORMS]
    for name, form, clean in forms:
        m = form.search(text)
        if m is None:
            continue
        if m.start() > 0 and text[m.start() - 1] not in " .(—–-,;:":
            continue
        credits = _credits(m, name=name, clean=clean)
        if credits is None:
            continue
        head = text[: m.start()].rstrip(" (").rstrip()
        return head, credits
    return text, None


def _credits(m: re.Match[str], *, name: str, clean: bool) -> Credits | None:
    names = m.groupdict()
    low = number(names["lo"]) if names.get("lo") else None
    high = number(names["hi"]) if names.get("hi") else low
    if name == "triple":
        high = low
    if name == "choices":
        values = [number(v) for v in re.findall(_NUM, m.group("text"))]
        if any(b <= a for a, b in pairwise(values)):
            return None
        name = "units"
    if low is not None and high is not None and high < low:
        return None
    text = re.sub(r"\s+", " ", m.group("text")).strip().rstrip(".")
    return Credits(text=text, low=low, high=high, form=name, clean=clean)


def number(text: str) -> float:
    """``3`` -> 3.0, ``.25`` -> 0.25, ``½`` -> 0.5, ``1½`` -> 1.5."""
    if text[-1] in _FRACTIONS:
        return float(text[:-1] or 0) + _FRACTIONS[text[-1]]
    if "/" in text:  # "1/2 course"
        numerator, denominator = text.split("/")
        return float(numerator) / float(denominator)
    return float(text)


def parse_credits(text: str) -> Credits | None:
    """A whole credit value: a reviewer's answer or a labelled line's value (``3``, ``3.00``,
    ``1-4``, ``3 credits``, ``3-3-0``, ``400(4)``, ``Variable``)."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    if not text:
        return None
    for name, form in _BARE:
        bare = form.fullmatch(text)
        if bare:
            return _credits(bare, name=name, clean=True)
    head, found = _split_at_end(text)
    return found if found is not None and not head else None


def credits_line(text: str) -> Credits | None:
    """The credits of a line that holds nothing else but designators: ``1-8 cr UL``, ``(3)``,
    ``NS3 4 cr``; None for any other line."""
    head, found = split_credits(text)
    if found is None:
        return None
    tokens = head.strip(" .,;:—–-").split()
    if len(tokens) > _MAX_DESIGNATORS or not all(_LEADING_DESIGNATOR.match(t) for t in tokens):
        return None
    if tokens and found.form == "hours_credits":
        return None  # "ACMAT 117(3)": a code with its credits, not designators and credits
    designators = " ".join([*tokens, found.designators]).strip()
    return Credits(text=found.text, low=found.low, high=found.high, form=found.form,
                   clean=found.clean, designators=designators)


def labelled_credits(text: str, *, heading: bool = False) -> tuple[str, Credits | None]:
    """``Credits: 4`` inside a paragraph (after a sentence, before other lines of the entry),
    or anywhere on a heading's line (``heading``): the text without it, and the credits."""
    m = (_LABELLED_IN_HEADING if heading else _LABELLED_INLINE).search(text)
    if m is None:
        return text, None
    found = _credits(m, name="labelled", clean=True)
    if found is None:
        return text, None
    return f"{text[: m.start()].rstrip()} {text[m.end():].lstrip()}".strip(), found


def credits_before_cell(value: str) -> tuple[Credits, str] | None:
    """A labelled credit value with the next cell of a table's row beside it on the line,
    another label or the wrapped end of one (``Credits: 3  General Education: DSSP``,
    ``Credits: 3  Pass-Fail, Audit``): the credits, and the rest; None for any other value."""
    m = _BEFORE_CELL.match(value)
    if m is None:
        return None
    found = _credits(m, name="labelled", clean=True)
    return (found, value[m.end():]) if found is not None else None


def without_credits_label(text: str) -> str | None:
    """``text`` without the credits label that ends it, its value printed on the next line
    (``Values Seminar Credits:`` / ``3.00``; a scan's ``SeminarCredits:``, ``— Credits:``);
    None if no such label ends it."""
    m = _LABEL_ENDING.search(text.rstrip())
    return text[: m.start()].rstrip() if m is not None else None


def leading_credits(text: str) -> tuple[str, Credits] | None:
    """Credits that open a line, set off from what follows: ``'3 hours--Prereq.: ...'`` ->
    (``'Prereq.: ...'``, 3 hours); a scan's speck after the figure too (``3. hours--``,
    ``3: hours--``, ``3 .hours--``)."""
    text = _SPECK_AFTER_FIGURE.sub(r"\g<figure> ", text, count=1)
    m = _LEADING.match(text)
    if m is None:
        return None
    found = _credits(m, name="units", clean=True)
    return (text[m.end():].strip(), found) if found is not None else None


def credits_in_text(text: str) -> Credits | None:
    """Credits spelled out in parentheses anywhere in a paragraph (``... (2 credits) For more
    information ...``): the course's, though not where the catalog usually prints them."""
    m = _IN_TEXT.search(text)
    return _credits(m, name="parenthesised", clean=True) if m else None


def trailing_credits(text: str) -> tuple[str, Credits | None, str]:
    """Credits at the end of a paragraph, perhaps followed by a dash and a name:
    ``'... performance. 1 unit — Manley.'`` -> (paragraph, 1 unit, ``'Manley'``); or
    labelled: ``'... Handbook. Credits: 4'``."""
    stripped = text.rstrip().rstrip(".")
    tail = ""
    labelled = _LABELLED_END.search(stripped)
    if labelled is not None:
        found = _credits(labelled, name="labelled", clean=True)
        if found is not None:
            return stripped[: labelled.start()].rstrip(), found, ""
    dash = re.search(r"[ ](?:—|–|--)[ ]?([^—–]{1,60})$", stripped)
    if dash:
        head, found = _split_at_end(stripped[: dash.start()].rstrip())
        if found is not None and _spelled_out(found):
            return head, found, dash.group(1).strip()
    head, found = _split_at_end(stripped)
    if found is not None and _spelled_out(found):
        return head, found, tail
    return text, None, ""


def _spelled_out(credits: Credits) -> bool:
    """Credits that say they are credits (``3 credits``, ``(2 credits)``, ``Variable``), not a
    bare ``(3)`` that could be any number ending a sentence."""
    return credits.form in ("units", "variable") or (
        credits.form == "parenthesised" and any(c.isalpha() for c in credits.text))
