"""The parser on whole real catalogs: every dev catalog at once, scored on its truth window.

Each catalog in ../shared/dev-data (nine in catalogs/, plus hawaii_cc) is read whole, as
``ocr-pipeline extract`` reads it; the records that start on the pages of its truth window
(``benchmarks/truth/<name>.json``, written by hand) are scored against the truth:

- code precision, recall and F1 (records matched by normalized code, in reading order);
- title exact and credits exact (as numbers), over the matched records; ``desc``, the
  description exact (no target: the issues' targets count code, title and credits);
- auto-accepted share of the window's records, and wrong among the auto-accepted (a record
  that matches no truth, or has a wrong code, title or credits);
- yield: truth records auto-accepted and right; lost: truth records never emitted;
- with no truth needed, over the whole course section: code-led lines nothing explains (they
  became review records: ``unexpl``), code-led lines that are neither a record nor explained
  (``neither``: lost silently, must be 0) and course pages that hold no entry (``empty``).

    python benchmarks/corpus.py                    # every catalog, one table
    python benchmarks/corpus.py --only cnu_2018 --show    # and what differs from the truth
    python benchmarks/corpus.py --cache /tmp/pages  # keep the pages read, for quick re-runs
    python benchmarks/corpus.py --data DIR --truth DIR    # other catalogs annotated the same way
    python benchmarks/corpus.py --scan [clean|default|rough|bulletin]   # windows scanned, OCR
    python benchmarks/corpus.py --scan --dpi 150   # the default degradation at 150 dpi
    python benchmarks/corpus.py --agreement        # 20 scanned pages against their text layer
    python benchmarks/corpus.py --baseline /tmp/before.json   # before a change; after it, the
                                                   # same line prints every record that changed

Targets (issue 11), on every catalog: code F1 >= 0.99, lost <= 0.5%, title and credits exact
>= 0.98, wrong among auto-accepted <= 0.5%, yield >= 0.85. Scanned (issue 12): code F1 >= 0.97,
lost <= 2%, title and credits exact >= 0.95, wrong among auto-accepted <= 0.5%, yield >= 0.5.

``--agreement`` needs no truth: 20 course pages of each catalog (from its truth window on) are
scanned and read by OCR, and their records compared with the same pages' text-layer records
(same code on the same page, same title and credits); ``auto unlike`` is the share of the
scan's auto-accepted records that the text layer has not, or has otherwise (wrong, unless the
text layer's record is).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocr_pipeline.catalog.completeness import completeness
from ocr_pipeline.catalog.models import CourseRecord, PageText
from ocr_pipeline.catalog.pdf import CatalogPdf, sha256_file
from ocr_pipeline.catalog.synthetic import PRESETS, Degradation, make_scanned
from ocr_pipeline.errors import NoCoursesFoundError
from ocr_pipeline.extract import parse_catalog, read_pages
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.ocr.text_layer import TextLayerEngine

ROOT = Path(__file__).resolve().parent.parent
DEV_DATA = ROOT.parent / "shared" / "dev-data"
TRUTH = ROOT / "benchmarks" / "truth"
TARGETS = {"f1": 0.99, "lost": 0.005, "title": 0.98, "credits": 0.98, "wrong": 0.005,
           "yield": 0.85}
SCAN_TARGETS = {"f1": 0.97, "lost": 0.02, "title": 0.95, "credits": 0.95, "wrong": 0.005,
                "yield": 0.5}
AGREEMENT_PAGES = 20


@dataclass
class Score:
    name: str
    truth: int = 0
    predicted: int = 0
    matched: int = 0
    title: int = 0
    credits: int = 0
    description: int = 0
    auto: int = 0
    auto_wrong: int = 0
    right_auto: int = 0
    unexplained: int = 0
    unaccounted: int = 0
    empty_pages: int = 0
    sections: str = ""
    seconds: float = 0.0
    differences: list[str] = field(default_factory=list)
    targets: dict[str, float] = field(default_factory=lambda: TARGETS)
    everything: list[list[Any]] = field(default_factory=list, repr=False)
    """Every record of the catalog read (page, code, title, credits, status), window or not."""

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    def values(self) -> dict[str, float]:
        return {
            "f1": self.f1,
            "lost": self.rate(self.truth - self.matched, self.truth),
            "title": self.rate(self.title, self.matched),
            "credits": self.rate(self.credits, self.matched),
            "description": self.rate(self.description, self.matched),
            "wrong": self.rate(self.auto_wrong, self.auto),
            "yield": self.rate(self.right_auto, self.truth),
        }

    def meets(self) -> bool:
        v = self.values()
        return all(v[k] >= t if k not in ("lost", "wrong") else v[k] <= t
                   for k, t in self.targets.items())


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-",
                                         "—": "-", "\u00a0": " ", "\u00ad": ""}))
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip().lower()


def credits_of(row: dict[str, Any] | CourseRecord) -> tuple[float | None, float | None]:
    if isinstance(row, CourseRecord):
        return row.credits_min, row.credits_max
    return row["credits_min"], row["credits_max"]


def same_credits(a: tuple[float | None, float | None], b: tuple[float | None, float | None]
                 ) -> bool:
    return all((x is None and y is None) or (x is not None and y is not None and abs(x - y) < 1e-6)
               for x, y in zip(a, b, strict=True))


def score(name: str, truth: dict[str, Any], records: list[CourseRecord]) -> Score:
    first, last = truth["pages"]
    window = [r for r in records if first <= r.page <= last]
    gold = truth["records"]
    result = Score(name=name, truth=len(gold), predicted=len(window))
    queues: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in gold:
        queues[row["course_code"]].append(row)
    # the same code twice (a program's table of courses, then their entries): a record takes
    # the row of its own page first, the rest are matched in reading order
    paired: dict[int, dict[str, Any]] = {}
    for record in window:
        queue = queues.get(record.course_code, [])
        same = next((row for row in queue if row["page"] == record.page), None)
        if same is not None:
            paired[id(record)] = same
            queue.remove(same)
    used: set[int] = set()
    for record in window:
        auto = record.status == "auto_accepted"
        result.auto += auto
        queue = queues.get(record.course_code)
        row = paired.get(id(record)) or (queue.pop(0) if queue else None)
        if row is None:
            result.auto_wrong += auto
            result.differences.append(f"extra p{record.page} {record.course_code}: "
                                      f"{record.title!r} ({record.confidence})")
            continue
        used.add(id(row))
        result.matched += 1
        title_ok = norm(record.title) == norm(row["title"])
        credits_ok = same_credits(credits_of(record), credits_of(row))
        result.title += title_ok
        result.credits += credits_ok
        result.description += norm(record.description) == norm(row.get("description"))
        right = title_ok and credits_ok
        result.auto_wrong += auto and not right
        result.right_auto += auto and right
        if not title_ok:
            result.differences.append(f"title p{record.page} {record.course_code}: "
                                      f"{record.title!r} != {row['title']!r}"
                                      f"{' AUTO' if auto else ''}")
        if not credits_ok:
            result.differences.append(f"credits p{record.page} {record.course_code}: "
                                      f"{credits_of(record)} != {credits_of(row)}"
                                      f"{' AUTO' if auto else ''}")
        if right and not auto:
            factors = {k: v for k, v in record.confidence_factors.items() if v < 1}
            result.differences.append(f"review p{record.page} {record.course_code}: {factors}")
    for row in gold:
        if id(row) not in used:
            result.differences.append(f"lost p{row['page']} {row['course_code']}: {row['title']!r}")
    return result


def load_pages(pdf: Path, cache: Path | None) -> list[PageText]:
    """The catalog's pages as ``extract`` reads them; cached by content and engine versions."""
    if cache is None:
        return read_pages(pdf)[0]
    key = hashlib.sha256(f"{sha256_file(pdf)}|{TextLayerEngine().version}|"
                         f"{TesseractEngine().version}".encode()).hexdigest()[:16]
    path = cache / f"{pdf.stem}-{key}.json"
    if path.exists():
        return [PageText.from_dict(d) for d in json.loads(path.read_text())]
    pages = read_pages(pdf)[0]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([p.to_dict() for p in pages]))
    return pages


