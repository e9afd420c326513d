"""``ocr-pipeline``: the command line of the pipeline.

``extract`` needs no Dagster instance and no services: PDFs in, JSONL course records out.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import math
import os
import re
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
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.catalog.synthetic import LAYOUTS, PRESETS, generate_catalog, make_scanned
from ocr_pipeline.config import Settings
from ocr_pipeline.errors import OcrPipelineError
from ocr_pipeline.extract import (
    DEFAULT_DPI,
    ENGINE_CHOICES,
    CatalogResult,
    EngineOptions,
    extract_catalog,
)
from ocr_pipeline.storage.warehouse import DuckDBWarehouse

logger = logging.getLogger(__name__)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


@click.group()
@click.option("--log-level", default="WARNING", envvar="LOG_LEVEL", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
                                case_sensitive=False), help="Python logging level.")
@click.pass_context
def main(ctx: click.Context, log_level: str) -> None:
    """Course-catalog PDFs to trusted course records.

    Every command checks the pipeline's settings (the OCR service's, for serve) first: a wrong
    value is one line naming the variable and what it allows."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if ctx.invoked_subcommand != "serve":
        _settings()


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number from 0 to 1")
    return value


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
@click.argument("src", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", "dst", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The scanned-looking PDF to write.")
@click.option("--pages", default=None, help="Pages to scan, like 5-9 (default: all).")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="default",
              show_default=True, help="Degradation: light, clean (300 dpi), default (200 dpi, "
              "skew up to 1.5 degrees, noise, show-through), rough (150 dpi, worn).")
@click.option("--dpi", type=click.IntRange(36, 1200), default=None,
              help="Resolution (default: the preset's).")
@click.option("--rotate", type=click.Choice(["0", "90", "180", "270"]), default="0",
              show_default=True, help="Turn whole pages clockwise, as a page fed turned.")
@click.option("--seed", type=int, default=0, show_default=True)
def scan(src: Path, dst: Path, pages: str | None, preset: str, dpi: int | None, rotate: str,
         seed: int) -> None:
    """Make an image-only, scanned-looking copy of a PDF's pages (the scan benchmark's input:
    the born-digital records of the same pages are its truth)."""
    spec = dataclasses.replace(PRESETS[preset], rotate=int(rotate),
                               dpi=dpi or PRESETS[preset].dpi)
    try:
        made = make_scanned(src=src, dst=dst, degradation=spec, seed=seed,
                            pages=_page_range(pages) if pages else None)
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{made}: {spec.dpi} dpi, {preset}" + (f", turned {rotate}" if spec.rotate else ""))


def _page_range(spec: str) -> list[int]:
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", spec)
    if m is None or int(m.group(2) or m.group(1)) < int(m.group(1)) or int(m.group(1)) < 1:
        raise click.BadParameter(f"{spec!r} is not a page range like 5-9", param_hint="--pages")
    return list(range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))


@main.command()
@click.option("--home", type=click.Path(path_type=Path, file_okay=False),
              default=lambda: os.environ.get("OCR_PIPELINE_HOME", ".ocr_pipeline"),
              show_default="$OCR_PIPELINE_HOME or ./.ocr_pipeline",
              help="Home folder: landing/, objects/, warehouse.duckdb, dagster/.")
@click.option("--port", type=click.IntRange(1, 65535), default=8089, show_default=True,
              help="Port of the review console (on 127.0.0.1).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Keep the review console running after the runs, until Ctrl-C.")
