"""Record confidence: how sure we are that every field of a record is right.

Two kinds of evidence, multiplied:
- ``ocr``: recognition confidence of the words the fields come from. One doubtful word in the
  heading makes a wrong field likely, so the weakest word drives it.
- the parser's cues (``ParsedEntry.cues``): each says how an entry deviates from its catalog's
  own template: a separator or bullet the other headings do not print, credits missing where
  the template has them or printed in another place or form, a title that begins with a code or
  ends on a connector, a label the catalog does not use elsewhere, a code-led line nothing
  explains. A clean entry in a consistent catalog keeps 1.0 for all of them.

``benchmarks/corpus.py`` prints, per real catalog, the share of wrong records among the
auto-accepted; ``DEFAULT_THRESHOLD`` is chosen from that table and ``benchmarks/accuracy.py``.
"""

from __future__ import annotations

from ocr_pipeline.catalog.models import Word
from ocr_pipeline.catalog.parse import ParsedEntry

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


def score(entry: ParsedEntry) -> tuple[float, dict[str, float]]:
    """Confidence in [0, 1] for ``entry`` and the factors it is made of."""
    ocr = _ocr_factor(entry.heading_words(), entry.body_words())
    factors = {"ocr": round(ocr, 4)}
    value = ocr
    for name, cue in sorted(entry.cues.items()):
        if cue < 1.0:
            factors[name] = round(cue, 4)
            value *= cue
    return round(max(0.0, min(1.0, value)), 4), factors


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


def _is_word(word: Word) -> bool:
    """A token with letters or digits (punctuation and specks carry no field)."""
    return any(c.isalnum() for c in word.text)
