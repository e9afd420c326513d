"""A finished (or stopped) loop's output file, in Amazon A2I's format and at A2I's kind of
key: ``review/a2i-output/<flow>/<YYYY>/<MM>/<DD>/<hh>/<mm>/<ss>/<loop>/output.json``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ocr_pipeline.review.console.db import Loop, SubmittedAnswer
from ocr_pipeline.review.console.flows import flow_name
from ocr_pipeline.storage.objects import LocalObjectStore

OUTPUT_PREFIX = "review/a2i-output"
ISSUER = "ocr-pipeline-review-console"


def iso_time(moment: datetime) -> str:
    """``2026-01-02T03:04:05.678Z``: ISO 8601 in UTC, as A2I writes times."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def output_key(loop: Loop) -> str:
    """Where the output of ``loop`` goes: under its flow, by its creation time (UTC)."""
    stamp = loop.creation_time.strftime("%Y/%m/%d/%H/%M/%S")
    return f"{OUTPUT_PREFIX}/{flow_name(loop.flow_arn)}/{stamp}/{loop.name}/output.json"


def output_document(loop: Loop, answers: list[SubmittedAnswer]) -> dict[str, Any]:
    """A2I's output JSON: the loop's input and each worker's answer with who and when.

    ``answerContent`` is the ``Answer`` without ``worker_id``: the worker (the reviewer's
    account) is ``workerId`` and ``workerMetadata``'s ``sub``, as in A2I, where the task form
    cannot name its worker.
    """
    return {
        "flowDefinitionArn": loop.flow_arn,
        "humanLoopName": loop.name,
        "inputContent": json.loads(loop.input_content),
        "humanAnswers": [_human_answer(answer) for answer in answers],
    }


class LoopOutputs:
    """Writes loops' output files to the object store."""

    def __init__(self, *, store: LocalObjectStore) -> None:
        self._store = store

    def write(self, loop: Loop, answers: list[SubmittedAnswer]) -> str:
        """Write the output of ``loop`` with ``answers``; return its URI."""
        return self._store.put_json(output_key(loop), output_document(loop, answers))


def _human_answer(answer: SubmittedAnswer) -> dict[str, Any]:
    return {
        "answerContent": {k: v for k, v in answer.answer.items() if k != "worker_id"},
        "acceptanceTime": iso_time(answer.accepted),
        "submissionTime": iso_time(answer.submitted),
        "timeSpentInSeconds": round((answer.submitted - answer.accepted).total_seconds(), 3),
        "workerId": answer.worker,
        "workerMetadata": {
            "identityData": {
                "identityProviderType": "local",
                "issuer": ISSUER,
                "sub": answer.worker,
            }
        },
    }
