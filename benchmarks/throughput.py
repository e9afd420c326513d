"""Throughput and peak memory of ``extract_catalog``, born-digital and scanned.

Each case runs in a fresh process so its peak RSS is its own. Targets: born-digital >= 60
pages/s from PDF to records, the profile pass included (issue 11); scanned at 200 dpi with
Tesseract <= 1.5 s per page per core with both cores busy; peak RSS < 1 GiB on a 500-page
catalog. Where ../shared/dev-data is present, a whole real catalog (996 pages) is measured too.

    python benchmarks/throughput.py                       # 500-page born-digital, 12 scanned pages
    python benchmarks/throughput.py --born-pages 100 --scan-pages 0   # born-digital only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.extract import extract_catalog

COURSES_PER_PAGE = {"two_column": 16, "three_column": 24}
REAL_CATALOG = (Path(__file__).resolve().parents[2] / "shared" / "dev-data" / "catalogs"
                / "uoregon_2018.pdf")


def measure(pdf: Path, *, workers: int | None, engine: str) -> dict[str, float]:
    """Run in a child process: extract ``pdf`` and report time, CPU and peak RSS."""
    before = os.times()
    started = time.perf_counter()
    result = extract_catalog(pdf, workers=workers, engine=engine)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.user - before.user + after.system - before.system
           + after.children_user - before.children_user
           + after.children_system - before.children_system)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"pages": len(result.pages), "records": len(result.records), "seconds": wall,
            "cpu_seconds": cpu, "peak_rss_mib": rss_kib / 1024,
            "peak_child_rss_mib": rss_children / 1024}


def run_case(pdf: Path, *, workers: int | None, engine: str = "auto") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(pdf), "--engine", engine,
         *(["--workers", str(workers)] if workers else [])],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def make(work: Path, *, name: str, layout: str, pages: int, scanned: bool) -> Path:
    started = time.perf_counter()
    made = generate_catalog(out_dir=work, name=name, layout=layout,
                            courses=pages * COURSES_PER_PAGE[layout], seed=7, scanned=scanned)
    print(f"  generated {name}: {made.pages} pages in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return made.pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--born-pages", type=int, default=500)
    parser.add_argument("--scan-pages", type=int, default=12)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="auto", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, workers=args.workers, engine=args.engine)))
        return 0
    cores = os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory(prefix="ocr-throughput-") as tmp:
        work = Path(tmp)
        born = make(work, name="born", layout="two_column", pages=args.born_pages, scanned=False)
        dense = make(work, name="dense", layout="three_column", pages=max(args.born_pages // 5, 1),
                     scanned=False)
        cases: list[tuple[str, Path, int | None]] = [
            ("born-digital, two columns", born, None),
            ("born-digital, three columns", dense, None)]
        if REAL_CATALOG.exists():  # a whole real catalog: its profile pass included
            cases.append((f"born-digital, real ({REAL_CATALOG.name})", REAL_CATALOG, None))
        if args.scan_pages:
            scan = make(work, name="scan", layout="two_column", pages=args.scan_pages,
                        scanned=True)
            cases += [("scanned 200 dpi, 1 worker", scan, 1),
                      (f"scanned 200 dpi, {cores} workers", scan, cores)]
        for label, pdf, workers in cases:
            print(f"  running {label} ...", file=sys.stderr)
            m = run_case(pdf, workers=workers)
            used = workers or 1
            per_page_core = m["seconds"] * used / m["pages"] if workers else None
            rows.append([
                label, f"{m['pages']:.0f}", f"{m['records']:.0f}", f"{m['seconds']:.1f}",
                f"{m['pages'] / m['seconds']:.1f}",
                f"{per_page_core:.2f}" if per_page_core is not None else "-",
                f"{m['cpu_seconds'] / m['seconds']:.2f}",
                f"{max(m['peak_rss_mib'], m['peak_child_rss_mib']):.0f}",
            ])
    headers = ["case", "pages", "records", "seconds", "pages/s", "s/page/core", "cores busy",
               "peak RSS MiB"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    print(fmt(headers))
    print(fmt(["-" * w for w in widths]))
    for row in rows:
        print(fmt(row))
    print("\ntargets: born-digital >= 60 pages/s; scanned <= 1.5 s/page/core with all cores busy; "
          "peak RSS < 1024 MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