def run(truth_file: Path, *, data: Path, cache: Path | None,
        scan: Degradation | None = None) -> Score:
    """Score one catalog: read whole, or (``scan``) its window and the page after it alone,
    scanned with the simulator and read by OCR, its pages numbered as in the catalog (an entry
    that starts on the window's last page may end on the next: DePauw's HONR 320 has its
    credits there, as the whole catalog read from its text layer has)."""
    truth = json.loads(truth_file.read_text())
    pdf = data / truth["source"]
    started = time.perf_counter()
    first, last = truth["pages"]
    offset = 0
    if scan is not None:
        with CatalogPdf(pdf) as doc:
            end = min(last + 1, doc.page_count)
        key = hashlib.sha256(f"{sha256_file(pdf)}|{first}-{end}|{scan}".encode()).hexdigest()
        scanned = (cache or Path(tempfile.gettempdir())) / f"{pdf.stem}-scan-{key[:12]}.pdf"
        scanned.parent.mkdir(parents=True, exist_ok=True)
        if not scanned.exists():  # the same pages and degradation make the same scan
            make_scanned(src=pdf, dst=scanned, degradation=scan, pages=range(first, end + 1))
        pdf, offset = scanned, first - 1
    pages = load_pages(pdf, cache)
    try:
        reading, records = parse_catalog(pages, name=pdf.name, catalog=truth_file.stem,
                                         source_uri=pdf.as_uri(), source_sha256="")
    except NoCoursesFoundError as exc:  # a copy too rough to show one heading: all lost
        print(f"  {truth_file.stem}: {exc}", file=sys.stderr)
        result = score(truth_file.stem, truth, [])
        result.targets = SCAN_TARGETS if scan is not None else result.targets
        result.seconds = time.perf_counter() - started
        return result
    report = completeness(reading, records)
    if offset:
        records = [dataclasses.replace(r, page=r.page + offset) for r in records]
    result = score(truth_file.stem, truth, records)
    result.everything = [[r.page, r.course_code, r.title, r.credits_text, r.status]
                         for r in records]
    if scan is not None:
        result.targets = SCAN_TARGETS
    result.seconds = time.perf_counter() - started
    result.unexplained = sum(s.why == "unexplained" for s in report.suspects)
    result.unaccounted = len(report.lost)
    result.empty_pages = len(reading.empty_pages)
    if reading.profile:
        result.sections = ", ".join(f"{a}-{b}" for a, b in reading.profile.sections[:6])
    return result


