"""A catalog's review, loop by loop: start round 1, collect answers, escalate, decide.

State lives in the object store (``review/<catalog>/state.json``); every completed loop's
output is copied, unchanged, to ``review/<catalog>/outputs/<loop>.json`` and decisions are
recomputed from those copies each time, so they can always be audited and re-derived.

Nothing is left waiting on a loop that will never answer. A loop that failed, was stopped or
deleted (kept in the state as ``Deleted``), or completed with its output lost (no output URI,
or nothing there any more) is logged as a warning and, while its record is undecided, counted
in ``failed_loops``. After ``collect`` every record not yet decided has an open loop: the one
its decision needs (round 2, the expert), else another of the role it last had. Loop names are
deterministic per attempt, so collecting the same state twice (or in two runs at once) starts
nothing twice; decided records get no new loop. ``stalled_loops`` tells the review sensor
about records left without one (by a run that died, or by older code).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.errors import ObjectNotFoundError, ReviewError
from ocr_pipeline.review.a2i import A2IReviews, answers_of
from ocr_pipeline.review.consensus import Decision, answers_saved, decide
from ocr_pipeline.review.contract import FIELDS, Answer, Role, TaskInput
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

FINAL = ("validated", "rejected")
OPEN = ("InProgress", "Stopping")
"""Loop statuses that may still bring answers."""
ESCALATION: dict[str, Role] = {"needs_round2": "round2", "needs_expert": "expert"}
"""The loop a record's decision asks for; any other undecided record gets another loop of
the role it last had."""
CropFn = Callable[[CourseRecord], str]
"""Renders the page region of a record; returns the image URI."""


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    records: int
    decided: int
    validated: int
    rejected: int
    waiting: int
    loops_started: int
    failed_loops: int
    """Loops of undecided records that ended without answers (each record is in an open
    loop again)."""
    answers_bought: int
    """All answers received so far, for decided and open records."""
    agreement: float
    savings: dict[str, float]
    """Answers bought for decided records against the fixed 5-answer scheme."""

    def metadata(self) -> dict[str, object]:
        return {
            "reviewed_records": self.records, "decided": self.decided,
            "validated": self.validated, "rejected": self.rejected, "waiting": self.waiting,
            "loops_started": self.loops_started, "failed_loops_restarted": self.failed_loops,
            "answers_bought": self.answers_bought,
            "answers_per_decided_record": round(self.savings["per_record"], 2),
            "fixed_scheme_answers": int(self.savings["fixed_scheme"]),
            "answers_saved_share": round(self.savings["saved_share"], 3),
            "mean_agreement": round(self.agreement, 3),
        }


class CatalogReview:
    def __init__(self, *, catalog_id: str, store: ObjectStore, reviews: A2IReviews) -> None:
        self.catalog_id = catalog_id
        self._store = store
        self._reviews = reviews
        self._state_key = f"review/{catalog_id}/state.json"
        self._decisions_key = f"review/{catalog_id}/decisions.json"
        self._state: dict[str, Any] = (
            store.get_json(self._state_key) if store.exists(self._state_key) else {}
        )
        self._started = 0
        self._failed = 0
        self.unavailable: ReviewError | EndpointConnectionError | None = None
        """Why the last ``request`` or ``collect`` stopped short: the review service refused a
        start, or could not be reached; None when it answered."""

    def request(self, records: list[CourseRecord], *, crop: CropFn) -> int:
        """Start a round-1 loop for every record under the threshold not yet in review;
        return how many were started.

        When the review service refuses a start, the remaining records are left for the next
        request (loop names are deterministic, so nothing starts twice) and ``unavailable``
        says why: records that need no person are not held up by an outage."""
        before = self._started
        self.unavailable = None
        for record in records:
            if record.status != "pending_review" or record.record_id in self._state:
                continue
            task = TaskInput(
                record_id=record.record_id, catalog_id=self.catalog_id, page=record.page,
                image_uri=crop(record),
                fields={name: str(getattr(record, name) or "") for name in FIELDS},
            )
            self._state[record.record_id] = {"task": task.to_dict(), "loops": [], "failed": 0}
            try:
                self._start(record.record_id, "round1")
            except ReviewError as exc:
                del self._state[record.record_id]
                self.unavailable = exc
                logger.warning("%s: review requests paused: %s", self.catalog_id, exc)
                break
        self._save()
        return self._started - before

    def collect(self) -> ReviewSummary:
        """Poll open loops, keep finished outputs, decide, and give every record not yet
        decided an open loop (escalating, or replacing loops that ended without answers).

        When the review service cannot be reached (or refuses a start), ``unavailable`` says
        why and the records not advanced yet are decided on the answers kept so far: their
        loops stay as they are for the next collect."""
        self.unavailable = None
        decisions: dict[str, Decision] = {}
        for record_id, entry in self._state.items():
            decisions[record_id] = (self._advance(record_id, entry) if self.unavailable is None
                                    else decide(self._answers(entry)))
        self._save()
        self._store.put_json(
            self._decisions_key,
            {rid: d.to_dict() for rid, d in decisions.items() if d.status in FINAL},
        )
        decided = [d for d in decisions.values() if d.status in FINAL]
        return ReviewSummary(
            records=len(decisions), decided=len(decided),
            validated=sum(d.status == "validated" for d in decided),
            rejected=sum(d.status == "rejected" for d in decided),
            waiting=len(decisions) - len(decided), loops_started=self._started,
            failed_loops=self._failed,
            answers_bought=sum(d.answers_bought for d in decisions.values()),
            agreement=(sum(d.agreement for d in decided) / len(decided)) if decided else 0.0,
            savings=answers_saved(decided),
        )

    def _advance(self, record_id: str, entry: dict[str, Any]) -> Decision:
        """Poll the record's loops, decide, and start the loop an undecided record needs."""
        try:
            lost = self._poll(entry)
        except EndpointConnectionError as exc:
            self._pause(exc)
            return decide(self._answers(entry))
        decision = decide(self._answers(entry))
        if decision.status not in FINAL:
            entry["failed"] += lost
            self._failed += lost
            try:
                self._resume(record_id, entry, decision)
            except ReviewError as exc:
                self._pause(exc)
        return decision

    def _pause(self, exc: ReviewError | EndpointConnectionError) -> None:
        self.unavailable = exc
        logger.warning("%s: collecting reviews paused: %s", self.catalog_id, exc)

    def open_loops(self) -> list[str]:
        return [loop["name"] for entry in self._state.values() for loop in entry["loops"]
                if loop["status"] in OPEN]

    def stalled_loops(self) -> list[str]:
        """The last loop of each record that is neither decided (by the last ``collect``) nor
        in an open loop: ``collect`` starts the loop it needs."""
        decided = (self._store.get_json(self._decisions_key)
                   if self._store.exists(self._decisions_key) else {})
        return [entry["loops"][-1]["name"] for record_id, entry in self._state.items()
                if record_id not in decided and not _has_open_loop(entry)]

    def _resume(self, record_id: str, entry: dict[str, Any], decision: Decision) -> None:
        """Start the loop an undecided record needs, unless one is open."""
        if _has_open_loop(entry):
            return
        role = ESCALATION.get(decision.status, entry["loops"][-1]["role"])
        if any(loop["role"] == role for loop in entry["loops"]):
            logger.warning("%s: record %s is %s with no open loop; starting another %s loop",
                           self.catalog_id, record_id, decision.status, role)
        self._start(record_id, role)

    def _start(self, record_id: str, role: Role) -> None:
        entry = self._state[record_id]
        attempt = sum(1 for loop in entry["loops"] if loop["role"] == role)
        task = TaskInput.from_dict({**entry["task"], "role": role})
        name = self._reviews.start(task=task, attempt=attempt)
        entry["loops"].append({"name": name, "role": role, "status": "InProgress"})
        self._started += 1

    def _poll(self, entry: dict[str, Any]) -> int:
        """Update the record's open loops, keeping the outputs of completed ones; how many
        ended without answers (failed, stopped, deleted, or completed with the output lost)."""
        lost = 0
        for loop in entry["loops"]:
            if loop["status"] in OPEN:
                loop["status"], why = self._finish(loop["name"])
                if why:
                    logger.warning("%s: loop %s ended without answers: %s", self.catalog_id,
                                   loop["name"], why)
                    lost += 1
        return lost

    def _finish(self, name: str) -> tuple[str, str | None]:
        """The loop's status, its output kept if it completed; and why it brings no answers
        if it ended without (else None)."""
        try:
            state = self._reviews.state(name)
        except ClientError as exc:
            if _error_code(exc) != "ResourceNotFoundException":
                raise
            return "Deleted", "it was deleted"
        if state.status == "Completed":
            return state.status, self._keep_output(name, state.output_uri)
        if state.status in OPEN:
            return state.status, None
        reason = f": {state.failure_reason}" if state.failure_reason else ""
        return state.status, f"{state.status.lower()}{reason}"

    def _keep_output(self, name: str, uri: str | None) -> str | None:
        """Copy a completed loop's output; why there is none, if so. A copy kept by a run
        that ended before saving its state still counts."""
        key = self._output_key(name)
        output = self._output(uri) if uri else None
        if output is not None:
            self._store.put_json(key, output)
        elif not self._store.exists(key):
            return f"completed, but its output {uri} is gone" if uri else (
                "completed with no output URI")
        return None

    def _output(self, uri: str) -> dict[str, Any] | None:
        """The loop output at ``uri``; None if nothing is there any more."""
        try:
            return self._reviews.output(uri)
        except ObjectNotFoundError:
            return None
        except ClientError as exc:
            if _error_code(exc) != "NoSuchKey":
                raise
            return None

    def _answers(self, entry: dict[str, Any]) -> list[Answer]:
        answers: list[Answer] = []
        for loop in entry["loops"]:
            key = self._output_key(loop["name"])
            if loop["status"] == "Completed" and self._store.exists(key):
                answers += answers_of(self._store.get_json(key), role=loop["role"])
        return answers

    def _output_key(self, name: str) -> str:
        return f"review/{self.catalog_id}/outputs/{name}.json"

    def _save(self) -> None:
        self._store.put_json(self._state_key, self._state)


def _has_open_loop(entry: dict[str, Any]) -> bool:
    return any(loop["status"] in OPEN for loop in entry["loops"])


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
