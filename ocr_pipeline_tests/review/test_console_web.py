"""The review console's web pages and their JSON API: queues, tasks, answers, privacy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ocr_pipeline.config import LOCAL_FLOW_ARNS
from ocr_pipeline.review.console import FlowRegistry, create_app
from ocr_pipeline.review.console.pages import LABELS
from ocr_pipeline.review.contract import FIELDS, TaskInput
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.review.console_support import CREDENTIALS, signed_in, signed_request

BASE = "http://127.0.0.1:8089"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXTRACTED = {"course_code": "HIST 210", "title": "Modern Europe", "credits_text": "3 credits",
             "description": "Europe since 1789.", "prerequisites": "HIST 110 or HIST 111",
             "corequisites": ""}


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(root=tmp_path / "objects")


@pytest.fixture
def app(tmp_path: Path, store: LocalObjectStore) -> FastAPI:
    return create_app(db_path=tmp_path / "review.sqlite", store=store,
                      flows=FlowRegistry.standard(), credentials=CREDENTIALS)


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE, follow_redirects=False)


@pytest.fixture
def reviewer(app: FastAPI, tmp_path: Path) -> Iterator[Callable[[str], TestClient]]:
    """A browser signed in to a reviewer's account (an expert: erin), made if needed."""
    clients: list[TestClient] = []

    def sign_in(name: str) -> TestClient:
        client = browser(app)
        clients.append(client)
        return signed_in(client, tmp_path / "review.sqlite", name)

    yield sign_in
    for client in clients:
        client.close()


def a2i(app: FastAPI, method: str, path: str, body: Any = None) -> Any:
    """A signed call of the console's A2I API."""
    content, headers = signed_request(method, f"{BASE}{path}", body)
    with TestClient(app, base_url=BASE) as api:
        return api.request(method, path, content=content, headers=headers)


@pytest.fixture
def start(app: FastAPI, store: LocalObjectStore) -> Callable[..., str]:
    """Start a loop through the A2I API, with a page crop in the store."""
    image = store.put_bytes("pages/cat-1/crop.png", PNG)

    def start_loop(name: str, *, role: str = "round1", record_id: str | None = None,
                   image_uri: str = image, **fields: str) -> str:
        task = TaskInput(record_id=record_id or name, catalog_id="cat-1", page=2,
                         image_uri=image_uri, fields={**EXTRACTED, **fields})
        response = a2i(app, "POST", "/human-loops", {
            "HumanLoopName": name, "FlowDefinitionArn": LOCAL_FLOW_ARNS[role],
            "HumanLoopInput": {"InputContent": json.dumps(task.to_dict())}})
        assert response.status_code == 200, response.text
        return name

    return start_loop


def queue(client: TestClient) -> list[str]:
    response = client.get("/api/tasks")
    assert response.status_code == 200
    return [task["name"] for task in response.json()["tasks"]]


def submit(client: TestClient, name: str, **changes: str) -> Any:
    return client.post(f"/tasks/{name}", data={**EXTRACTED, **changes})


def describe(app: FastAPI, name: str) -> dict[str, Any]:
    return a2i(app, "GET", f"/human-loops/{name}").json()


def test_signed_out_visitors_are_sent_to_sign_in(app: FastAPI) -> None:
    with browser(app) as client:
        assert client.get("/").headers["location"] == "/sign-in"
        for url in ("/tasks", "/tasks/next", "/tasks/any", "/tasks/any/image"):
            response = client.get(url)
            assert response.status_code == 303 and response.headers["location"] == "/sign-in"
        assert client.post("/tasks/any", data=EXTRACTED).headers["location"] == "/sign-in"
        response = client.get("/api/tasks")
        assert response.status_code == 401 and "sign in" in response.json()["message"]
        page = client.get("/sign-in")
        assert page.status_code == 200
        assert "add-reviewer NAME" in page.text and 'name="token"' not in page.text


def test_a_name_alone_signs_no_one_in(app: FastAPI) -> None:
    with browser(app) as client:
        response = client.post("/sign-in", data={"name": "alice"})
        assert response.status_code == 403 and "does not work" in response.text
        assert "ocr_review_session" not in response.cookies
        assert client.get("/api/tasks").status_code == 401


