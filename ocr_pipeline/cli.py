"""``ocr-pipeline``: the command line of the pipeline.

``extract`` needs no Dagster instance and no services: PDFs in, JSONL course records out.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ocr_pipeline.catalog.confidence import DEFAULT_THRESHOLD
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.catalog.synthetic import LAYOUTS, generate_catalog
from ocr_pipeline.errors import OcrPipelineError
from ocr_pipeline.extract import DEFAULT_DPI, CatalogResult, extract_catalog

logger = logging.getLogger(__name__)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


@click.group()
@click.option("--log-level", default="WARNING", envvar="LOG_LEVEL", show_default=True,
              help="Python logging level.")
def main(log_level: str) -> None:
    """Course-catalog PDFs to trusted course records."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for <name>.pdf and <name>.truth.jsonl.")
@click.option("--name", default="catalog", show_default=True, help="File name stem.")
@click.option("--layout", type=click.Choice(sorted(LAYOUTS)), default="two_column",
              show_default=True)
@click.option("--courses", type=click.IntRange(1, 100_000), default=60, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--scanned", is_flag=True, help="Image-only pages that look scanned.")
@click.option("--corpus", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CSV (number,title,credits,description) to take course text from.")
def generate(out_dir: Path, name: str, layout: str, courses: int, seed: int, scanned: bool,
             corpus: Path | None) -> None:
    """Write a synthetic catalog PDF whose every course is known exactly (for tests, benchmarks)."""
    try:
        made = generate_catalog(out_dir=out_dir, name=name, layout=layout, courses=courses,
                                seed=seed, scanned=scanned, corpus=corpus)
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{made.pdf}: {len(made.records)} courses on {made.pages} pages")
    click.echo(f"{made.truth}: truth")


@main.command()
@click.option("--home", type=click.Path(path_type=Path, file_okay=False),
              default=lambda: os.environ.get("OCR_PIPELINE_HOME", ".ocr_pipeline"),
              show_default="$OCR_PIPELINE_HOME or ./.ocr_pipeline",
              help="Folder for the samples and the records.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="OCR processes (default: one per core).")
def demo(home: Path, workers: int | None) -> None:
    """Make sample catalogs (born-digital and scanned) and extract their course records."""
    landing = home / "landing"
    samples = [
        generate_catalog(out_dir=landing, name="sample-born-digital", layout="two_column",
                         courses=40, seed=1),
        generate_catalog(out_dir=landing, name="sample-scanned", layout="caps_two_column",
                         courses=12, seed=2, scanned=True),
    ]
    out = home / "records.jsonl"
    click.echo(f"sample catalogs in {landing}; extracting ...", err=True)
    records: list[CourseRecord] = []
    with out.open("w", encoding="utf-8") as sink:
        for sample in samples:
            result = extract_catalog(sample.pdf, workers=workers)
            records += result.records
            sink.writelines(json.dumps(r.to_dict(), ensure_ascii=False) + "\n"
                            for r in result.records)
            _err.print(f"{sample.pdf.name}: {len(result.pages)} pages "
                       f"({', '.join(f'{n} {m}' for m, n in result.methods.items())}), "
                       f"{len(result.records)} records in {result.seconds:.1f} s")
    Console(width=max(Console().width, 120)).print(_records_table(records))
    accepted = sum(r.status == "auto_accepted" for r in records)
    click.echo(f"{accepted} of {len(records)} records auto-accepted (confidence >= "
               f"{DEFAULT_THRESHOLD}), {len(records) - accepted} wait for review; all in {out}")


def _records_table(records: list[CourseRecord]) -> Table:
    table = Table(title="Extracted course records")
    for name in ("code", "title", "credits", "page", "method", "confidence", "status"):
        table.add_column(name, no_wrap=name != "title")
    for r in records:
        table.add_row(r.course_code, r.title, r.credits_text or "", str(r.page), r.method,
                      f"{r.confidence:.2f}", r.status)
    return table


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path, allow_dash=True), default="-",
              show_default=True, help="JSONL file for the records ('-' for standard output).")
@click.option("--engine", type=click.Choice(["auto", "text_layer", "tesseract"]), default="auto",
              show_default=True, help="auto: text layer where it is good, Tesseract elsewhere.")
@click.option("--dpi", type=click.IntRange(50, 600), default=DEFAULT_DPI, show_default=True,
              help="Render resolution for OCR.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="OCR processes (default: one per core).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=DEFAULT_THRESHOLD,
              show_default=True, help="Confidence at or above which records are auto-accepted.")
def extract(files: tuple[Path, ...], out: Path, engine: str, dpi: int, workers: int | None,
            threshold: float) -> None:
    """Extract course records from catalog PDFs into JSONL, one record per line."""
    started = time.perf_counter()
    results: list[CatalogResult] = []
    failures = 0
    with ExitStack() as stack:
        sink: IO[str] = sys.stdout if str(out) == "-" else stack.enter_context(
            out.open("w", encoding="utf-8")
        )
        progress = stack.enter_context(_progress())
        for path in files:
            task = progress.add_task(path.name, total=_pages_or_none(path))
            try:
                result = extract_catalog(
                    path, engine=engine, dpi=dpi, workers=workers,  # type: ignore[arg-type]
                    threshold=threshold, progress=lambda n, t=task: progress.advance(t, n),
                )
            except OcrPipelineError as exc:
                failures += 1
                progress.console.print(f"[red]error[/red]: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
                failures += 1
                logger.debug("unexpected failure on %s", path, exc_info=True)
                progress.console.print(f"[red]error[/red]: {path.name}: unexpected {type(exc).__name__}: {exc}")
                continue
            finally:
                progress.remove_task(task)
            for record in result.records:
                sink.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            sink.flush()
            results.append(result)
    _err.print(_summary(results, failures=failures, seconds=time.perf_counter() - started))
    if failures:
        sys.exit(1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,
    )


def _pages_or_none(path: Path) -> int | None:
    try:
        with CatalogPdf(path) as pdf:
            return pdf.page_count
    except OcrPipelineError:
        return None  # extract_catalog reports the reason


def _summary(results: list[CatalogResult], *, failures: int, seconds: float) -> str:
    pages = sum(len(r.pages) for r in results)
    methods: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for result in results:
        methods.update(result.methods)
        statuses.update(record.status for record in result.records)
    records = sum(statuses.values())
    mix = ", ".join(f"{count} {name}" for name, count in methods.most_common()) or "none"
    failed = f", {failures} failed" if failures else ""
    return (
        f"{len(results)} file(s){failed}: {pages} pages ({mix}), {records} records "
        f"({statuses['auto_accepted']} auto-accepted, {statuses['pending_review']} for review), "
        f"{seconds:.1f} s"
    )
