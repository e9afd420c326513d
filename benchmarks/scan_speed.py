"""Scanned throughput per catalog density, and what one Tesseract call costs before it reads.

For each dev catalog, pages of its truth window are scanned with the simulator (default
preset: 200 dpi, skew, noise, show-through) and read by ``TesseractEngine`` (libtesseract in
this process, one loaded model per thread, one thread per core), both cores busy. Reported per
catalog: words per page (the density), wall seconds per page and s/page/core (wall x cores /
pages; the goal is <= 1.5), the engine's seconds per page with one thread (deskew and ink
weights included), and Tesseract's recognition alone, one page at a time, through the library
with its model loaded and, where it is installed (it is not a dependency), through the
``tesseract`` program, which starts a process and loads its model for every page.

The fixed cost of a call is what reading a blank 200x60 image costs: for the engine, with its
model loaded once (the load is printed too); for the program, a process start and a load.

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
from ocr_pipeline.ocr.libtesseract import tesserocr
from ocr_pipeline.ocr.tesseract import TesseractEngine, default_tessdata

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parents[1] / "shared" / "dev-data"
DPI = 200
CALLS = 10
PROGRAM = shutil.which("tesseract")


def _blank() -> bytes:
    out = io.BytesIO()
    Image.new("L", (200, 60), 255).save(out, format="PNG")
    return out.getvalue()


def engine_costs() -> tuple[float, float]:
    """(seconds to load the model, seconds of a call on a blank image with it loaded)."""
    engine = TesseractEngine(workers=1)
    started = time.perf_counter()
    engine.read(_blank(), page=1, dpi=DPI, prompt=None)
    load = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(CALLS):
        engine.read(_blank(), page=1, dpi=DPI, prompt=None)
    call = (time.perf_counter() - started) / CALLS
    return load - call, call


def _run_program(image: bytes) -> None:
    assert PROGRAM is not None
    subprocess.run([PROGRAM, "stdin", "stdout", "--psm", "3", "--dpi", str(DPI), "tsv"],
                   input=image, capture_output=True, check=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def program_call() -> float | None:
    """Seconds of one ``tesseract`` program call on a blank image, if it is installed."""
    if PROGRAM is None:
        return None
    started = time.perf_counter()
    for _ in range(CALLS):
        _run_program(_blank())
    return (time.perf_counter() - started) / CALLS


def recognition(pdf: Path, pages: int) -> tuple[float, float | None]:
    """Seconds per page of Tesseract's recognition alone: (library, program or None)."""
    with CatalogPdf(pdf) as doc:
        images = [doc.render_gray(n, dpi=DPI) for n in range(1, pages + 1)]
    with tesserocr.PyTessBaseAPI(path=f"{default_tessdata()}{os.sep}", lang="eng") as model:
        started = time.perf_counter()
        for image in images:
            model.SetImage(image.pil_image())
            model.SetSourceResolution(DPI)
            model.GetTSVText(0)
        library = (time.perf_counter() - started) / pages
    if PROGRAM is None:
        return library, None
    started = time.perf_counter()
    for image in images:
        _run_program(image.tobytes("pgm"))
    return library, (time.perf_counter() - started) / pages


def measure(truth_file: Path, *, pages: int, work: Path) -> dict[str, object]:
    truth = json.loads(truth_file.read_text())
    first, last = truth["pages"]
    chosen = list(range(first, min(last, first + pages - 1) + 1))
    scan = make_scanned(src=DATA / truth["source"], dst=work / f"{truth_file.stem}.pdf",
                        degradation=PRESETS["default"], pages=chosen)
    numbers = list(range(1, len(chosen) + 1))
    engine = TesseractEngine(workers=os.cpu_count() or 1)
    started = time.perf_counter()
    read = list(engine.read_pages(scan, numbers, dpi=DPI))
    wall = time.perf_counter() - started
    alone = TesseractEngine(workers=1)
    started = time.perf_counter()
    list(alone.read_pages(scan, numbers, dpi=DPI))
    single = time.perf_counter() - started
    library, program = recognition(scan, len(read))
    words = sum(len(line.words) for page in read for line in page.lines)
    return {"catalog": truth_file.stem, "pages": len(read), "words": words / len(read),
            "wall": wall / len(read), "core": wall * engine.workers / len(read),
            "single": single / len(read), "library": library, "program": program}


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
    load, call = engine_costs()
    program = program_call()
    print(f"engine: model load {load:.3f} s once per thread, then {call:.4f} s a call on a blank "
          f"image; {os.cpu_count()} cores")
    if program is not None:
        print(f"tesseract program: {program:.3f} s a call on a blank image (process start, "
              "model load)")
    print(f"{'':46} {'engine s/page':>13} {'recognition s/page':>25}")
    print(f"{'catalog':22} {'pages':>5} {'words/page':>10} {'s/page':>7} {'s/page/core':>11} "
          f"{'1 thread':>13} {'library':>12} {'program':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for truth in truths:
            row = measure(truth, pages=args.pages, work=Path(tmp))
            program_seconds = row["program"]
            shown = "-" if program_seconds is None else f"{program_seconds:.2f}"
            print(f"{row['catalog']:22} {row['pages']:>5} {row['words']:>10.0f} "
                  f"{row['wall']:>7.2f} {row['core']:>11.2f} {row['single']:>13.2f} "
                  f"{row['library']:>12.2f} {shown:>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