def test_sign_in_link_page_escapes_its_token_and_sign_out_ends_the_session(
    app: FastAPI, reviewer: Callable[[str], TestClient]
) -> None:
    with browser(app) as client:
        page = client.get("/sign-in", params={"token": '"><script>x</script>'})
        assert "<script>x" not in page.text and "&lt;script&gt;x" in page.text
    alice = reviewer("alice")
    assert "Signed in as <b>alice</b>" in alice.get("/tasks").text
    assert alice.post("/sign-out").headers["location"] == "/sign-in"
    assert alice.get("/tasks").headers["location"] == "/sign-in"


def test_three_reviewers_complete_a_loop(app: FastAPI, store: LocalObjectStore,
                                         reviewer: Callable[[str], TestClient],
                                         start: Callable[..., str]) -> None:
    name = start("loop-a")
    alice = reviewer("alice")

    page = alice.get("/tasks")
    assert 'href="/tasks/loop-a"' in page.text and "Modern Europe" in page.text
    assert alice.get("/tasks/next").headers["location"] == "/tasks/loop-a"
    task_page = alice.get(f"/tasks/{name}")
    assert task_page.status_code == 200
    for field in FIELDS:
        assert f'name="{field}"' in task_page.text
        assert f'<label for="{field}">{LABELS[field]}</label>' in task_page.text
    assert 'value="Modern Europe"' in task_page.text
    assert 'name="prerequisites" value="HIST 110 or HIST 111"' in task_page.text
    assert 'name="corequisites" value=""' in task_page.text
    assert 'src="/tasks/loop-a/image"' in task_page.text
    assert 'name="not_a_course"' in task_page.text

    response = submit(alice, name, title="Modern European History")
    assert response.status_code == 303
    assert response.headers["location"] == "/tasks/next?saved=1"
    assert alice.get("/tasks/next?saved=1").headers["location"] == "/tasks?saved=1"
    assert "Your answer was saved" in alice.get("/tasks?saved=1").text
    assert queue(alice) == []
    assert alice.get(f"/tasks/{name}").status_code == 409
    assert submit(alice, name).status_code == 409

    bob = reviewer("bob")
    assert queue(bob) == [name]
    assert submit(bob, name, not_a_course="on").status_code == 303
    assert describe(app, name)["HumanLoopStatus"] == "InProgress"
    carol = reviewer("carol")
    assert submit(carol, name).status_code == 303

    loop = describe(app, name)
    assert loop["HumanLoopStatus"] == "Completed"
    output = store.get_json(loop["HumanLoopOutput"]["OutputS3Uri"])
    answers = {a["workerId"]: a["answerContent"] for a in output["humanAnswers"]}
    assert answers == {
        "alice": {"not_a_course": False, "role": "round1",
                  "fields": {**EXTRACTED, "title": "Modern European History"}},
        "bob": {"not_a_course": True, "role": "round1", "fields": {}},
        "carol": {"not_a_course": False, "role": "round1", "fields": EXTRACTED},
    }
    dave = reviewer("dave")
    assert queue(dave) == []
    assert dave.get(f"/tasks/{name}").status_code == 409
    assert submit(dave, name).status_code == 409


def test_reviewers_correct_prerequisites_and_corequisites(
    app: FastAPI, store: LocalObjectStore, reviewer: Callable[[str], TestClient],
    start: Callable[..., str],
) -> None:
    name = start("loop-requisites", role="expert")
    erin = reviewer("erin")
    response = submit(erin, name, prerequisites=" HIST 110\r\n", corequisites="HIST 210L ")
    assert response.status_code == 303

    output = store.get_json(describe(app, name)["HumanLoopOutput"]["OutputS3Uri"])
    [answer] = output["humanAnswers"]
    assert answer["answerContent"]["fields"] == {
        **EXTRACTED, "prerequisites": "HIST 110", "corequisites": "HIST 210L"}


