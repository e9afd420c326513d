"""A catalog's review through boto3 and the local console: rounds, escalation, decisions,
and loops that end without answers (failed, stopped, deleted, output lost) started again."""

import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dagster as dg
import httpx
import pytest

from ocr_pipeline import aws
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.config import Settings
from ocr_pipeline.defs.resources import ReviewResource
from ocr_pipeline.local import review_console
from ocr_pipeline.review.a2i import A2IReviews, a2i_client, loop_name
from ocr_pipeline.review.credentials import console_credentials
from ocr_pipeline.review.workflow import CatalogReview
from ocr_pipeline.stages import accepted_records, apply_review, review_decisions
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.defs.conftest import Location, free_port, make_location
from ocr_pipeline_tests.review.console_support import signed_in

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

FIELDS = {"course_code": "CS 101", "title": "Intro to Testing", "credits_text": "3",
          "description": "Unit tests.", "prerequisites": "CS 100", "corequisites": "CS 101L"}


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, A2IReviews]]:
    monkeypatch.setenv("OCR_PIPELINE_HOME", str(tmp_path))
    port = free_port()
    monkeypatch.setenv("OCR_REVIEW_ENDPOINT", f"http://127.0.0.1:{port}")
    settings = Settings.from_env()
    store = LocalObjectStore(root=settings.objects_root)
    resource = ReviewResource(endpoint_url=settings.review_endpoint,
                              round1_flow_arn=settings.flow_arns["round1"],
                              round2_flow_arn=settings.flow_arns["round2"],
                              expert_flow_arn=settings.flow_arns["expert"],
                              credentials_path=str(settings.review_credentials_path))
    with review_console(settings, port=port):
        yield settings, resource.reviews(store)


def record(record_id: str) -> CourseRecord:
    return CourseRecord(
        record_id=record_id, catalog_id="cat", source_uri="file:///x.pdf", source_sha256="0",
        page=1, bbox=(0, 0, 10, 10), subject="CS", number="101", course_code="CS 101",
        course_code_raw="CS 101", title="Intro to Testng", credits_text="3", credits_min=3.0,
        credits_max=3.0, description="Unit tests.", prerequisites="CS 100", method="tesseract",
        confidence=0.6, status="pending_review", extracted_at="2026-11-23T00:00:00+00:00",
        corequisites="CS 101L", cross_listed=["MATH 101"], attributes={"Terms Offered": "Fall"},
    )


def answer(settings: Settings, reviewer: str, loop: str, **fields: str) -> None:
    """``reviewer``'s answer, through the web page's API (an expert: erin)."""
    with httpx.Client(base_url=settings.review_endpoint) as http:
        signed_in(http, settings.review_db_path, reviewer)
        body = {"fields": {**FIELDS, **fields}}
        http.post(f"/api/tasks/{loop}/answer", json=body).raise_for_status()


def test_disputed_record_goes_to_round_two_then_the_expert(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    review = CatalogReview(catalog_id="cat", store=store, reviews=reviews)
    assert review.request([record("aa11")], crop=lambda r: "file:///crop.png") == 1
    assert review.request([record("aa11")], crop=lambda r: "file:///crop.png") == 0  # no duplicate
    round1 = loop_name(record_id="aa11", role="round1", attempt=0)
    answer(settings, "ann", round1)
    answer(settings, "ben", round1)
    answer(settings, "cal", round1, title="Intro to Tests")
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.waiting, summary.loops_started) == (0, 1, 1)  # round 2 started

    round2 = loop_name(record_id="aa11", role="round2", attempt=0)
    answer(settings, "dee", round2, title="Intro to Tests")
    answer(settings, "eve", round2, title="Intro to Testing Again")
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert summary.decided == 0 and summary.loops_started == 1  # 2 of 5 at best: the expert

    answer(settings, "erin", loop_name(record_id="aa11", role="expert", attempt=0))
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.validated, summary.answers_bought) == (1, 1, 6)
    decisions = review_decisions(catalog_id="cat", store=store)
    accepted, waiting = accepted_records([record("aa11")], decisions)
    assert waiting == 0
    assert accepted[0].title == "Intro to Testing" and accepted[0].status == "validated"
    assert accepted[0].review["answers_bought"] == 6
    # the decision is recomputed from the stored outputs alone
    outputs = list((settings.objects_root / "review" / "cat" / "outputs").glob("*.json"))
    assert len(outputs) == 3


def test_unanimous_round_one_needs_three_answers(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record("bb22"), replace(record("cc33"), status="auto_accepted")],
        crop=lambda r: "file:///crop.png")
    loop = loop_name(record_id="bb22", role="round1", attempt=0)
    for reviewer in ("ann", "ben", "cal"):
        answer(settings, reviewer, loop)
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.records, summary.validated, summary.answers_bought) == (1, 1, 3)
    assert summary.metadata()["fixed_scheme_answers"] == 5


