"""Human review end to end: low-confidence records -> loops -> reviewers answer in a real
headless Chromium -> review sensor -> consensus -> validated_courses with evidence."""

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from ocr_pipeline.review.console import ReviewDatabase, ReviewerAccounts, sign_in_url
from ocr_pipeline_tests.browser import chromium, submit_and_wait
from ocr_pipeline_tests.defs.conftest import Location
from ocr_pipeline_tests.pdfs import Text, make_pdf

XSS_TITLE = "Logic <script>alert(1)</script>"


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    with chromium(tmp_path / "chrome") as driver:
        yield driver


def plain_catalog(path: Path) -> Path:
    """Headings in body type (no bold, caps or indent): parsed, but under the threshold."""
    entries = [("PHIL 101", XSS_TITLE), ("PHIL 102", "Ethics"), ("PHIL 210", "Mind")]
    texts = []
    for i, (code, title) in enumerate(entries):
        texts.append(Text(72, 90 + 44 * i, f"{code} {title} (3)"))
        texts.append(Text(72, 103 + 44 * i, "Reasoning and arguments in everyday life."))
    return make_pdf(path, [texts])


def sign_in(driver: webdriver.Chrome, base: str, name: str, db_path: Path) -> None:
    """Sign in to ``name``'s account, made here, through its one-time link."""
    token = ReviewerAccounts(db=ReviewDatabase(path=db_path)).add(name, expert=False)
    driver.delete_all_cookies()
    driver.get(sign_in_url(base, token))
    submit_and_wait(driver, "#sign-in")


def answer_all(driver: webdriver.Chrome, base: str, *, not_courses: set[str]) -> list[str]:
    seen = []
    while True:
        driver.get(f"{base}/tasks/next")
        codes = driver.find_elements(By.ID, "course_code")
        if not codes:
            return seen
        code = codes[0].get_attribute("value")
        seen.append(code)
        if code == "PHIL 101":  # the title is shown as text, and nothing ran
            assert driver.find_element(By.ID, "title").get_attribute("value") == XSS_TITLE
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text
        if code in not_courses:
            driver.find_element(By.NAME, "not_a_course").click()
        submit_and_wait(driver, "form[action^='/tasks/'] button")


def test_reviewers_validate_records_through_the_web_page(location: Location, browser) -> None:  # type: ignore[no-untyped-def]
    plain_catalog(location.landing / "plain.pdf")
    [key] = location.sensor()
    first = location.run(key)
    started = first.asset_materializations_for_node("review_requests")[0].metadata
    assert started["loops_started"].value == 3
    base = location.settings.review_endpoint
    for reviewer in ("alice", "bob", "carol"):
        sign_in(browser, base, reviewer, location.settings.review_db_path)
        assert sorted(answer_all(browser, base, not_courses={"PHIL 210"})) == [
            "PHIL 101", "PHIL 102", "PHIL 210"]
    sign_in(browser, base, "dave", location.settings.review_db_path)
    assert answer_all(browser, base, not_courses=set()) == []  # every loop has its 3 workers

    sensor = location.defs.resolve_sensor_def("review_sensor")
    result = sensor(dg.build_sensor_context(instance=location.instance,
                                            resources=location.defs.resources))
    assert [r.partition_key for r in result.run_requests] == [key]
    collected = location.defs.resolve_job_def("collect_reviews").execute_in_process(
        instance=location.instance, partition_key=key)
    review = collected.asset_materializations_for_node("review_results")[0].metadata
    assert (review["validated"].value, review["rejected"].value) == (2, 1)
    assert review["answers_bought"].value == 9

    with duckdb.connect(str(location.settings.warehouse_path), read_only=True) as conn:
        rows = conn.execute("SELECT course_code, title, status, review FROM validated_courses "
                            "WHERE catalog_id = ? ORDER BY course_code", [key]).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("PHIL 101", XSS_TITLE, "validated"),
                                                ("PHIL 102", "Ethics", "validated")]
    evidence = json.loads(rows[0][3])
    assert evidence["answers_bought"] == 3
    assert sorted(evidence["workers"]) == ["alice", "bob", "carol"]
    assert location.defs.resources["registry"].get().get(key).status == "done"
