"""Reading one course entry's fields: its heading (code, title, credits, decorations) and its
body (description, labelled lines), as the catalog's profile says they are printed.

The same functions serve the profile's first pass (``template=None``: every credits position is
tried, every ``Label:`` is noted) and the second pass (the learned template decides).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ocr_pipeline.catalog.candidates import OCR_SIZE_TOLERANCE, TERMINAL, BodyStyle
from ocr_pipeline.catalog.codes import CodeMatch, find_codes, match_code
from ocr_pipeline.catalog.credits import (
    Credits,
    credits_before_cell,
    credits_in_text,
    credits_line,
    labelled_credits,
    leading_credits,
    parse_credits,
    split_credits,
    trailing_credits,
    without_credits_label,
)
from ocr_pipeline.catalog.hyphens import keeps_hyphen, prints_whole
from ocr_pipeline.catalog.labels import Labelled, classify, known_field, line_label, split_inline
from ocr_pipeline.catalog.models import Word
from ocr_pipeline.catalog.stream import StreamLine
from ocr_pipeline.catalog.weight import wraps_heading

MAX_HEADING_LINES = 3
_SAME_SIZE = 0.08
_APART = 2.5
"""A gap wider than this many line heights sets a piece of a line apart (a right column)."""
_AFTER_CODE_CREDITS = re.compile(r"^\((?P<value>[\d.½\- –]{1,9}(?:[ ]?[A-Za-z.]{1,8})?)\)[ ]?")
_CREDITS_HEADER = re.compile(r"^(?:Credits?|Units?|Hours)$")
_HEADER_WORD = re.compile(r"\s(?:Credits?|Units?|Hours)\b")
_TABLE_ROWS = 3
_CELL_GAP = 1.0
"""A gap wider than this many line heights parts two cells of a table's row."""
_CELL_SLACK = 12.0
"""Points a value may stand out of its column header's width."""
_TITLE_END = re.compile(r"(?<=[a-z]{2})\.[ ]+(?=[A-Z])")
_RUN_IN_MIN_WORDS = 3
_INK_RUN_ON_WORDS = 2
"""Words a scan's measured weight may run past the title's sign and still mark it."""
_CLOSE_WORDS = 6
"""A title's open parenthesis closes within this many words of the next line."""
_STRAY_STOP = re.compile(r"(?<=[A-Za-z]{3})\.(?=[ ]?[A-Za-z&])|(?<= )\.(?=&)")
"""A stop after a word inside a scanned title (the title's end is not here): a speck."""
_SHORT_LINE = 0.6
"""A heading line this short of its column holds no paragraph run in after its title."""
_SPACE = 0.3
"""A word space, in line heights."""
_SIGN_LIKE = frozenset({"-", "–", "—", "~", "=", "_", "+", "."})
"""Marks OCR may give for a title's sign (`` - `` read as ``~``)."""
_TITLE_ENDS = (".", "-", "—", "–", ":")
_TRAILING_SIGN = re.compile(r"\s+([^\w\s()\[\]?!'’\"”&+]{1,3})$")
"""A sign set after a title, no letter or figure in it (``◆``, ``*``, a scan's ``@``)."""
_LEADING_JUNK = re.compile(r"^[_°~|<>•·^]+\s*(?=\w)")
_LEADING_MARK = re.compile(r"^\s*(\([A-Z]{1,3}\))\s+(?=\w)")
_LEADING_CREDITS = re.compile(
    r"^(\([\d.½\- –]{1,9}(?:[ ]?[A-Za-z.]{1,8})?\)|\d{2,4}\([\d.½\-–]{1,9}\))\.?[ ]?")
_HEADING_FIELD = re.compile(r"(?P<label>[A-Z][\w.]*(?:[ ][A-Z][\w.]*)?):[ ]?(?P<value>\S+)")
_DATE = re.compile(r"\b\d{1,2}-[A-Z]{3}-\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_HOURS_LINE = re.compile(
    r"^(?:\([\d.\- ]*(?:variable\s+)?(?:hrs?\.?|hours?|lec|lect|lab)\b[^()]*\)"
    r"|[\d.\- ]+(?:hrs?\.?|hours?|lec|lect|lab)\b[^()]*(?:week|hrs?\.?|lab|lect?\.?))\.?$",
    re.IGNORECASE,
)
_TRAILING_HOURS = re.compile(
    r"\s*\((?P<hours>(?=[^()]*\b(?:hrs?|hours?|lec|lect|lab)\b)[^()]*)\)\s*\.?$", re.IGNORECASE
)
_INLINE_CROSS = re.compile(
    r"\s*\(?(?:Cross-?\s?listed|Also listed)\s(?:with|as)\s(?P<codes>[^.)]{2,80})[.)]*\)?\.?",
    re.IGNORECASE,
)
_CONNECTORS = frozenset({"and", "of", "to", "the", "in", "for", "a", "an", "with", "&", "on", "or"})
_MARKS_OR_NOTE = re.compile(r"^(?:\[[^\[\]]*\]|[A-Z]{1,5}(?: [A-Z]{1,5})*)$")
"""A line of designators (``AIWT``) or a bracketed note, set below a heading's credits."""
_OPEN_ENDINGS = _CONNECTORS | {"since", "before", "after", "from", "through", "into", "between",
                               "by", "at", "via", "until", "toward", "towards", "versus", "vs."}