def demo(home: Path, port: int, serve: bool) -> None:
    """Land sample catalogs, run the whole Dagster graph on a local instance, and serve the
    review console for the records that need people."""
    # Dagster loads here only: `extract` and `query` start without it.
    import dagster as dg

    from ocr_pipeline.definitions import build_defs
    from ocr_pipeline.local import instance_home, landing_requests, review_console, run_catalog
    from ocr_pipeline.serving import check_port

    try:
        check_port(host="127.0.0.1", port=port)  # before any work: the console needs it
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    os.environ["OCR_PIPELINE_HOME"] = str(home.resolve())
    os.environ["OCR_REVIEW_ENDPOINT"] = f"http://127.0.0.1:{port}"
    settings = Settings.from_env()
    os.environ["DAGSTER_HOME"] = str(instance_home(settings.dagster_home))
    for name, layout, courses, scanned in DEMO_SAMPLES:
        if (settings.landing / f"{name}.pdf").exists():  # a second demo re-uses its samples
            continue
        generate_catalog(out_dir=settings.landing, name=name, layout=layout, courses=courses,
                         seed=len(name), scanned=scanned,
                         scan_dpi=DEMO_SCAN_DPI).truth.unlink()
    _err.print(f"sample catalogs in {settings.landing}")
    defs = build_defs(settings)
    with review_console(settings, port=port), dg.DagsterInstance.get() as instance:
        requests = landing_requests(defs, instance)
        _err.print(f"landing sensor: {len(requests)} new catalog(s)")
        for request in requests:
            key = str(request.partition_key)
            result = run_catalog(defs, instance, key, log_level="ERROR", tags=request.tags)
            _err.print(f"{key}: run {result.run_id[:8]} {'succeeded' if result.success else 'failed'}")
        warehouse = DuckDBWarehouse(path=settings.warehouse_path)
        columns, rows = warehouse.query(DEMO_SUMMARY)
        _print_table("validated_courses by catalog", columns, rows)
        waiting = warehouse.query(WAITING_FOR_REVIEW)[1][0][0]
        home_env = f"OCR_PIPELINE_HOME={settings.home}"
        click.echo(
            f"\nOpen the UI:  DAGSTER_HOME={settings.dagster_home} {home_env} "
            f"OCR_REVIEW_ENDPOINT={settings.review_endpoint} "
            f".venv/bin/dagster dev -w workspace.yaml\nQuery:        {home_env} "
            ".venv/bin/ocr-pipeline query \"SELECT course_code, title FROM validated_courses "
            "LIMIT 10\"")
        console = f"{home_env} .venv/bin/ocr-pipeline review-console --port {port}"
        click.echo(f"\n{waiting} record(s) wait for review. A reviewer's sign-in link:\n"
                   f"  {console} add-reviewer NAME")
        if serve:
            click.echo(f"Review console: {settings.review_endpoint}/ (Ctrl-C to stop)")
            _wait_for_interrupt()
        else:
            click.echo(f"Serve the review console:\n  {console}")


def _wait_for_interrupt() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@main.group("review-console", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; the console speaks plain HTTP, keep it on loopback.")
@click.option("--port", type=click.IntRange(1, 65535), default=8089, show_default=True)
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeatable); loopback names and "
                   "--host are always allowed, any other Host header is refused.")
@click.pass_context
def review_console_command(ctx: click.Context, host: str, port: int,
                           allow_hosts: tuple[str, ...]) -> None:
    """Serve the local review console: the A2I runtime API (signed with the key pair of
    OCR_REVIEW_ACCESS_KEY_ID/OCR_REVIEW_SECRET_ACCESS_KEY, else <home>/review-credentials.json)
    and the reviewers' web page. Its commands manage reviewer accounts (their sign-in links
    point at --host and --port)."""
    from ocr_pipeline.review.console import serve

    ctx.obj = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    if ctx.invoked_subcommand is None:
        try:
            serve(host=host, port=port, settings=Settings.from_env(), allowed_hosts=allow_hosts)
        except OcrPipelineError as exc:
            raise click.ClickException(str(exc)) from exc


@review_console_command.command("add-reviewer")
@click.argument("name")
@click.option("--expert", is_flag=True, help="The account may take expert (tier-2) tasks.")
@click.pass_obj
def add_reviewer(console_url: str, name: str, expert: bool) -> None:
    """Make a reviewer account and print its one-time sign-in link."""
    _print_sign_in_link(console_url, name, new_account=True, expert=expert)


@review_console_command.command("sign-in-link")
@click.argument("name")
@click.pass_obj
def sign_in_link(console_url: str, name: str) -> None:
    """Print a new one-time sign-in link for an existing reviewer account."""
    _print_sign_in_link(console_url, name, new_account=False)


def _print_sign_in_link(console_url: str, name: str, *, new_account: bool,
                        expert: bool = False) -> None:
    from ocr_pipeline.review.console import ReviewDatabase, ReviewerAccounts, sign_in_url

    try:
        accounts = ReviewerAccounts(db=ReviewDatabase(path=Settings.from_env().review_db_path))
        token = accounts.add(name, expert=expert) if new_account else accounts.new_link(name)
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(sign_in_url(console_url, token))


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (0.0.0.0 inside a container).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve_command(host: str, port: int) -> None:
    """Serve the OCR service (engine from OCR_ENGINE: tesseract on the CPU, deepseek on a GPU)."""
    from ocr_pipeline.server import serve

    try:
        serve(host=host, port=port)
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("aws-bootstrap")
def aws_bootstrap() -> None:
    """Create the buckets, DynamoDB tables and Glue database named by the OCR_* settings, for a
    local AWS endpoint (AWS_ENDPOINT_URL) or a scratch account; the CDK stack does this in
    production. What exists is left alone."""
    from ocr_pipeline.bootstrap import bootstrap

    made = bootstrap(Settings.from_env({**os.environ, "OCR_PIPELINE_ENV": "aws"}))
    click.echo("\n".join(f"created {name}" for name in made) or "everything exists already")


