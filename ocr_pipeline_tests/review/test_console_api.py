"""The review console's A2I runtime API, driven by boto3's own client over real HTTP, signed
with the key pair the console made in its home."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from ocr_pipeline.config import LOCAL_FLOW_ARNS, Settings
from ocr_pipeline.review.a2i import A2IReviews, a2i_client, answers_of
from ocr_pipeline.review.console import ReviewDatabase
from ocr_pipeline.review.contract import TaskInput
from ocr_pipeline.review.credentials import (
    ConsoleCredentials,
    console_credentials,
    stored_credentials,
)
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.review.console_support import served_console, signed_in

ROUND1 = LOCAL_FLOW_ARNS["round1"]
ROUND2 = LOCAL_FLOW_ARNS["round2"]
EXPERT = LOCAL_FLOW_ARNS["expert"]


@dataclass
class Console:
    url: str
    store: LocalObjectStore
    db_path: Path
    credentials: ConsoleCredentials

    def client(self, *, validate: bool = True) -> Any:
        return boto3.client(
            "sagemaker-a2i-runtime", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id=self.credentials.access_key_id,
            aws_secret_access_key=self.credentials.secret_access_key,
            config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
        )

    def answer(self, reviewer: str, name: str, **fields: str) -> dict[str, Any]:
        with httpx.Client(base_url=self.url) as http:
            signed_in(http, self.db_path, reviewer)
            response = http.post(f"/api/tasks/{name}/answer", json={"fields": fields})
            response.raise_for_status()
            return response.json()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The console of a home, as the demo serves it: its key pair made there on first use."""
    with served_console(tmp_path_factory.mktemp("home")) as (url, settings):
        yield Console(url=url, store=LocalObjectStore(root=settings.objects_root),
                      db_path=settings.review_db_path, credentials=console_credentials(settings))


def test_the_pipelines_client_signs_with_the_homes_key_pair(console: Console) -> None:
    settings = Settings.from_env({"OCR_PIPELINE_HOME": str(console.db_path.parent)})
    path = settings.review_credentials_path
    assert path.stat().st_mode & 0o777 == 0o600
    assert console.credentials.access_key_id in path.read_text()
    client = a2i_client(endpoint_url=console.url, region="us-east-1",
                        credentials=stored_credentials(path))
    start(client, "signed-by-the-pipeline")
    assert client.describe_human_loop(HumanLoopName="signed-by-the-pipeline")[
        "HumanLoopStatus"] == "InProgress"


@pytest.fixture
def client(console: Console) -> Any:
    return console.client()


def task(record_id: str, *, title: str = "Intro to Testing") -> TaskInput:
    return TaskInput(record_id=record_id, catalog_id="cat-1", page=3,
                     image_uri="file:///nowhere/crop.png",
                     fields={"course_code": "CS 101", "title": title,
                             "credits_text": "3 credits", "description": "Unit tests."})


def start(client: Any, name: str, *, flow: str = ROUND1, record_id: str | None = None) -> str:
    content = json.dumps(task(record_id or name).to_dict())
    return client.start_human_loop(HumanLoopName=name, FlowDefinitionArn=flow,
                                   HumanLoopInput={"InputContent": content})["HumanLoopArn"]


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Message"])


def test_start_returns_the_loop_arn_and_a_second_start_conflicts(client: Any) -> None:
    arn = start(client, "start-once")

    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:human-loop/start-once"
    with pytest.raises(client.exceptions.ConflictException) as excinfo:
        start(client, "start-once")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    assert "start-once" in error_of(excinfo)[2]


