"""Record confidence: how sure we are that every field of a record is right.

Two kinds of evidence, multiplied:
- ``ocr``: recognition confidence of the words the fields come from. One doubtful word in the
  heading makes a wrong field likely, so the weakest word drives it. Tesseract's confidence
  is low for many words it reads right (bold type, small numerals), so the catalog itself may
  vouch for a heading word: a word of the title read surely elsewhere in the catalog (the
  same letters are no accident), and a course code in order between its neighbours of the
  same subject (catalogs list courses by number; codes that are letters and one number,
  ``JOT2``, by their letters), and credits of a value a tenth of the catalog's entries print.
- the parser's cues (``ParsedEntry.cues``): each says how an entry deviates from its catalog's
  own template: a separator or bullet the other headings do not print, credits missing where
  the template has them or printed in another place or form, a title that begins with a code or
  ends on a connector, a label the catalog does not use elsewhere, a code-led line nothing
  explains. A clean entry in a consistent catalog keeps 1.0 for all of them.

``benchmarks/corpus.py`` prints, per real catalog, the share of wrong records among the
auto-accepted; ``DEFAULT_THRESHOLD`` is chosen from that table and ``benchmarks/accuracy.py``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ocr_pipeline.catalog.credits import Credits
from ocr_pipeline.catalog.models import UNREAD_BESIDE, PageText, Word
from ocr_pipeline.catalog.parse import WORD_PARTS, ParsedEntry
from ocr_pipeline.catalog.specks import likelier_readings

DEFAULT_THRESHOLD = 0.9
"""Records at or above this are auto-accepted; below it they wait for human review."""

SURE_WORD_CONF = 0.93
"""A word read at this confidence or better is taken as read right."""
DOUBTFUL_WORD_CONF = 0.85
MAX_OCR_FACTOR = 0.99
BODY_DOUBT_FREE = 0.03
"""Share of doubtful description words that costs nothing (a speck, a rare word)."""
BODY_DOUBT_WEIGHT = 3.0
MIN_BODY_FACTOR = 0.5
MIN_VOUCHED_CONF = 0.3
"""A word read below this is not vouched for by the catalog: the reading itself is noise."""
_MIN_VOUCHED_LETTERS = 3
_STRAY_MARKS = (",", ";")
"""Marks after a word that show-through or a speck beside it may make."""
_QUOTES = frozenset("\"'‘’“”")
RANGE_MISREAD_CUE = 0.7
"""A scan's credits that may be a usual range read without its hyphen are doubted this much:
Oregon's ``1-5 Credits`` read ``15 Credits`` at 0.93 on a 150 dpi copy, auto-accepted."""
NEAR_MISS_CONF = 0.7
"""A near miss of a word the catalog reads surely elsewhere (``_near_miss``) is no surer than
this."""
_NEAR_MISS_LETTERS = 6
_CONFUSED_GROUPS = (("ri", "n"), ("n", "ri"), ("rn", "m"), ("m", "rn"), ("cl", "d"),
                    ("d", "cl"), ("li", "h"), ("h", "li"), ("vv", "w"), ("w", "vv"),
                    ("ii", "u"), ("u", "ii"))
"""Groups of letters that OCR reads one for the other."""
_REPEATED = 3
"""Times OCR must give one reading of a description word for the catalog to vouch for it."""
_MIN_REPEATED_LENGTH = 3
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LETTER_RUN = re.compile(r"[a-z]+")
_USUAL_CREDITS = 0.1
_NUMBER = re.compile(r"^(\d+)(.*)$")
_EDGE_PUNCTUATION = "()[]{}.,:;!?\"'‘’“”-–—"


def sure_words(pages: Sequence[PageText]) -> frozenset[str]:
    """Words (letters only, folded to lower case) read surely somewhere in the catalog."""
    return frozenset(
        key for page in pages for line in page.lines for w in line.words
        if w.conf >= SURE_WORD_CONF and (key := _key(w.text)) is not None)


def marked_pairs(entries: Sequence[ParsedEntry]) -> frozenset[tuple[str, str]]:
    """Heading words read unsurely with a mark after them, each with the word after it
    (``Honor,`` ``Scholar``): the pairs ``sure_pairs`` looks for."""
    return frozenset(pair for entry in entries
                     for a, b in itertools.pairwise(entry.heading_words())
                     if (pair := _marked_pair(a, b)) is not None)


