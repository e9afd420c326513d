"""A moto server on loopback for tests with real boto3 clients, and botocore fault injection.

Use it from a test module with ``pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]``:
the plugin is registered once per pytest process, so ``moto_server`` starts one server for the
whole session, whichever modules ask for it. ``aws_env`` points ``ocr_pipeline.aws.client`` at
it (``AWS_ENDPOINT_URL``, dummy credentials, region) for one test. The server's state is shared:
tests use their own bucket and table names (``unique_name``). ``inject_faults`` makes a client's
next requests fail before they leave it. Test modules take all of these as fixtures rather than
importing this module (which would keep pytest from registering it as a plugin cleanly).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The URL of a moto server on a free loopback port.

    moto's DynamoDB backend is not thread-safe (a transaction deep-copies its tables and
    restores them on failure, wiping concurrent writes), while real DynamoDB applies each
    request atomically; so the server handles one DynamoDB request at a time.
    """
    lock = threading.Lock()
    call_action = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with lock:
            return call_action(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DynamoHandler, "call_action", one_at_a_time)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Environment of a test that talks to ``moto_server`` only; returns its URL."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3",
                 "AWS_ENDPOINT_URL_DYNAMODB", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return moto_server


class _Body:
    """The little of a urllib3 response that ``AWSResponse.content`` reads."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self) -> Iterator[bytes]:
        yield self.data


class Faults:
    """Answers the first ``count`` requests a client sends with an error, before they reach the
    server, as a failing or throttling AWS endpoint would. ``injected`` counts them."""

    def __init__(self, client: Any, *, count: int, status: int, body: bytes,
                 content_type: str) -> None:
        self.remaining = count
        self.injected = 0
        self.status = status
        self.body = body
        self.content_type = content_type
        client.meta.events.register("before-send", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        self.injected += 1
        return AWSResponse(request.url, self.status, {"Content-Type": self.content_type},
                           _Body(self.body))


@pytest.fixture
def inject_faults() -> Callable[..., Faults]:
    """``inject_faults(client, count=N, code=..., status=..., fields=...)``: the client's next
    ``N`` requests fail with error ``code`` (an internal error by default, e.g.
    ``"ThrottlingException"`` with ``status=400``); ``fields`` are further members of a JSON
    error body (such as DynamoDB's ``CancellationReasons``)."""

    def inject(client: Any, *, count: int, code: str = "InternalError", status: int = 500,
               fields: dict[str, Any] | None = None) -> Faults:
        if client.meta.service_model.protocol == "rest-xml":
            body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>"
            content_type = "application/xml"
        else:
            prefix = client.meta.service_model.metadata.get("targetPrefix", "").lower()
            body = json.dumps({"__type": f"com.amazonaws.{prefix}#{code}",
                               "message": "injected", **(fields or {})})
            content_type = "application/x-amz-json-1.0"
        return Faults(client, count=count, status=status, body=body.encode(),
                      content_type=content_type)

    return inject


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """``unique_name(prefix)``: a bucket or table name no other test uses (lower case)."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:12]}"