def test_describe_in_progress_then_completed_with_output_in_a2i_format(
    client: Any, console: Console
) -> None:
    start(client, "describe-me")
    loop = client.describe_human_loop(HumanLoopName="describe-me")
    assert loop["HumanLoopStatus"] == "InProgress"
    assert loop["HumanLoopName"] == "describe-me"
    assert loop["FlowDefinitionArn"] == ROUND1
    assert loop["HumanLoopArn"].endswith(":human-loop/describe-me")
    assert isinstance(loop["CreationTime"], datetime)
    assert abs(loop["CreationTime"] - datetime.now(UTC)) < timedelta(minutes=1)
    assert "HumanLoopOutput" not in loop

    assert console.answer("alice", "describe-me", course_code="CS 101", title="Intro to Tests",
                          credits_text="3", description="Unit tests.")["status"] == "InProgress"
    console.answer("bob", "describe-me", course_code="CS 101", title="Intro to Testing",
                   credits_text="3", description="Unit tests.")
    assert client.describe_human_loop(HumanLoopName="describe-me")["HumanLoopStatus"] == (
        "InProgress")
    assert console.answer("carol", "describe-me", course_code="CS 101",
                          title="Intro to Testing", credits_text="3",
                          description="Unit tests.")["status"] == "Completed"

    done = client.describe_human_loop(HumanLoopName="describe-me")
    assert done["HumanLoopStatus"] == "Completed"
    uri = done["HumanLoopOutput"]["OutputS3Uri"]
    assert urlsplit(uri).scheme == "file"
    created = done["CreationTime"].astimezone(UTC)
    assert uri == console.store.uri(
        f"review/a2i-output/ocr-round-1/{created:%Y/%m/%d/%H/%M/%S}/describe-me/output.json")

    output = json.loads(Path(urlsplit(uri).path).read_text())
    assert output["flowDefinitionArn"] == ROUND1
    assert output["humanLoopName"] == "describe-me"
    assert output["inputContent"] == task("describe-me").to_dict()
    assert [a["workerId"] for a in output["humanAnswers"]] == ["alice", "bob", "carol"]
    first = output["humanAnswers"][0]
    assert set(first) == {"answerContent", "acceptanceTime", "submissionTime",
                          "timeSpentInSeconds", "workerId", "workerMetadata"}
    assert first["answerContent"] == {
        "not_a_course": False, "role": "round1",
        "fields": {"course_code": "CS 101", "title": "Intro to Tests", "credits_text": "3",
                   "description": "Unit tests."},
    }
    assert first["workerMetadata"]["identityData"] == {
        "identityProviderType": "local", "issuer": "ocr-pipeline-review-console", "sub": "alice"}
    assert first["submissionTime"].endswith("Z")
    assert datetime.fromisoformat(first["submissionTime"]) >= datetime.fromisoformat(
        first["acceptanceTime"])

    # The pipeline's own reader gets the same answers back.
    reviews = A2IReviews(client=client, flows=LOCAL_FLOW_ARNS, store=console.store)
    assert reviews.state("describe-me").status == "Completed"
    answers = answers_of(reviews.output(uri), role="round1")
    assert [(a.worker_id, a.fields["title"]) for a in answers] == [
        ("alice", "Intro to Tests"), ("bob", "Intro to Testing"), ("carol", "Intro to Testing")]


def test_list_filters_by_flow_sorts_and_pages(client: Any) -> None:
    names = [f"list-me-{i}" for i in range(3)]
    for name in names:
        start(client, name, flow=ROUND2)
    start(client, "list-other-flow", flow=EXPERT)

    def listed(**kwargs: Any) -> list[str]:
        return [s["HumanLoopName"] for s in
                client.list_human_loops(FlowDefinitionArn=ROUND2, **kwargs)["HumanLoopSummaries"]]

    assert listed(SortOrder="Ascending") == names
    assert listed(SortOrder="Descending") == names[::-1]
    assert listed() == names[::-1]  # Descending by default

    first = client.list_human_loops(FlowDefinitionArn=ROUND2, SortOrder="Ascending",
                                    MaxResults=1)
    assert [s["HumanLoopName"] for s in first["HumanLoopSummaries"]] == names[:1]
    summary = first["HumanLoopSummaries"][0]
    assert summary["HumanLoopStatus"] == "InProgress"
    assert summary["FlowDefinitionArn"] == ROUND2
    assert isinstance(summary["CreationTime"], datetime)
    second = client.list_human_loops(FlowDefinitionArn=ROUND2, SortOrder="Ascending",
                                     MaxResults=1, NextToken=first["NextToken"])
    assert [s["HumanLoopName"] for s in second["HumanLoopSummaries"]] == names[1:2]

    pages = list(client.get_paginator("list_human_loops").paginate(
        FlowDefinitionArn=ROUND2, SortOrder="Descending", PaginationConfig={"PageSize": 2}))
    assert [len(page["HumanLoopSummaries"]) for page in pages] == [2, 1]
    assert [s["HumanLoopName"] for page in pages for s in page["HumanLoopSummaries"]] == (
        names[::-1])
    assert "NextToken" not in pages[-1]

    future = datetime.now(UTC) + timedelta(hours=1)
    assert listed(CreationTimeAfter=future) == []
    assert listed(CreationTimeBefore=future, SortOrder="Ascending") == names