@dataclass
class Agreement:
    name: str
    pages: int
    text: int
    scanned: int
    same: int
    differences: list[str]
    auto: int = 0
    """Scanned records auto-accepted."""
    auto_unlike: int = 0
    """Of those, records the text layer does not have, or has with another title or credits:
    wrong, unless the text layer's own record is."""


def agreement(truth_file: Path, *, data: Path, cache: Path | None, scan: Degradation,
              pages: int = AGREEMENT_PAGES) -> Agreement:
    """Records of ``pages`` scanned course pages against the same pages' text layer."""
    truth = json.loads(truth_file.read_text())
    pdf = data / truth["source"]
    text_pages = load_pages(pdf, cache)
    first = truth["pages"][0]
    last = min(first + pages - 1, len(text_pages))
    _, text_records = parse_catalog(text_pages, name=pdf.name, catalog=truth_file.stem,
                                    source_uri=pdf.as_uri(), source_sha256="")
    key = hashlib.sha256(f"{sha256_file(pdf)}|{first}-{last}|{scan}".encode()).hexdigest()
    scanned = (cache or Path(tempfile.gettempdir())) / f"{pdf.stem}-scan-{key[:12]}.pdf"
    if not scanned.exists():
        make_scanned(src=pdf, dst=scanned, degradation=scan, pages=range(first, last + 1))
    _, scan_records = parse_catalog(load_pages(scanned, cache), name=scanned.name,
                                    catalog=truth_file.stem, source_uri=scanned.as_uri(),
                                    source_sha256="")
    want = [r for r in text_records if first <= r.page <= last]
    got: dict[tuple[int, str], list[CourseRecord]] = defaultdict(list)
    for record in scan_records:
        got[(record.page + first - 1, record.course_code)].append(record)
    same, unlike, differences = 0, 0, []
    for record in want:
        twins = got.get((record.page, record.course_code))
        if not twins:
            differences.append(f"missing p{record.page} {record.course_code}: {record.title!r}")
            continue
        twin = twins.pop(0)
        if norm(twin.title) == norm(record.title) and same_credits(credits_of(twin),
                                                                   credits_of(record)):
            same += 1
        else:
            unlike += twin.status == "auto_accepted"
            differences.append(f"differs p{record.page} {record.course_code}: "
                               f"{twin.title!r} {credits_of(twin)} != {record.title!r} "
                               f"{credits_of(record)}{_mark(twin.status)}")
    extra = [r for rest in got.values() for r in rest]
    unlike += sum(r.status == "auto_accepted" for r in extra)
    differences += [f"extra p{r.page + first - 1} {r.course_code}: {r.title!r}"
                    f"{_mark(r.status)}" for r in extra]
    return Agreement(name=truth_file.stem, pages=last - first + 1, text=len(want),
                     scanned=len(scan_records), same=same, differences=differences,
                     auto=sum(r.status == "auto_accepted" for r in scan_records),
                     auto_unlike=unlike)


def _mark(status: str) -> str:
    return " AUTO" if status == "auto_accepted" else ""


def agreement_table(rows: list[Agreement]) -> str:
    head = (f"{'catalog':22} {'pages':>5} {'text':>5} {'scan':>5} {'same':>6} {'missing':>7} "
            f"{'extra':>5} {'auto':>5} {'auto unlike':>11}")
    lines = [head]
    lines.append("-" * len(lines[0]))
    for a in rows:
        missing = sum(d.startswith("missing") for d in a.differences)
        extra = sum(d.startswith("extra") for d in a.differences)
        share = a.same / a.text if a.text else 0.0
        unlike = a.auto_unlike / a.auto if a.auto else 0.0
        lines.append(f"{a.name:22} {a.pages:>5} {a.text:>5} {a.scanned:>5} {share:>6.1%} "
                     f"{missing:>7} {extra:>5} {a.auto:>5} {unlike:>11.1%}")
    return "\n".join(lines)