def sure_pairs(pages: Sequence[PageText], *,
               among: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """The pairs of ``among`` (words as ``sure_words``) read surely one right after the other
    on a line, with no mark after the first: ``Honor Scholar``, printed so again and again.
    No page is read where ``among`` is empty (a text layer's words are all sure)."""
    if not among:
        return frozenset()
    return frozenset(
        pair for page in pages for line in page.lines
        for a, b in itertools.pairwise(line.words)
        if a.conf >= SURE_WORD_CONF and b.conf >= SURE_WORD_CONF and a.text[-1:].isalnum()
        and (pair := (_key(a.text), _key(b.text))) in among)


def _marked_pair(word: Word, following: Word) -> tuple[str, str] | None:
    """``word`` read unsurely with a mark after it (``Honor,``), and the word after it, as
    ``sure_words`` keys them."""
    if word.conf >= SURE_WORD_CONF or not word.text.endswith(_STRAY_MARKS):
        return None
    first, second = _key(word.text), _key(following.text)
    return (first, second) if first is not None and second is not None else None


def _printed_unmarked(word: Word, following: Sequence[Word],
                      pairs: frozenset[tuple[str, str]]) -> bool:
    """``word`` was read with a mark after it (``Honor,``) that the catalog, reading the two
    words surely elsewhere, prints without (``Honor Scholar``): show-through read as a comma."""
    return bool(following) and _marked_pair(word, following[0]) in pairs


def repeated_readings(pages: Sequence[PageText]) -> frozenset[str]:
    """Readings OCR gave letter for letter at least ``_REPEATED`` times across the catalog, none
    a letter off a reading it gave more often: the catalog prints them (``hours--Prereq.:``
    fifty times, each reading unsure), where a reading a letter off a more frequent one
    (``PreReg:``, ``PreRegq:`` beside ``PreReq:``) is a misread that repeats."""
    counts = Counter(w.text for page in pages for line in page.lines for w in line.words
                     if len(w.text) >= _MIN_REPEATED_LENGTH)
    likelier = likelier_readings(counts)
    return frozenset(text for text, n in counts.items()
                     if n >= _REPEATED and text not in likelier)


def codes_in_order(entries: Sequence[ParsedEntry]) -> set[int]:
    """Positions of entries whose code lies strictly between the codes of the entries before
    and after it: its number between theirs, all of one subject; or, where each code is a
    subject of its own (``JNT2``, ``JOT2``, ``JPT2``), its subject between theirs, all three
    opening with one letter and of one number."""
    ordered: set[int] = set()
    for i in range(1, len(entries) - 1):
        before, here, after = entries[i - 1].code, entries[i].code, entries[i + 1].code
        if before.subject == here.subject == after.subject:
            keys = [_number_key(c.number) for c in (before, here, after)]
            if None not in keys and keys[0] < keys[1] < keys[2]:  # type: ignore[operator]
                ordered.add(i)
        elif (before.number == here.number == after.number
              and before.subject[:1] == here.subject[:1] == after.subject[:1]
              and before.subject < here.subject < after.subject):
            ordered.add(i)
    return ordered


def usual_credits(entries: Sequence[ParsedEntry]) -> set[tuple[float | None, float | None]]:
    """Credit values printed by at least a tenth of the catalog's entries (``4``, ``1-4``)."""
    seen = Counter((e.credits.low, e.credits.high) for e in entries if e.credits is not None)
    return {value for value, n in seen.items() if n >= _USUAL_CREDITS * len(entries)}


def score(entry: ParsedEntry, *, vouched: frozenset[str] = frozenset(),
          code_in_order: bool = False,
          usual: set[tuple[float | None, float | None]] | None = None,
          repeated: frozenset[str] = frozenset(),
          pairs: frozenset[tuple[str, str]] = frozenset(),
          ) -> tuple[float, dict[str, float]]:
    """Confidence in [0, 1] for ``entry`` and the factors it is made of. ``vouched``: words
    the catalog reads surely elsewhere; ``code_in_order``: the code sits in its subject's
    order; ``usual``: credit values many of the catalog's entries print; ``repeated``:
    readings the catalog vouches for in a description (``repeated_readings``); ``pairs``:
    words it reads surely one after the other, no mark between them (``sure_pairs``)."""
    credits = entry.credits
    in_order = set(WORD_PARTS.findall(entry.code.raw)) if code_in_order else set()
    usual_value = (set(WORD_PARTS.findall(credits.text)) if credits is not None and usual
                   and (credits.low, credits.high) in usual and credits.clean else set())
    words = entry.heading_words()
    heading = [_vouched_for(w, vouched, sure=in_order | usual_value,
                            unmarked=_printed_unmarked(w, words[k + 1:k + 2], pairs))
               for k, w in enumerate(words)]
    body = [replace(w, conf=max(w.conf, DOUBTFUL_WORD_CONF)) if w.text in repeated else w
            for w in entry.body_words()]
    ocr = _ocr_factor(heading, body)
    factors = {"ocr": round(ocr, 4)}
    value = ocr
    cues = dict(entry.cues)
    if not entry.heading[0].line.words[0].font and _range_misread(credits, usual or set()):
        cues["credits_range_misread"] = RANGE_MISREAD_CUE
    for name, cue in sorted(cues.items()):
        if cue < 1.0:
            factors[name] = round(cue, 4)
            value *= cue
    return round(max(0.0, min(1.0, value)), 4), factors


def _range_misread(credits: Credits | None,
                   usual: set[tuple[float | None, float | None]]) -> bool:
    """A single value whose figures, a hyphen put between them, are a range the catalog
    prints often (``15`` for ``1-5``): OCR dropped the hyphen of a scan's range."""
    if credits is None or credits.low is None or credits.low != credits.high:
        return False
    figures = f"{credits.low:g}"
    return figures.isdigit() and any(
        float(figures[:i]) < float(figures[i:]) and (float(figures[:i]), float(figures[i:])) in usual
        for i in range(1, len(figures)))


def _ocr_factor(heading: list[Word], body: list[Word]) -> float:
    """The heading (code, title, credits) is driven by its weakest word: one misread word there
    makes a wrong field, whatever the mean. The description, many words long, by its share of
    doubtful words: a speck read as a word, or one unsure word among a hundred, does not make
    the record's fields wrong.
    """
    heading_confs = [w.conf for w in heading if _is_word(w)] or [w.conf for w in heading]
    if not heading_confs:
        return 0.0
    weakest = min(heading_confs)
    factor = min(1.0, weakest / SURE_WORD_CONF) ** 2
    body_confs = [w.conf for w in body if _is_word(w)]
    if body_confs:
        doubtful = sum(c < DOUBTFUL_WORD_CONF for c in body_confs) / len(body_confs)
        factor *= max(MIN_BODY_FACTOR,
                      1.0 - BODY_DOUBT_WEIGHT * max(0.0, doubtful - BODY_DOUBT_FREE))
    if min(heading_confs + body_confs) < 1.0:  # read by a machine: never certain
        factor = min(factor, MAX_OCR_FACTOR)
    return factor


def _vouched_for(word: Word, vouched: frozenset[str], *, sure: set[str],
                 unmarked: bool = False) -> Word:
    """``word``, counted as read surely if the catalog vouches for it (its parts are ``sure``:
    a code in order, credits of a usual value; or read surely elsewhere, unless the catalog
    prints it ``unmarked`` before the next word where OCR read a mark between them, or OCR read
    a quote mark at one end of it only: ``_lone_quote``), and as
    doubtful if OCR was not quite sure of it and it is a near miss of a word the catalog reads
    surely elsewhere (``Adyanced`` at 0.90: a misread ``Advanced``; ``_near_miss``)."""
    if word.conf < SURE_WORD_CONF and any(
        len(part) >= _NEAR_MISS_LETTERS and part not in vouched
        and _near_miss(part, vouched)
        for part in _LETTER_RUN.findall(word.text.lower())
    ):
        return replace(word, conf=min(word.conf, NEAR_MISS_CONF))
    if word.conf >= SURE_WORD_CONF:
        return word
    parts = WORD_PARTS.findall(word.text)  # "153—Firefighting": the code's number, then a word
    if word.conf != UNREAD_BESIDE and parts and all(part in sure for part in parts):
        return replace(word, conf=SURE_WORD_CONF)  # however unsure the reading: "390(3)"
    if (word.conf >= MIN_VOUCHED_CONF and parts and not unmarked and not _lone_quote(word.text)
            and all(part in sure or (len(part) >= _MIN_VOUCHED_LETTERS and part.isalpha()
                                     and part.lower() in vouched) for part in parts)):
        return replace(word, conf=SURE_WORD_CONF)
    return word


def _lone_quote(text: str) -> bool:
    """A quote mark at one end of ``text`` and none at the other (``Politics’`` ending a
    title): the catalog vouches for the letters, not for the mark, which a speck may make."""
    return (text[:1] in _QUOTES) != (text[-1:] in _QUOTES) and len(text) > 1


def _near_miss(key: str, vouched: frozenset[str]) -> bool:
    """``key`` is one letter off a vouched word, or one group of letters OCR reads for another
    (``Emotiorial``, ``ri`` for the ``n`` of ``Emotional``)."""
    return any(f"{key[:i]}{c}{key[i + 1:]}" in vouched
               for i in range(len(key)) for c in _LETTERS if c != key[i]) or any(
        f"{key[:i]}{other}{key[i + len(group):]}" in vouched
        for group, other in _CONFUSED_GROUPS for i in range(len(key)) if key.startswith(group, i))


def _key(text: str) -> str | None:
    core = text.strip(_EDGE_PUNCTUATION)
    return core.lower() if len(core) >= _MIN_VOUCHED_LETTERS and core.isalpha() else None


def _number_key(number: str) -> tuple[int, str] | None:
    m = _NUMBER.match(number)
    return (int(m.group(1)), m.group(2)) if m else None


def _is_word(word: Word) -> bool:
    """A token with letters or digits (punctuation and specks carry no field)."""
    return any(c.isalnum() for c in word.text)
