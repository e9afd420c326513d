"""Scanned throughput per catalog density, and what one Tesseract call costs before it reads.

For each dev catalog, pages of its truth window are scanned with the simulator (default
preset: 200 dpi, skew, noise, show-through) and read by ``TesseractEngine`` with one
single-threaded tesseract per core, both cores busy. Reported per catalog: words per page (the
density), wall seconds per page and s/page/core (wall x cores / pages; the goal is <= 1.5).

The fixed cost of a call (process start, model load) is a blank 200x60 image read by the
``tesseract`` program. Where ``tesserocr`` (an in-process API that keeps one model loaded) is
importable, the same page is also read through it, for comparison; it is not a dependency.

    python benchmarks/scan_speed.py                 # 4 pages per catalog
    python benchmarks/scan_speed.py --pages 2 --only cnu_2018 uoregon_2018
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.catalog.synthetic import PRESETS, make_scanned
from ocr_pipeline.ocr.tesseract import TesseractEngine

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parents[1] / "shared" / "dev-data"
DPI = 200
CALLS = 10


def fixed_cost() -> float:
    """Seconds of one tesseract call on an image with nothing to read."""
    blank = io.BytesIO()
    Image.new("L", (200, 60), 255).save(blank, format="PNG")
    started = time.perf_counter()
    for _ in range(CALLS):
        subprocess.run([shutil.which("tesseract") or "tesseract", "stdin", "stdout", "tsv"],
                       input=blank.getvalue(), capture_output=True, check=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return (time.perf_counter() - started) / CALLS


def in_process(pdf: Path, page: int) -> float | None:
    """Seconds to read one page through tesserocr's loaded model, if it is installed."""
    try:
        import tesserocr  # type: ignore[import-not-found]  # optional, for comparison only
    except ImportError:
        return None
    with CatalogPdf(pdf) as doc:
        image = doc.render_gray(page, dpi=DPI).pil_image()
    tessdata = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                              check=True).stdout.split('"')[1]
    with tesserocr.PyTessBaseAPI(path=tessdata + "/", lang="eng") as api:
        api.SetImage(image)  # first call loads the model; time the second
        api.GetTSVText(0)
        started = time.perf_counter()
        api.SetImage(image)
        api.SetSourceResolution(DPI)
        api.GetTSVText(0)
        return time.perf_counter() - started


def measure(truth_file: Path, *, pages: int, work: Path) -> dict[str, object]:
    truth = json.loads(truth_file.read_text())
    first, last = truth["pages"]
    chosen = list(range(first, min(last, first + pages - 1) + 1))
    scan = make_scanned(src=DATA / truth["source"], dst=work / f"{truth_file.stem}.pdf",
                        degradation=PRESETS["default"], pages=chosen)
    engine = TesseractEngine(workers=os.cpu_count() or 1)
    started = time.perf_counter()
    read = list(engine.read_pages(scan, list(range(1, len(chosen) + 1)), dpi=DPI))
    wall = time.perf_counter() - started
    words = sum(len(line.words) for page in read for line in page.lines)
    return {"catalog": truth_file.stem, "pages": len(read), "words": words / len(read),
            "wall": wall / len(read), "core": wall * engine.workers / len(read),
            "api": in_process(scan, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=4, help="pages per catalog")
    parser.add_argument("--only", nargs="*", help="catalog names (truth file stems)")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no dev data at {DATA}", file=sys.stderr)
        return 2
    truths = sorted((ROOT / "truth").glob("*.json"))
    truths = [t for t in truths if not args.only or t.stem in args.only]
    call = fixed_cost()
    print(f"tesseract call on a blank image (process start, model load): {call:.3f} s; "
          f"{os.cpu_count()} cores")
    print(f"{'catalog':22} {'pages':>5} {'words/page':>10} {'s/page':>7} {'s/page/core':>11} "
          f"{'fixed share':>11} {'tesserocr s/page':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        for truth in truths:
            row = measure(truth, pages=args.pages, work=Path(tmp))
            api = row["api"]
            print(f"{row['catalog']:22} {row['pages']:>5} {row['words']:>10.0f} "
                  f"{row['wall']:>7.2f} {row['core']:>11.2f} {call / row['core']:>11.1%} "
                  f"{'-' if api is None else f'{api:.2f}':>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
