"""The ``ocr-pipeline extract`` command, run as a user runs it: a real process."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pymupdf
import pytest
from dagster._core.storage.tags import PARTITION_NAME_TAG, RUN_KEY_TAG, SENSOR_NAME_TAG

from ocr_pipeline_tests.pdfs import Text, make_pdf


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocr_pipeline", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def catalog_page() -> list[Text]:
    texts = []
    y = 80.0
    for number, title in [(101, "Introduction to Logic"), (102, "Ethics"), (210, "Philosophy of Mind")]:
        texts += [Text(72, y, f"PHIL {number} {title} (3)", font="hebo"),
                  Text(81, y + 12, "Reasoning, arguments and their evaluation in everyday life.")]
        y += 40
    return texts


def test_extract_batch_with_good_and_bad_files(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [catalog_page()])
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (tmp_path / "notes.pdf").write_text("just some text")
    no_courses = make_pdf(tmp_path / "prose.pdf", [[Text(72, 80 + 14 * i, "Welcome to campus life.")
                                                   for i in range(5)]])
    out = tmp_path / "records.jsonl"
    result = run_cli("extract", "broken.pdf", str(good), "notes.pdf", no_courses.name, "--out", str(out),
                     cwd=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert errors == [
        "error: broken.pdf: corrupt or truncated PDF: truncated: no end-of-file marker",
        "error: notes.pdf: not a PDF file: no %PDF header",
        "error: prose.pdf: no course entries found: 1 page(s) read, none has a course heading",
    ]
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["course_code"] for r in records] == ["PHIL 101", "PHIL 102", "PHIL 210"]
    assert records[0]["title"] == "Introduction to Logic"
    assert records[0]["method"] == "text_layer"
    # three entries show no template of their own: every record goes to a person
    assert records[0]["status"] == "pending_review"
    assert records[0]["confidence_factors"]["few_entries"] < 1
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("1 file(s), 3 failed: 1 pages (1 text_layer), 3 records")


def test_extract_goes_on_past_files_it_cannot_read(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [catalog_page()])
    (tmp_path / "loop.pdf").symlink_to(tmp_path / "loop.pdf")  # unreadable: a link to itself
    (tmp_path / "folder.pdf").mkdir()
    out = tmp_path / "records.jsonl"

    result = run_cli("extract", "loop.pdf", "folder.pdf", "gone.pdf", str(good), "--out",
                     str(out), cwd=tmp_path)

    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error")] == [
        "error: loop.pdf: cannot be read: Too many levels of symbolic links",
        "error: folder.pdf: not a PDF file: not a regular file",
        "error: gone.pdf: not a PDF file: no such file",
    ]
    assert len(out.read_text().splitlines()) == 3


def test_extract_success_exit_code_and_stdout(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [catalog_page()])
    result = run_cli("extract", str(good), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    record = json.loads(lines[2])
    assert record["course_code"] == "PHIL 210"
    assert record["credits_min"] == record["credits_max"] == 3
    assert 0.0 <= record["confidence"] <= 1.0


def test_usage_error_is_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli("extract", "x.pdf", "--engine", "magic", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "magic" in result.stderr


def test_generate_writes_catalog_and_truth(tmp_path: Path) -> None:
    result = run_cli("generate", "--out", str(tmp_path), "--name", "demo", "--layout",
                     "caps_two_column", "--courses", "8", "--seed", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "8 courses" in result.stdout
    truth = [json.loads(line) for line in (tmp_path / "demo.truth.jsonl").read_text().splitlines()]
    assert len(truth) == 8 and all(t["course_code"] for t in truth)
    bad = run_cli("generate", "--out", str(tmp_path), "--courses", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_demo_then_query(tmp_path: Path) -> None:
    home = tmp_path / "home"
    demo = run_cli("demo", "--home", str(home), "--no-serve", "--port", str(free_port()),
                   cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    # the instance has its dagster.yaml (no warning), and its runs are the landing sensor's
    assert "dagster.yaml" not in demo.stderr
    assert (home / "dagster" / "dagster.yaml").is_file()
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_runs()
    assert len(runs) == 3
    for run in runs:
        assert run.tags[SENSOR_NAME_TAG] == "landing_sensor"
        assert run.tags[RUN_KEY_TAG] == run.tags[PARTITION_NAME_TAG]
    assert "validated_courses by catalog" in demo.stdout and "dagster dev" in demo.stdout
    assert (home / "dagster").is_dir() and (home / "warehouse.duckdb").is_file()
    env_home = {"OCR_PIPELINE_HOME": str(home)}
    sql = "SELECT catalog_id, count(*) AS n FROM validated_courses GROUP BY 1 ORDER BY 1"
    as_json = run_query(sql, "--format", "json", cwd=tmp_path, env=env_home)
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["n"] for r in rows][0] == 40  # the born-digital sample: every course accepted
    assert len(rows) == 3
    as_csv = run_query(sql, "--format", "csv", cwd=tmp_path, env=env_home)
    assert as_csv.stdout.splitlines()[0] == "catalog_id,n"
    again = run_cli("demo", "--home", str(home), "--no-serve", "--port", str(free_port()),
                    cwd=tmp_path)
    assert again.returncode == 0 and "landing sensor: 0 new catalog(s)" in again.stderr
    assert len(run_query(sql, "--format", "json", cwd=tmp_path, env=env_home).stdout.splitlines()) == 3
    bad = run_query("SELECT nope FROM validated_courses", cwd=tmp_path, env=env_home)
    assert bad.returncode == 1 and "query failed" in bad.stderr and "Traceback" not in bad.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_query(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "ocr_pipeline", "query", *args], cwd=cwd,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def test_scan_command_makes_an_image_only_copy_of_chosen_pages(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "catalog.pdf", [catalog_page(), catalog_page()])
    result = run_cli("scan", str(source), "--out", "scan.pdf", "--pages", "2", "--preset",
                     "clean", "--rotate", "180", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "300 dpi, clean, turned 180" in result.stdout
    with pymupdf.open(tmp_path / "scan.pdf") as doc:
        assert doc.page_count == 1
        assert doc[0].get_text().strip() == ""
    bad = run_cli("scan", str(source), "--out", "x.pdf", "--pages", "3-1", cwd=tmp_path)
    assert bad.returncode == 2
    assert "is not a page range like 5-9" in bad.stderr


@pytest.mark.parametrize("command", [["demo", "--no-serve"], ["serve"], ["review-console"]])
def test_a_busy_port_is_one_line_naming_the_option(tmp_path: Path, command: list[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "ocr_pipeline", *command, "--port", str(port)], cwd=tmp_path,
            env={**os.environ, "OCR_PIPELINE_HOME": str(tmp_path / "home"), "OCR_API_KEYS": "k"},
            capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use): another program "
        "has the port; choose another with --port"]
    assert not (tmp_path / "home" / "landing").exists()  # refused before any work