DEMO_SAMPLES = [
    ("sample-born-digital", "two_column", 40, False),
    ("sample-three-column", "three_column", 60, False),
    ("sample-scanned", "caps_two_column", 12, True),
]
DEMO_SCAN_DPI = 150
"""A coarse scan, so that the demo has uncertain records to review."""
WAITING_FOR_REVIEW = "SELECT count(*) FROM course_candidates WHERE status = 'pending_review'"
DEMO_SUMMARY = """
    SELECT catalog_id, count(*) AS courses, min(confidence) AS min_confidence,
           string_agg(DISTINCT method, ', ') AS methods
    FROM validated_courses GROUP BY catalog_id ORDER BY catalog_id
"""


@main.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--athena", is_flag=True,
              help="aws: run the SQL on Amazon Athena over the Glue tables instead of DuckDB.")
def query(sql: str, fmt: str, athena: bool) -> None:
    """Run SQL on the warehouse (course_candidates, validated_courses) and print the result:
    the local DuckDB file, or with OCR_PIPELINE_ENV=aws the Parquet tables on S3."""
    from ocr_pipeline.definitions import athena_for, warehouse_for  # per environment

    try:
        settings = Settings.from_env()
        columns, rows = (athena_for(settings) if athena else warehouse_for(settings)).query(sql)
    except OcrPipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        for row in rows:
            click.echo(json.dumps(dict(zip(columns, row, strict=True)), default=str,
                                  ensure_ascii=False))
    else:
        _print_table(None, columns, rows)


def _print_table(title: str | None, columns: list[str], rows: list[tuple]) -> None:  # type: ignore[type-arg]
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(width=max(Console().width, 120)).print(table)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path, allow_dash=True), default="-",
              show_default=True, help="JSONL file for the records ('-' for standard output).")
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="auto", show_default=True,
              help="auto: text layer where it is good, Tesseract elsewhere; text_layer: every "
                   "page from its text layer; tesseract, deepseek (MODEL_PATH) or remote "
                   "(OCR_SERVICE_URL, OCR_API_KEY): every page by that engine.")
@click.option("--dpi", type=click.IntRange(50, 600), default=None,
              help=f"Render resolution for OCR (default: OCR_DPI or {DEFAULT_DPI}).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Pages OCR reads at once (default: MAX_CONCURRENCY, or one per core).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None, callback=_finite,
              help="Confidence at or above which records are auto-accepted (default: "
                   f"CONFIDENCE_THRESHOLD or {DEFAULT_THRESHOLD}).")
@click.option("--profile", "profile_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write each catalog's learned profile (entry template, course pages, "
                   "explained lines) to this JSON file, keyed by file name.")
def extract(files: tuple[Path, ...], out: Path, engine: str, dpi: int | None,
            workers: int | None, threshold: float | None, profile_out: Path | None) -> None:
    """Extract course records from catalog PDFs into JSONL, one record per line."""
    settings = _settings()
    dpi = dpi or settings.dpi
    workers = workers or settings.ocr_workers
    threshold = settings.confidence_threshold if threshold is None else threshold
    engines = EngineOptions(model_path=settings.model_path, service_url=settings.ocr_service_url,
                            api_key=os.environ.get("OCR_API_KEY", ""))
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
                    engines=engines)
            except OcrPipelineError as exc:
                failures += 1
                progress.console.print(f"[red]error[/red]: {exc}")
                continue
            except Exception as exc:
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
    if profile_out is not None:
        _write_profiles(profile_out, results)
    _err.print(_summary(results, failures=failures, seconds=time.perf_counter() - started))
    if failures:
        sys.exit(1)


def _write_profiles(path: Path, results: list[CatalogResult]) -> None:
    """``{file name: profile}``; each profile carries its course pages and the count of
    code-led lines by how they were explained."""
    profiles = {result.path.name: result.reading.learned.to_dict() for result in results}
    path.write_text(json.dumps(profiles, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for result in results:
        profile = result.reading.learned
        _err.print(f"{result.path.name}: course pages {profile.pages_text()}; "
                   f"{profile.headings} headings, {profile.unexplained} unexplained")


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
