"""Signs a scan's specks add to its words, taken out where the catalog's own words say so.

Noise on a scanned page is read as punctuation and accents the page does not print. In a
sentence, a stop is followed by a capital and a colon by what it introduces, so where the
catalog prints the word bare again and again, these are specks:
- a stop after a word, a lowercase word after it on the line (``students. to move``): an
  abbreviation's stop (``Prereq. or``) is printed after a word the catalog does not print bare,
  or before a lowercase word more than once;
- a stop, colon or semicolon glued between two such words (``culture.and``, ``to:use``);
- a colon after a word no clause ends on (``the: study``, ``will: encourage``);
- a hyphen after a comma (``patient,-health``), or opening a word inside a line (``taken
  -concurrently``); one between two words (``while-also``) may be a dash (``genres—the``) and
  stays; a stop glued before a dash ending a word (``Project.-``): the dash stands apart;
- an accent over a letter of a word the catalog prints without it, and with it nowhere else
  (``coursé``, ``thé``, ``asséssment``: noise over an English word; ``José`` is printed so).
A label the catalog repeats at its lines' start (``PreReq:``) read a letter off there
(``PreReg:``, ``PreRegq:``) is the label again where its own reading is much the rarer. A
label read unsurely there a letter off one every catalog means the same by (``CoReg:``, read
at 0.5 on each of a catalog's four corequisite lines) is that label. So is a subject before a
number there, read unsurely a letter off (one put for a look-alike) one read there far more
often (a worn copy's ``SOCIDL 276-0`` and ``SPAMISH`` among ``SOCIOL`` and ``SPANISH``);
subjects a letter longer or shorter, or another letter off, are often other subjects (``ENG``
and ``ENGR``, ``GEOL`` read at 0.0 among ``GEOG``) and stay.
Text layers print what they print; only OCR lines are read here.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ocr_pipeline.catalog.labels import known_field
from ocr_pipeline.catalog.models import Line, Word

_LABEL = re.compile(r"^[^\W\d_][\w.()/-]*:$")
_LABEL_MAJORITY = 2
"""Times more often a label must be read for a reading a letter off it to be a misread."""
_UNSURE_LABEL = 0.8
"""A label read less surely than this may be a misread of a known one, a subject one of the
catalog's."""
_SUBJECT = re.compile(r"^[A-Z]{2,8}$")
_LOOK_ALIKE = ("ODQCGB", "MNWH", "ILTJ", "SBG", "EFB", "UVY", "PRB", "AO")
"""Capitals a worn copy's ink makes alike to OCR, group by group."""
_SUBJECT_MAJORITY = 1.5
"""Times more often a subject must be read for a reading a letter off it to be a misread."""
_SURE_COUNT = 3
"""Times the catalog must print a word bare for a sign beside it to be a speck."""
_EDGES = "\"'‘’“”()[],;:!?"
_STOP = re.compile(r"^(?P<word>[^\W\d_]{2,})\.$")
_GLUED = re.compile(r"^(?P<first>[^\W\d_]+)[.:;](?P<second>[^\W\d_]+)(?P<end>[,.;:]?)$")
_HYPHENED = re.compile(r"^(?P<first>[^\W\d_]+),-(?P<second>[^\W\d_]+)(?P<end>[,.;:)]?)$")
_STOP_DASH = re.compile(r"^(?P<word>[^\W\d_]{2,})[.,](?P<dash>[-–—])$")
_OPENING_HYPHEN = re.compile(r"^-(?P<word>[^\W\d_]{2,}[,.;:)]?)$")
_NO_CLAUSE_ENDS = frozenset({"a", "an", "the", "to", "of", "and", "or", "in", "for", "with",
                             "will", "by", "from", "at", "on", "as", "is", "are", "be"})
"""Words no clause ends on: a colon after one is a speck (``through the: study``)."""