"""Words no title ends on: a title read up to one was cut (``Literature in Spain since``, its
``1700`` measured light as a scan's figures are)."""
_RUNS_ON = _OPEN_ENDINGS | {"as", "around", "like", "within", "without", "among", "across",
                            "beyond", "under", "over", "during", "against", "about", "per"}
"""Words a title runs on through after a capitalized word (``America before 1888``)."""
_TYPED_DASH = re.compile(r"(?<=[^\W\d_])[-–—]{2}$")
_SUSPENDED_HYPHEN_FOLLOWERS = frozenset({"or", "and", "to", "nor"})
_QUOTES = frozenset("\"'‘’“”`")
CREDIT_POSITIONS = ("heading", "after_code", "next_line", "label", "paragraph_end", "table")


@dataclass(slots=True)
class Heading:
    """What a heading's lines hold."""

    lines: int
    """How many stream lines the heading takes (title lines, a credits line below)."""
    title: str
    credits: Credits | None = None
    credits_position: str | None = None
    designators: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    run_in: str = ""
    """Body text that starts on a heading line (run-in headings)."""
    title_below: bool = False
    alone: bool = False
    title_end: str = ""
    """The sign a run-in title ended with (``.``, ``-``, ``:``), for the profile to learn."""
    """The code stood alone on its line."""


@dataclass(slots=True)
class Body:
    description: str = ""
    prerequisites: list[str] = field(default_factory=list)
    corequisites: list[str] = field(default_factory=list)
    cross_listed: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    credits: Credits | None = None
    credits_position: str | None = None
    labels: list[str] = field(default_factory=list)
    """Every line-start label seen (learned or not), for the profile and for confidence."""
    unknown_labels: list[str] = field(default_factory=list)


def heading_style(words: Sequence[Word], head: Word, body: BodyStyle) -> list[bool]:
    """For each word, whether it is set like the heading's code word ``head`` (all False when
    the code is set like the body)."""
    style = body.style_of(head)
    if style == body.plain:
        return [False] * len(words)
    # a scan's sizes come from ink height, line by line: where weight sets the heading apart,
    # a wrapped line of it may measure another size
    same_size = OCR_SIZE_TOLERANCE if style.bold and not head.font else _SAME_SIZE
    return [w.bold == head.bold and w.italic == head.italic
            and abs(w.size - head.size) <= same_size * head.size
            and (not style.font or w.font == head.font) for w in words]


@dataclass(frozen=True, slots=True)
class HeadingRules:
    """How a catalog prints its headings, as far as reading one needs to know."""

    body: BodyStyle
    positions: frozenset[str]
    """Where credits may be (empty: anywhere, as in the profile's first pass)."""
    distinct: bool
    """Headings are set apart by style (bold, italic, size): the title is the run of
    heading-style text; otherwise it is the line up to its credits."""
    title_below: bool
    """The title may stand on the line below the code."""
    heading_fields: bool
    """``Label:value`` fields beside the code (``Course ID:013283``) go to attributes."""
    heads: frozenset[int]
    """Stream positions of the catalog's headings: where a wrapped title must stop."""
    title_end: str = ""
    """What ends a run-in title in this catalog (``.`` in ``DR205 Acting Workshop. An
    extended...``, ``-`` in ``C977 - Title - Text``): where type cannot be trusted to (OCR),
    the title ends there."""
    whole_line: bool = False
    """Too few headings run on into their text to be the catalog's style: where type cannot
    be trusted to (OCR), the title is the heading line's rest, whatever weight was measured
    (a scan's weight that stops after the code is noise)."""
    labels: frozenset[str] = frozenset()
    """Line-start labels the catalog's entries repeat (``Components``): a field, not more of a
    wrapped title, though set in the heading's type."""
    run_in: bool = False
    """Most headings run on into their text, so ``title_end`` ends a title on a short line
    too; otherwise only on a line whose text runs on (a scan's weight may hide many run-ins,
    and a whole-line title may hold the sign: ``Lab - Electronics``)."""
    words: frozenset[str] = frozenset()
    """The catalog's words (``hyphens.catalog_words``): what a line-end hyphen is."""


def read_heading(stream: Sequence[StreamLine], i: int, code: CodeMatch, *,
                 rules: HeadingRules) -> Heading:
    """Read the heading that starts at ``stream[i]``: title, credits, decorations."""
    first = stream[i]
    rest = code.rest
    attributes: dict[str, str] = {}
    credits: Credits | None = None
    if "after_code" in rules.positions or not rules.positions:
        rest, credits = _after_code_credits(rest)
    position = "after_code" if credits else None
    if credits is None:  # "LG-160 Criminal Law    Credits: 3.00" on the heading's baseline
        rest, credits = labelled_credits(rest, heading=True)
        position = "heading" if credits else None
    if rules.heading_fields:
        rest, attributes = _heading_fields(rest)
    part = _HeadingPart(text=rest, credits=credits, position=position)
    _read_title(stream, i, code, rules, part)
    below = False
    if not part.text.strip(" .:—–-") and rules.title_below and i + 1 < len(stream):
        below = _read_title_below(stream, i, rules, part)
    text = _read_credits(stream, i, rules, part)
    title, notes = _clean_title(text)
    if not first.line.words[0].font:
        title = _scan_title(title, stops_end=rules.title_end == ".")
    credits = part.credits
    designators = " ".join(d for d in (credits.designators if credits else "", part.marks,
                                       notes) if d)
    end = text.rstrip()[-1:] if part.run_in and part.sure_end else ""
    return Heading(lines=part.taken, title=title, credits=credits,
                   credits_position=part.position, designators=designators,
                   attributes=attributes, run_in=part.run_in, title_below=below,
                   alone=not code.rest, title_end=end if end in _TITLE_ENDS else "")


