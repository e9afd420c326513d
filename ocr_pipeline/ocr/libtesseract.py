"""``tesserocr``, loaded with Tesseract's OpenMP threading off.

A libtesseract built with OpenMP (Debian's, which ``./run.sh`` builds ``tesserocr`` against)
reads ``OMP_THREAD_LIMIT`` once, when it is loaded. Its threads thrash small machines (a dense
page took 41 s instead of 4.6 s on two cores), so each reading thread runs Tesseract alone and
parallelism comes from reading one page per core. A limit set in the environment is kept.
"""

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr  # after the limit: the library reads it as it loads

__all__ = ["tesserocr"]
