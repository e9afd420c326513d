"""Synthetic course catalogs whose every course record is known exactly.

Used by tests, the accuracy and throughput benchmarks and the demo. ``generate_catalog`` writes
a catalog PDF in one of the ``LAYOUTS`` and a JSON Lines truth file; ``make_scanned`` turns any
PDF into an image-only, scanned-looking copy.
"""

from ocr_pipeline.catalog.synthetic.generate import GeneratedCatalog, generate_catalog
from ocr_pipeline.catalog.synthetic.layouts import LAYOUTS, LayoutSpec
from ocr_pipeline.catalog.synthetic.scan import make_scanned
from ocr_pipeline.catalog.synthetic.truth import TruthRecord, load_truth

__all__ = [
    "LAYOUTS",
    "GeneratedCatalog",
    "LayoutSpec",
    "TruthRecord",
    "generate_catalog",
    "load_truth",
    "make_scanned",
]