def _read_title(stream: Sequence[StreamLine], i: int, code: CodeMatch, rules: HeadingRules,
                part: _HeadingPart) -> None:
    """The title on the heading's line(s), and body text run in after it: the heading-type
    text where type sets headings apart, else up to the credits or a sentence's end."""
    first = stream[i]
    if rules.distinct and first.styled:
        _read_styled(stream, i, code, rules, part)
        if not first.line.words[0].font:  # a scan's weight is measured, not known:
            short = _short(first)
            if rules.title_end and (rules.run_in or not short):
                _cut_at_title_end(part, rules.title_end)
            elif part.run_in and (rules.whole_line or short):
                # no text runs on from a short line: its rest is title, measured bold or not
                part.text, part.run_in = join_lines([part.text, part.run_in],
                                                    words=rules.words), ""
            elif part.taken == 1 and not part.run_in and part.text and not (
                i + 1 < len(stream) and credits_line(stream[i + 1].text)
            ):  # credits end a wrapped title too (not a line of credits alone below it)
                more, part.taken = _plain_wrap(stream, i, part.text, rules.heads)
                part.text = join_lines([part.text, *more], words=rules.words)
    elif part.text:
        more, part.taken = _plain_wrap(stream, i, part.text, rules.heads)
        part.text, part.run_in = _first_sentence(join_lines([part.text, *more],
                                                            words=rules.words))


def _read_credits(stream: Sequence[StreamLine], i: int, rules: HeadingRules,
                  part: _HeadingPart) -> str:
    """Credits not found yet: labelled or at the end of the title's (last) line, or on a line
    of their own below it. Returns the title text without them."""
    if part.credits is None:  # labelled credits on a wrapped heading's last line
        part.text, labelled = labelled_credits(part.text, heading=True)
        if labelled is not None:
            part.credits, part.position = labelled, "heading"
    text, found = split_credits(part.text)
    if found is not None and part.credits is None:
        part.credits, part.position = found, "heading"
    elif found is not None:
        text = part.text
    j = i + part.taken
    if part.credits is None and ("next_line" in rules.positions or not rules.positions) and (
        j < len(stream) and stream[j].block == stream[i].block
    ):
        line_credits = credits_line(stream[j].text)
        if line_credits is not None:
            part.credits, part.position, part.taken = line_credits, "next_line", part.taken + 1
    if part.credits is None and j < len(stream) and stream[j].block == stream[i].block and (
        (head := without_credits_label(text)) is not None
    ) and (value := parse_credits(stream[j].text)) is not None:
        # "... Values Seminar Credits:" / "3.00": the label ends the heading, its value below
        text, part.credits, part.position, part.taken = head, value, "heading", part.taken + 1
    return text


def _short(item: StreamLine) -> bool:
    """The line ends well short of its column (``_SHORT_LINE``)."""
    return item.width < _SHORT_LINE * item.column_width


_NAMED_AGAIN = 2
"""Words of a title's opening that, printed again after its sign, name the course again."""


def _cut_at_title_end(part: _HeadingPart, sign: str) -> None:
    """Put the title's end where the catalog's sign is, whatever the measured weight said: the
    first ``. `` or `` - ``, or, in a title that holds the sign itself (``Practicum - Focus on
    Practice - Practicum in ...``), the last one the measured weight reaches and ends at, short
    of where the title's opening words are printed again."""
    whole = join_lines([part.text, part.run_in])
    pattern = _TITLE_END if sign == "." else re.compile(rf"[ ]?{re.escape(sign)}[ ]+(?=\S)")
    found = list(pattern.finditer(whole))
    if not found:
        return
    measured = part.text.rstrip(" " + sign)
    reached = [m for m in found if m.start() <= len(measured)
               and len(whole[m.end():len(measured)].split()) <= _INK_RUN_ON_WORDS]
    # a text that opens by naming the course (``... Operations - Practicum in Educational
    # Leadership - Focus on ...``): the title ends before its own opening words start again
    opening = whole[:found[0].start()]
    again = next((m for m in found if whole[m.end():].startswith(opening)),
                 None) if len(opening.split()) >= _NAMED_AGAIN else None
    if again is not None:
        reached = [m for m in reached if m.start() <= again.start()] or [again]
    m = reached[-1] if reached else found[0]  # the weight ends at a sign, or no help
    # the weight running on past the sign to a mark like it: the title's own sign, misread?
    run_on = whole[m.end():len(measured) + 2].split()
    part.sure_end = not any(token in _SIGN_LIKE for token in run_on)
    part.text, part.run_in = whole[: m.start()] + sign, whole[m.end():]


@dataclass(slots=True)
class _HeadingPart:
    """A heading as it is being read: its text so far, credits, lines taken, run-in text."""

    text: str
    credits: Credits | None
    position: str | None
    taken: int = 1
    run_in: str = ""
    marks: str = ""
    """Signs printed after the title (designators such as ■)."""
    sure_end: bool = True
    """The title's end is not in doubt (a scan's measured weight did not run on past it)."""