def test_a_task_made_before_a_field_was_reviewed_does_not_ask_for_it(
    app: FastAPI, store: LocalObjectStore, reviewer: Callable[[str], TestClient],
    start: Callable[..., str],
) -> None:
    current = start("loop-current", role="expert")
    old = {k: v for k, v in EXTRACTED.items() if k not in ("prerequisites", "corequisites")}
    task = TaskInput(record_id="old", catalog_id="cat-1", page=2,
                     image_uri=store.uri("pages/cat-1/crop.png"), fields=old)
    assert a2i(app, "POST", "/human-loops", {
        "HumanLoopName": "loop-older", "FlowDefinitionArn": LOCAL_FLOW_ARNS["expert"],
        "HumanLoopInput": {"InputContent": json.dumps(task.to_dict())}}).status_code == 200
    erin = reviewer("erin")
    page = erin.get("/tasks/loop-older").text
    assert 'name="title"' in page and 'name="prerequisites"' not in page
    assert 'name="corequisites"' not in page
    response = erin.post("/api/tasks/loop-older/answer", json={"fields": old})
    assert response.json()["status"] == "Completed"
    output = store.get_json(describe(app, "loop-older")["HumanLoopOutput"]["OutputS3Uri"])
    assert output["humanAnswers"][0]["answerContent"]["fields"] == old
    response = erin.post(f"/api/tasks/{current}/answer", json={"fields": old})
    assert response.status_code == 400 and "prerequisites" in response.json()["message"]


def test_every_reviewed_field_has_a_label() -> None:
    assert set(LABELS) == set(FIELDS)


def test_a_reviewer_never_sees_another_reviewers_answer(app: FastAPI,
                                                        reviewer: Callable[[str], TestClient],
                                                        start: Callable[..., str]) -> None:
    name = start("loop-private")
    secret = "Alices Secret Correction"
    alice, bob = reviewer("alice"), reviewer("bob")
    assert submit(alice, name, title=secret, description=secret).status_code == 303

    pages = [bob.get(url) for url in (
        "/tasks", f"/tasks/{name}", "/api/tasks", f"/api/tasks/{name}",
        f"/api/tasks/{name}/answer", f"/api/tasks/{name}/answers", f"/tasks/{name}/answers",
        "/api/answers", f"/human-loops/{name}", "/human-loops?FlowDefinitionArn="
        + LOCAL_FLOW_ARNS["round1"], "/docs", "/openapi.json")]
    assert pages[1].status_code == 200 and "Modern Europe" in pages[1].text
    for page in pages:
        assert secret not in page.text, page.url
    assert all(page.status_code in (404, 405) for page in pages[3:8])
    assert all(page.status_code == 403 for page in pages[8:10])  # unsigned A2I calls
    assert alice.get(f"/tasks/{name}").status_code == 409  # not even one's own, afterwards


def test_answers_are_the_signed_in_reviewers_own(reviewer: Callable[[str], TestClient],
                                                 start: Callable[..., str]) -> None:
    name = start("loop-own")
    alice = reviewer("alice")
    response = alice.post(f"/api/tasks/{name}/answer",
                          json={"worker_id": "bob", "fields": EXTRACTED})
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    response = alice.post(f"/api/tasks/{name}/answer", json={"fields": {"title": "x"}})
    assert response.status_code == 400 and "course_code" in response.json()["message"]

    response = alice.post(f"/api/tasks/{name}/answer",
                          json={"worker_id": "alice", "fields": EXTRACTED})
    assert response.json() == {"name": name, "status": "InProgress"}
    response = alice.post(f"/api/tasks/{name}/answer", json={"fields": EXTRACTED})
    assert response.status_code == 409
    assert response.headers["x-amzn-ErrorType"] == "ConflictException"
    assert queue(reviewer("bob")) == [name]


def test_expert_tasks_go_to_the_expert_workteam_only(app: FastAPI,
                                                     reviewer: Callable[[str], TestClient],
                                                     start: Callable[..., str]) -> None:
    name = start("loop-expert", role="expert")
    alice, erin = reviewer("alice"), reviewer("erin")
    assert queue(alice) == []
    assert alice.get(f"/tasks/{name}").status_code == 403
    assert alice.get(f"/tasks/{name}/image").status_code == 403
    assert submit(alice, name).status_code == 403
    assert queue(erin) == [name]
    assert "round: expert" in erin.get(f"/tasks/{name}").text
    assert submit(erin, name, credits_text="4 credits").status_code == 303
    assert describe(app, name)["HumanLoopStatus"] == "Completed"  # TaskCount 1


