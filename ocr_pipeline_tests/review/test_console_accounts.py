"""Reviewer accounts from the command line: ``ocr-pipeline review-console add-reviewer`` prints
a link that signs in once; the plain command still serves the console."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ocr_pipeline.cli import main
from ocr_pipeline.config import LOCAL_FLOW_ARNS, Settings
from ocr_pipeline.review.a2i import a2i_client
from ocr_pipeline.review.console.sessions import COOKIE
from ocr_pipeline.review.contract import TaskInput
from ocr_pipeline.review.credentials import console_credentials
from ocr_pipeline_tests.defs.conftest import free_port
from ocr_pipeline_tests.review.console_support import served_console, token_of


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """The console of a fresh home on a free port; its URL and settings."""
    with served_console(tmp_path) as found:
        yield found


def command(url: str, *args: str) -> tuple[int, str]:
    """``ocr-pipeline review-console --port <url's port> ARGS``: exit code and output."""
    port = url.rsplit(":", 1)[1]
    result = CliRunner().invoke(main, ["review-console", "--port", port, *args])
    return result.exit_code, result.output.strip()


def start_expert_task(url: str, settings: Settings) -> None:
    task = TaskInput(record_id="r", catalog_id="c", page=1, image_uri="file:///crop.png",
                     fields={"title": "T"}, role="expert")
    a2i_client(endpoint_url=url, region="us-east-1",
               credentials=console_credentials(settings)).start_human_loop(
        HumanLoopName="expert-task", FlowDefinitionArn=LOCAL_FLOW_ARNS["expert"],
        HumanLoopInput={"InputContent": json.dumps(task.to_dict())})


def test_add_reviewer_prints_a_link_that_signs_in_once(served: tuple[str, Settings]) -> None:
    url, settings = served
    code, link = command(url, "add-reviewer", "Dana")
    assert code == 0 and link.startswith(f"{url}/sign-in?token=")
    with httpx.Client() as browser:
        page = browser.get(link)
        assert page.status_code == 200 and f'value="{token_of(link)}"' in page.text
        response = browser.post(f"{url}/sign-in", data={"token": token_of(link)})
        assert response.status_code == 303 and response.headers["location"] == "/tasks"
        assert browser.get(f"{url}/api/tasks").json() == {"reviewer": "dana", "tasks": []}
    with httpx.Client() as someone_else:
        response = someone_else.post(f"{url}/sign-in", data={"token": token_of(link)})
        assert response.status_code == 403 and "used already" in response.text
        assert COOKIE not in response.cookies
        assert someone_else.get(f"{url}/api/tasks").status_code == 401
    with sqlite3.connect(settings.review_db_path) as db:  # only hashes of tokens are kept
        assert token_of(link) not in settings.review_db_path.read_text(errors="replace")
        assert db.execute("SELECT count(*) FROM sign_in_links").fetchone() == (0,)

    assert command(url, "add-reviewer", "dana") == (1, "Error: reviewer 'dana' exists already")
    code, again = command(url, "sign-in-link", "DANA")
    assert code == 0 and again != link
    with httpx.Client() as browser:
        assert browser.post(f"{url}/sign-in", data={"token": token_of(again)}).status_code == 303
    code, output = command(url, "sign-in-link", "nobody")
    assert code == 1 and "there is no reviewer 'nobody'" in output
    code, output = command(url, "add-reviewer", "<b>")
    assert code == 1 and "invalid reviewer name" in output


def test_the_expert_role_is_the_accounts(served: tuple[str, Settings]) -> None:
    url, settings = served
    start_expert_task(url, settings)
    queues = {}
    for name, flags in (("fay", ["--expert"]), ("gus", [])):
        _, link = command(url, "add-reviewer", name, *flags)
        with httpx.Client() as browser:
            browser.post(f"{url}/sign-in", data={"token": token_of(link)})
            queues[name] = [task["name"] for task in browser.get(f"{url}/api/tasks").json()
                            ["tasks"]]
    assert queues == {"fay": ["expert-task"], "gus": []}


def test_an_expired_link_signs_no_one_in(served: tuple[str, Settings]) -> None:
    url, settings = served
    _, link = command(url, "add-reviewer", "hal")
    with sqlite3.connect(settings.review_db_path) as db:
        db.execute("UPDATE sign_in_links SET expires_time = ?", (time.time() - 1,))
    with httpx.Client() as browser:
        assert browser.post(f"{url}/sign-in", data={"token": token_of(link)}).status_code == 403


def test_review_console_without_a_command_still_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "OCR_PIPELINE_HOME": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "ocr_pipeline", "review-console",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/sign-in")
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr
                time.sleep(0.2)
        assert page.status_code == 200 and "add-reviewer" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/human-loops/x").status_code == 403
    finally:
        server.terminate()
        server.communicate(timeout=30)
