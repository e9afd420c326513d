"""Reviewers in a real headless Chromium: the one-time link signs in, the task is answered
through the page, the same link does not sign a second browser in, a forged cookie is no one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from ocr_pipeline.config import LOCAL_FLOW_ARNS, Settings
from ocr_pipeline.local import review_console
from ocr_pipeline.review.a2i import a2i_client
from ocr_pipeline.review.console import sign_in_url
from ocr_pipeline.review.console.sessions import COOKIE
from ocr_pipeline.review.contract import TaskInput
from ocr_pipeline.review.credentials import console_credentials
from ocr_pipeline_tests.browser import chromium, submit_and_wait
from ocr_pipeline_tests.defs.conftest import free_port
from ocr_pipeline_tests.review.console_support import sign_in_token

FIELDS = {"course_code": "PHIL 101", "title": "Logic", "credits_text": "3",
          "description": "Arguments."}


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path / "chrome") as driver:
        yield driver


def test_a_reviewer_signs_in_once_with_the_link_and_answers(
    browser: webdriver.Chrome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCR_PIPELINE_HOME", str(tmp_path / "home"))
    settings, port = Settings.from_env(), free_port()
    base = f"http://127.0.0.1:{port}"
    with review_console(settings, port=port):
        task = TaskInput(record_id="r1", catalog_id="cat", page=1,
                         image_uri="file:///crop.png", fields=FIELDS)
        a2i_client(endpoint_url=base, region="us-east-1",
                   credentials=console_credentials(settings)).start_human_loop(
            HumanLoopName="browser-task", FlowDefinitionArn=LOCAL_FLOW_ARNS["round1"],
            HumanLoopInput={"InputContent": json.dumps(task.to_dict())})
        link = sign_in_url(base, sign_in_token(settings.review_db_path, "alice"))

        browser.get(f"{base}/tasks")  # forged: a cookie naming someone, unsigned
        browser.add_cookie({"name": COOKIE, "value": "alice", "path": "/"})
        browser.get(f"{base}/tasks")
        assert browser.current_url == f"{base}/sign-in"

        browser.get(link)
        submit_and_wait(browser, "#sign-in")
        assert browser.current_url == f"{base}/tasks"
        assert "Signed in as alice" in browser.find_element(By.TAG_NAME, "header").text
        browser.get(f"{base}/tasks/next")
        assert browser.find_element(By.ID, "title").get_attribute("value") == "Logic"
        submit_and_wait(browser, "form[action^='/tasks/'] button")
        assert "Your answer was saved" in browser.page_source

        browser.delete_all_cookies()  # another browser, the same link
        browser.get(link)
        submit_and_wait(browser, "#sign-in")
        assert "does not work" in browser.find_element(By.CLASS_NAME, "error").text
        browser.get(f"{base}/tasks")
        assert browser.current_url == f"{base}/sign-in"
