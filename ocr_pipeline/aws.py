"""boto3 clients configured the same way everywhere.

Endpoints come from the standard environment variables, which boto3 (≥ 1.28) honours by itself:
``AWS_ENDPOINT_URL`` for every service, ``AWS_ENDPOINT_URL_<SERVICE>`` (e.g.
``AWS_ENDPOINT_URL_DYNAMODB``) for one, and ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`` to
ignore both. That is how tests point real clients at a moto server on loopback.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import boto3
from botocore.config import Config

logger = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"

DEFAULT_MAX_ATTEMPTS = 10

_SESSIONS = threading.local()
"""Each thread's last boto3 session and what it was made from: a session loads botocore's
service models from disk for each client it makes first (0.1-0.3 s), and one run makes
many clients."""


def client(service: str, *, region: str | None = None, endpoint_url: str | None = None,
           max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Any:
    """A boto3 client for ``service`` with adaptive retries (backoff and client-side rate
    limiting on throttling and transient errors), in ``region`` or else ``AWS_REGION``,
    ``AWS_DEFAULT_REGION``, ``us-east-1``; ``endpoint_url`` overrides the environment's.

    Each thread has its own boto3 session (a session is not thread-safe; its clients are),
    made again when the region or an ``AWS_*`` variable changed.
    """
    region = (
        region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION
    )
    config = Config(retries={"mode": "adaptive", "max_attempts": max_attempts})
    made = _session(region).client(service, config=config, endpoint_url=endpoint_url)
    logger.debug("%s client in %s at %s", service, region, made.meta.endpoint_url)
    return made


def _session(region: str) -> boto3.session.Session:
    """This thread's session for ``region`` and the environment as it is now."""
    made_from = (region, sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    last = getattr(_SESSIONS, "last", None)
    if last is None or last[0] != made_from:
        last = (made_from, boto3.session.Session(region_name=region))
        _SESSIONS.last = last
    return last[1]