def test_reviewers_fix_requisites_and_code(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record("dd44")], crop=lambda r: "file:///crop.png")
    task = store.get_json("review/cat/state.json")["dd44"]["task"]
    assert task["fields"] == {**FIELDS, "title": "Intro to Testng"}  # all prefilled
    loop = loop_name(record_id="dd44", role="round1", attempt=0)
    answer(settings, "ann", loop, course_code="cs-102",
           prerequisites="Prerequisite: CS 100 or CS 99.", corequisites="")
    answer(settings, "ben", loop, course_code="CS 102", prerequisites="CS 100 or CS 99",
           corequisites="")
    answer(settings, "cal", loop, course_code="CS102", prerequisites="CS 100  or CS 99",
           corequisites=" ")
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.validated, summary.answers_bought) == (1, 1, 3)

    accepted, waiting = accepted_records([record("dd44")],
                                         review_decisions(catalog_id="cat", store=store))
    assert waiting == 0
    fixed = accepted[0]
    assert (fixed.course_code, fixed.subject, fixed.number) == ("CS 102", "CS", "102")
    assert (fixed.prerequisites, fixed.corequisites) == ("CS 100 or CS 99", None)
    assert (fixed.record_id, fixed.course_code_raw, fixed.title) == (
        "dd44", "CS 101", "Intro to Testing")
    assert (fixed.cross_listed, fixed.attributes) == (["MATH 101"], {"Terms Offered": "Fall"})


def test_apply_review_keeps_what_reviewers_were_not_asked() -> None:
    """A decision from answers given before prerequisites and corequisites were reviewed."""
    old = {name: FIELDS[name] for name in ("course_code", "title", "credits_text", "description")}
    reviewed = apply_review(record("ee55"), {"status": "validated",
                                             "fields": {**old, "title": "Intro to Tests"}})
    assert (reviewed.title, reviewed.status) == ("Intro to Tests", "validated")
    assert (reviewed.prerequisites, reviewed.corequisites) == ("CS 100", "CS 101L")
    assert (reviewed.course_code, reviewed.subject, reviewed.number) == ("CS 101", "CS", "101")
    cleared = apply_review(record("ee55"), {"status": "validated", "fields": {
        **old, "course_code": "math  201a", "prerequisites": " ", "corequisites": "CS 101L."}})
    assert (cleared.course_code, cleared.subject, cleared.number) == ("MATH 201A", "MATH", "201A")
    assert (cleared.prerequisites, cleared.corequisites) == (None, "CS 101L")


def test_answers_of_reads_the_aws_task_template_and_the_console_shapes() -> None:
    """infra/ocr_infra/templates/review_task.liquid.html posts crowd-form names at the top
    level and the checkbox as {"on": bool}; the local console nests fields."""
    from ocr_pipeline.review.a2i import answers_of

    output = {"humanAnswers": [
        {"workerId": "w1", "answerContent": {**FIELDS, "not_a_course": {"on": False}}},
        {"workerId": "w2", "answerContent": {"course_code": "CS 101", "title": "Intro",
                                             "not_a_course": {"on": True}}},
        {"workerId": "w3", "answerContent": {"fields": FIELDS, "not_a_course": False}},
    ]}
    w1, w2, w3 = answers_of(output, role="round1")
    assert (w1.worker_id, w1.not_a_course, w1.fields) == ("w1", False, FIELDS)
    assert (w2.not_a_course, w2.fields) == (True, {"course_code": "CS 101", "title": "Intro"})
    assert (w3.not_a_course, w3.fields) == (False, FIELDS)


def test_a_worker_is_the_services_worker_id_never_a_name_in_the_answer() -> None:
    """Three answers that name three workers in their content, from one account and from
    none: one worker, whose answers consensus counts once."""
    from ocr_pipeline.review.a2i import answers_of
    from ocr_pipeline.review.consensus import decide

    output = {"humanAnswers": [
        {"workerId": "mallory", "answerContent": {"fields": FIELDS, "worker_id": "ann"}},
        {"workerId": "mallory", "answerContent": {"fields": FIELDS, "worker_id": "ben"}},
        {"answerContent": {"fields": FIELDS, "worker_id": "cal"}},
    ]}
    answers = answers_of(output, role="round1")
    assert [a.worker_id for a in answers] == ["mallory", "mallory"]
    decision = decide(answers)
    assert decision.status == "pending" and decision.workers == ("mallory",)


# -- loops that end without answers ---------------------------------------------------------


def a2i(settings: Settings) -> Any:
    """boto3's A2I client on the console, as an operator would use it."""
    return a2i_client(endpoint_url=settings.review_endpoint, region="us-east-1",
                      credentials=console_credentials(settings))