def test_stop_then_delete(client: Any) -> None:
    start(client, "stop-me")
    with pytest.raises(client.exceptions.ValidationException) as excinfo:
        client.delete_human_loop(HumanLoopName="stop-me")
    assert "stop it" in error_of(excinfo)[2]

    assert client.stop_human_loop(HumanLoopName="stop-me")["ResponseMetadata"][
        "HTTPStatusCode"] == 200
    stopped = client.describe_human_loop(HumanLoopName="stop-me")
    assert stopped["HumanLoopStatus"] == "Stopped"
    assert "HumanLoopOutput" not in stopped
    client.stop_human_loop(HumanLoopName="stop-me")  # again: still fine

    client.delete_human_loop(HumanLoopName="stop-me")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_human_loop(HumanLoopName="stop-me")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_human_loop(HumanLoopName="stop-me")
    assert "stop-me" not in [
        s["HumanLoopName"] for s in
        client.list_human_loops(FlowDefinitionArn=ROUND1)["HumanLoopSummaries"]]
    with pytest.raises(client.exceptions.ConflictException) as excinfo:
        start(client, "stop-me")  # the deleted loop's answers keep its name
    assert "was deleted" in error_of(excinfo)[2]


def test_stop_and_delete_keep_the_answers(client: Any, console: Console) -> None:
    start(client, "answered-then-stopped", record_id="kept")
    asked = {"course_code": "CS 101", "credits_text": "3", "description": "Unit tests."}
    console.answer("alice", "answered-then-stopped", **asked, title="Kept")
    console.answer("bob", "answered-then-stopped", **asked, title="Kept too")

    client.stop_human_loop(HumanLoopName="answered-then-stopped")
    stopped = client.describe_human_loop(HumanLoopName="answered-then-stopped")
    assert stopped["HumanLoopStatus"] == "Stopped"
    uri = stopped["HumanLoopOutput"]["OutputS3Uri"]
    client.delete_human_loop(HumanLoopName="answered-then-stopped")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_human_loop(HumanLoopName="answered-then-stopped")

    output = console.store.get_json(uri)
    assert [(a["workerId"], a["answerContent"]["fields"]["title"])
            for a in output["humanAnswers"]] == [("alice", "Kept"), ("bob", "Kept too")]
    with sqlite3.connect(console.db_path) as db:
        kept = db.execute("SELECT worker FROM assignments WHERE loop_name = ? ORDER BY worker",
                          ("answered-then-stopped",)).fetchall()
    assert kept == [("alice",), ("bob",)]
    # the kept answers still count: alice reviewed the record, so its next crowd loop is not hers
    start(client, "kept-round-2", flow=ROUND2, record_id="kept")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        console.answer("alice", "kept-round-2", **asked, title="Again")
    assert refused.value.response.status_code == 409


def test_completed_loop_cannot_be_stopped_but_can_be_deleted(client: Any,
                                                             console: Console) -> None:
    start(client, "expert-done", flow=EXPERT)
    console.answer("erin", "expert-done", course_code="CS 1", title="T", credits_text="1",
                   description="D")
    with pytest.raises(client.exceptions.ValidationException):
        client.stop_human_loop(HumanLoopName="expert-done")
    uri = client.describe_human_loop(HumanLoopName="expert-done")["HumanLoopOutput"][
        "OutputS3Uri"]
    client.delete_human_loop(HumanLoopName="expert-done")
    [kept] = console.store.get_json(uri)["humanAnswers"]  # the output outlives the loop
    assert kept["workerId"] == "erin" and kept["answerContent"]["role"] == "expert"


def test_unknown_loop_is_resource_not_found(client: Any) -> None:
    for call in (client.describe_human_loop, client.stop_human_loop, client.delete_human_loop):
        with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
            call(HumanLoopName="no-such-loop")
        assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    unknown_flow = "arn:aws:sagemaker:us-east-1:000000000000:flow-definition/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_human_loops(FlowDefinitionArn=unknown_flow)


