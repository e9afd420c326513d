"""Bold in a scan, decided line by line from each word's measured weight.

OCR reads letters, not type. ``ocr.ink`` measures each word's strokes against the page's usual
stroke (``Word.weight``: about 1.0 for body text, 1.35 and more for bold) and keeps that
number with the word, in the page cache; which words are bold is decided here, after the
cache, on the printed lines ``catalog.assemble`` rebuilt, so a better decision reaches pages
read before it.

One word's measure is noisy (a few strokes, a speck, show-through), a line's is not: a heading
that runs on into its description steps down once, from heavy to body weight. Where a line
opens heavy and such one step explains its weights, the words before the step are bold and
the words after it are not, whatever each measured alone (``Numbers, Identity, and Modernity``
at 1.28-1.43 before body text at 0.92; ``Democracies The`` with ``The`` at 1.03). A line that
opens heavy and never comes down, clearly or to body weight, is all heading. Elsewhere a word is bold when
it measures heavy, and short words between bold ones are bridged.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

from ocr_pipeline.catalog.models import Word

HEAVY = 1.35
"""A word whose strokes are this much wider than the page's usual stroke is bold."""
PLAIN = 1.15
"""After a line's step down, the rest of the line measures at most this, on average."""
WHOLE_HEAVY = 1.2
WHOLE_SPREAD = 0.25
"""A line that opens heavy, has no word under ``WHOLE_HEAVY`` and no step down of more than
``WHOLE_SPREAD`` is all heading: bold type measured lighter than ``HEAVY`` (titles at
1.23-1.35 after a code at 1.39), with no body text to step down to. A title at 1.7 before text
at 1.3 steps down clearly: that text is run in, though heavy for body text."""
_SHORT = 3
_TALL, _X_HEIGHT, _DESCENDER = 0.765, 0.585, 0.18
_ASCENDING = frozenset("bdfhiklt")
_DESCENDING = frozenset("gjpqy")
_MIN_LETTERS = 2
"""Words with fewer letters or figures than this measure too few strokes to count in a step."""


def bold_flags(words: Sequence[Word]) -> list[bool]:
    """Which of a scanned line's ``words`` are bold, from their measured weights."""
    measured = [w.weight for w in words if w.weight and _letters(w) >= _MIN_LETTERS]
    if (len(measured) >= 2 and measured[0] >= HEAVY and min(measured) >= WHOLE_HEAVY
            and max(measured) - min(measured) <= WHOLE_SPREAD):
        # a heading line with no body text on it, its words between bold and body weight:
        # bold from its code to the end of its words (figures alone, credits, only if heavy)
        return _bridged([w.weight >= (WHOLE_HEAVY if any(c.isalpha() for c in w.text)
                                      else HEAVY) for w in words], words)
    return _stepped(words) or _bridged([w.weight >= HEAVY for w in words], words)


def with_bold(words: Sequence[Word]) -> tuple[Word, ...]:
    """``words`` (a scanned line's) with ``bold`` set by ``bold_flags``."""
    return tuple(replace(w, bold=flag) for w, flag in zip(words, bold_flags(words), strict=True))


def wraps_heading(words: Sequence[Word], heading: Sequence[Word], *,
                  size_tolerance: float) -> bool:
    """Whether the line of ``words``, onto which the typesetter wrapped a heading (``heading``:
    the line before), is all the heading's: every word that measures (two letters or more) is
    at least halfway between the heading's bold words and body weight, and of their size
    (within ``size_tolerance``). Both are taken word by word from what its letters reach: OCR
    sizes a line by its words' median ink height, and a line of one word with a descender
    (``Therapists`` under ``Medical Screening and Nutrition for Physical``) measured a quarter
    larger, so its strokes, over that size, a quarter lighter (1.28 against 1.56). A line that
    steps down to body text inside is left to ``bold_flags``."""
    bold = [w for w in heading if w.bold and w.weight and _letters(w) >= _MIN_LETTERS]
    measured = [w for w in words if w.weight and _letters(w) >= _MIN_LETTERS]
    if not bold or not measured:
        return False
    halfway = max(PLAIN, (statistics.mean(_own_weight(w) for w in bold) + 1.0) / 2)
    size = statistics.median(type_size(w) for w in bold)
    return (min(_own_weight(w) for w in measured) >= halfway
            and abs(statistics.median(type_size(w) for w in measured) - size)
            <= size_tolerance * size)