def console_output(settings: Settings, loop: str) -> Path:
    """The output file the console wrote for ``loop`` (its ``HumanLoopOutput``)."""
    described = a2i(settings).describe_human_loop(HumanLoopName=loop)
    return Path(unquote(urlsplit(described["HumanLoopOutput"]["OutputS3Uri"]).path))


def set_output_uri(settings: Settings, loop: str, uri: str | None) -> None:
    """The console reports ``uri`` as the loop's output (None: no ``HumanLoopOutput``)."""
    with sqlite3.connect(settings.review_db_path) as conn:
        conn.execute("UPDATE loops SET output_uri = ? WHERE name = ?", (uri, loop))
    conn.close()


def round1_answered(settings: Settings, store: LocalObjectStore, reviews: A2IReviews,
                    record_id: str, reviewers: tuple[str, ...] = ("ann", "ben", "cal")) -> str:
    """A record in review whose round-1 loop has its 3 unanimous answers; the loop's name."""
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record(record_id)], crop=lambda r: "file:///crop.png")
    loop = loop_name(record_id=record_id, role="round1", attempt=0)
    for reviewer in reviewers:
        answer(settings, reviewer, loop)
    return loop


def loops_in_console(settings: Settings) -> list[str]:
    client = a2i(settings)
    return sorted(summary["HumanLoopName"] for arn in settings.flow_arns.values()
                  for summary in client.list_human_loops(FlowDefinitionArn=arn)[
                      "HumanLoopSummaries"])


def test_a_completed_loop_whose_output_is_gone_is_started_again(  # type: ignore[no-untyped-def]
        setup, caplog: pytest.LogCaptureFixture) -> None:
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    lost = round1_answered(settings, store, reviews, "aa11")
    console_output(settings, lost).unlink()
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.review.workflow"):
        summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.loops_started, summary.failed_loops) == (0, 1, 1)
    again = loop_name(record_id="aa11", role="round1", attempt=1)
    assert CatalogReview(catalog_id="cat", store=store, reviews=reviews).open_loops() == [again]
    assert f"loop {lost} ended without answers: completed, but its output" in caplog.text

    for reviewer in ("dee", "eve", "fay"):  # the first three answered this record already
        answer(settings, reviewer, again)
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.validated, summary.loops_started, summary.answers_bought) == (1, 0, 3)


def test_a_completed_loop_without_an_output_uri_is_started_again(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    set_output_uri(settings, round1_answered(settings, store, reviews, "aa11"), None)
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.loops_started, summary.failed_loops) == (0, 1, 1)
    assert CatalogReview(catalog_id="cat", store=store, reviews=reviews).open_loops() == [
        loop_name(record_id="aa11", role="round1", attempt=1)]


def test_an_output_gone_from_s3_is_started_again(  # type: ignore[no-untyped-def]
        aws_env: str, unique_name: Callable[[str], str], setup) -> None:
    """The loop names an S3 output that is not there (NoSuchKey from boto3's S3 client)."""
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    bucket = unique_name("review")
    aws.client("s3").create_bucket(Bucket=bucket)
    loop = round1_answered(settings, store, reviews, "aa11")
    set_output_uri(settings, loop, f"s3://{bucket}/a2i-output/{loop}/output.json")
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.loops_started, summary.failed_loops) == (0, 1, 1)
    assert CatalogReview(catalog_id="cat", store=store, reviews=reviews).open_loops() == [
        loop_name(record_id="aa11", role="round1", attempt=1)]


def test_an_output_kept_before_it_was_lost_still_counts(setup) -> None:  # type: ignore[no-untyped-def]
    """A run that copied the output but died before saving its state: the copy is used."""
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    loop = round1_answered(settings, store, reviews, "aa11")
    state = store.get_json("review/cat/state.json")
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    store.put_json("review/cat/state.json", state)
    console_output(settings, loop).unlink()
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.validated, summary.loops_started, summary.failed_loops) == (1, 0, 0)


def test_a_stopped_round_two_is_started_again(  # type: ignore[no-untyped-def]
        setup, caplog: pytest.LogCaptureFixture) -> None:
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    round1 = round1_answered(settings, store, reviews, "aa11", reviewers=("ann", "ben"))
    answer(settings, "cal", round1, title="Intro to Tests")
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()  # round 2 started
    stopped = loop_name(record_id="aa11", role="round2", attempt=0)
    answer(settings, "dee", stopped)
    a2i(settings).stop_human_loop(HumanLoopName=stopped)
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.review.workflow"):
        summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.loops_started, summary.failed_loops) == (0, 1, 1)
    assert f"loop {stopped} ended without answers: stopped" in caplog.text

    again = loop_name(record_id="aa11", role="round2", attempt=1)
    answer(settings, "eve", again)
    answer(settings, "fay", again)
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.validated, summary.loops_started, summary.answers_bought) == (1, 0, 5)


