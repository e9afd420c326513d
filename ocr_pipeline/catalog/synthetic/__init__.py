"""Synthetic course catalogs whose every course record is known exactly.

Used by tests, the accuracy and throughput benchmarks and the demo. ``generate_catalog`` writes
a catalog PDF in one of the ``LAYOUTS`` and a JSON Lines truth file; ``make_scanned`` turns any
PDF (or some of its pages) into an image-only, scanned-looking copy, degraded as a
``Degradation`` (or one of the ``PRESETS``) says.
"""

from ocr_pipeline.catalog.synthetic.generate import GeneratedCatalog, generate_catalog
from ocr_pipeline.catalog.synthetic.layouts import LAYOUTS, LayoutSpec
from ocr_pipeline.catalog.synthetic.scan import PRESETS, Degradation, make_scanned
from ocr_pipeline.catalog.synthetic.truth import TruthRecord, load_truth

__all__ = [
    "LAYOUTS",
    "PRESETS",
    "Degradation",
    "GeneratedCatalog",
    "LayoutSpec",
    "TruthRecord",
    "generate_catalog",
    "load_truth",
    "make_scanned",
]
