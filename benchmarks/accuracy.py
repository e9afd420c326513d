"""Field-level accuracy of ``extract_catalog`` and what its confidence means.

Scores course_code, title, credits and description against
- synthetic catalogs with exact truth, each layout born-digital and scanned (Tesseract), and
- ../shared/dev-data/hawaii_cc (silver labels written by a language model: where the two
  disagree, look at the page before deciding who is right).

Prints, per dataset: course_code precision/recall/F1 and per-field exact rates; then, over the
synthetic records, the share of records with any wrong field per confidence bucket and per
threshold, and the lowest threshold keeping that share at or under the goal (0.5%).

    python benchmarks/accuracy.py                 # all layouts, 60 courses each, + hawaii
    python benchmarks/accuracy.py --courses 30 --layouts two_column --no-hawaii
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.catalog.synthetic import LAYOUTS, generate_catalog
from ocr_pipeline.extract import extract_catalog

ROOT = Path(__file__).resolve().parent.parent
DEV_DATA = ROOT.parent / "shared" / "dev-data"
FIELDS = ("course_code", "title", "credits", "description")
BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99)
GOAL = 0.005


@dataclass(frozen=True)
class Truth:
    course_code: str
    title: str
    credits: tuple[float | None, float | None]
    description: str


@dataclass
class Scored:
    """One predicted record with the fields it got wrong (all four if it matches no truth)."""

    confidence: float
    wrong: tuple[str, ...]


@dataclass
class Report:
    name: str
    truth: int = 0
    predicted: int = 0
    matched: int = 0
    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: list[Scored] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    mismatches: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.truth if self.truth else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rates = [self.exact[f] / self.matched if self.matched else 0.0 for f in FIELDS[1:]]
        return [self.name, str(self.truth), str(self.predicted), f"{p:.2%}", f"{r:.2%}",
                f"{f1:.2%}", *(f"{x:.2%}" for x in rates), f"{self.pages / self.seconds:.1f}"]


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return re.sub(r"\s+", " ", text).strip().rstrip(".").lower()


def _where_unlike(got: str, want: str, *, around: int = 30) -> tuple[str, str]:
    """The two descriptions from a little before where they first differ: a misread word in
    a paragraph, not its last 80 characters, which are often the same."""
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    start = max(0, first - around)
    return got[start:first + around], want[start:first + around]


def score(name: str, records: Sequence[CourseRecord], truth: Sequence[Truth], *, seconds: float,
          pages: int) -> Report:
    report = Report(name=name, truth=len(truth), predicted=len(records), seconds=seconds, pages=pages)
    by_code = {t.course_code: t for t in truth}
    for record in records:
        expected = by_code.get(record.course_code)
        if expected is None:
            report.scored.append(Scored(record.confidence, FIELDS))
            report.mismatches.append(f"{name}: extra {record.course_code} {record.title!r} p{record.page}")
            continue
        report.matched += 1
        report.exact["course_code"] += 1
        got = {
            "title": norm(record.title) == norm(expected.title),
            "credits": (record.credits_min, record.credits_max) == expected.credits,
            "description": norm(record.description) == norm(expected.description),
        }
        for key, ok in got.items():
            report.exact[key] += ok
            if not ok:
                shown = {"title": (record.title, expected.title),
                         "credits": ((record.credits_min, record.credits_max), expected.credits),
                         "description": _where_unlike(norm(record.description),
                                                      norm(expected.description))}[key]
                report.mismatches.append(
                    f"{name}: {record.course_code} {key} conf={record.confidence:.2f} "
                    f"got {shown[0]!r} want {shown[1]!r}"
                )
        report.scored.append(Scored(record.confidence, tuple(k for k, ok in got.items() if not ok)))
    found = {r.course_code for r in records}
    report.mismatches += [f"{name}: missed {t.course_code} {t.title!r}" for t in truth
                          if t.course_code not in found]
    return report


def run_synthetic(*, layouts: Iterable[str], courses: int, scanned: bool, workers: int | None,
                  corpus: Path | None, work: Path) -> list[Report]:
    reports = []
    for index, layout in enumerate(layouts):
        for scan in (False, True) if scanned else (False,):
            name = f"{layout}{'-scan' if scan else ''}"
            made = generate_catalog(out_dir=work, name=name, layout=layout, courses=courses,
                                    seed=100 + index, scanned=scan, corpus=corpus)
            result = extract_catalog(made.pdf, workers=workers)
            truth = [Truth(t.course_code, t.title, (t.credits_min, t.credits_max), t.description)
                     for t in made.records]
            reports.append(score(name, result.records, truth, seconds=result.seconds,
                                 pages=len(result.pages)))
            print(f"  {name}: {len(result.pages)} pages in {result.seconds:.1f} s", file=sys.stderr)
    return reports


def run_hawaii(*, workers: int | None) -> Report | None:
    pdf = DEV_DATA / "hawaii_cc" / "courses.pdf"
    labels = DEV_DATA / "hawaii_cc" / "courses_extracted.json"
    if not pdf.exists():
        print(f"  hawaii_cc: {pdf} not found, skipped", file=sys.stderr)
        return None
    truth = []
    for item in json.loads(labels.read_text())["courses"]:
        units = item.get("num_units")
        if isinstance(units, (int, float)):
            credits = (float(units), float(units))
        elif isinstance(units, str) and re.fullmatch(r"\d+(\.\d+)?-\d+(\.\d+)?", units):
            low, high = units.split("-")
            credits = (float(low), float(high))
        else:
            credits = (None, None)
        code = f"{str(item['course_prefix']).upper()} {str(item['course_number']).upper()}"
        truth.append(Truth(code, item["course_title"], credits, item.get("course_desc") or ""))
    result = extract_catalog(pdf, workers=workers)
    return score("hawaii_cc (silver)", result.records, truth, seconds=result.seconds,
                 pages=len(result.pages))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(map(str, r)) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def confidence_tables(scored: Sequence[Scored]) -> tuple[str, str, float | None]:
    bucket_rows = []
    for low, high in zip(BUCKETS, BUCKETS[1:]):
        inside = [s for s in scored if low <= s.confidence < high]
        wrong = sum(1 for s in inside if s.wrong)
        per_field = {f: sum(1 for s in inside if f in s.wrong) for f in FIELDS}
        bucket_rows.append([f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}",
                            str(len(inside)), f"{wrong / len(inside):.2%}" if inside else "-",
                            *(str(per_field[f]) for f in FIELDS)])
    threshold_rows = []
    chosen = None
    for t in THRESHOLDS:
        kept = [s for s in scored if s.confidence >= t]
        wrong = sum(1 for s in kept if s.wrong)
        rate = wrong / len(kept) if kept else 0.0
        if chosen is None and kept and rate <= GOAL:
            chosen = t
        threshold_rows.append([f"{t:.2f}", f"{len(kept) / len(scored):.1%}", str(wrong),
                               f"{rate:.2%}"])
    return (
        table(["confidence", "records", "any field wrong", *(f"{f} wrong" for f in FIELDS)],
              bucket_rows),
        table(["threshold", "auto-accepted", "wrong among them", "error rate"], threshold_rows),
        chosen,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layouts", nargs="+", default=list(LAYOUTS), choices=list(LAYOUTS))
    parser.add_argument("--courses", type=int, default=60)
    parser.add_argument("--no-scanned", action="store_true", help="born-digital only (no OCR)")
    parser.add_argument("--no-hawaii", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--corpus", type=Path, default=DEV_DATA / "neu_catalog" / "catalog_export.csv")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="print the first N mismatches of each dataset")
    args = parser.parse_args(argv)
    corpus = args.corpus if args.corpus.exists() else None
    with tempfile.TemporaryDirectory(prefix="ocr-accuracy-") as tmp:
        reports = run_synthetic(layouts=args.layouts, courses=args.courses,
                                scanned=not args.no_scanned, workers=args.workers,
                                corpus=corpus, work=Path(tmp))
    hawaii = None if args.no_hawaii else run_hawaii(workers=args.workers)
    all_reports = reports + ([hawaii] if hawaii else [])
    print(f"\nField accuracy (corpus: {corpus or 'built-in'}; {args.courses} courses per catalog)\n")
    print(table(["dataset", "truth", "records", "code P", "code R", "code F1", "title",
                 "credits", "description", "pages/s"], [r.row() for r in all_reports]))
    scored = [s for r in reports for s in r.scored]
    buckets, thresholds, chosen_all = confidence_tables(scored)
    print(f"\nSynthetic records by confidence ({len(scored)} records)\n")
    print(buckets)
    print(f"\nAuto-accept threshold, all synthetic records (goal: at most {GOAL:.1%} of accepted "
          "records with a wrong field)\n")
    print(thresholds)
    print(f"\nlowest threshold meeting the goal, all synthetic records: "
          f"{chosen_all if chosen_all is not None else 'none'}")
    scans = [s for r in reports if r.name.endswith("-scan") for s in r.scored]
    if scans:
        _, scan_thresholds, chosen_scan = confidence_tables(scans)
        print(f"\nAuto-accept threshold, scanned records only ({len(scans)} records)\n")
        print(scan_thresholds)
        print(f"\nlowest threshold meeting the goal on scans alone: "
              f"{chosen_scan if chosen_scan is not None else 'none'}")
    if hawaii:
        _, hawaii_thresholds, _ = confidence_tables(hawaii.scored)
        print("\nhawaii_cc against its silver labels (label errors count as ours here)\n")
        print(hawaii_thresholds)
    if args.show_errors:
        for report in all_reports:
            for line in report.mismatches[: args.show_errors]:
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
