"""Whole real catalogs from ../shared/dev-data, scored on their hand-written truth windows.

Each catalog is read whole, as ``ocr-pipeline extract`` reads it; the records that start on its
truth window (``benchmarks/truth/<name>.json``) must meet issue 11's targets on every catalog:
code F1 >= 0.99, lost <= 0.5%, title and credits exact >= 0.98, wrong among auto-accepted
<= 0.5%, yield >= 0.85. ``benchmarks/corpus.py`` prints the same figures as a table.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ocr_pipeline.catalog.completeness import completeness
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.extract import extract_catalog

ROOT = Path(__file__).resolve().parents[1]
DEV_DATA = ROOT.parent / "shared" / "dev-data"
TRUTH = sorted((ROOT / "benchmarks" / "truth").glob("*.json"))

needs_dev_data = pytest.mark.skipif(not DEV_DATA.is_dir(),
                                    reason="../shared/dev-data is not present")


def _corpus() -> ModuleType:
    """benchmarks/corpus.py, whose scoring the test shares (benchmarks is no package)."""
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("corpus", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@needs_dev_data
@pytest.mark.parametrize("truth_file", TRUTH, ids=[t.stem for t in TRUTH])
def test_window_meets_the_targets(truth_file: Path) -> None:
    corpus = _corpus()
    truth = json.loads(truth_file.read_text())
    result = extract_catalog(DEV_DATA / truth["source"])
    score = corpus.score(truth_file.stem, truth, result.records)
    values = score.values()
    assert values["f1"] >= 0.99, score.differences
    assert values["lost"] <= 0.005, score.differences
    assert values["title"] >= 0.98, score.differences
    assert values["credits"] >= 0.98, score.differences
    assert values["wrong"] <= 0.005, score.differences
    assert values["yield"] >= 0.85, score.differences
    # the window lies inside the course pages the profile found, and no heading there was lost
    first, last = truth["pages"]
    assert set(range(first, last + 1)) <= result.reading.section_pages
    assert not completeness(result.reading, result.records).lost


def test_a_baseline_of_whole_catalogs_shows_what_a_change_moved(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``corpus.py --baseline``: the first run keeps every record; a later run names the ones
    that changed, outside the truth windows too."""
    corpus = _corpus()
    before = corpus.Score(name="cat", everything=[[1, "CHEM 101", "Organic", "3", "auto"],
                                                  [9, "CHEM 900", "Thesis", None, "review"]])
    after = corpus.Score(name="cat", everything=[[1, "CHEM 101", "Organic", "3", "auto"],
                                                 [9, "CHEM 900", "Thesis Components", None,
                                                  "auto"]])
    path = tmp_path / "baseline.json"
    corpus.against_baseline([before], path, show=True)
    assert json.loads(path.read_text()) == {"cat": before.everything}
    corpus.against_baseline([after], path, show=True)
    err = capsys.readouterr().err
    assert "cat: 1 of 2 records changed against the baseline" in err
    assert "'Thesis Components'" in err and "'CHEM 101'" not in err.split("changed")[-1]
    assert json.loads(path.read_text()) == {"cat": before.everything}  # the baseline stays


def test_a_code_printed_twice_is_scored_against_the_row_of_its_own_page() -> None:
    """A program's table of courses (``CRWR 609 Terminal Creative Project 9``) on the page
    before the entries: a record read from the table, doubted, is the extra one, and the
    entry itself, auto-accepted and right, is matched to its truth row."""
    corpus = _corpus()
    row = {"page": 2, "course_code": "CRWR 609", "title": "Terminal Creative Project",
           "credits_min": 1, "credits_max": 16, "description": "Thesis work."}
    truth = {"pages": [1, 2], "records": [row]}

    def record(page: int, status: str) -> CourseRecord:
        return CourseRecord(
            record_id=f"r{page}", catalog_id="c", source_uri="file:///c.pdf",
            source_sha256="", page=page, bbox=(0, 0, 1, 1), subject="CRWR", number="609",
            course_code="CRWR 609", course_code_raw="CRWR 609",
            title="Terminal Creative Project", credits_text=None if page == 1 else "1-16",
            credits_min=None if page == 1 else 1, credits_max=None if page == 1 else 16,
            description="" if page == 1 else "Thesis work.", prerequisites=None,
            method="tesseract", confidence=0.4 if page == 1 else 0.99, status=status,
            extracted_at="")

    result = corpus.score("c", truth, [record(1, "pending_review"), record(2, "auto_accepted")])
    assert (result.matched, result.credits, result.auto, result.auto_wrong) == (1, 1, 1, 0)
    assert [d.split(":")[0] for d in result.differences] == ["extra p1 CRWR 609"]
