"""Dagster overhead: a born-digital catalog through the whole graph vs. `ocr-pipeline extract`.

Target (issue 3): the graph in under 2x the time of extract on the same file. Both are timed
as a user runs them (a fresh process each, imports included), best of ``--repeat`` runs, and
the graph's run alone (inside the process) is reported too.

    python benchmarks/dagster_overhead.py [--pages 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ocr_pipeline.catalog.synthetic import generate_catalog

GRAPH = """
import json, sys, time
from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.local import run_catalog, scan_landing
import dagster as dg
settings = Settings.from_env()
defs = build_defs(settings)
with dg.DagsterInstance.ephemeral() as instance:
    [key] = scan_landing(defs, instance)
    started = time.perf_counter()
    result = run_catalog(defs, instance, key, log_level="ERROR")
    print(json.dumps({"run_seconds": time.perf_counter() - started, "ok": result.success}))
"""


def timed(command: list[str], *, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    extract_times, graph_times, run_times = [], [], []
    with tempfile.TemporaryDirectory(prefix="ocr-dagster-") as tmp:
        work = Path(tmp)
        made = generate_catalog(out_dir=work / "src", name="catalog", layout="two_column",
                                courses=args.pages * 16, seed=9)
        for attempt in range(args.repeat):
            seconds, _ = timed([sys.executable, "-m", "ocr_pipeline", "extract", str(made.pdf),
                                "--out", str(work / "records.jsonl")], env=dict(os.environ))
            extract_times.append(seconds)
            home = work / f"home{attempt}"
            (home / "landing").mkdir(parents=True)
            (home / "landing" / "catalog.pdf").write_bytes(made.pdf.read_bytes())
            env = {**os.environ, "OCR_PIPELINE_HOME": str(home)}
            seconds, out = timed([sys.executable, "-c", GRAPH], env=env)
            report = json.loads(out.strip().splitlines()[-1])
            assert report["ok"], "the graph run failed"
            graph_times.append(seconds)
            run_times.append(report["run_seconds"])
    rows = [
        ("ocr-pipeline extract (process)", min(extract_times)),
        ("whole graph (process: imports, sensor, run)", min(graph_times)),
        ("whole graph (the run alone)", min(run_times)),
    ]
    print(f"{made.pages}-page born-digital catalog, best of {args.repeat}\n")
    print(f"{'case':<45} {'seconds':>8} {'x extract':>10}")
    print(f"{'-' * 45} {'-' * 8} {'-' * 10}")
    for name, seconds in rows:
        print(f"{name:<45} {seconds:>8.2f} {seconds / rows[0][1]:>10.2f}")
    print("\ntarget: whole graph under 2x extract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