def _read_styled(stream: Sequence[StreamLine], i: int, code: CodeMatch, rules: HeadingRules,
                 part: _HeadingPart) -> None:
    """A heading set apart by type: its title is the heading-type text, wrapped or run in."""
    words = list(stream[i].line.words)
    head = words[1] if code.marker and len(words) > 1 else words[0]
    styled = heading_style(words, head, rules.body)
    part.text, part.run_in = _split_run_in(part.text, words, styled)
    apart = _apart_at(words)
    if not part.run_in and part.text and all(styled[:apart]):
        more, part.run_in, part.taken = _wrapped_title(stream, i, head, rules)
        title, printed_on = split_credits(part.text)
        if more and apart == len(words) and printed_on is not None and (
            title.rstrip().endswith(".")
            or _short(stream[i])
        ) and not (
            all(_MARKS_OR_NOTE.match(text) for text in more)
            or split_credits(join_lines([part.text, *more], words=rules.words))[1] is not None
        ):  # a title ended by its stop, or on a line well short of its column (Pepperdine's
            # ``Great Books Collegium (1)``), credits printed on after it: the heading ends there,
            # but for designators or a note set below in its type (``AIWT``, ``[Formerly SPAN
            # 303W]``) and the rest of the credits (``(3`` / ``hours)``); what a scan's weight
            # measured bold below is the description's (a title with no stop wraps on past
            # credits set at its first line's end: ``... in Historical and 4 credits`` /
            # ``Comparative Perspective``)
            more, part.run_in, part.taken = [], "", 1
        joined = join_lines([part.text, *more], words=rules.words)
        if more and printed_on is not None and part.credits is None and (
            split_credits(joined)[1] is None
        ):  # credits on the first line of a wrapped title (flush right beside it)
            part.credits, part.position = printed_on, "heading"
            joined = join_lines([title, *more], words=rules.words)
        part.text = joined
    if part.run_in and not any(c.isalnum() for c in part.run_in) and len(part.run_in) <= 3:
        part.marks, part.run_in = part.run_in, ""  # a sign after the title (■): a designator
    lead = _LEADING_CREDITS.match(part.run_in)
    # "Independent Study (1–2 units) Consent...", a scan's "Research 400(4) Offers..." (the
    # credits measured lighter than the title): the heading's credits, not its run-in text
    if lead is not None and part.credits is None:
        found = split_credits(lead.group(1))[1]
        if found is not None:
            part.credits, part.position = found, "heading"
            part.run_in = part.run_in[lead.end():]


def _read_title_below(stream: Sequence[StreamLine], i: int, rules: HeadingRules,
                      part: _HeadingPart) -> bool:
    """The title on the line below the code (colon and all) and the lines it wraps onto."""
    nxt = stream[i + 1]
    if i + 1 in rules.heads or (nxt.block != stream[i].block and nxt.gap_before is not None):
        return False  # (the code at a column's foot, its title atop the next: still the title)
    lines, part.taken = [nxt.text], 2
    if rules.distinct:
        more, _, used = _wrapped_title(stream, i + 1, nxt.line.words[0], rules)
        lines, part.taken = [*lines, *more], part.taken + used - 1
    part.text = join_lines(lines, words=rules.words)
    return True


def _first_sentence(text: str) -> tuple[str, str]:
    """A heading with no type to tell where its title ends (OCR, or set like the body): a
    sentence end followed by more text ends it (``Elective. Offers elective credit...``)."""
    m = _TITLE_END.search(text)
    if m is None or len(text[m.end():].split()) < _RUN_IN_MIN_WORDS:
        return text, ""
    return text[: m.start()], text[m.end():]


def _after_code_credits(rest: str) -> tuple[str, Credits | None]:
    """``(3) Course ID:013283`` right after ``ACMAT 117``."""
    m = _AFTER_CODE_CREDITS.match(rest)
    if m is None:
        return rest, None
    _, found = split_credits(f"({m.group('value')})")
    return (rest[m.end():], found) if found else (rest, None)


def _heading_fields(rest: str) -> tuple[str, dict[str, str]]:
    """``Course ID:013283 01-APR-2018`` on a heading line: attributes, not title."""
    attributes: dict[str, str] = {}
    fields = list(_HEADING_FIELD.finditer(rest))
    if not fields:
        return rest, attributes
    for m in fields:
        attributes[m.group("label")] = m.group("value")
    tail = rest[fields[0].start():]
    date = _DATE.search(tail)
    if date:
        attributes["date"] = date.group(0)
    return rest[: fields[0].start()].strip(), attributes


def _apart_at(words: Sequence[Word]) -> int:
    """Where a piece set apart by a wide gap begins (credits on the heading's right), or the
    line's end."""
    for k in range(1, len(words)):
        height = words[k].bbox[3] - words[k].bbox[1]
        if words[k].bbox[0] - words[k - 1].bbox[2] > _APART * height:
            return k
    return len(words)


def _split_run_in(rest: str, words: list[Word], styled: list[bool]) -> tuple[str, str]:
    """Cut the heading line where its style ends: (heading part, run-in body text). Text set
    apart by a wide gap (credits right-aligned on the heading's baseline) is no run-in text."""
    boundary = next((k for k in range(len(words)) if not styled[k] and k > 0 and any(styled[:k])),
                    None)
    if boundary is None:
        return rest, ""
    if boundary >= _apart_at(words):
        return rest, ""
    body_text = " ".join(w.text for w in words[boundary:])
    if not rest.endswith(body_text):
        return rest, ""
    return rest[: len(rest) - len(body_text)].rstrip(), body_text


