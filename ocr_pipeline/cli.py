"""``ocr-pipeline``: the command line of the pipeline.

``extract`` needs no Dagster instance and no services: PDFs in, JSONL course records out.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ocr_pipeline.catalog.confidence import DEFAULT_THRESHOLD
from ocr_pipeline.catalog.pdf import CatalogPdf
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