def cleared(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """The scanned ``pages`` (each its OCR lines) without the specks their words show."""
    lines = [line for page in pages for line in page]
    bare, stopped = _counts(lines)
    openings = Counter(ln.words[0].text for ln in lines if _LABEL.match(ln.words[0].text))
    labels = _misreadings(openings, majority=_LABEL_MAJORITY)
    openings = Counter(ln.words[0].text for ln in lines if _subject_opens(ln))
    subjects = _misreadings(openings, majority=_SUBJECT_MAJORITY, alike=True)
    return [[_relabelled(_cleared(line, page[n + 1] if n + 1 < len(page) else None, bare,
                                  stopped), labels, subjects)
             for n, line in enumerate(page)] for page in pages]


def _misreadings(counts: Counter[str], *, majority: float, alike: bool = False
                 ) -> dict[str, str]:
    """Each reading of ``counts`` (a label or a subject opening lines: a title's
    ``Literatures:`` inside a line is no label) and the reading it is a misread of, a letter off
    and read ``majority`` times as often there, ``_SURE_COUNT`` times at least; with ``alike``,
    one of as many letters, the letter that differs a look-alike (``_alike``)."""
    return {text: other for text, other in likelier_readings(counts).items()
            if counts[other] >= max(_SURE_COUNT, majority * counts[text])
            and not (alike and (len(other) != len(text) or not _alike(text, other)))}


def _alike(text: str, other: str) -> bool:
    """The letter that differs between two readings of one length is one OCR reads for the
    other (``D`` for ``O``; not ``L`` for ``G``: ``GEOL`` and ``GEOG`` are two subjects)."""
    return all(a == b or any(a in group and b in group for group in _LOOK_ALIKE)
               for a, b in zip(text, other, strict=True))


def _subject_opens(line: Line) -> bool:
    words = line.words
    return len(words) > 1 and bool(_SUBJECT.match(words[0].text)) and words[1].text[:1].isdigit()


def likelier_readings(counts: Counter[str]) -> dict[str, str]:
    """Each reading of ``counts`` and the reading a letter off it (one put for another, added
    or left out) that OCR gave most often, where that is more often than itself and than
    any other such reading."""
    near: dict[str, list[str]] = {}
    for text in counts:
        for key in _one_deleted(text):
            near.setdefault(key, []).append(text)
    found: dict[str, str] = {}
    for text, n in counts.items():
        near_by = Counter({other: counts[other] for key in _one_deleted(text)
                           for other in near[key]})
        (best, most), *rest = near_by.most_common(2)
        if most > n and not (rest and rest[0][1] == most):  # two as likely: neither
            found[text] = best
    return found


def _one_deleted(text: str) -> set[str]:
    """``text`` and ``text`` without each of its characters: two texts a letter apart share
    one of them."""
    return {text, *(text[:i] + text[i + 1:] for i in range(len(text)))}


def _relabelled(line: Line, labels: dict[str, str], subjects: dict[str, str]) -> Line:
    """``line`` with its opening label or (read unsurely) subject as the catalog reads it."""
    first = line.words[0]
    text = labels.get(first.text) or (
        subjects.get(first.text) if first.conf < _UNSURE_LABEL and _subject_opens(line) else None)
    word = replace(first, text=text) if text else first
    word = replace(word, text=_known_reading(word) or word.text)
    return line if word == first else replace(line, words=(word, *line.words[1:]))


def _known_reading(word: Word) -> str | None:
    """The known label (``labels.known_field``) an unsurely read label is a letter off (one
    put for another, added or left out), where all such labels mean one field."""
    if word.conf >= _UNSURE_LABEL or not _LABEL.match(word.text) or known_field(word.text):
        return None
    text = word.text[:-1]
    near = sorted({edit for edit in _one_letter_off(text) if known_field(edit)},
                  key=lambda edit: (edit[0].isupper() != text[0].isupper(),
                                    sum(c.isupper() for c in edit), edit))  # CoReq, not CoReQ
    if not near or len({known_field(edit) for edit in near}) > 1:
        return None
    return f"{near[0]}:"


def _one_letter_off(text: str) -> set[str]:
    cuts = [(text[:i], text[i:]) for i in range(len(text) + 1)]
    return ({a + b[1:] for a, b in cuts if b}
            | {a + c + b[1:] for a, b in cuts if b for c in string.ascii_letters}
            | {a + c + b for a, b in cuts for c in string.ascii_letters})


def _counts(lines: Iterable[Line]) -> tuple[Counter[str], Counter[str]]:
    """How often each word is printed bare (lowercase, edge signs but stops left out), and
    how often with a stop before a lowercase word."""
    bare: Counter[str] = Counter()
    stopped: Counter[str] = Counter()
    for line in lines:
        texts = [w.text for w in line.words]
        for n, text in enumerate(texts):
            core = text.strip(_EDGES)
            if core.isalpha():
                bare[core.lower()] += 1
            elif (m := _STOP.match(core)) and n + 1 < len(texts) and texts[n + 1][:1].islower():
                stopped[m.group("word").lower()] += 1
    return bare, stopped


def _cleared(line: Line, nxt: Line | None, bare: Counter[str], stopped: Counter[str]) -> Line:
    """``line`` without its specks; ``nxt``, the line OCR read after it, says what follows its
    last word (``Introduction to.`` / ``basic ideas``)."""
    words: list[Word] = []
    following = [*line.words[1:], *(nxt.words[:1] if nxt is not None else ())]
    for n, word in enumerate(line.words):
        after = following[n].text if n < len(following) else ""
        words.extend(_speckless(word, after=after, inside=n > 0, bare=bare, stopped=stopped))
    return line if words == list(line.words) else replace(line, words=tuple(words))


def _speckless(word: Word, *, after: str, inside: bool, bare: Counter[str],
               stopped: Counter[str]) -> list[Word]:
    """``word`` without a speck's sign (``after``: the next word's text; ``inside``: a word
    stands before it on the line), or cut in two where a speck glued two words."""
    text = word.text
    if after[:1].islower():
        stop = _STOP.match(text)
        if stop and _printed_bare(stop.group("word"), bare) and (
                stopped[stop.group("word").lower()] <= 1):
            return [replace(word, text=stop.group("word"))]
        if text.endswith(":") and text[:-1].lower() in _NO_CLAUSE_ENDS:
            return [replace(word, text=text[:-1])]
    if (glued := _GLUED.match(text)) and _both_printed(glued, bare):
        return _split(word, glued.group("first"), glued.group("second") + glued.group("end"))
    if (hyphened := _HYPHENED.match(text)) and _both_printed(hyphened, bare):
        return _split(word, hyphened.group("first") + ",",
                      hyphened.group("second") + hyphened.group("end"))
    if (dash := _STOP_DASH.match(text)) and after:
        return _split(word, dash.group("word"), dash.group("dash"))
    opening = _OPENING_HYPHEN.match(text)
    if inside and opening and _printed_bare(opening.group("word").rstrip(",.;:)"), bare):
        return [replace(word, text=opening.group("word"))]
    core = text.strip(_EDGES)
    if core.isalpha() and not core.isascii() and bare[_unaccented(core).lower()] and (
            bare[core.lower()] <= 1):
        return [replace(word, text=_unaccented(text))]
    return [word]


def _both_printed(m: re.Match[str], bare: Counter[str]) -> bool:
    return _printed_bare(m.group("first"), bare) and _printed_bare(m.group("second"), bare)


def _printed_bare(word: str, bare: Counter[str]) -> bool:
    return bare[word.lower()] >= _SURE_COUNT


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def _split(word: Word, first: str, second: str) -> list[Word]:
    """``word`` as two words, its box shared by their letters' count."""
    x0, y0, x1, y1 = word.bbox
    cut = x0 + (x1 - x0) * len(first) / (len(first) + 1 + len(second))
    return [replace(word, text=first, bbox=(x0, y0, cut, y1)),
            replace(word, text=second, bbox=(cut, y0, x1, y1))]