def test_a_deleted_loop_is_started_again(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record("aa11")], crop=lambda r: "file:///crop.png")
    deleted = loop_name(record_id="aa11", role="round1", attempt=0)
    a2i(settings).stop_human_loop(HumanLoopName=deleted)
    a2i(settings).delete_human_loop(HumanLoopName=deleted)
    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.loops_started, summary.failed_loops) == (1, 1)
    state = store.get_json("review/cat/state.json")["aa11"]["loops"]
    assert [(loop["name"], loop["status"]) for loop in state] == [
        (deleted, "Deleted"), (loop_name(record_id="aa11", role="round1", attempt=1),
                               "InProgress")]


def stalled_state(settings: Settings, store: LocalObjectStore, reviews: A2IReviews) -> str:
    """aa11's only loop stopped, and the state saying so with no loop started after it, as
    the code before loops were started again left it; the loop's name."""
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record("aa11")], crop=lambda r: "file:///crop.png")
    stopped = loop_name(record_id="aa11", role="round1", attempt=0)
    a2i(settings).stop_human_loop(HumanLoopName=stopped)
    state = store.get_json("review/cat/state.json")
    state["aa11"]["loops"][0]["status"] = "Stopped"
    store.put_json("review/cat/state.json", state)
    return stopped


def test_no_undecided_record_is_left_without_an_open_loop(setup) -> None:  # type: ignore[no-untyped-def]
    settings, reviews = setup
    store = LocalObjectStore(root=settings.objects_root)
    round1_answered(settings, store, reviews, "bb22")
    stopped = stalled_state(settings, store, reviews)
    # two runs at once, from the same state: the loop they start has one name
    first, second = (CatalogReview(catalog_id="cat", store=store, reviews=reviews)
                     for _ in range(2))
    summaries = [first.collect(), second.collect()]
    assert [(s.decided, s.loops_started) for s in summaries] == [(1, 1), (1, 1)]
    again = loop_name(record_id="aa11", role="round1", attempt=1)
    bb22 = loop_name(record_id="bb22", role="round1", attempt=0)
    assert loops_in_console(settings) == sorted([stopped, again, bb22])
    assert CatalogReview(catalog_id="cat", store=store, reviews=reviews).open_loops() == [again]

    summary = CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert (summary.decided, summary.loops_started) == (1, 0)  # nothing more to start
    assert [loop["name"] for loop in store.get_json("review/cat/state.json")["bb22"]["loops"]] \
        == [bb22]  # the decided record is left alone


# -- the review sensor ----------------------------------------------------------------------


@pytest.fixture
def location(tmp_path: Path) -> Iterator[Location]:
    """A code location whose registry has catalog ``cat`` waiting on review."""
    for found in make_location(tmp_path):
        registry = found.defs.resources["registry"].get()
        registry.register(catalog_id="cat", sha256="0" * 64, source_path="cat.pdf", size=1)
        registry.set_status("cat", "waiting_review")
        yield found


def review_runs(location: Location) -> list[str]:
    """The run keys of one review_sensor tick."""
    sensor = location.defs.resolve_sensor_def("review_sensor")
    result = sensor(dg.build_sensor_context(instance=location.instance,
                                            resources=location.defs.resources))
    return [run.run_key for run in result.run_requests] if isinstance(
        result, dg.SensorResult) else []


def test_the_sensor_asks_to_collect_a_catalog_with_a_stalled_record(location: Location) -> None:
    settings = location.settings
    store = LocalObjectStore(root=settings.objects_root)
    reviews = location.defs.resources["review"].reviews(store)
    stopped = stalled_state(settings, store, reviews)
    assert review_runs(location) == [f"cat:stalled:{stopped}"]
    assert review_runs(location) == [f"cat:stalled:{stopped}"]  # the same run: asked once
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).collect()
    assert review_runs(location) == []  # in a loop again


def test_the_sensor_sees_a_deleted_loop_as_ended(location: Location) -> None:
    settings = location.settings
    store = LocalObjectStore(root=settings.objects_root)
    reviews = location.defs.resources["review"].reviews(store)
    CatalogReview(catalog_id="cat", store=store, reviews=reviews).request(
        [record("aa11")], crop=lambda r: "file:///crop.png")
    assert review_runs(location) == []
    deleted = loop_name(record_id="aa11", role="round1", attempt=0)
    a2i(settings).stop_human_loop(HumanLoopName=deleted)
    a2i(settings).delete_human_loop(HumanLoopName=deleted)
    assert review_runs(location) == [f"cat:{deleted}"]
