"""Grounding markup parsing and runaway-repetition detection, on recorded model text."""

from __future__ import annotations

import pytest

from ocr_pipeline.ocr.grounding import parse_regions
from ocr_pipeline.ocr.repetition import runaway_start
from ocr_pipeline_tests.ocr.deepseek_standin import CATALOG_PAGE, RUNAWAY_PAGE


def test_regions_scale_the_grid_to_points_and_keep_order() -> None:
    regions = parse_regions(CATALOG_PAGE, width=999.0, height=1998.0)
    assert [r.label for r in regions] == ["title", "text", "text", "table"]
    assert regions[0].bbox == pytest.approx((80, 120, 600, 180))
    assert CATALOG_PAGE[regions[1].start:regions[1].end].count("CHEM 101 General") == 1


def test_several_boxes_union_and_out_of_grid_values_clamp() -> None:
    raw = ("<|ref|>text<|/ref|><|det|>[[10, 10, 100, 50], [500, 60, 1200, 90]]<|/det|>\nTwo parts\n"
           "<|ref|>text<|/ref|><|det|>[[5, 5, 5, 9]]<|/det|>\nno area\n"
           "<|ref|>CHEM 101<|/ref|><|det|>[[100, 100, 300, 120]]<|/det|>")
    regions = parse_regions(raw, width=999.0, height=999.0)
    assert regions[0].bbox == pytest.approx((10, 10, 999, 90))
    assert [(r.label, r.text) for r in regions] == [("text", "Two parts"), ("text", "CHEM 101")]


def test_repetition_found_only_at_a_runaway_tail() -> None:
    cut = runaway_start(RUNAWAY_PAGE)
    assert cut is not None
    head = RUNAWAY_PAGE[:cut]
    assert "CHEM 101" in head and head.count("<tr>") < 15
    assert runaway_start(CATALOG_PAGE * 3) is None  # long, ordinary page text
    repeated_middle = CATALOG_PAGE + "<tr><td></td></tr>" * 100 + CATALOG_PAGE * 2
    assert runaway_start(repeated_middle) is None  # recovered: not a runaway at the end
