"""Line-end hyphens before a lowercase letter, settled by the catalog's own words.

Such a hyphen is either a word broken across the lines (``Sci-`` / ``ences``, ``communi-`` /
``cation``) or a compound that happened to end the line (``cross-`` / ``cultural``,
``instruction-`` / ``set``). The catalog's words (``catalog_words``) decide:
- the word whole (``sciences``) printed elsewhere in the catalog: the hyphen goes;
- the compound (``cross-cultural``) printed elsewhere, the first half a compound already
  (``ready-to-`` / ``wear``) or one the catalog begins several compounds with (``self-`` /
  ``regulation`` where it prints ``self-awareness`` and ``self-management``): it stays;
- else it stays when both halves are words the catalog prints (``instruction`` and ``set``),
  and goes otherwise (``communi`` is no word).
With no words known, it goes (but after a compound's own hyphen): most line-end hyphens break
a word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

_MIN_HALF = 3
"""Letters each half needs to count as a word of its own: ``in-`` / ``formation`` is one
word, though ``in`` is printed everywhere."""
_COMPOUNDS = 2
"""Compounds a word must begin to count as one that begins them (``German-American`` alone
does not make ``German-`` / ``ness`` a compound)."""
_EDGES = "\"'‘’“”()[]{}<>,.;:!?*"


def catalog_words(lines: Iterable[str]) -> frozenset[str]:
    """The words ``lines`` print, lowercase, edge punctuation stripped, and with the hyphen the
    words that begin several of their compounds (``self-`` of ``self-awareness`` and
    ``self-management``): no word broken at the end of a line (``Sci-``), nor the rest of it
    that opens the next (``ences``)."""
    words: set[str] = set()
    broken = False
    for line in lines:
        tokens = line.split()
        for n, token in enumerate(tokens):
            if n == 0 and broken or token.endswith("-"):
                continue
            word = token.strip(_EDGES).lower()
            if word:
                words.add(word)
        broken = bool(tokens) and tokens[-1].endswith("-")
    starts = Counter(first for word in words for first in word.split("-")[:-1] if first.isalpha())
    return frozenset(words | {f"{first}-" for first, n in starts.items() if n >= _COMPOUNDS})


def keeps_hyphen(before: str, after: str, words: frozenset[str]) -> bool:
    """Whether the hyphen ending ``before`` (a line's text) joins ``after`` (the next line's)
    as a compound rather than a word broken in two, as the catalog's ``words`` show."""
    head, tail = _halves(before, after, sign=1)
    if prints_whole(before, after, words, sign=1):
        return False
    compound = f"{head}-{tail}".lower()
    first, last = head.rpartition("-")[2].lower(), tail.partition("-")[0].lower()
    return compound in words or "-" in head or f"{first}-" in words or all(
        len(half) >= _MIN_HALF and half.isalpha() and half in words for half in (first, last))


def prints_whole(before: str, after: str, words: frozenset[str], *, sign: int) -> bool:
    """Whether the catalog's ``words`` hold the word that ``before`` (a line's text, its last
    ``sign`` characters a hyphen or a dash) and ``after`` (the next line's) make, the sign
    left out (``Sci-`` / ``ences``, a scan's ``unders-—`` / ``tanding``)."""
    head, tail = _halves(before, after, sign=sign)
    return f"{head}{tail}".lower() in words


def _halves(before: str, after: str, *, sign: int) -> tuple[str, str]:
    """The word ``before`` ends with (its last ``sign`` characters left out) and the word
    ``after`` opens with, edge signs stripped."""
    rest = before[:-sign]
    head = rest.rsplit(None, 1)[-1].lstrip(_EDGES) if rest.strip() else ""
    tail = after.split(None, 1)[0].rstrip(_EDGES) if after.strip() else ""
    return head, tail
