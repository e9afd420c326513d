"""What the console's tests share: a key pair, SigV4-signed requests made with botocore, and
reviewer accounts signed in through their one-time links."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ocr_pipeline.config import Settings
from ocr_pipeline.local import review_console
from ocr_pipeline.review.console import ReviewDatabase, ReviewerAccounts
from ocr_pipeline.review.credentials import ConsoleCredentials
from ocr_pipeline_tests.defs.conftest import free_port

CREDENTIALS = ConsoleCredentials(access_key_id="OCRREVIEWTEST", secret_access_key="test-secret")
EXPERTS = frozenset({"erin", "expert"})
"""Reviewer names whose accounts the helpers make as experts."""


@contextmanager
def served_console(home: Path, **environ: str) -> Iterator[tuple[str, Settings]]:
    """The review console of ``home`` on a free loopback port, ``environ`` set around it; its
    URL and settings."""
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OCR_PIPELINE_HOME", str(home))
        for name, value in environ.items():
            env.setenv(name, value)
        settings = Settings.from_env()
        with review_console(settings, port=port):
            yield f"http://127.0.0.1:{port}", settings


def signed_request(method: str, url: str, body: Any = None, *,
                   credentials: ConsoleCredentials = CREDENTIALS) -> tuple[bytes, dict[str, str]]:
    """The body (JSON) and headers of an A2I request signed as boto3 signs it."""
    content = b"" if body is None else json.dumps(body).encode()
    request = AWSRequest(method=method, url=url, data=content,
                         headers={"Content-Type": "application/json"} if content else {})
    SigV4Auth(Credentials(credentials.access_key_id, credentials.secret_access_key),
              "sagemaker", "us-east-1").add_auth(request)
    return content, dict(request.headers.items())


def sign_in_token(db_path: Path, name: str) -> str:
    """A fresh sign-in token for ``name``'s account, made first if needed (an expert for the
    names in ``EXPERTS``)."""
    accounts = ReviewerAccounts(db=ReviewDatabase(path=db_path))
    if accounts.get(name) is None:
        return accounts.add(name, expert=name in EXPERTS)
    return accounts.new_link(name)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def signed_in(client: httpx.Client, db_path: Path, name: str) -> httpx.Client:
    """``client`` signed in to ``name``'s account through a one-time link."""
    response = client.post("/sign-in", data={"token": sign_in_token(db_path, name)})
    assert response.status_code == 303 and response.headers["location"] == "/tasks", response
    return client
