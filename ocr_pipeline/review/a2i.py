"""Amazon A2I runtime client code: human loops for review tasks, by flow role.

The same code runs against Amazon A2I and against the local review console (boto3's own
``sagemaker-a2i-runtime`` client pointed at it with ``endpoint_url``). Loop names are
deterministic (record, role, attempt), so a retry never starts a duplicate loop: a name
conflict means the loop is already there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from ocr_pipeline.errors import ConfigurationError, ReviewError
from ocr_pipeline.review.contract import FIELDS, Answer, Role, TaskInput
from ocr_pipeline.review.credentials import ConsoleCredentials
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

LoopStatus = Literal["InProgress", "Completed", "Failed", "Stopping", "Stopped"]
_ROLE_TAG: dict[Role, str] = {"round1": "r1", "round2": "r2", "expert": "ex"}


@dataclass(frozen=True, slots=True)
class LoopState:
    name: str
    status: LoopStatus
    output_uri: str | None
    failure_reason: str | None


def a2i_client(*, endpoint_url: str, region: str,
               credentials: ConsoleCredentials | None = None) -> Any:
    """boto3's ``sagemaker-a2i-runtime`` client: Amazon A2I with the usual AWS credentials, or,
    given an ``endpoint_url``, the local review console, which checks the requests' signatures
    against its key pair (``credentials``, see ``review.credentials``)."""
    config = Config(retries={"mode": "adaptive", "max_attempts": 5})
    if not endpoint_url:
        return boto3.client("sagemaker-a2i-runtime", region_name=region, config=config)
    if credentials is None:
        raise ConfigurationError(f"the review console at {endpoint_url} needs its key pair to "
                                 "sign requests with")
    return boto3.client("sagemaker-a2i-runtime", region_name=region, endpoint_url=endpoint_url,
                        aws_access_key_id=credentials.access_key_id,
                        aws_secret_access_key=credentials.secret_access_key, config=config)


def loop_name(*, record_id: str, role: Role, attempt: int) -> str:
    """``r-<record id>-<r1|r2|ex>-<attempt>``: valid A2I name (lowercase, digits, dashes, <= 63)."""
    return f"r-{record_id.lower()[:40]}-{_ROLE_TAG[role]}-{attempt}"


class A2IReviews:
    """Start, poll and read human loops through a boto3 ``sagemaker-a2i-runtime`` client."""

    def __init__(self, *, client: Any, flows: Mapping[Role, str], store: ObjectStore,
                 s3: Any | None = None) -> None:
        self._client = client
        self._flows = dict(flows)
        self._store = store
        self._s3 = s3

    def start(self, *, task: TaskInput, attempt: int = 0) -> str:
        """Start the loop for ``task`` in its role's flow; return its name (already there: fine)."""
        name = loop_name(record_id=task.record_id, role=task.role, attempt=attempt)
        try:
            self._client.start_human_loop(
                HumanLoopName=name,
                FlowDefinitionArn=self._flows[task.role],
                HumanLoopInput={"InputContent": json.dumps(task.to_dict(), ensure_ascii=False)},
            )
            logger.info("started human loop %s", name)
        except self._client.exceptions.ConflictException:
            logger.info("human loop %s was already started", name)
        except (ClientError, EndpointConnectionError) as exc:
            raise ReviewError(
                f"cannot start human loop {name} in {self._flows[task.role]} at "
                f"{self._client.meta.endpoint_url}: {exc}. Where Amazon A2I is not available "
                "(a local AWS endpoint), serve the local review console (`ocr-pipeline "
                "review-console`) and point OCR_REVIEW_ENDPOINT at it"
            ) from exc
        return name

    def state(self, name: str) -> LoopState:
        loop = self._client.describe_human_loop(HumanLoopName=name)
        return LoopState(
            name=name,
            status=loop["HumanLoopStatus"],
            output_uri=(loop.get("HumanLoopOutput") or {}).get("OutputS3Uri"),
            failure_reason=loop.get("FailureReason"),
        )

    def list(self, *, role: Role) -> Iterator[dict[str, Any]]:
        """Summaries of every loop of ``role``'s flow, newest first."""
        paginator = self._client.get_paginator("list_human_loops")
        for page in paginator.paginate(FlowDefinitionArn=self._flows[role], SortOrder="Descending"):
            yield from page["HumanLoopSummaries"]

    def output(self, uri: str) -> dict[str, Any]:
        """The loop's output JSON in A2I's format, from ``s3://`` or ``file://``."""
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return self._store.get_json(uri)
        if parsed.scheme == "s3":
            if self._s3 is None:
                raise ReviewError(f"{uri}: no S3 client to read the loop output with")
            body = self._s3.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
            return json.loads(body.read())
        raise ReviewError(f"{uri}: unsupported output location")


def answers_of(output: Mapping[str, Any], *, role: Role) -> list[Answer]:
    """Workers' answers from an A2I output document: the local console's shape
    (``{"fields": {...}, "not_a_course": bool}``) or the AWS task template's ``crowd-form``
    (the fields as top-level names, the checkbox as ``{"on": bool}``).

    A worker is the ``workerId`` the review service vouches for (an account of the local
    console, a workforce member in A2I), never a name inside the answer, which its worker
    could type: an answer without one cannot be told apart from others and is left out."""
    answers = []
    for item in output.get("humanAnswers", []):
        content = item.get("answerContent") or {}
        worker = item.get("workerId")
        if not worker:
            logger.warning("%s: an answer without a workerId is left out",
                           output.get("humanLoopName", "a human loop"))
            continue
        fields = content.get("fields")
        if fields is None:
            fields = {name: content[name] for name in FIELDS if name in content}
        answers.append(Answer(
            worker_id=str(worker),
            not_a_course=_checked(content.get("not_a_course", False)),
            fields={k: str(v) for k, v in fields.items()},
            role=role,
        ))
    return answers


def _checked(value: Any) -> bool:
    if isinstance(value, Mapping):
        return bool(value.get("on") or value.get("checked"))
    return bool(value)