def _own_weight(word: Word) -> float:
    """``word``'s measured weight (its strokes over its line's size) over its own size."""
    own = type_size(word)
    return word.weight * word.size / own if own and word.size else word.weight


def type_size(word: Word) -> float:
    """The type size ``word``'s ink height shows, counting what its letters reach: capitals,
    figures and ascenders 0.765 of the size, x-height letters alone 0.585, a descender 0.18
    more (measured on the text layers of five dev catalogs, 17,000 words)."""
    chars = [c for c in word.text if c.isalnum()]
    tall = any(c.isupper() or c.isdigit() or c in _ASCENDING for c in chars)
    reach = (_TALL if tall else _X_HEIGHT) + (_DESCENDER if any(c in _DESCENDING for c in chars)
                                              else 0.0)
    return (word.bbox[3] - word.bbox[1]) / reach


def _stepped(words: Sequence[Word]) -> list[bool] | None:
    """Bold flags for a line that opens heavy and steps down once to body weight, when one
    step fits the measured weights best and clearly (heavy before it, body weight after it on
    average); else None. Words too short to count between the last heavy and the first light
    word go with the heavy ones unless they measure body weight or open a sentence
    (``Literature I. An`` with ``I.`` at 1.45 is the title's; ``Workshop A workshop in`` with
    ``A`` at 1.02 or 1.23 is not): a one-stroke letter measures thinner than a bold word's
    strokes, so halfway between them is too far."""
    measured = [(k, w.weight, _letters(w)) for k, w in enumerate(words)
                if w.weight and _letters(w) >= _MIN_LETTERS]
    if len(measured) < 2 or measured[0][1] <= PLAIN:
        return None
    best: tuple[float, int] | None = None
    for cut in range(1, len(measured)):
        before, after = measured[:cut], measured[cut:]
        heavy, light = _mean(before), _mean(after)
        if heavy < HEAVY or light > PLAIN:
            continue
        error = _spread(before, heavy) + _spread(after, light)
        if best is None or error < best[0]:
            best = (error, cut)
    if best is None:
        return None
    last_heavy, first_light = measured[best[1] - 1][0], measured[best[1]][0]
    return [k <= last_heavy or (k < first_light and (not w.weight or w.weight > PLAIN)
                                and not _opens_sentence(words, k))
            for k, w in enumerate(words)]


def _opens_sentence(words: Sequence[Word], k: int) -> bool:
    """``words[k]`` is a capital letter or word that a lowercase word follows (``A workshop``)."""
    return (words[k].text[:1].isupper() and k + 1 < len(words)
            and words[k + 1].text[:1].islower())


def _letters(word: Word) -> int:
    return sum(c.isalnum() for c in word.text)


def _mean(measured: Sequence[tuple[int, float, int]]) -> float:
    total = sum(n for _, _, n in measured)
    return sum(v * n for _, v, n in measured) / total


def _spread(measured: Sequence[tuple[int, float, int]], mean: float) -> float:
    return sum(n * (v - mean) ** 2 for _, v, n in measured)


def _bridged(flags: list[bool], words: Sequence[Word]) -> list[bool]:
    """A short word, or one word, between bold words is bold too, and so is a first word before
    two bold ones: a measure of a few strokes (``in``, ``of``, ``I``, capitals) is noisy, and
    type changes at phrase ends, not inside them."""
    out = list(flags)
    if len(flags) >= 3 and not flags[0] and flags[1] and flags[2]:
        out[0] = True  # a line's first word (a code's capitals) measures thinner than it is
    for k in range(1, len(flags)):
        if flags[k] or not flags[k - 1]:
            continue
        last = k == len(flags) - 1
        if (last and len(words[k].text) <= _SHORT) or (not last and any(flags[k + 1:k + 3]) and (
            len(words[k].text) <= _SHORT or flags[k + 1]
        )):
            out[k] = True  # "Game Design I": a one-stroke numeral ends the bold title
    return out
