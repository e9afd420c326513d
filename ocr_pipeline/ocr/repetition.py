"""Runaway repetition in generated OCR text.

A vision-language model that loses its place on a page keeps writing the same few things
(empty table cells, one line over and over, a counting list) until it hits its token limit.
A no-repeat n-gram rule stops exact loops longer than n tokens, so what gets through is
near-repetition; both compress far better than real page text, which is how it is found here:
the output's tail is cut into windows, and a final run of windows that compress below
``RATIO`` is the runaway.
"""

from __future__ import annotations

import zlib

WINDOW = 400
"""Bytes (UTF-8) per window."""
STEP = 200
RATIO = 0.3
"""Compressed over raw size at or below which a window counts as repetitive. Page text of
catalogs compresses to 0.6-0.7 in windows this small; a repeated table row to about 0.15, a
counting list (`12. Prerequisite: ACCT 112`, `13. ...`) to under 0.3."""
MIN_WINDOWS = 3
"""A runaway spans at least this many consecutive repetitive windows (800 characters)."""


def runaway_start(text: str) -> int | None:
    """Where the runaway repetition at the end of ``text`` begins, or None if there is none."""
    encoded = text.encode("utf-8")
    starts = range(0, max(len(encoded) - WINDOW, 0) + 1, STEP)
    flags = [_repetitive(encoded[s:s + WINDOW]) for s in starts]
    run = 0
    for flag in reversed(flags):
        if not flag:
            break
        run += 1
    if run < MIN_WINDOWS:
        return None
    byte_start = starts[len(flags) - run]
    return len(encoded[:byte_start].decode("utf-8", "ignore"))


def _repetitive(window: bytes) -> bool:
    return len(window) >= WINDOW and len(zlib.compress(window, 9)) <= RATIO * len(window)
