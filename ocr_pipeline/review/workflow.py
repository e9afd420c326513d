"""A catalog's review, loop by loop: start round 1, collect answers, escalate, decide.

State lives in the object store (``review/<catalog>/state.json``); every completed loop's
output is copied, unchanged, to ``review/<catalog>/outputs/<loop>.json`` and decisions are
recomputed from those copies each time, so they can always be audited and re-derived.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.review.a2i import A2IReviews, ReviewError, answers_of
from ocr_pipeline.review.consensus import Decision, answers_saved, decide
from ocr_pipeline.review.contract import FIELDS, Answer, Role, TaskInput
from ocr_pipeline.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

FINAL = ("validated", "rejected")
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
        self._state: dict[str, Any] = (
            store.get_json(self._state_key) if store.exists(self._state_key) else {}
        )
        self._started = 0
        self._failed = 0
        self.unavailable: str | None = None
        """Why the last ``request`` could not start every loop (the review service refused)."""

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
                self.unavailable = str(exc)
                logger.warning("%s: review requests paused: %s", self.catalog_id, exc)
                break
        self._save()
        return self._started - before

    def collect(self) -> ReviewSummary:
        """Poll open loops, keep finished outputs, decide, escalate where needed."""
        decisions: dict[str, Decision] = {}
        for record_id, entry in self._state.items():
            self._poll(record_id, entry)
            decision = decide(self._answers(entry))
            decisions[record_id] = decision
            roles = {loop["role"] for loop in entry["loops"]}
            if decision.status == "needs_round2" and "round2" not in roles:
                self._start(record_id, "round2")
            elif decision.status == "needs_expert" and "expert" not in roles:
                self._start(record_id, "expert")
        self._save()
        self._store.put_json(
            f"review/{self.catalog_id}/decisions.json",
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

    def open_loops(self) -> list[str]:
        return [loop["name"] for entry in self._state.values() for loop in entry["loops"]
                if loop["status"] in ("InProgress", "Stopping")]

    def _start(self, record_id: str, role: Role) -> None:
        entry = self._state[record_id]
        attempt = sum(1 for loop in entry["loops"] if loop["role"] == role)
        task = TaskInput.from_dict({**entry["task"], "role": role})
        name = self._reviews.start(task=task, attempt=attempt)
        entry["loops"].append({"name": name, "role": role, "status": "InProgress"})
        self._started += 1

    def _poll(self, record_id: str, entry: dict[str, Any]) -> None:
        for loop in list(entry["loops"]):
            if loop["status"] not in ("InProgress", "Stopping"):
                continue
            state = self._reviews.state(loop["name"])
            loop["status"] = state.status
            if state.status == "Completed" and state.output_uri:
                output = self._reviews.output(state.output_uri)
                self._store.put_json(self._output_key(loop["name"]), output)
            elif state.status == "Failed":
                logger.warning("loop %s failed (%s); starting it again", loop["name"],
                               state.failure_reason)
                entry["failed"] += 1
                self._failed += 1
                self._start(record_id, loop["role"])

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
