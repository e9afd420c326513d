"""The course-record parser: page text with geometry in, course entries out, in two passes.

1. Observe: every code-led line is a candidate; the catalog's profile (its own entry template)
   is learned from them (``profile.py``).
2. Read: the lines that fit the template are headings; the lines between two headings are an
   entry's body, read into fields as the template says (``fields.py``). Every other candidate
   is explained (a cross-reference in a paragraph, a requirement-list or table row, a table of
   contents, program text outside the course pages) or, if nothing explains it, becomes an
   entry of its own with low confidence, so that a person sees it: nothing is dropped silently.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from ocr_pipeline.catalog.candidates import (
    TERMINAL,
    BodyStyle,
    Candidate,
    body_style,
    find_candidates,
    misread_capital,
    shape_of,
)
from ocr_pipeline.catalog.codes import CodeMatch, match_code
from ocr_pipeline.catalog.credits import (
    Credits,
    leading_credits,
    split_credits,
    trailing_credits,
)
from ocr_pipeline.catalog.fields import (
    Heading,
    HeadingRules,
    case_confirms_boundary,
    case_cut_near,
    is_credits_header,
    join_lines,
    read_body,
    read_heading,
    title_complete,
)
from ocr_pipeline.catalog.hyphens import catalog_words
from ocr_pipeline.catalog.labels import known_field, line_label
from ocr_pipeline.catalog.models import BBox, PageText, Word, union_bbox
from ocr_pipeline.catalog.profile import (
    PROSE_WORDS,
    CatalogProfile,
    HeadingTemplate,
    learn_profile,
    looks_like_entry,
)
from ocr_pipeline.catalog.stream import StreamLine, build_stream
from ocr_pipeline.catalog.weight import PLAIN

logger = logging.getLogger(__name__)

_LEADERS = re.compile(r"(?:\.[ ]?){4,}|…{2,}")
_TOC = re.compile(r"(?:\.[ ]?){4,}|…{2,}|\s\d{1,4}$")
_NUMBER_COLUMN = re.compile(r"(?:\s\d{1,2}(?:\.\d)?\*?){1,3}$")
_DASHED_NAME = re.compile(r"^[—–][ ]?[^—–]{1,60}$")
_DEPARTMENT_CHARS = 90
_STRAY_GLYPH = re.compile(r"[|¦¬©®«»~_^\\{}<>!@]|(?<!\S)[.,;:]\S|(?<!\S)[^\w\s]{2,}(?!\S)"
                          r"|(?<=[a-z]{2})\.[ ](?=[a-z])|[:;,][ ]?\(")
"""A sign no title prints: OCR read a letter or a speck as one (``Public Speaking |``,
``Game Design!``, ``Programming .& Computation``, ``Italian Cinema. from``,
``Geography: (Subject``)."""
_TITLE_SENTENCE = re.compile(r"(?<=[a-z]{2})\.[ ]+(?=[A-Z])")
_SCAN_TITLE_SIGN = re.compile(r"[A-Za-z]-[ ]\W?[A-Z]")
"""A hyphen ending a scanned title's word, a capitalized word after it: a speck read as a
hyphen (``Firefighter- Life Safety``) or a compound OCR cut apart (``Davis- Green``), which
is not known."""
_TITLE_FIELD = re.compile(r"\b[A-Z][\w.]*:\s?\S*\d")
_FEW_ENTRIES = 5
_FULL_LINE = 0.85
"""A heading line this wide (of its block) may be a title running on into the description."""
_WRAP_WORDS = 8
"""A heading's second line that ends in its credits is this short at most."""
_SCAN_SPACINGS = frozenset({"SUBJ101", "SUBJ.101"})
"""What a scan may make of ``SUBJ 101``: the space lost, or a speck read as a stop."""
_NOISY_WORD = 2
_INK_STEP = 1.4
"""A run-in title's last words are this much heavier than the text run in after it."""
WORD_PARTS = re.compile(r"[^\W_]+")
"""The runs of letters and figures in a printed word (``153—Firefighting``: 153, Firefighting)."""
_SOME = 0.25
"""A template feature this common is the catalog's own, though a scan's weight hid it in many
headings (run-in titles measured bold to the line's end): every title's end is in doubt."""
_RARE = 0.05
"""A template feature this rare among a catalog's headings marks a line as no heading."""
_LIST_REACH = 3
_PROSE_LINE_WORDS = 10
"""A line of this many words across its column is prose: a list's rows are shorter."""
_CASE_REACH = 2
"""Words a scan's run-in title's end may move to where the capitals confirm it: the weight
steps down a word or two off where toner spread or a speck blurs it."""
_RANGE_REACH = 15
_SECTION_GAP = 2
"""Pages without a heading that may sit inside one run of course pages."""
UNEXPLAINED_CUE = 0.3
TITLE_WRAP_CUE = 0.8
"""A scan's heading that may have wrapped its title onto the short line below
(``_may_wrap_onto``): Smith's ``Research`` under GOV 413's full line, measured light, was
left out of an auto-accepted title on a 150 dpi copy."""
_WRAP_REST = 2
_SHORT_REST = 0.4


@dataclass(slots=True)
class ParsedEntry:
    """A course entry as found on the pages, before it becomes ``CourseRecord`` s."""

    code: CodeMatch
    heading: list[StreamLine]
    title: str = ""
    credits: Credits | None = None
    body: list[StreamLine] = field(default_factory=list)
    description: str = ""
    prerequisites: str | None = None
    corequisites: str | None = None
    cross_listed: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    run_in: str = ""
    credits_position: str | None = None
    cues: dict[str, float] = field(default_factory=dict)
    """Evidence for the confidence score, each 1.0 when clean; below 1 says what deviates."""

    @property
    def page(self) -> int:
        return self.heading[0].page

    @property
    def bbox(self) -> BBox:
        lines = [s.line for s in self.heading + self.body if s.page == self.page]
        return union_bbox([ln.bbox for ln in lines])

    def heading_words(self) -> list[Word]:
        """The words of the heading's fields (designators and icons beside them left out, and
        the text run in after a run-in title), and the credits' words where a body line
        printed them."""
        decorations = set(self.attributes.get("designators", "").split())
        words = [w for s in self.heading for w in s.line.words]
        words = words[: len(words) - len(self._run_in_words())]
        fields = self._field_words()
        words = [w for w in words if w.text not in decorations and w not in fields]
        if self.credits is not None and self.credits_position not in (None, "heading",
                                                                      "after_code"):
            tokens = set(self.credits.text.split())
            figures = [re.compile(rf"(?<![\d.]){re.escape(t)}(?![\d.])") for t in tokens
                       if any(c.isdigit() for c in t)]

            def printed(word: Word) -> bool:  # "%-6" for "½-6": the figure glued to a misread
                return (word.text.strip(".,;()") in tokens
                        or any(f.search(word.text) for f in figures))

            words += next(([w for w in s.line.words if printed(w)] for s in reversed(self.body)
                           if any(printed(w) for w in s.line.words)), [])
        return words

    def body_words(self) -> list[Word]:
        """The description's words: the body lines', the text run in on the heading, and the
        heading's ``Label:value`` fields."""
        return (self._field_words() + self._run_in_words()
                + [w for s in self.body for w in s.line.words])

    def _field_words(self) -> list[Word]:
        """Heading words that print a field beside the title (``Course ID:013164``, a date)
        and no part of the title."""
        printed = " ".join(f"{k} {v}" for k, v in self.attributes.items() if k != "designators")
        fields, title = set(WORD_PARTS.findall(printed)), set(WORD_PARTS.findall(self.title))
        return [w for s in self.heading for w in s.line.words
                if (parts := set(WORD_PARTS.findall(w.text))) and parts <= fields
                and not parts & title]

    def _run_in_words(self) -> list[Word]:
        """The last heading line's words that are text run in after the title."""
        count = len(self.run_in.split())
        words = list(self.heading[-1].line.words) if self.heading else []
        return words[len(words) - count:] if 0 < count <= len(words) else []


@dataclass(frozen=True, slots=True)
class Explained:
    """A code-led line that is not a course entry, and why."""

    page: int
    text: str
    reason: str
    """``cross_reference``, ``requirement_row``, ``course_range`` (a heading over the entries of a
    range of numbers), ``body_text_mention`` (a line in body type where headings are set apart),
    ``table_of_contents``, ``outside_course_pages``."""
    bbox: BBox


@dataclass(frozen=True, slots=True)
class CodeLedLine:
    """A line that starts with a course code, and what the parser made of it."""

    page: int
    text: str
    outcome: str
    """``heading`` (an entry), ``unexplained`` (an entry for review), or the reason it was
    explained (see ``Explained.reason``)."""


@dataclass(slots=True)
class CatalogReading:
    """Everything the parser found in a catalog."""

    profile: CatalogProfile | None
    entries: list[ParsedEntry]
    explained: list[Explained]
    empty_pages: list[int]
    """Pages inside the course section that hold no part of any entry."""
    code_led: list[CodeLedLine] = field(default_factory=list)
    """Every code-led line of the catalog with its outcome."""

    @property
    def learned(self) -> CatalogProfile:
        """The profile of a catalog that has entries (one without any has none)."""
        if self.profile is None:
            raise ValueError("a catalog with no code-led line has no profile")
        return self.profile

    @property
    def section_pages(self) -> set[int]:
        sections = self.profile.sections if self.profile else ()
        return {p for first, last in sections for p in range(first, last + 1)}


def read_catalog(pages: Sequence[PageText]) -> CatalogReading:
    """Learn the catalog's template from its pages, then read its entries with it."""
    stream = build_stream(pages)
    body = body_style(stream)
    candidates = find_candidates(stream, body)
    profile = learn_profile(stream, candidates, body)
    if profile is None:
        return CatalogReading(profile=None, entries=[], explained=[], empty_pages=[])
    heads = {c.index: c for c in candidates if is_heading(c, profile, stream)}
    # course pages: where the headings are, and lines shaped like them that head a paragraph
    likely = {c.index for c in candidates if _entry_like(c, profile, stream)}
    sections = _sections(sorted({stream[i].page for i in heads.keys() | likely}))
    section_pages = {p for first, last in sections for p in range(first, last + 1)}
    outcomes = dict.fromkeys(heads, "heading")
    for cand in candidates:
        if cand.index not in heads:
            reason = explain(cand, stream, heads=heads, section_pages=section_pages,
                             profile=profile, likely=likely)
            outcomes[cand.index] = reason or "unexplained"
    for cand in candidates:
        if outcomes[cand.index] == "unexplained" and cand.starts and _weighs_as_headings(
                cand, profile, stream[cand.index]):
            # nothing explains it, it starts a paragraph, and it is the headings' weight
            outcomes[cand.index] = "heading"
            heads[cand.index] = cand
    unexplained = {i for i, outcome in outcomes.items() if outcome == "unexplained"}
    heads.update({c.index: c for c in candidates if c.index in unexplained})
    widths = {page.page: page.width for page in pages}
    entries = _segment(stream, heads, profile, widths=widths, unexplained=unexplained)
    explained = [Explained(page=stream[i].page, text=stream[i].text, reason=outcome,
                           bbox=stream[i].line.bbox)
                 for i, outcome in sorted(outcomes.items()) if i not in heads]
    profile = replace(
        profile,
        sections=tuple(sections),
        candidates=len(candidates),
        headings=len(heads) - len(unexplained),
        explained=dict(Counter(e.reason for e in explained).most_common()),
        unexplained=len(unexplained),
    )
    logger.info("profile: %d candidates, %d headings, %d explained, %d unexplained; pages %s",
                len(candidates), profile.headings, len(explained), len(unexplained),
                ", ".join(f"{a}-{b}" for a, b in sections))
    covered = {s.page for e in entries for s in e.heading + e.body}
    code_led = [CodeLedLine(page=stream[i].page, text=stream[i].text, outcome=outcome)
                for i, outcome in sorted(outcomes.items())]
    return CatalogReading(profile=profile, entries=entries, explained=explained,
                          empty_pages=sorted(section_pages - covered), code_led=code_led)


def is_heading(cand: Candidate, profile: CatalogProfile, stream: Sequence[StreamLine]) -> bool:
    """Whether a candidate fits the catalog's heading template."""
    template = profile.heading
    item = stream[cand.index]
    shape = shape_of(cand.code)
    if shape != template.shape and not (
        not _has_font(item) and template.shape == "SUBJ 101" and shape in _SCAN_SPACINGS
    ) or cand.rest in ("prose", "list", "range"):
        return False  # another code shape, but for a space a scan lost or a speck it added
    if cand.rest == "empty" and (template.alone < _RARE and template.title_below < _RARE
                                 or cand.prose_after < PROSE_WORDS):
        return False  # a code alone (a chart's box) where headings carry their titles, or
        # with no running text after it
    if template.distinct and item.styled:
        # a bulleted list of courses in program text, where the headings carry no bullet
        typed = cand.style == template.style and not (
            cand.code.marker and template.marker < 0.1 and cand.prose_after < PROSE_WORDS)
        if typed or _has_font(item):
            return typed
        # a scan's weight is measured, not known: the template's other marks may still show
    # set like body text, or read by OCR: the template's other marks must show
    nxt = stream[cand.index + 1] if cand.index + 1 < len(stream) else None
    rest, alone = cand.code.rest, False
    if cand.rest == "empty" and template.title_below >= 0.5 and nxt is not None:
        rest, nxt, alone = nxt.text, None, True  # a code alone, its title on the line below,
        # as the template's headings are set: that is evidence too
    if not cand.starts or not _title_like(rest):
        return False
    head, credits = split_credits(rest)
    if credits is None and nxt is not None and len(nxt.text.split()) <= _WRAP_WORDS:
        credits = split_credits(join_lines([rest, nxt.text]))[1]  # a wrapped heading
    evidence = 0.4 + 0.3 * (cand.prose_after >= PROSE_WORDS)
    evidence += 0.6 * (credits is not None and "heading" in profile.credits.learned)
    evidence += 0.3 * _is_caps(head)
    evidence += 0.3 * (template.typical_after(cand.code.after) and bool(cand.code.after.strip()))
    evidence += 0.2 * (cand.indent == "out" and template.typical_indent("out"))
    evidence += 0.3 * (cand.code.marker and template.marker >= 0.5)
    evidence += 0.2 * ((item.gap_before or 0.0) > 0.4 * item.height)
    evidence += 0.3 * alone
    return evidence >= 1.0


def _has_font(item: StreamLine) -> bool:
    """The line comes from a text layer: its type is known, not measured in ink."""
    return bool(item.line.words[0].font)


def explain(cand: Candidate, stream: Sequence[StreamLine], *, heads: dict[int, Candidate],
            section_pages: set[int], profile: CatalogProfile,
            likely: Collection[int]) -> str | None:
    """Why a candidate is not a course entry, or None if nothing explains it."""
    item = stream[cand.index]
    distinct, heading_style = profile.heading.distinct, profile.heading.style
    if cand.rest == "prose":
        return "cross_reference"
    if _LEADERS.search(item.text):
        return "table_of_contents"
    if cand.rest == "list" or cand.code.marker or _in_list(stream, cand.index, heads, likely):
        return "requirement_row"
    if _NUMBER_COLUMN.search(item.text) and (_has_font(item) or cand.rest != "title"
                                             or not _entry_like(cand, profile, stream)):
        # a chart's row ends in its credits column; a scanned line shaped like the headings,
        # heading a paragraph, may be one whose title ends in a number (``Seminar 4``) and
        # whose credits were misread: for review
        return "requirement_row"
    if _TOC.search(item.text) and _toc_page(stream, item.page):
        return "table_of_contents"
    if cand.rest == "range":
        return "course_range" if _range_headed(cand, stream, heads) else None
    if cand.rest == "empty" and cand.prose_after < PROSE_WORDS:
        return "requirement_row"  # a code alone with no text after it: a chart, a list
    if _entry_like(cand, profile, stream) and not (distinct and _has_font(item)):
        return None  # shaped like the headings, heading a paragraph, short of evidence: review
    if not cand.starts:
        # a scanned line set as the headings are (their measured weight and sign after the
        # code) over running text, whose paragraph start the scan hid (a line above it lost):
        # review
        return None if _set_as_headings(cand, profile, item) else "cross_reference"
    if distinct and _has_font(item) and cand.style != heading_style:
        # the catalog sets its headings apart by type and this line is not: a row, or (in body
        # type) a mention; set apart in another type with text after it, it may be a heading of
        # another kind: for review
        if cand.prose_after < PROSE_WORDS:
            return "requirement_row"
        if cand.style == profile.body.plain:
            return "body_text_mention"
    if item.page not in section_pages:
        return "outside_course_pages"
    return None


def _set_as_headings(cand: Candidate, profile: CatalogProfile, item: StreamLine) -> bool:
    """A scanned line in the headings' code shape, weight and sign after the code, with a title
    and running text after it."""
    return (_weighs_as_headings(cand, profile, item) and cand.rest == "title"
            and profile.heading.typical_after(cand.code.after) and bool(cand.code.after.strip())
            and cand.prose_after >= PROSE_WORDS)


def _weighs_as_headings(cand: Candidate, profile: CatalogProfile, item: StreamLine) -> bool:
    """A scanned line in the headings' code shape whose code measured bold as theirs: its type
    size may still differ from theirs, being measured on Tesseract's boxes, which a speck or
    show-through makes taller (WGU's ``DZP2 -`` line at 150 dpi measured larger than the
    headings learned, as many of the page's did)."""
    template = profile.heading
    return (not _has_font(item) and template.distinct and template.style.bold
            and cand.style.bold and cand.style.italic == template.style.italic
            and shape_of(cand.code) == template.shape)


def _entry_like(cand: Candidate, profile: CatalogProfile, stream: Sequence[StreamLine]) -> bool:
    """Shaped like the catalog's headings (and set like them, where type tells), heading a
    paragraph of text."""
    template = profile.heading
    if template.distinct and _has_font(stream[cand.index]) and cand.style != template.style:
        return False
    return shape_of(cand.code) == template.shape and looks_like_entry(cand)


def _range_headed(cand: Candidate, stream: Sequence[StreamLine],
                  heads: dict[int, Candidate]) -> bool:
    """``DR212–215 Studio work: required for the major`` over the entries DR212 ... DR215."""
    low, high = _leading_number(cand.code.number), _leading_number(cand.code.through)
    for index in range(cand.index + 1, cand.index + _RANGE_REACH):
        head = heads.get(index)
        if head is not None and head.code.subject == cand.code.subject and (
            low <= _leading_number(head.code.number) <= high
        ):
            return True
    return False


def _leading_number(number: str) -> int:
    digits = re.match(r"\d+", number)
    return int(digits.group(0)) if digits else -1


def _in_list(stream: Sequence[StreamLine], i: int, heads: dict[int, Candidate],
             likely: Collection[int]) -> bool:
    """The line has a code-led neighbour in its block that is not a heading, or two within
    three lines (a list whose rows wrap). A scanned neighbour that runs on across the column,
    shaped like the headings and heading a paragraph (``likely``) or a line of prose, is no
    row: on a worn copy, whose weight shows no heading, three short entries in a row had
    explained each other away as a list, and at 150 dpi Kalamazoo's ENGL 310 was taken for a
    row by the entry above it, whose one line of text ran across the column."""
    near = [j for j in range(i - _LIST_REACH, i + _LIST_REACH + 1)
            if j != i and 0 <= j < len(stream) and j not in heads
            and not (_runs_on(stream[j])
                     and (j in likely or len(stream[j].text.split()) >= _PROSE_LINE_WORDS))
            and stream[j].block == stream[i].block and _code_led(stream[j].text)]
    return any(abs(j - i) == 1 for j in near) or len(near) >= 2


def _runs_on(item: StreamLine) -> bool:
    """A scanned line that fills its column: a heading run on into its text, not a row."""
    return not _has_font(item) and item.width >= _FULL_LINE * item.block_width


def _code_led(text: str) -> bool:
    """A course code starts the line, also where the line goes on unusually (``BIOL 212/212L``)."""
    return match_code(text) is not None or re.match(r"^[A-Z]{2,6}[ -]?\d{2,4}", text) is not None


def _toc_page(stream: Sequence[StreamLine], page: int) -> bool:
    rows = [s for s in stream if s.page == page]
    return sum(bool(_TOC.search(s.text)) for s in rows) >= max(5, len(rows) // 3)


def _sections(pages: list[int]) -> list[tuple[int, int]]:
    sections: list[tuple[int, int]] = []
    for page in pages:
        if sections and page - sections[-1][1] <= _SECTION_GAP:
            sections[-1] = (sections[-1][0], page)
        else:
            sections.append((page, page))
    return sections


def _segment(
    stream: Sequence[StreamLine], heads: dict[int, Candidate], profile: CatalogProfile, *,
    widths: dict[int, float], unexplained: set[int],
) -> list[ParsedEntry]:
    entries: list[ParsedEntry] = []
    template = profile.heading
    words = catalog_words(item.text for item in stream)
    rules = HeadingRules(body=profile.body, positions=profile.credits.learned,
                         distinct=template.distinct, title_below=template.title_below >= 0.5,
                         heading_fields=template.fields >= 0.5, heads=frozenset(heads),
                         title_end=template.title_end if template.run_in >= _RARE else "",
                         run_in=template.run_in >= 0.5, labels=profile.learned_labels,
                         whole_line=template.run_in < _SOME, words=words)
    closing = profile.credits.positions.get("paragraph_end", 0.0) >= 0.5
    heading_pages = {stream[i].page for i in heads}
    current: ParsedEntry | None = None
    orphan = False
    i = 0
    while i < len(stream):
        cand = heads.get(i)
        if cand is not None:
            heading = read_heading(stream, i, cand.code, rules=rules)
            current = _entry(stream, cand, heading, profile, unexplained=i in unexplained)
            entries.append(current)
            orphan = False
            i += heading.lines
            continue
        item = stream[i]
        if current is not None and not orphan and (
            is_department_heading(item, profile.body) or _leaves_entry(current, item, widths)
            or _new_page_of_other_text(current, item, heading_pages)
        ):
            orphan = True
        if current is not None and not orphan:
            current.body.append(item)
            # where entries end with their credits, the credits close the entry (a name after a
            # dash may follow on the next line: "1 unit" / "— Ortiz.")
            orphan = closing and trailing_credits(item.text)[1] is not None and not (
                i + 1 < len(stream) and _DASHED_NAME.match(stream[i + 1].text))
        i += 1
    for entry in entries:
        _fill_body(entry, profile, words=words)
    return entries


def _entry(stream: Sequence[StreamLine], cand: Candidate, heading: Heading,
           profile: CatalogProfile, *, unexplained: bool) -> ParsedEntry:
    lines = list(stream[cand.index : cand.index + heading.lines])
    title, run_in = heading.title, heading.run_in
    part = (_PART_OPENING.search(title) if cand.code.more_numbers and run_in
            and heading.title_end == "." else None)
    if part is not None:  # "STAT 301-1,2,3 Data Science 1. Methods ...": part 1's text
        title, run_in = title[:part.start()], f"{part.group(1)}. {run_in}"
    entry = ParsedEntry(code=cand.code, heading=lines, title=title,
                        credits=heading.credits, run_in=run_in,
                        credits_position=heading.credits_position,
                        cross_listed=list(cand.code.cross_listed),
                        attributes=dict(heading.attributes))
    if heading.designators:
        entry.attributes["designators"] = heading.designators
    if cand.code.prefix:
        entry.attributes[cand.code.prefix.split()[0].lower()] = cand.code.prefix
    first = stream[cand.index]
    scanned = not _has_font(first)
    below = stream[cand.index + heading.lines] if cand.index + heading.lines < len(stream) else None
    entry.cues.update(_heading_cues(cand, heading, profile, scanned=scanned))
    if scanned and _boundary_doubted(entry, heading, profile.heading, below):
        entry.cues["title_boundary"] = 0.85
    if not (profile.heading.distinct and first.styled) and _fills_its_line(first, heading):
        # no type, no credits, no sentence end: the title may run on into the description
        entry.cues["title_runs_on"] = 0.8
    if scanned and entry.cues.keys() & {"title_boundary", "title_runs_on"}:
        # on a scan, where the capitals show the title's end near where the weight stepped
        # down (or anywhere, where it never did: ``Reading the World: Beyond Realism | An
        # introductory study``), it ends there, still for a person to see
        entry.title, entry.run_in = case_cut_near(entry.title, entry.run_in,
                                                  reach=_CASE_REACH if entry.run_in else None)
    if scanned and _may_wrap_onto(stream, cand.index, heading):
        entry.cues["title_wrap"] = TITLE_WRAP_CUE
    if unexplained:
        entry.cues["unexplained"] = UNEXPLAINED_CUE
    return entry


def _fills_its_line(first: StreamLine, heading: Heading) -> bool:
    """A heading of one line that fills its block (``_FULL_LINE``), with no credits or text
    after its title: where the title ends is not shown."""
    return (heading.lines == 1 and heading.credits is None and not heading.run_in
            and first.width >= _FULL_LINE * first.block_width)


def _may_wrap_onto(stream: Sequence[StreamLine], index: int, heading: Heading) -> bool:
    """A heading that fills its line (``_fills_its_line``) over a line of a word or two that
    more text of its block follows: that word may be the title's rest, measured light (its
    box, run into the line below, too tall for its ink)."""
    first, after = stream[index], index + heading.lines
    if not _fills_its_line(first, heading) or after + 1 >= len(stream):
        return False
    below, then = stream[after], stream[after + 1]
    return (below.block == then.block == first.block and len(below.line.words) <= _WRAP_REST
            and below.width < _SHORT_REST * first.block_width)


def _boundary_doubted(entry: ParsedEntry, heading: Heading, template: HeadingTemplate,
                      below: StreamLine | None) -> bool:
    """A scan's run-in title ends where its measured weight does, and no sign confirms it,
    nor the capitals around it, nor a clear step in the ink (``_ink_confirms``), nor credits
    opening the next line under a title that ran to its line's end (``_credits_below``)."""
    run_in = template.run_in >= _SOME or bool(heading.run_in) and template.run_in >= _RARE
    return (run_in and not (template.title_end and heading.title_end == template.title_end)
            and not case_confirms_boundary(heading.title, heading.run_in)
            and not _ink_confirms(entry, below) and not _credits_below(below, heading))


def _credits_below(below: StreamLine | None, heading: Heading) -> bool:
    """The heading's title ran to its line's end and the line ``below`` it opens with credits
    (East Central's ``3 hours--Prereq.: ...``): the line's end is the title's, in a catalog
    whose measured weight made it look run-in."""
    return not heading.run_in and below is not None and leading_credits(below.text) is not None


def _ink_confirms(entry: ParsedEntry, below: StreamLine | None) -> bool:
    """The ink steps down clearly where a scan's run-in title ends: its last words' strokes
    are heavy against the page's usual stroke, the run-in text's first word is body weight
    (short words, a few strokes each, measure noisily and are left out). A title that ran to
    its line's end steps down so to the first word of the line ``below`` it in its column
    (Northwestern's ``Analysis and Interpretation of Social Data`` over its text). A word's
    weight is its strokes over its line's size, which OCR measures on its boxes: the strokes
    themselves are compared, in the title line's terms (under toner spread the line ``the
    World How and why social protests ...``, sized larger than its type, had measured 0.77
    under ``... Social Change around`` at 1.98, the title it ends)."""
    last = entry.heading[-1]
    words = list(last.line.words)
    count = len(entry.run_in.split())
    if count == 0 and below is not None and below.block == last.block:
        title_words, text_words = words, list(below.line.words)
    elif 0 < count < len(words):
        title_words, text_words = words[:-count], words[-count:]
    else:
        return False
    title = [w for w in title_words if len(w.text) > _NOISY_WORD][-2:]
    text = next((w for w in text_words if len(w.text) > _NOISY_WORD), None)
    if not title or text is None or not text.weight or not title[-1].size:
        return False
    run_in = text.weight * text.size / title[-1].size  # in the title line's terms
    return run_in <= PLAIN and sum(w.weight for w in title) / len(title) >= _INK_STEP * run_in


def _heading_cues(cand: Candidate, heading: Heading, profile: CatalogProfile, *,
                  scanned: bool) -> dict[str, float]:
    """How far the heading deviates from the catalog's template. A scan's bullets come and go
    (read as a speck, a sign or nothing), so where the catalog's own scan shows them on some
    headings and not others, a bullet or its absence is no deviation."""
    template = profile.heading
    cues: dict[str, float] = {}
    if not template.typical_after(cand.code.after):
        cues["separator"] = 0.8
    mixed = _RARE < template.marker < 1 - _RARE
    if cand.code.marker != (template.marker >= 0.5) and not (scanned and mixed):
        cues["bullet"] = 0.85
    if not template.typical_indent(cand.indent):
        cues["indent"] = 0.9
    title = heading.title
    if not title or known_field(title) is not None:
        cues["title_missing"] = 0.3  # none, or a label taken for one (a table's "Credits")
    elif title.startswith("(") or re.match(r"^\(?[A-Z]{2,6}[ -]?\d{2,4}\b", title):
        cues["title_starts_with_code"] = 0.5
    elif not title_complete(title) or not (title[0].isupper() or title[0].isdigit()):
        cues["title_incomplete"] = 0.6
    elif len(title) > 150:
        cues["title_length"] = 0.5
    if _STRAY_GLYPH.search(title):
        cues["title_glyph"] = 0.5  # "Public Speaking |": OCR read a letter as a sign
    if scanned and _SCAN_TITLE_SIGN.search(title):
        cues["title_sign"] = 0.8  # "Firefighter- Life Safety": a speck, or a compound's gap?
    if _TITLE_FIELD.search(title):
        cues["title_field"] = 0.5  # "Course ID:005194 06-JUN-2018": a field, not a title
    sentence = _TITLE_SENTENCE.search(title)
    if sentence and len(title[sentence.end():].split()) >= 3:
        cues["title_sentence"] = 0.8  # "Public Speaking. Basic public speaking is...": run on?
    if cand.code.more_numbers:
        cues["several_numbers"] = 0.95
    if profile.entries < _FEW_ENTRIES:
        cues["few_entries"] = 0.8  # a template shown by a handful of entries is no template
    return cues


def _fill_body(entry: ParsedEntry, profile: CatalogProfile, *, words: frozenset[str]) -> None:
    found = read_body(entry.body, body=profile.body, learned=profile.learned_labels,
                      positions=profile.credits.learned, run_in=entry.run_in,
                      credits_found=entry.credits is not None, words=words)
    entry.description = found.description
    entry.prerequisites = "; ".join(found.prerequisites) or None
    entry.corequisites = "; ".join(found.corequisites) or None
    entry.cross_listed = list(dict.fromkeys(entry.cross_listed + [
        c for c in found.cross_listed if c not in entry.code.codes]))
    entry.attributes.update(found.attributes)
    if entry.credits is None and found.credits is not None:
        entry.credits, entry.credits_position = found.credits, found.credits_position
    entry.cues.update(_credit_cues(entry, profile))
    if found.unknown_labels:
        entry.cues["unknown_label"] = 0.85
    if _absorbed_heading(entry, profile):
        entry.cues["absorbed_heading"] = 0.6


_PART_OPENING = re.compile(r"\s+(\d)$")
"""A figure ending the title of an entry of several numbered parts, a stop after it and its
text run in: the first part's text opens there (``STAT 301-1,2,3 Data Science 1. Methods
...``; a scan measures the figure as bold as the title, a text layer's type sets it apart)."""
_SCAN_CREDITS_EXPECTED = 0.25
"""On a scan, an entry without credits is doubted where this share of the catalog's entries
print them: OCR misreads many (``1 cr`` read ``tor``), so the share read understates the
share printed, and a rough copy of a catalog that prints credits for every course showed
them on a third of its entries, the rest auto-accepted without."""


def _credit_cues(entry: ParsedEntry, profile: CatalogProfile) -> dict[str, float]:
    template = profile.credits
    credits = entry.credits
    if credits is None:
        scanned = not _has_font(entry.heading[0])
        if template.expected >= (_SCAN_CREDITS_EXPECTED if scanned else 0.5):
            return {"credits_missing": 0.7}
        # most entries speak of credits, yet none were read: printed where the template
        # does not look (a table's column), so no entry's credits can be trusted as absent
        return {"credits_unread": 0.7} if template.unread >= 0.5 else {}
    cues: dict[str, float] = {}
    if entry.credits_position not in template.learned:
        cues["credits_position"] = 0.85
    if credits.form != "variable" and template.forms.get(credits.form, 0.0) < 0.05:
        cues["credits_form"] = 0.85
    if not credits.clean:
        cues["credits_damaged"] = 0.8
    high = credits.high or credits.low or 0.0
    ceiling = max(2 * (template.highest or 0.0), 12.0)
    if high > ceiling or (credits.low is not None and credits.low < 0):
        cues["credits_range"] = 0.5
    return cues


def _absorbed_heading(entry: ParsedEntry, profile: CatalogProfile) -> bool:
    """A body line set like a heading and starting with a code: maybe a missed entry."""
    style = profile.heading.style
    if style == profile.body.plain:
        return False
    for item in entry.body:
        words = item.line.words
        if words and profile.body.style_of(words[0]) == style and re.match(
            r"^[A-Z]{2,}[ -]?\d", item.text
        ) and not line_label(item.text):
            return True
    return False


def is_department_heading(item: StreamLine, body: BodyStyle) -> bool:
    """A subject or department title between entries (larger or bold, set apart, short)."""
    line = item.line
    text = item.text.strip()
    if len(text) > _DEPARTMENT_CHARS or text.endswith((".", ",", ";")) or len(text.split()) > 8:
        return False
    if line_label(text) or not text[:1].isupper():
        return False
    if any(is_credits_header(w.text) for w in line.words[1:]):
        return False  # a table's header row under an entry ("Prerequisites   Credits")
    set_apart = item.gap_before is None or item.gap_before > 0.5 * item.height
    short = item.width < 0.75 * item.column_width or len(text.split()) <= 5
    larger = line.size > body.size * 1.15
    bold = line.bold and not body.bold
    # OCR sizes are noisy and OCR knows no bold: size alone must come with a clear setting apart
    if (larger and bold) or ((larger or bold) and set_apart and short):
        return True
    return _is_caps(text) and set_apart and len(text.split()) <= 5  # typewritten "ACCT COURSES"


def _leaves_entry(entry: ParsedEntry, item: StreamLine, widths: dict[int, float]) -> bool:
    """A full-width prose band on a page of columns does not continue a column entry."""
    head = entry.heading[0]
    if item.block == head.block:
        return False
    width = widths[item.page]
    return item.block_width > 0.6 * width and head.column_width < 0.55 * widths[head.page]


def _new_page_of_other_text(entry: ParsedEntry, item: StreamLine,
                            heading_pages: set[int]) -> bool:
    """A finished entry does not go on into a page that holds no course heading (a heading
    alone at a page's foot does: its text is on the next page)."""
    if not entry.body:
        return False
    last = entry.body[-1]
    return (item.page != last.page and item.page not in heading_pages
            and last.text.rstrip().endswith(TERMINAL))


def _title_like(rest: str) -> bool:
    lead = next((c for c in rest if c.isalnum()), "")
    return not rest or lead.isupper() or lead.isdigit() or misread_capital(rest)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)