def test_round_two_goes_to_people_who_did_not_answer_round_one(
    reviewer: Callable[[str], TestClient], start: Callable[..., str]
) -> None:
    start("rec-1-r1", record_id="rec-1")
    alice = reviewer("alice")
    submit(alice, "rec-1-r1")
    start("rec-1-r2", role="round2", record_id="rec-1")
    start("rec-2-r2", role="round2", record_id="rec-2")
    assert queue(alice) == ["rec-2-r2"]
    assert alice.get("/tasks/rec-1-r2").status_code == 409
    assert queue(reviewer("dave")) == ["rec-1-r1", "rec-1-r2", "rec-2-r2"]


def test_stopped_loops_take_no_answers(app: FastAPI, reviewer: Callable[[str], TestClient],
                                       start: Callable[..., str]) -> None:
    name = start("loop-stopped")
    alice = reviewer("alice")
    assert alice.get(f"/tasks/{name}").status_code == 200
    assert a2i(app, "POST", "/human-loops/stop", {"HumanLoopName": name}).status_code == 200
    assert queue(alice) == []
    response = submit(alice, name)
    assert response.status_code == 409 and "Stopped" in response.text


def test_user_text_is_escaped(reviewer: Callable[[str], TestClient],
                              start: Callable[..., str]) -> None:
    script = "<script>alert(1)</script>"
    name = start("loop-xss", title=script, description=f'"><img src=x onerror=alert(2)>{script}')
    alice = reviewer("alice")
    for page in (alice.get("/tasks"), alice.get(f"/tasks/{name}")):
        assert script not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<img src=x" not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_image_is_served_from_the_store_only(tmp_path: Path, store: LocalObjectStore,
                                             reviewer: Callable[[str], TestClient],
                                             start: Callable[..., str]) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"secret bytes")
    (store.root / "pages").mkdir(parents=True, exist_ok=True)
    (store.root / "pages" / "link.png").symlink_to(outside)
    store.put_bytes("pages/notes.txt", b"not an image")
    alice = reviewer("alice")

    ok = start("img-ok")
    response = alice.get(f"/tasks/{ok}/image")
    assert response.status_code == 200
    assert response.content == PNG and response.headers["content-type"] == "image/png"

    refused = {
        "img-abs": (outside.as_uri(), 403),
        "img-dots": (f"{store.root.as_uri()}/../secret.png", 403),
        "img-link": (store.uri("pages/link.png"), 403),
        "img-etc": ("file:///etc/passwd", 403),
        "img-text": (store.uri("pages/notes.txt"), 403),
        "img-s3": ("s3://bucket/pages/crop.png", 404),
        "img-host": ("file://example.com/etc/passwd", 404),
        "img-missing": (store.uri("pages/missing.png"), 404),
    }
    for name, (uri, status) in refused.items():
        start(name, image_uri=uri)
        response = alice.get(f"/tasks/{name}/image")
        assert response.status_code == status, (name, response.text)
        assert b"secret" not in response.content
        assert b"root:" not in response.content


def test_expert_flows_are_for_expert_accounts_only() -> None:
    flows = FlowRegistry.standard()
    expert = flows.get(LOCAL_FLOW_ARNS["expert"])
    assert expert is not None and expert.experts_only
    assert expert.task_count == 1 and expert.role == "expert"
    round2 = flows.get(LOCAL_FLOW_ARNS["round2"])
    assert round2 is not None and round2.task_count == 2 and not round2.experts_only


def test_forms_posted_from_another_site_are_refused(reviewer: Callable[[str], TestClient],
                                                    start: Callable[..., str]) -> None:
    name = start("loop-csrf")
    alice = reviewer("alice")
    response = alice.post(f"/tasks/{name}", data=EXTRACTED,
                          headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert queue(alice) == [name]
    response = alice.post(f"/tasks/{name}", data=EXTRACTED, headers={"origin": BASE})
    assert response.status_code == 303