def _content(**changes: Any) -> str:
    return json.dumps({**task("r").to_dict(), **changes})


@pytest.mark.parametrize(("request_", "says"), [
    ({"HumanLoopName": "Bad_Name"}, "regular expression pattern"),
    ({"HumanLoopName": "-dash-first"}, "regular expression pattern"),
    ({"HumanLoopName": "a" * 64}, "length between 1 and 63"),
    ({"FlowDefinitionArn": "arn:aws:s3:::bucket"}, "flowDefinitionArn"),
    ({"FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:000000000000:flow-definition/nope"},
     "does not exist"),
    ({"HumanLoopInput": {"InputContent": "not json {"}}, "not valid JSON"),
    ({"HumanLoopInput": {"InputContent": "[1, 2]"}}, "JSON object"),
    ({"HumanLoopInput": {"InputContent": '{"record_id": "r"}'}}, "not a review task"),
    ({"HumanLoopInput": {"InputContent": _content(page="three")}}, "page an integer"),
    ({"HumanLoopInput": {"InputContent": _content(fields={"title": "x" * 110_000})}},
     "at most 102400"),
    ({"DataAttributes": {"ContentClassifiers": ["FreeOfCats"]}}, "contentClassifiers"),
])
def test_start_validates_its_input(console: Console, request_: dict[str, Any],
                                   says: str) -> None:
    client = console.client(validate=False)
    params = {"HumanLoopName": "valid-name", "FlowDefinitionArn": ROUND1,
              "HumanLoopInput": {"InputContent": _content()}, **request_}
    with pytest.raises(client.exceptions.ValidationException) as excinfo:
        client.start_human_loop(**params)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert says in message
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_human_loop(HumanLoopName="valid-name")


@pytest.mark.parametrize(("params", "says"), [
    ({"MaxResults": 0}, "between 1 and 100"),
    ({"MaxResults": 101}, "between 1 and 100"),
    ({"SortOrder": "Sideways"}, "enum value set"),
    ({"NextToken": "garbage"}, "NextToken"),
    ({"FlowDefinitionArn": "not-an-arn"}, "flowDefinitionArn"),
])
def test_list_validates_its_input(console: Console, params: dict[str, Any], says: str) -> None:
    client = console.client(validate=False)
    with pytest.raises(client.exceptions.ValidationException) as excinfo:
        client.list_human_loops(**{"FlowDefinitionArn": ROUND1, **params})
    assert says in error_of(excinfo)[2]


def test_describe_validates_the_name(console: Console) -> None:
    client = console.client(validate=False)
    with pytest.raises(client.exceptions.ValidationException):
        client.describe_human_loop(HumanLoopName="UPPER")


def signed_post(console: Console, path: str, content: bytes,
                content_type: str) -> httpx.Response:
    """A POST signed as boto3 signs one, whatever its body."""
    request = AWSRequest(method="POST", url=f"{console.url}{path}", data=content,
                         headers={"Content-Type": content_type})
    SigV4Auth(Credentials(console.credentials.access_key_id,
                          console.credentials.secret_access_key),
              "sagemaker", "us-east-1").add_auth(request)
    return httpx.post(request.url, content=content, headers=dict(request.headers.items()))


def test_raw_errors_carry_the_a2i_error_type_header(console: Console) -> None:
    response = signed_post(console, "/human-loops", b"{not json", "application/json")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert "message" in response.json()


def test_bodies_other_than_json_are_refused(client: Any, console: Console) -> None:
    """A page on another site can post text or form data without asking the browser first."""
    start(client, "no-drive-by")
    response = signed_post(console, "/human-loops/stop", b'{"HumanLoopName": "no-drive-by"}',
                           "text/plain")
    assert response.status_code == 400
    assert "application/json" in response.json()["message"]
    assert client.describe_human_loop(HumanLoopName="no-drive-by")["HumanLoopStatus"] == (
        "InProgress")


def test_a_bug_is_an_internal_server_exception(client: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: ReviewDatabase, name: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ReviewDatabase, "get", broken)
    with pytest.raises(client.exceptions.InternalServerException) as excinfo:
        client.describe_human_loop(HumanLoopName="any")
    assert error_of(excinfo)[1] == 500
    assert "boom" not in error_of(excinfo)[2]