def against_baseline(scores: list[Score], path: Path, *, show: bool) -> None:
    """The first run keeps every record of every catalog in ``path``; later runs print, per
    catalog, how many records changed against it (with ``show``, which), so a parser change
    is seen on the whole catalogs, not only on their truth windows."""
    now = {s.name: s.everything for s in scores}
    if not path.exists():
        path.write_text(json.dumps(now))
        print(f"baseline of {sum(map(len, now.values()))} records kept in {path}", file=sys.stderr)
        return
    before = json.loads(path.read_text())
    for name, records in now.items():
        if name not in before:
            continue
        old = {(r[0], r[1]): r for r in before[name]}
        new = {(r[0], r[1]): r for r in records}
        changed = [(old.get(k), new.get(k)) for k in sorted(old.keys() | new.keys(), key=str)
                   if old.get(k) != new.get(k)]
        print(f"  {name}: {len(changed)} of {len(records)} records changed against the baseline",
              file=sys.stderr)
        for was, now_is in changed if show else ():
            print(f"    {was}\n    -> {now_is}", file=sys.stderr)


def table(scores: list[Score]) -> str:
    head = ("catalog", "truth", "pred", "P", "R", "F1", "lost", "title", "cred", "desc",
            "auto", "wrong", "yield", "unexpl", "neither", "empty", "s", "ok")
    rows = [head]
    for s in scores:
        v = s.values()
        rows.append((s.name, str(s.truth), str(s.predicted), f"{s.precision:.3f}",
                     f"{s.recall:.3f}", f"{v['f1']:.3f}", f"{v['lost']:.1%}",
                     f"{v['title']:.3f}", f"{v['credits']:.3f}", f"{v['description']:.3f}",
                     f"{s.rate(s.auto, s.predicted):.0%}", f"{v['wrong']:.1%}",
                     f"{v['yield']:.2f}", str(s.unexplained), str(s.unaccounted),
                     str(s.empty_pages),
                     f"{s.seconds:.1f}", "yes" if s.meets() else "no"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="catalog names (truth file stems)")
    parser.add_argument("--show", action="store_true", help="print every difference")
    parser.add_argument("--cache", type=Path, help="folder to keep the pages read in")
    parser.add_argument("--data", type=Path, default=DEV_DATA,
                        help="folder the truth files' sources are in (default ../shared/dev-data)")
    parser.add_argument("--scan", choices=sorted(PRESETS), nargs="?", const="default",
                        help="score each window scanned with the simulator (default preset: "
                             "200 dpi, skew up to 1.5 degrees, noise, show-through) and read "
                             "by OCR, not the whole catalog's text layer")
    parser.add_argument("--dpi", type=int,
                        help="with --scan or --agreement: the scan's resolution instead of the "
                             "preset's (150: a low-resolution copy of the default degradation)")
    parser.add_argument("--agreement", action="store_true",
                        help=f"compare {AGREEMENT_PAGES} scanned course pages of each catalog "
                             "with their text layer (no truth needed; the --scan preset, "
                             "default 'default')")
    parser.add_argument("--truth", type=Path, default=TRUTH,
                        help="folder of truth files (default benchmarks/truth): other catalogs "
                             "annotated the same way can be scored too")
    parser.add_argument("--baseline", type=Path,
                        help="keep every record of every catalog in this file on the first "
                             "run; on later runs, print what changed against it")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no catalogs at {args.data}", file=sys.stderr)
        return 2
    preset = PRESETS[args.scan or "default"]
    if args.dpi is not None:
        preset = dataclasses.replace(preset, dpi=args.dpi)
    files = sorted(args.truth.glob("*.json"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    if args.agreement:
        rows = []
        for truth_file in files:
            row = agreement(truth_file, data=args.data, cache=args.cache, scan=preset)
            rows.append(row)
            if args.show:
                for line in row.differences:
                    print(f"    {row.name}: {line}", file=sys.stderr)
        print(agreement_table(rows))
        return 0
    scores = []
    for truth_file in files:
        result = run(truth_file, data=args.data, cache=args.cache,
                     scan=preset if args.scan or args.dpi is not None else None)
        scores.append(result)
        print(f"  {result.name}: {result.seconds:.1f} s; course pages {result.sections}",
              file=sys.stderr)
        if args.show:
            for line in result.differences:
                print(f"    {line}", file=sys.stderr)
    if args.baseline:
        against_baseline(scores, args.baseline, show=args.show)
    print(table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