def _continues(first: StreamLine, nxt: StreamLine, index: int, heads: frozenset[int], *,
               styled_label: bool = False, labels: frozenset[str] = frozenset()) -> bool:
    """``nxt`` (at ``index``) may go on with the heading at ``first``: same block, not a
    heading of its own, not a labelled line (a piece set apart on its right aside). With
    ``styled_label`` (the line opens in the heading's type, and its first word did not fit on
    the line before) only a known label or one of the catalog's ``labels`` stops it: a wrapped
    title may hold a colon (``Health Care`` / ``Management: External View``), where a title
    line with room to spare ends before a field (``Black World Studies`` / ``Components:``)."""
    if nxt.block != first.block or index in heads:
        return False
    words = nxt.line.words
    label = line_label(" ".join(w.text for w in words[: _apart_at(words)]))
    return label is None or (styled_label and known_field(label[0]) is None
                             and label[0] not in labels)


def _wrapped_title(
    stream: Sequence[StreamLine], i: int, head: Word, rules: HeadingRules
) -> tuple[list[str], str, int]:
    """Heading-style text that continues on the next lines (a wrapped bold title)."""
    first = stream[i]
    more: list[str] = []
    taken = 1
    for offset, nxt in enumerate(stream[i + 1 : i + MAX_HEADING_LINES], start=i + 1):
        words = nxt.line.words
        fits = not _would_not_fit(words[0], stream[offset - 1])
        if not fits and not words[0].font:
            words = _wrapped_in_heading_type(words, stream[offset - 1].line.words, head)
        wrapped = heading_style(words[:1], head, rules.body) == [True] and not fits
        if fits and not words[0].font and not rules.body.style_of(head).bold:
            break  # a scan's heading set apart by measured size alone: only a full line wraps
        if (lead := leading_credits(nxt.text)) is not None and lead[0]:
            break  # "1 to 4 hours--Prereq.: ...": the body's first line, its figure measured
            # bold; credits alone ("4-5 Credits.") are the heading's, wrapped
        if not _continues(first, nxt, offset, rules.heads, styled_label=wrapped,
                          labels=rules.labels) or (
            fits and _credits_and_marks(nxt.text)  # "FULL" / "TIME (0)": a word that did
            # not fit is the title's, not a designator
            and title_complete(stream[offset - 1].text if more else first.text)
        ):
            break
        so_far = " ".join([first.text, *more])
        close = next((k for k, w in enumerate(words[:_CLOSE_WORDS]) if ")" in w.text), None)
        if not words[0].font and so_far.count("(") > so_far.count(")") and close is not None:
            # a scan's "(Subject named in" / "title listing) 1 to 4 hours...": the parenthesis
            # goes on to its close, whatever weight was measured there
            more.append(" ".join(w.text for w in words[: close + 1]))
            return more, " ".join(w.text for w in words[close + 1:]), taken + 1
        styled = heading_style(words, head, rules.body)
        if not styled or not styled[0]:
            break
        apart = _apart_at(words)  # a piece set apart on its right (credits) stays in the heading
        whole = all(styled[:apart])
        if whole and fits and not words[0].font and _words_only(nxt.text):
            break  # a scan's whole line of words that had room on the heading's: the text's
            # first (Smith's "Topics Course" measured bold on a toner-spread copy)
        taken += 1
        if whole:
            more.append(nxt.text)
            continue
        cut = styled.index(False)
        more.append(" ".join(w.text for w in words[:cut]))
        return more, " ".join(w.text for w in words[cut:]), taken
    return more, "", taken


def _words_only(text: str) -> bool:
    """``text`` holds words and no credits, note or mark (``Topics Course``)."""
    return (not _MARKS_OR_NOTE.match(text.strip()) and split_credits(text)[1] is None
            and len(re.findall(r"[A-Za-z]{2,}", text)) >= 2)


def _wrapped_in_heading_type(words: tuple[Word, ...], before: Sequence[Word],
                             head: Word) -> tuple[Word, ...]:
    """A scan's line onto which the typesetter wrapped a heading, its title's words set in
    the heading's type where their ink says they are (``weight.wraps_heading``). Credits after
    them are not weighed: a scan's often measure lighter (``Change 400(4)``)."""
    title_words = len(split_credits(" ".join(w.text for w in words))[0].split()) or len(words)
    if not wraps_heading(words[:title_words], before, size_tolerance=OCR_SIZE_TOLERANCE):
        return words
    return (*(replace(w, bold=head.bold, size=head.size) for w in words[:title_words]),
            *words[title_words:])


def _would_not_fit(word: Word, before: StreamLine) -> bool:
    """``word`` (opening the next line) is too wide for the room ``before`` left at its right:
    the typesetter wrapped there, where a line ending with room to spare ended on purpose."""
    space = _SPACE * (before.line.bbox[3] - before.line.bbox[1])
    return before.right_gap < word.bbox[2] - word.bbox[0] + space


def _credits_and_marks(text: str) -> bool:
    """A line of designators or icons, then credits (``NS3 4 cr``, a scan's ``<_ 4cr``), not
    the end of a wrapped title (``Lab 1``: a word of the title beside its credits; ``3 cr.``
    or ``(3-3-0) AICE``: the heading's credits, wrapped)."""
    if credits_line(text) is None:
        return False
    before = split_credits(text)[0].split()  # what stands before the credits
    return bool(before) and not any(len(token) >= 3 and any(c.islower() for c in token)
                                    for token in before)


