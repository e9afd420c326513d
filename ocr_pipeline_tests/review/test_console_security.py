"""Who the review console listens to: A2I calls signed with its key pair, reviewers signed in
to their own accounts, requests for its own host names; and what it never loses: answers."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.auth
import httpx
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from ocr_pipeline.config import LOCAL_FLOW_ARNS
from ocr_pipeline.review.a2i import answers_of
from ocr_pipeline.review.consensus import decide
from ocr_pipeline.review.console import AllowedHosts, ReviewDatabase, ReviewerAccounts
from ocr_pipeline.review.console.sessions import COOKIE, SALT
from ocr_pipeline.review.contract import TaskInput
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.review.console_support import (
    CREDENTIALS,
    served_console,
    sign_in_token,
    signed_in,
    signed_request,
)

FIELDS = {"course_code": "CS 101", "title": "Intro to Testing", "credits_text": "3",
          "description": "Unit tests."}


@dataclass
class Console:
    url: str
    home: Path
    db_path: Path
    store: LocalObjectStore

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def client(self, *, key_id: str = CREDENTIALS.access_key_id,
               secret: str = CREDENTIALS.secret_access_key, signed: bool = True) -> Any:
        config = Config(retries={"max_attempts": 1},
                        **({} if signed else {"signature_version": UNSIGNED}))
        return boto3.client("sagemaker-a2i-runtime", endpoint_url=self.url,
                            region_name="us-east-1", aws_access_key_id=key_id,
                            aws_secret_access_key=secret, config=config)

    @contextmanager
    def browser(self, name: str) -> Iterator[httpx.Client]:
        """An HTTP client signed in to ``name``'s account."""
        with httpx.Client(base_url=self.url) as client:
            yield signed_in(client, self.db_path, name)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A console whose key pair is configured (OCR_REVIEW_ACCESS_KEY_ID and _SECRET_...)."""
    home = tmp_path_factory.mktemp("home")
    with served_console(home, OCR_REVIEW_ACCESS_KEY_ID=CREDENTIALS.access_key_id,
                        OCR_REVIEW_SECRET_ACCESS_KEY=CREDENTIALS.secret_access_key,
                        ) as (url, settings):
        yield Console(url=url, home=home, db_path=settings.review_db_path,
                      store=LocalObjectStore(root=settings.objects_root))


def start(console: Console, name: str, *, role: str = "round1") -> None:
    task = TaskInput(record_id=name, catalog_id="cat", page=1, image_uri="file:///crop.png",
                     fields=FIELDS)
    console.client().start_human_loop(
        HumanLoopName=name, FlowDefinitionArn=LOCAL_FLOW_ARNS[role],
        HumanLoopInput={"InputContent": json.dumps(task.to_dict())})


def status(console: Console, name: str) -> str:
    return str(console.client().describe_human_loop(HumanLoopName=name)["HumanLoopStatus"])


def error_of(exc: ClientError) -> tuple[str, int]:
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]


# -- the A2I runtime API ----------------------------------------------------------------------


def test_unsigned_a2i_calls_are_refused_and_change_nothing(console: Console) -> None:
    start(console, "unsigned-target")
    calls = [("POST", "/human-loops/stop", {"HumanLoopName": "unsigned-target"}),
             ("DELETE", "/human-loops/unsigned-target", None),
             ("GET", "/human-loops/unsigned-target", None),
             ("GET", f"/human-loops?FlowDefinitionArn={LOCAL_FLOW_ARNS['round1']}", None),
             ("POST", "/human-loops", {"HumanLoopName": "sneaked-in"})]
    for method, path, body in calls:
        response = httpx.request(method, f"{console.url}{path}", json=body)
        assert response.status_code == 403, (method, path)
        assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
        assert "Signature Version 4" in response.json()["message"]
    with pytest.raises(ClientError) as excinfo:
        console.client(signed=False).stop_human_loop(HumanLoopName="unsigned-target")
    assert error_of(excinfo.value) == ("MissingAuthenticationTokenException", 403)
    assert status(console, "unsigned-target") == "InProgress"


def test_a_wrong_secret_or_key_id_is_refused_the_right_pair_works(console: Console) -> None:
    start(console, "wrong-secret-target")
    wrong = [(console.client(secret="not-the-secret"), "InvalidSignatureException"),
             (console.client(key_id="AKIAELSEWHERE"), "UnrecognizedClientException")]
    for client, code in wrong:
        for operation in ("stop_human_loop", "describe_human_loop"):
            with pytest.raises(ClientError) as excinfo:
                getattr(client, operation)(HumanLoopName="wrong-secret-target")
            assert error_of(excinfo.value) == (code, 403)
    assert status(console, "wrong-secret-target") == "InProgress"
    console.client().stop_human_loop(HumanLoopName="wrong-secret-target")
    assert status(console, "wrong-secret-target") == "Stopped"


def test_a_signature_covers_the_body_and_grows_stale(console: Console,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    start(console, "body-a")
    start(console, "body-b")
    _, headers = signed_request("POST", f"{console.url}/human-loops/stop",
                                {"HumanLoopName": "body-a"})
    swapped = httpx.post(f"{console.url}/human-loops/stop", headers=headers,
                         content=json.dumps({"HumanLoopName": "body-b"}).encode())
    assert swapped.status_code == 403
    assert swapped.headers["x-amzn-ErrorType"] == "InvalidSignatureException"

    past = datetime.now(UTC) - timedelta(minutes=10)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: past.replace(tzinfo=None))
    with pytest.raises(ClientError) as excinfo:
        console.client().stop_human_loop(HumanLoopName="body-b")
    assert error_of(excinfo.value) == ("InvalidSignatureException", 403)
    assert "expired" in excinfo.value.response["Error"]["Message"]
    monkeypatch.undo()
    assert (status(console, "body-a"), status(console, "body-b")) == ("InProgress", "InProgress")


def test_foreign_host_names_are_refused(console: Console) -> None:
    """What a page of another site gets through DNS rebinding, even with a valid signature."""
    start(console, "rebinding-target")
    foreign = f"evil.example:{console.port}"
    _, headers = signed_request("DELETE", f"http://{foreign}/human-loops/rebinding-target")
    for method, path, extra in (("DELETE", "/human-loops/rebinding-target", headers),
                                ("GET", "/api/tasks", {})):
        response = httpx.request(method, f"{console.url}{path}",
                                 headers={**extra, "host": foreign})
        assert response.status_code == 421, path
        assert response.headers["x-amzn-ErrorType"] == "MisdirectedRequestException"
        assert "evil.example" in response.json()["message"]
    for page in (httpx.get(f"{console.url}/sign-in", headers={"host": foreign}),
                 httpx.post(f"{console.url}/sign-in", headers={"host": foreign},
                            data={"token": sign_in_token(console.db_path, "alice")})):
        assert page.status_code == 421 and "localhost" in page.text
        assert "--allow-host" in page.text and COOKIE not in page.cookies
    assert status(console, "rebinding-target") == "InProgress"
    for name in ("localhost", "LOCALHOST", "[::1]", "127.0.0.1"):
        assert httpx.get(f"{console.url}/sign-in",
                         headers={"host": f"{name}:{console.port}"}).status_code == 200, name


def test_the_host_allow_list() -> None:
    loopback = AllowedHosts()
    for host in ("127.0.0.1", "127.0.0.1:8089", "localhost:1", "[::1]:8089", "[::1]"):
        assert loopback.allows(host), host
    for host in ("", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example:80",
                 "localhost:80@evil.example", "127.0.0.2", "::1", "localhost:http"):
        assert not loopback.allows(host), host
    chosen = AllowedHosts(names=["Review.Example.org", "::1"])
    assert chosen.allows("review.example.org:443") and chosen.allows("[::1]:1")
    assert not chosen.allows("localhost")


def test_stop_and_delete_keep_the_answers(console: Console) -> None:
    start(console, "kept-answers")
    with console.browser("alice") as alice:
        alice.post("/api/tasks/kept-answers/answer", json={"fields": FIELDS}).raise_for_status()
    client = console.client()
    client.stop_human_loop(HumanLoopName="kept-answers")
    uri = client.describe_human_loop(HumanLoopName="kept-answers")["HumanLoopOutput"][
        "OutputS3Uri"]
    client.delete_human_loop(HumanLoopName="kept-answers")
    [kept] = console.store.get_json(uri)["humanAnswers"]
    assert kept["workerId"] == "alice" and kept["answerContent"]["fields"] == FIELDS


# -- reviewers --------------------------------------------------------------------------------


def session_cookie(console: Console, name: str) -> str:
    with console.browser(name) as browser:
        return str(browser.cookies[COOKIE])


def serializer(key: str, *, age: timedelta = timedelta(0)) -> URLSafeTimedSerializer:
    class Dated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    return URLSafeTimedSerializer(key, salt=SALT, signer=Dated,
                                  signer_kwargs={"digest_method": hashlib.sha256})


def test_forged_session_cookies_are_refused(console: Console) -> None:
    start(console, "expert-prize", role="expert")
    genuine = session_cookie(console, "alice")
    key = ReviewerAccounts(db=ReviewDatabase(path=console.db_path)).session_key()
    sign_in_token(console.db_path, "erin")  # the expert's account exists
    payload, rest = genuine.split(".", 1)
    erin = base64.urlsafe_b64encode(b'"erin"').decode().rstrip("=")
    forged = {
        "unsigned": {COOKIE: "erin"},
        "the old unsigned cookie": {"ocr_review_reviewer": "erin"},
        "tampered": {COOKIE: f"{erin}.{rest}"},
        "signed with another key": {COOKIE: serializer("guessed").dumps("erin")},
        "expired": {COOKIE: serializer(key, age=timedelta(days=8)).dumps("erin")},
        "garbage": {COOKIE: "..."},
    }
    for kind, cookies in forged.items():
        with httpx.Client(base_url=console.url, cookies=cookies) as browser:
            response = browser.get("/api/tasks")
            assert response.status_code == 401, kind
            assert response.headers["x-amzn-ErrorType"] == "NotSignedInException"
            assert browser.get("/tasks").headers["location"] == "/sign-in", kind
            assert browser.post("/api/tasks/expert-prize/answer",
                                json={"fields": FIELDS}).status_code == 401, kind
    assert payload != erin
    with httpx.Client(base_url=console.url, cookies={COOKIE: genuine}) as alice:
        assert alice.get("/api/tasks").json()["reviewer"] == "alice"
    fresh = serializer(key, age=timedelta(days=6)).dumps("erin")  # the same key, in time
    with httpx.Client(base_url=console.url, cookies={COOKIE: fresh}) as erin_browser:
        assert erin_browser.get("/api/tasks").json()["reviewer"] == "erin"
    assert status(console, "expert-prize") == "InProgress"


def test_expert_answers_need_an_expert_account(console: Console) -> None:
    start(console, "expert-only", role="expert")
    with console.browser("alice") as alice:
        response = alice.post("/api/tasks/expert-only/answer", json={"fields": FIELDS})
        assert response.status_code == 403
        assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
        assert "expert" in response.json()["message"]
        assert alice.post("/api/tasks/expert-only/answer",
                          json={"worker_id": "erin", "fields": FIELDS}).status_code == 403
    assert status(console, "expert-only") == "InProgress"
    with console.browser("erin") as erin:
        response = erin.post("/api/tasks/expert-only/answer", json={"fields": FIELDS})
        assert response.json()["status"] == "Completed"


def test_one_account_gives_one_answer_per_loop(console: Console) -> None:
    start(console, "three-people")
    with console.browser("mallory") as first, console.browser("mallory") as second:
        first.post("/api/tasks/three-people/answer", json={"fields": FIELDS}).raise_for_status()
        for browser in (first, second):
            response = browser.post("/api/tasks/three-people/answer",
                                    json={"fields": {**FIELDS, "title": "Again"}})
            assert response.status_code == 409
            assert response.headers["x-amzn-ErrorType"] == "ConflictException"
    assert status(console, "three-people") == "InProgress"
    for name in ("nina", "omar"):
        with console.browser(name) as browser:
            browser.post("/api/tasks/three-people/answer",
                         json={"fields": FIELDS}).raise_for_status()
    loop = console.client().describe_human_loop(HumanLoopName="three-people")
    assert loop["HumanLoopStatus"] == "Completed"
    answers = answers_of(console.store.get_json(loop["HumanLoopOutput"]["OutputS3Uri"]),
                         role="round1")
    decision = decide(answers)
    assert decision.status == "validated"
    assert decision.workers == ("mallory", "nina", "omar")  # the evidence names the accounts
    assert decision.evidence["title"].supporters == ("mallory", "nina", "omar")
