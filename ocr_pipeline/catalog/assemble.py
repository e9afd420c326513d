"""Lines of a scanned page rebuilt from its OCR words, after the page cache.

An OCR engine's grouping of words into lines and blocks follows its own layout analysis: a
heading's right-aligned credits often land in a block of their own, an outdented code in a
column of its own, and two columns' lines that share a baseline can come out as one line. Here
the words the engine found are grouped again from their geometry alone:

- a line is cut where its words stand further apart than a column gutter could be narrow;
- specks are dropped: boxes smaller than a full stop, punctuation alone at a line's end,
  faint ink read unsurely as a sign or a letter or two (show-through), and so are pictures
  read unsurely as letters; solid ink read as a sign is the mark ``■``; stops, colons and
  accents that the catalog's own words show to be specks (``catalog.specks``);
- what OCR commonly misreads is read again: a code at a line's start with a figure for a
  letter or a speck inside (``1ZT2``, ``CUA‘``, ``MWIM i55``; doubted) or its space lost
  (``Nurs254``), a roman numeral read as ``Il`` or ``|`` or glued to a line's last word as
  ``!`` (``Design!``; one read with an H is doubted), a label read with a 1 for an I
  (``1D:``), a speck glued to a word, a compound cut at its hyphen (``Latin-`` ``American``);
- the page's gutters are found in the geometry of those pieces (or, where a chart hides
  them, the catalog's other scanned pages lend theirs);
- pieces on one baseline that no gutter separates are one printed line again (a heading and
  its credits set flush right, a code set in the margin, a table row's tab stops);
- which words are bold is decided on the whole printed line, from the weights the engine
  measured (``catalog.weight``);
- the lines are put in reading order (``layout.order_lines``).

It runs on what the page cache holds, so a better assembly reaches pages read before it.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ocr_pipeline.catalog import specks
from ocr_pipeline.catalog.codes import match_code
from ocr_pipeline.catalog.layout import body_gutters, order_lines
from ocr_pipeline.catalog.models import (
    TEXT_LAYER,
    UNREAD_BESIDE,
    Line,
    PageText,
    Word,
    union_bbox,
)
from ocr_pipeline.catalog.weight import with_bold

_GUTTER_GAP = 2.0
"""Words further apart than this many line heights belong to different pieces of a line."""
_SAME_ROW = 0.6
"""Two pieces are on one baseline when their boxes overlap by this share of the smaller."""
_MAX_CROSSING = 0.15
"""Share of a page's letters that may bridge the catalog's gutters (a chart's labels)."""
_OVERLAP_SLACK = 1.0
"""Points two neighbouring words' boxes may overlap and still be side by side."""
_SPECK_SIZE = 1.5
"""Points: a word whose box is smaller both ways is a speck (a full stop is about 1.5 pt)."""
_SPECK = frozenset("-–—|'‘’\".,_~:;`*")
_BLOB_WEIGHT = 3.0
"""A word whose strokes measure this many times the page's usual stroke is solid ink."""
_BLOB_CONF = 0.5
"""Solid ink read this unsurely is a picture (an icon beside a heading), not letters."""
_FAINT_WEIGHT = 0.75
_FAINT_CONF = 0.3
_FAINT_SIGN_CONF = 0.5
_FAINT_LETTERS = 2
"""A word of this many letters or fewer, its strokes lighter than ``_FAINT_WEIGHT`` of the
page's usual stroke and read less surely than ``_FAINT_CONF`` (a sign without letters:
``_FAINT_SIGN_CONF``), is show-through or a speck, not print: Loyola's scan read ``Ne`` (0.17,
0.64 of the usual stroke) between a code and its ``Course ID:``, where the title was taken
from, Alma's ``©`` (0.34, 0.42) before a title. A longer word so read is kept: a grey word of
the page (``requirement.``, 0.12 sure, 0.6 of the stroke) is print."""
_LONG_STROKES = frozenset("-–—_=~*")
"""Signs whose one long stroke measures heavy without being solid ink: a dash is a dash. Any
other sign read from solid ink is a printed mark, however it was read (East Central's
liberal-arts square after a title, read ``&`` at 0.75 or ``@`` at 0.3)."""
_SOLID_MARK = "■"
_CODE_SPECK = re.compile(r"(?<=[A-Za-z])[‘’'`,.~](?=[-–]?\d)")
_LEADING_SPECK = re.compile(r"^[.,'\"“”‘’`_~*]+(?=[A-Z]{2,}(?:/[A-Z]{2,})?\d*[A-Z]?$)")
"""``.GSHU``, ``"GOV``, ``_ENGL``: a speck glued before a line's first word, a subject's
capitals."""
_SPECK_WORD = re.compile(r"^[.,:;'\"“”‘’`_~]+$")
"""``: SPAN 473.``: a speck read as a word of its own before a line's code."""
_CODE_FIGURE = re.compile(r"^[1058l](?=[A-Z]{1,4}\d{1,4}[A-Z]?$)")
_JOINED_CODE = re.compile(r"^(?=[A-Z]+[a-z])[A-Z][A-Za-z]{1,4}(?=\d{2,4}[A-Z]?[—–-])")
"""``Nurs254—``, ``HSer131—``: a mixed-case subject whose space before the number was lost."""
_NUMBER_FIGURE = re.compile(r"^[ilI|](?=\d{1,3}[A-Z]?(?:\W|$))")
_LABEL_FIGURE = re.compile(r"^[A-Z]*1[A-Z]+(?=:)")
"""``1D:013557``: a capitals label with a 1 OCR read for an I."""
_LETTER_FOR = {"1": "I", "0": "O", "5": "S", "8": "B", "l": "I"}
_HALF_READ = re.compile(r"^%(?=[-–]\d)")
"""``%-6 credits``: a ½ opening a range, read as a per cent sign."""
_CODE_THIN_ONE = re.compile(r"^(?P<subject>[A-Z]{2,4})[‘’'`|]$")
"""``CUA‘``: a code whose closing 1, one thin stroke, OCR read as a quote or a bar."""
_DOLLAR_CODE = re.compile(r"^(?P<letters>\$[A-Z0]*[A-Z][A-Z0]*)(?=\d{2,4}[A-Z]?$|$)")
_TRAILING_SPECK = re.compile(r"^(?P<word>[^\W_]+)_+$")
REPAIRED_CONF = 0.8
"""A word set right here is no surer than this: a person should see it."""
_SPLIT_GAP = 1.0
"""Share of their size two words of a line stand apart by, over twice a word space, where a
word's middle read on another line may have been (``Ex,`` ... ``ded``: 2.1)."""
_TOUCH = 0.2
"""Share of its size a word's middle may stand off the halves it fills the gap of."""
_HYPHEN_TOUCHING = 0.12
"""Words further apart than this share of their size are two words; a compound's two halves
that OCR cut at its hyphen touch (``Latin-`` ``American``, 0.0; ``madel-view-`` ``controller``,
0.04), a word and the next after a spaced hyphen stand apart (``C-`` ``or``, 0.22 and more)."""
_GLUED_NUMERAL = re.compile(r"^(?P<word>[A-Z][a-z]+)!$")
"""``Design!`` ending a line: a title's closing I, its space lost, read as an exclamation
mark (``Game Design I``)."""
_MISREAD_NUMERAL = re.compile(r"^(?=[Il|]*[l|])([Il|]{1,3})([:;,.)]?)$")
_NUMERAL_AS_H = re.compile(r"^(?:H|HI|IH)[:;,)]?$")
"""``Japanese HI``, ``Europe IH:``, ``Part H``: a roman numeral whose two strokes OCR read as an
H; which numeral is not known (``HI`` was III, ``IH`` was II), so the word is doubted."""
"""``Il``, ``Ill``, ``|``: an I, II or III whose strokes OCR took for an l or a bar."""


def assemble_pages(pages: Sequence[PageText]) -> list[PageText]:
    """``pages`` with each scanned page's lines rebuilt from its words and put in reading
    order (a page read from a text layer stays as it is). A page that shows fewer gutters than
    many of the other scanned pages (a chart bridges them; a low-resolution copy's ragged line
    ends narrow one) is read in theirs, if its words keep clear of them."""
    pieces = {i: _pieces(page) for i, page in enumerate(pages)
              if not page.method.startswith(TEXT_LAYER)}
    pieces = dict(zip(pieces, specks.cleared(list(pieces.values())), strict=True))
    own = {i: body_gutters(found, width=pages[i].width, height=pages[i].height)
           for i, found in pieces.items()}
    columns = _common_gutters(list(own.values()))
    return [_assembled(page, pieces[i], own[i], columns) if i in pieces else page
            for i, page in enumerate(pages)]


def assemble(page: PageText) -> PageText:
    """One page assembled on its own (``assemble_pages``)."""
    return assemble_pages([page])[0]


def _assembled(page: PageText, pieces: list[Line], gutters: list[tuple[float, float]],
               columns: list[tuple[float, float]]) -> PageText:
    if not pieces:
        return replace(page, blocks=())
    if _fewer_of(gutters, columns) and _clear_of(pieces, columns):
        gutters = columns
    lines = [_weighed(line) for line in _join_rows(pieces, gutters)]
    return replace(page, blocks=order_lines(lines, width=page.width, height=page.height,
                                            gutters=gutters))


def _weighed(line: Line) -> Line:
    """``line`` with its words' bold decided again from their measured weights, now that the
    printed line is whole (``catalog.weight``); a line never measured stays as read."""
    if not any(w.weight for w in line.words):
        return line
    return replace(line, words=with_bold(line.words))


def _common_gutters(found: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """The most gutters that many of the scanned pages show (each the median of theirs), or
    none: a quarter of them, and two at least. A tight gutter is missed on some pages of a
    low-resolution copy; white is not found between columns that are not there."""
    counts = Counter(len(gutters) for gutters in found if gutters)
    shown = [n for n, seen in counts.items() if seen >= max(2, len(found) // 4)]
    if not shown:
        return []
    columns = max(shown)
    same = [gutters for gutters in found if len(gutters) == columns]
    return [(statistics.median(g[i][0] for g in same), statistics.median(g[i][1] for g in same))
            for i in range(columns)]


def _pieces(page: PageText) -> list[Line]:
    """The page's lines cut at wide gaps, misreads read again, specks dropped."""
    pieces = [piece for line in _rejoined(page.lines) for piece in _split_wide_gaps(line)]
    return [cleaned for piece in pieces if (cleaned := _without_specks(_misreads(piece)))]


def _rejoined(lines: Sequence[Line]) -> list[Line]:
    """``lines`` with each word's middle that OCR set on another line put back: a word of
    another line filling a gap between two words of a line, touching both, and on its row
    (``Ex,`` and ``ded`` with ``pan`` read below them, the ``p``'s descender taking it down)
    makes one word with them again, doubted (``REPAIRED_CONF``): the reading is broken there."""
    rows = [list(ln.words) for ln in lines]
    for r, words in enumerate(rows):
        words.sort(key=lambda w: w.bbox[0])
        k = 0
        while k + 1 < len(words):
            a, b = words[k], words[k + 1]
            middle = None
            if b.bbox[0] - a.bbox[2] >= _SPLIT_GAP * a.size:
                middle = next(((o, w) for o, other in enumerate(rows) if o != r
                               for w in other if _fills(w, a, b)), None)
            if middle is None:
                k += 1
                continue
            o, w = middle
            rows[o].remove(w)
            words[k:k + 2] = [replace(a, text=a.text + w.text + b.text,
                                      bbox=union_bbox([a.bbox, w.bbox, b.bbox]),
                                      conf=min(a.conf, w.conf, b.conf, REPAIRED_CONF))]
    return [_line(words) for words in rows if words]


def _fills(word: Word, a: Word, b: Word) -> bool:
    """``word`` fills the gap between ``a`` and ``b`` of one row, touching both."""
    touch = _TOUCH * a.size
    middle = (word.bbox[1] + word.bbox[3]) / 2
    return (abs(word.bbox[0] - a.bbox[2]) <= touch and abs(b.bbox[0] - word.bbox[2]) <= touch
            and min(a.bbox[1], b.bbox[1]) <= middle <= max(a.bbox[3], b.bbox[3]))


def _fewer_of(own: Sequence[tuple[float, float]],
              columns: Sequence[tuple[float, float]]) -> bool:
    """A page's ``own`` gutters are fewer than the catalog's ``columns`` and each is one of
    them."""
    return len(own) < len(columns) and all(
        any(g0 < c1 and c0 < g1 for c0, c1 in columns) for g0, g1 in own)


def _clear_of(pieces: Sequence[Line], gutters: Sequence[tuple[float, float]]) -> bool:
    """Few of the page's letters lie in pieces that bridge ``gutters``."""
    crossing = sum(len(ln.text) for ln in pieces
                   if any(ln.bbox[0] < g0 and ln.bbox[2] > g1 for g0, g1 in gutters))
    return crossing <= _MAX_CROSSING * sum(len(ln.text) for ln in pieces)


def _line(words: Sequence[Word]) -> Line:
    ordered = tuple(sorted(words, key=lambda w: w.bbox[0]))
    return Line(words=ordered, bbox=union_bbox([w.bbox for w in ordered]))


def _height(line: Line) -> float:
    return statistics.median(w.bbox[3] - w.bbox[1] for w in line.words)


def _split_wide_gaps(line: Line) -> list[Line]:
    """Cut a line where its words stand further apart than a gutter (2x the line height)."""
    words = sorted(line.words, key=lambda w: w.bbox[0])
    limit = _GUTTER_GAP * _height(line)
    pieces: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.bbox[0] - pieces[-1][-1].bbox[2] > limit:
            pieces.append([])
        pieces[-1].append(word)
    return [_line(piece) for piece in pieces]


def _unless_picture(word: Word) -> Word | None:
    """``word`` as read, unless it is solid ink: read as a sign, the mark ``■``; read unsurely
    as letters, a picture (None); or faint and short (``_FAINT_WEIGHT``): None."""
    letters = sum(c.isalnum() for c in word.text)
    if 0 < word.weight < _FAINT_WEIGHT and letters <= _FAINT_LETTERS and word.conf < (
            _FAINT_CONF if letters else _FAINT_SIGN_CONF):
        return None
    if word.weight < _BLOB_WEIGHT:
        return word
    if not any(c.isalnum() or c in _LONG_STROKES for c in word.text):
        return replace(word, text=_SOLID_MARK)
    return None if word.conf < _BLOB_CONF else word


def _without_specks(line: Line) -> Line | None:
    """The line without specks of dust or show-through (dots OCR read as a letter), pictures
    OCR read as letters (solid ink, read unsurely: ``<_<``, ``-#@®`` for an icon), and
    punctuation-only words standing alone at its end (``-``, ``'``); None if nothing is left.
    Solid ink read as a sign (``&``, ``@`` for a catalog's icon) is kept as the mark it is:
    ``■``, a designator after a title. A word before solid ink dropped though read as letters
    is doubted (``UNREAD_BESIDE``)."""
    words: list[Word] = []
    for w in line.words:
        if w.bbox[2] - w.bbox[0] < _SPECK_SIZE and w.bbox[3] - w.bbox[1] < _SPECK_SIZE:
            continue
        if (kept := _unless_picture(w)) is not None:
            words.append(kept)
        elif words and w.weight >= _BLOB_WEIGHT and any(c.isalnum() for c in w.text):
            # solid ink read as letters may be letters run into a blot (a title's closing
            # ``I`` read ``1`` at 0.39 under show-through): the word before it is in doubt
            words[-1] = replace(words[-1], conf=min(words[-1].conf, UNREAD_BESIDE))
    while words and all(c in _SPECK for c in words[-1].text):
        words.pop()
    return _line(words) if words else None


def _misreads(line: Line) -> Line:
    """The line with what OCR commonly misreads read again: a code at its start (its word
    doubted, and a speck glued before it, or read as a word before it, dropped), a ½ opening a
    range (doubted), roman numerals (one glued to the line's last word as ``!``, or read with an
    H: doubted), labels, specks glued to words and compounds cut at their hyphen."""
    words = list(line.words)
    if len(words) > 2 and _SPECK_WORD.match(words[0].text) and match_code(
            " ".join(w.text for w in words[1:3])) is not None:
        words = [replace(words[1], conf=min(words[1].conf, REPAIRED_CONF)), *words[2:]]
    if (speck := _LEADING_SPECK.match(words[0].text)) is not None and (
        words[0].text[-1].isdigit() or len(words) > 1 and words[1].text[:1].isdigit()
    ):  # a code's subject and number (``.NET programming`` is no code); its box kept: a
        # speck's share of the word's characters is more than its share of the ink
        words[0] = replace(words[0], text=words[0].text[speck.end():],
                           conf=min(words[0].conf, REPAIRED_CONF))
    code = _as_code(words[0].text)
    if code != words[0].text:
        words[0] = replace(words[0], text=code, conf=min(words[0].conf, REPAIRED_CONF))
    if (joined := _JOINED_CODE.match(words[0].text)) is not None:
        words[:1] = _split_word(words[0], at=joined.end())  # "Nurs254—": the space lost
    if len(words) > 1 and words[0].text.isupper() and _NUMBER_FIGURE.match(words[1].text):
        # "MWIM i55", "GSHU I11": a 1 read as i, l or I
        number = _NUMBER_FIGURE.sub("1", words[1].text)
        words[1] = replace(words[1], text=number, conf=min(words[1].conf, REPAIRED_CONF))
    for i, word in enumerate(words):
        if _HALF_READ.match(word.text):
            words[i] = replace(word, text=_HALF_READ.sub("½", word.text),
                               conf=min(word.conf, REPAIRED_CONF))
    closes = any(c in w.text for w in words for c in "’'")
    for i, word in enumerate(words):
        before = words[i - 1].text if i else ""
        text = _as_word(word.text, before=before, quoted=closes)
        if text != word.text:
            words[i] = replace(word, text=text)
        elif _NUMERAL_AS_H.match(text) and before[:1].isupper() and before.isalpha():
            words[i] = replace(word, conf=min(word.conf, REPAIRED_CONF))
    words = _compounds(words)
    last = max((i for i, w in enumerate(words) if not all(c in _SPECK for c in w.text)),
               default=None)
    if last is not None and (glued := _GLUED_NUMERAL.match(words[last].text)) is not None:
        word, mark = _split_word(words[last], at=len(glued.group("word")))
        words[last:last + 1] = [word, replace(mark, text="I", conf=min(mark.conf, REPAIRED_CONF))]
    return line if words == list(line.words) else _line(words)


def _compounds(words: list[Word]) -> list[Word]:
    """``words`` with a compound OCR cut at its hyphen one word again: ``Latin-`` and
    ``American`` touching (``_HYPHEN_TOUCHING``) are ``Latin-American``."""
    out = words[:1]
    for word in words[1:]:
        last = out[-1]
        if (last.text[-2:-1].isalpha() and last.text.endswith("-") and word.text[:1].isalpha()
                and word.bbox[0] - last.bbox[2] <= _HYPHEN_TOUCHING * last.size):
            out[-1] = replace(last, text=last.text + word.text,
                              bbox=union_bbox([last.bbox, word.bbox]),
                              conf=min(last.conf, word.conf), bold=last.bold and word.bold,
                              weight=(last.weight + word.weight) / 2)
        else:
            out.append(word)
    return out


def _split_word(word: Word, *, at: int) -> list[Word]:
    """``word`` cut into two at character ``at``, its box shared by the characters' count."""
    x0, y0, x1, y1 = word.bbox
    cut = x0 + (x1 - x0) * at / len(word.text)
    return [replace(word, text=word.text[:at], bbox=(x0, y0, cut, y1)),
            replace(word, text=word.text[at:], bbox=(cut, y0, x1, y1))]


def _as_code(text: str) -> str:
    """``1ZT2``, ``lYT2`` -> ``IZT2``, ``IYT2``; ``CUA‘1``, ``CUA‘`` -> ``CUA1``; ``LG~-425`` ->
    ``LG-425``; ``$0C`` -> ``SOC``; any other word as it is."""
    text = _CODE_FIGURE.sub(lambda m: _LETTER_FOR[m.group(0)], _CODE_SPECK.sub("", text))
    text = _CODE_THIN_ONE.sub(r"\g<subject>1", text)
    if (dollar := _DOLLAR_CODE.match(text)) is not None:  # an S read as $, an O as 0
        letters = dollar.group("letters")
        text = "S" + letters[1:].replace("0", "O") + text[len(letters):]
    return text


def _as_word(text: str, *, before: str, quoted: bool) -> str:
    """A roman numeral after a capitalized word (``Methodology Il``), a capitals label with a
    1 for an I (``1D:013557``), a word with an underscore under it (``450_``) or an opening
    quote nothing on the line closes (``‘American``, when not ``quoted``) read again."""
    numeral = _MISREAD_NUMERAL.match(text)
    if numeral and before[:1].isupper() and before.isalpha():
        return "I" * len(numeral.group(1)) + numeral.group(2)
    text = _LABEL_FIGURE.sub(lambda m: m.group(0).replace("1", "I"), text)
    text = _TRAILING_SPECK.sub(r"\g<word>", text)
    if not quoted and text[:1] in "‘`" and text[1:2].isalpha():
        return text[1:]
    return text


def _join_rows(pieces: list[Line], gutters: list[tuple[float, float]]) -> list[Line]:
    """Join pieces on one baseline, left to right, that no gutter separates: a row inside one
    column is one printed line (tab stops, credits set flush right, a code in the margin)."""
    merged: list[Line] = []
    for piece in sorted(pieces, key=lambda ln: ln.bbox[0]):
        for i, target in enumerate(merged):
            if _continues(target, piece, gutters):
                merged[i] = _line(target.words + piece.words)
                break
        else:
            merged.append(piece)
    return merged


def _continues(left: Line, after: Line, gutters: list[tuple[float, float]]) -> bool:
    """``after`` is more of ``left``'s printed line: on its baseline, its words between or
    beside ``left``'s without overlapping them, and no gutter between them."""
    overlap = min(left.bbox[3], after.bbox[3]) - max(left.bbox[1], after.bbox[1])
    if overlap <= _SAME_ROW * min(left.bbox[3] - left.bbox[1], after.bbox[3] - after.bbox[1]):
        return False
    words = sorted(left.words + after.words, key=lambda w: w.bbox[0])
    for a, b in itertools.pairwise(words):
        if b.bbox[0] < a.bbox[2] - _OVERLAP_SLACK:
            return False  # one word over another: two lines, not one
        if any(a.bbox[2] <= (g0 + g1) / 2 <= b.bbox[0] for g0, g1 in gutters):
            return False
    return True