def _plain_wrap(stream: Sequence[StreamLine], i: int, rest: str,
                heads: frozenset[int]) -> tuple[list[str], int]:
    """A heading set like body text wraps only if its credits turn up on the next line(s)."""
    if split_credits(rest)[1] is not None:
        return [], 1
    first = stream[i]
    more: list[str] = []
    for offset, nxt in enumerate(stream[i + 1 : i + MAX_HEADING_LINES], start=i + 1):
        if not _continues(first, nxt, offset, heads) or match_code(nxt.text):
            break
        more.append(nxt.text)
        if split_credits(join_lines([rest, *more]))[1] is not None and len(nxt.text.split()) <= 8:
            return more, 1 + len(more)
    return [], 1


def _scan_title(title: str, *, stops_end: bool) -> str:
    """A scanned title without what OCR commonly makes of the page's noise: an I read as i or
    l opening it (``introduction to``), a speck read as a stop inside it, after a word
    (``Independent. Study``, ``The.Obama``, ``Programming .&``; an initial's stop stays:
    ``U.S.``, ``W.Practicum``), a closing quote nothing opened at its end (``Culture’``; a
    plural's apostrophe stays: ``Readers'``). Where the catalog ends its titles with a stop
    (``stops_end``), a stop inside one is no speck but a title's end the weight ran past."""
    if title[:1] in ("i", "l") and title[1:2].islower():
        title = "I" + title[1:]
    if title[-1:] in ("’", "'") and title[-2:-1] != "s" and not any(q in title
                                                                   for q in ("‘", " '")):
        title = title[:-1]
    if stops_end:
        return title
    return _STRAY_STOP.sub(
        lambda m: " " if m.string[m.end()] != " " and m.string[m.start() - 1] != " " else "",
        title)


def _clean_title(text: str) -> tuple[str, str]:
    """The title without trailing separators; bracketed notes after it, and a short
    parenthesised mark before it (``(C) Global Africa``), are designators."""
    notes: list[str] = []
    lead = _LEADING_MARK.match(text)
    if lead is not None:
        notes.append(lead.group(1))
        text = text[lead.end():]
    while True:
        m = re.search(r"\s*(\[[^\[\]]{1,60}\])\s*$", text)
        if m is None or m.start() == 0:
            break
        notes.insert(0, m.group(1))
        text = text[: m.start()]
    title = re.sub(r"\s+", " ", text).strip(" .:—–-,;")
    title = _LEADING_JUNK.sub("", title)  # "__ Pediatric Nursing": specks OCR read as signs
    sign = _TRAILING_SIGN.search(title)
    if sign is not None and sign.start() > 0:  # "Epidemiology ◆" ("@" in a scan): a designator
        notes.append(sign.group(1))
        title = title[: sign.start()].rstrip(" .:—–-,;")
    return title, " ".join(notes)


def case_confirms_boundary(title: str, after: str) -> bool:
    """Capitals confirm where a run-in title ends: the title is in title case, and what
    follows opens a sentence (a capital, then a lowercase word that is no connector:
    ``Global Capitalism | Sociological aspects of``). A boundary a word early (``Global |
    Capitalism Sociological``) or late (``Global Capitalism Sociological | aspects``) fails."""
    words, rest = title.split(), after.split()
    if not words or len(rest) < 2 or not title_complete(title):
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _CONNECTORS
               or not any(c.isalpha() for c in w) for w in words):
        return False
    first, second = rest[0], rest[1]
    return (first[:1].isupper() and first.isalpha() and second.isalpha()
            and second.islower() and second not in _CONNECTORS)


