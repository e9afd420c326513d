"""A catalog's review through boto3 and the local console: rounds, escalation, decisions."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.config import Settings
from ocr_pipeline.defs.resources import ReviewResource
from ocr_pipeline.local import review_console
from ocr_pipeline.review.a2i import A2IReviews, loop_name
from ocr_pipeline.review.workflow import CatalogReview
from ocr_pipeline.stages import accepted_records, apply_review, review_decisions
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.defs.conftest import free_port
from ocr_pipeline_tests.review.console_support import signed_in

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