def case_cut_near(title: str, run_in: str, *, reach: int | None) -> tuple[str, str]:
    """``title`` and the text ``run_in`` after it cut again where the capitals confirm a
    run-in title's end (``case_confirms_boundary``), the cut nearest theirs within ``reach``
    words (None: anywhere in the title), as they are where none does. The text after such a
    cut must not open on a word a title runs on through (``Latin | America before 1888``,
    ``Design: | Costume as Form``), nor the title end open (``Design:``)."""
    words, at = f"{title} {run_in}".split(), len(title.split())
    reach = at if reach is None else reach
    for cut in sorted(range(max(1, at - reach), min(len(words) - 1, at + reach) + 1),
                      key=lambda k: abs(k - at)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if (cut != at and case_confirms_boundary(head, tail)
                and words[cut + 1].lower() not in _RUNS_ON and not head.endswith((":", "-"))):
            return head, tail
    return title, run_in


def title_complete(title: str) -> bool:
    words = title.split()
    return bool(words) and words[-1].lower() not in _OPEN_ENDINGS


def read_body(
    lines: Sequence[StreamLine], *, body: BodyStyle, learned: frozenset[str],
    positions: frozenset[str], run_in: str = "", credits_found: bool = False,
    words: frozenset[str] = frozenset(),
) -> Body:
    """Sort an entry's body lines into description, labelled fields and credits; ``words``,
    the catalog's, settle line-end hyphens (``join_lines``)."""
    out = Body()
    table = _table_credits(lines)
    if table is not None:  # a table under the entry: its rows are no paragraph
        first, last, found = table
        lines = [*lines[:first], *lines[last + 1 :]]
        if not credits_found:
            out.credits, out.credits_position = found, "table"
    sorter = _BodyLines(out=out, body=body, learned=learned, words=words,
                        description=[run_in] if run_in else [],
                        labelled_credits=not credits_found and ("label" in positions
                                                                or not positions))
    for n, item in enumerate(lines):
        text = item.text.strip()
        if n == 0 and not credits_found and not run_in:
            lead = leading_credits(text)  # "3 hours--Prereq.: Junior standing. An advanced..."
            if lead is not None:
                text, out.credits, out.credits_position = lead[0], lead[1], "next_line"
                if not text:
                    continue
        sorter.add(item, text)
    if sorter.label is not None and not credits_found and ("paragraph_end" in positions
                                                           or not positions):
        sorter.credits_ending_label()
    sorter.close_label()
    _read_paragraph(out, join_lines(sorter.description, words=words), positions=positions,
                    credits_found=credits_found)
    return out


@dataclass(slots=True)
class _BodyLines:
    """An entry's body lines as they are being sorted: the description so far, and the
    labelled line still open (lines that continue its value may follow)."""

    out: Body
    body: BodyStyle
    learned: frozenset[str]
    description: list[str]
    words: frozenset[str] = frozenset()
    """The catalog's words: what a line-end hyphen is (``join_lines``)."""
    label: Labelled | None = None
    label_line: StreamLine | None = None
    values: list[str] = field(default_factory=list)
    """The open label's value, line by line."""
    labelled_credits: bool = False
    """``Credits: 4`` at the end of another label's value are the entry's (``Prerequisite:
    ... government. Credits: 4``), when the heading had none."""

    def add(self, item: StreamLine, text: str) -> None:
        """Sort the line ``item`` (its text ``text``): an hours line, a labelled line, the
        open label's value going on, or description."""
        out = self.out
        if _HOURS_LINE.match(text):
            self.close_label()
            out.attributes["hours"] = text.strip("(). ")
            return
        found = line_label(text)
        if found is not None:
            out.labels.append(found[0])
            labelled = classify(found[0], found[1], learned=self.learned)
            if labelled is not None and labelled.field == "description":
                self.close_label()  # "Course Description: ..." is the description itself
                self.description.append(labelled.value)
                return
            if labelled is not None and labelled.field == "credits":
                self.close_label()  # a value of its own: what follows is no part of it
                beside = credits_before_cell(labelled.value)
                if beside is not None:  # "Credits: 3 General Education: DSSP": two cells
                    _assign(out, replace(labelled, value=beside[0].text))
                    self.add(item, beside[1])
                    self.close_label()  # a cell's value ends with its row
                    return
                _assign(out, labelled)
                return
            if labelled is not None:
                self.close_label()
                self.label, self.label_line, self.values = labelled, item, [labelled.value]
                return
            out.unknown_labels.append(found[0])
        if self.label is not None and self.label_line is not None and _continues_label(
            self.label_line, item, self.values[-1], self.body
        ):
            self.values.append(text)
            return
        self.close_label()
        self.description.append(text)

    def credits_ending_label(self) -> None:
        """The entry ends with a labelled line, and its credits end that line."""
        head, found, instructor = trailing_credits(join_lines(self.values, words=self.words))
        if found is not None:
            self.values = [head]
            self.out.credits, self.out.credits_position = found, "paragraph_end"
            if instructor:
                self.out.attributes["instructor"] = instructor

    def close_label(self) -> None:
        """Assign the open label its value, and close it."""
        if self.label is not None:
            value = join_lines(self.values, words=self.words)
            if self.labelled_credits and self.out.credits is None:
                value, found = labelled_credits(value)
                if found is not None:
                    self.out.credits, self.out.credits_position = found, "label"
            _assign(self.out, Labelled(label=self.label.label, value=value,
                                       field=self.label.field))
        self.label, self.values = None, []


def is_credits_header(text: str) -> bool:
    """A table's column header over credits (``Credits``, ``Units``, ``Hours``)."""
    return _CREDITS_HEADER.match(text) is not None


def _table_credits(lines: Sequence[StreamLine]) -> tuple[int, int, Credits] | None:
    """Credits in a table's column: a header row with a ``Credits`` cell among others, and the
    value below it (``1`` / ``course``). Returns the rows it spans and the credits."""
    for n, item in enumerate(lines):
        if not _HEADER_WORD.search(item.text):
            continue
        words = item.line.words
        k = next((k for k in range(1, len(words)) if is_credits_header(words[k].text)), None)
        if k is None or _apart_at(words[k - 1:k + 1]) != 1:
            continue  # a column's head stands apart; "... special topics. Credit" is prose
        header = words[k]
        value: list[Word] = []
        best: tuple[int, int, Credits] | None = None
        for m in range(n + 1, min(n + 1 + _TABLE_ROWS, len(lines))):
            below = [w for piece in _pieces(lines[m].line.words)
                     if any(w.bbox[2] > header.bbox[0] - _CELL_SLACK
                            and w.bbox[0] < header.bbox[2] + _CELL_SLACK for w in piece)
                     for w in piece]  # a cell is a phrase: "1 course each semester"
            if not below or lines[m].page != item.page:
                break
            value += below
            found = _cell_credits(value)
            if found is not None:  # the cell may wrap ("1" / "course"): the longest that reads
                best = (n, m, found)
        if best is not None:
            return best
    return None


def _cell_credits(words: Sequence[Word]) -> Credits | None:
    """The credits of the words under a ``Credits`` column head: all of them, or without the
    first few, the end of the cell before it reaching under the head (``... 3.3 and`` / ``1``
    / ``course``, where a scan's speck widened the head's box); else the credits the cell
    opens with (``1 course each semester``, ``1 course, class and lab``)."""
    texts = [w.text for w in words]
    for start in range(len(texts)):
        found = parse_credits(" ".join(texts[start:]))
        if found is not None:
            return found
    for end in range(len(texts) - 1, 0, -1):
        found = parse_credits(" ".join(texts[:end]).rstrip(",;"))
        if found is not None:
            return found
    return None


def _pieces(words: Sequence[Word]) -> list[list[Word]]:
    """A table row's cells: ``words`` cut where the gap is wider than a line's height (a word
    space is a third of it)."""
    pieces: list[list[Word]] = []
    for word in words:
        if pieces and word.bbox[0] - pieces[-1][-1].bbox[2] <= _CELL_GAP * (
                word.bbox[3] - word.bbox[1]):
            pieces[-1].append(word)
        else:
            pieces.append([word])
    return pieces


def _read_paragraph(out: Body, text: str, *, positions: frozenset[str],
                    credits_found: bool) -> None:
    if not credits_found and out.credits is None and ("label" in positions or not positions):
        text, found = labelled_credits(text)  # "... Handbook. Credits: 4 Members of ..."
        if found is not None:
            out.credits, out.credits_position = found, "label"
    if not credits_found and out.credits is None:  # spelled out: read even where unusual
        head, found, instructor = trailing_credits(text)
        if found is not None:
            text, out.credits, out.credits_position = head, found, "paragraph_end"
            if instructor:
                out.attributes["instructor"] = instructor
    if not credits_found and out.credits is None:
        found = credits_in_text(text)  # "(2 credits)" inside the paragraph: doubted by position
        if found is not None:
            out.credits, out.credits_position = found, "in_text"
    hours = _TRAILING_HOURS.search(text) if text.rstrip(" .").endswith(")") else None
    if hours:
        out.attributes.setdefault("hours", hours.group("hours").strip())
        text = text[: hours.start()]
    text, inline = split_inline(text)
    for labelled in inline:
        _assign(out, labelled)
    if "listed" in text.lower():  # "(Cross-listed as POL-131)" inside the paragraph
        for m in list(_INLINE_CROSS.finditer(text)):
            out.cross_listed.extend(find_codes(m.group("codes")))
        text = _INLINE_CROSS.sub("", text)
    out.description = " ".join(text.split())


def _assign(out: Body, labelled: Labelled) -> None:
    value = labelled.value.strip().rstrip(".").strip()
    if labelled.field == "prerequisites":
        out.prerequisites.append(value)
    elif labelled.field == "corequisites":
        out.corequisites.append(value)
    elif labelled.field == "cross_listed":
        out.cross_listed.extend(find_codes(value))
    elif labelled.field == "credits":
        found = parse_credits(value)
        if found is not None and out.credits is None:
            out.credits, out.credits_position = found, "label"
    else:
        out.attributes[labelled.label] = value


def _continues_label(label: StreamLine, item: StreamLine, previous_text: str,
                     body: BodyStyle) -> bool:
    if item.indent > label.indent + 2.0:
        return True
    if label.line.italic and not body.italic:
        return item.line.italic
    first = item.text.lstrip()[:1]
    return not previous_text.rstrip().endswith(TERMINAL) and (first.islower() or first in "(“\"")


def join_lines(lines: Sequence[str], *, words: frozenset[str] = frozenset()) -> str:
    """Join wrapped lines into one paragraph. A hyphen between two letters at a line's end
    stays before a capital (``Latin-`` / ``American``); before a lowercase letter the
    catalog's ``words`` settle it (``hyphens``: ``Sci-`` / ``ences``, ``cross-`` /
    ``cultural``). One before a figure, or a slash, joins without a space (``ENGL-`` /
    ``260``, ``standards/`` / ``competencies``), and so does a typed dash before a lowercase
    word (``hours--`` / ``and``), which goes where the catalog prints the word it splits
    (``unders-—`` / ``tanding``: a scan's hyphen read twice)."""
    out = ""
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        suspended = text.split(" ", 1)[0] in _SUSPENDED_HYPHEN_FOLLOWERS  # "seventeenth- or"
        if out.endswith("-") and text[:1] in _QUOTES and text[1:2].islower():
            text = text[1:]  # a scan's speck between a word's halves: "Sci-" / '"ences'
        if out.endswith("\u00ad"):
            out = out[:-1] + text
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].isalpha() and (
            not suspended
        ):
            lower = text[:1].islower() and not keeps_hyphen(out, text, words)
            out = (out[:-1] if lower else out) + text
        elif out.endswith(("-", "/")) and len(out) > 1 and out[-2].isalnum() and (
            text[:1].isdigit() or out.endswith("/") and text[:1].isalpha()
        ):
            out += text
        elif _TYPED_DASH.search(out) and text[:1].islower():
            # a typed dash (``hours--and``), or a hyphen a scan read doubled (``unders-—``)
            out = (out[:-2] if prints_whole(out, text, words, sign=2) else out) + text
        elif out:
            out = f"{out} {text}"
        else:
            out = text
    return re.sub(r"\s+", " ", out)
