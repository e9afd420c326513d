"""Adaptive 5-person consensus over review answers: pure, so it can be recomputed from them.

Round 1 asks 3 workers: a unanimous record is decided there. Otherwise round 2 asks 2 more
and a field is accepted when at least 60% of the distinct workers agree on it after
normalization. Anything else goes to one expert, whose answer is final.

A worker is an ``Answer.worker_id``: the worker id the review service vouches for (a reviewer
account of the local console, a workforce member in Amazon A2I; ``a2i.answers_of``), so
"distinct workers" are distinct accounts, however many answers one account gives, and the
evidence names the accounts.

``decide`` takes every answer of a record so far, in arrival order, and nothing else: the same
answers give the same decision. A field that no answer carries was not asked (its task was made
before the field was reviewed) and takes no part in the decision, so answers kept from before
a field joined FIELDS decide as they did.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from ocr_pipeline.review.contract import FIELDS, TASK_COUNT, Answer

logger = logging.getLogger(__name__)

Status = Literal["validated", "rejected", "needs_round2", "needs_expert", "pending"]
FINAL_STATUSES: frozenset[str] = frozenset({"validated", "rejected"})
ACCEPT_SHARE = Fraction(3, 5)
"""Share of the distinct workers that must agree on a value after round 2."""
NOT_A_COURSE = "not_a_course"
"""Evidence key of the "not a course" vote; its values are "yes" and "no"."""

_WHITESPACE = re.compile(r"\s+")
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2014_./]+")
_LETTER_THEN_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)")
_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_REQUISITE_LABELS = {
    "prerequisites": re.compile(r"^pre-?requisites?\s*:\s*", re.IGNORECASE),
    "corequisites": re.compile(r"^co-?requisites?\s*:\s*", re.IGNORECASE),
}
"""The printed label of each requisites field, which a reviewer may type along with the text."""
_CREDITS = re.compile(
    rf"\(?\s*(?P<low>{_NUMBER})\s*(?:(?:-|\u2013|\u2014|to)\s*(?P<high>{_NUMBER}))?\s*"
    r"(?:credits?|credit hours?|cr|crs|hours?|hrs?|units?)?\.?\s*\)?\.?",
    re.IGNORECASE,
)

Ballot = tuple[str, str, str]
"""(worker_id, normalized value, display value) of one worker for one field."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldEvidence:
    value: str | None
    """Display value of the best-supported (or the expert's) normalized value; None: no votes."""
    agreement: float
    """Supporters of ``value`` / distinct workers who answered the record."""
    supporters: tuple[str, ...]
    """The worker ids (accounts) that gave ``value``."""
    votes: dict[str, int]
    """Normalized value -> number of distinct workers who gave it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "agreement": self.agreement,
            "supporters": list(self.supporters),
            "votes": dict(self.votes),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    status: Status
    fields: dict[str, str]
    """Accepted display values when validated; empty otherwise."""
    evidence: dict[str, FieldEvidence]
    """Per field of FIELDS, and NOT_A_COURSE."""
    workers: tuple[str, ...]
    """Distinct worker ids (accounts) counted, in order of first answer."""
    answers_bought: int
    """Every answer received, duplicates included: they were paid for."""
    agreement: float
    """Mean agreement over the FIELDS asked (for a rejection: agreement on "not a course")."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "fields": dict(self.fields),
            "evidence": {name: ev.to_dict() for name, ev in self.evidence.items()},
            "workers": list(self.workers),
            "answers_bought": self.answers_bought,
            "agreement": self.agreement,
        }


def normalize(field: str, value: str) -> str:
    """The form two answers are compared in: equal normalized values are the same answer."""
    text = _clean(value)
    if field == "course_code":
        return _normalize_code(text)
    if field == "credits_text":
        return _normalize_credits(text)
    if field in _REQUISITE_LABELS:
        return _normalize_requisites(text, label=_REQUISITE_LABELS[field])
    return text


def decide(answers: Sequence[Answer]) -> Decision:
    """The consensus decision for one record from all its answers so far, in arrival order."""
    experts = [a for a in answers if a.role == "expert"]
    crowd = _latest_by_worker(a for a in answers if a.role != "expert")
    if experts:
        decision = _expert_decision(crowd, experts[-1], bought=len(answers))
    else:
        decision = _crowd_decision(crowd, stage=_stage(answers), bought=len(answers))
    logger.debug(
        "consensus %s: %d worker(s), %d answer(s), agreement %.2f",
        decision.status,
        len(decision.workers),
        decision.answers_bought,
        decision.agreement,
    )
    return decision


def answers_saved(decisions: Sequence[Decision], *, fixed: int = 5) -> dict[str, float]:
    """Answers bought for the final (validated or rejected) decisions against ``fixed`` each."""
    final = [d for d in decisions if d.status in FINAL_STATUSES]
    reviewed = len(final)
    total = sum(d.answers_bought for d in final)
    planned = fixed * reviewed
    return {
        "reviewed": reviewed,
        "answers_bought": total,
        "per_record": total / reviewed if reviewed else 0.0,
        "fixed_scheme": planned,
        "saved_share": 1 - total / planned if planned else 0.0,
    }


def _clean(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def _normalize_code(text: str) -> str:
    spaced = _CODE_SEPARATORS.sub(" ", text.upper()).strip()
    return _LETTER_THEN_DIGIT.sub(" ", spaced)


def _normalize_credits(text: str) -> str:
    match = _CREDITS.fullmatch(text)
    if match is None:
        return text
    low = _number(match["low"])
    high = _number(match["high"]) if match["high"] else low
    return low if high == low else f"{low}-{high}"


def _normalize_requisites(text: str, *, label: re.Pattern[str]) -> str:
    """Without the field's own label and the closing period, as the parser keeps them:
    ``Prerequisite: MATH 101.`` is ``MATH 101``. Empty: none."""
    return label.sub("", text).rstrip(" .")


def _number(text: str) -> str:
    return format(Decimal(text).normalize(), "f")


def _latest_by_worker(answers: Iterable[Answer]) -> dict[str, Answer]:
    """Each worker's latest answer, workers in order of their first answer."""
    latest: dict[str, Answer] = {}
    for answer in answers:
        latest[answer.worker_id] = answer
    return latest


def _stage(answers: Sequence[Answer]) -> Literal["pending", "round1", "round2"]:
    """The crowd stage whose answers are all in, or pending."""
    round1 = {a.worker_id for a in answers if a.role == "round1"}
    round2 = {a.worker_id for a in answers if a.role == "round2"}
    if len(round1) < TASK_COUNT["round1"]:
        return "pending"
    if not round2:
        return "round1"
    return "round2" if len(round2) >= TASK_COUNT["round2"] else "pending"


def _crowd_decision(
    voters: dict[str, Answer], *, stage: Literal["pending", "round1", "round2"], bought: int
) -> Decision:
    evidence = {
        name: _best_evidence(_ballots(voters, name), total=len(voters))
        for name in (NOT_A_COURSE, *FIELDS)
    }
    status: Status = "pending"
    if stage == "round1":
        status = _round1_status(evidence, total=len(voters))
    elif stage == "round2":
        status = _round2_status(evidence, total=len(voters))
    return _decision(status, evidence, workers=tuple(voters), bought=bought)


def _round1_status(evidence: dict[str, FieldEvidence], *, total: int) -> Status:
    if evidence[NOT_A_COURSE].votes.get("yes", 0) == total:
        return "rejected"
    if all(len(evidence[name].supporters) == total for name in _asked(evidence)):
        return "validated"
    return "needs_round2"


def _round2_status(evidence: dict[str, FieldEvidence], *, total: int) -> Status:
    if Fraction(evidence[NOT_A_COURSE].votes.get("yes", 0), total) >= ACCEPT_SHARE:
        return "rejected"
    if all(Fraction(len(evidence[name].supporters), total) >= ACCEPT_SHARE
           for name in _asked(evidence)):
        return "validated"
    return "needs_expert"


def _asked(evidence: dict[str, FieldEvidence]) -> tuple[str, ...]:
    """The FIELDS some worker answered; all of them when no one answered any."""
    return tuple(name for name in FIELDS if evidence[name].votes) or FIELDS


def _expert_decision(crowd: dict[str, Answer], expert: Answer, *, bought: int) -> Decision:
    """The expert's answer is final; the evidence shows how the crowd stood on it."""
    voters = {**crowd, expert.worker_id: expert}
    evidence = {name: _expert_evidence(voters, expert, name) for name in (NOT_A_COURSE, *FIELDS)}
    status: Status = "rejected" if expert.not_a_course else "validated"
    return _decision(status, evidence, workers=tuple(voters), bought=bought)


def _expert_evidence(voters: dict[str, Answer], expert: Answer, name: str) -> FieldEvidence:
    own = _ballots({expert.worker_id: expert}, name)
    chosen, display = (own[0][1], own[0][2]) if own else (None, None)
    found = _evidence(_ballots(voters, name), total=len(voters), chosen=chosen)
    return replace(found, value=display)


def _ballots(voters: dict[str, Answer], name: str) -> list[Ballot]:
    """The vote of every worker who gave a value for ``name``: "not a course" gives no fields."""
    if name == NOT_A_COURSE:
        marks = {
            worker: "yes" if answer.not_a_course else "no" for worker, answer in voters.items()
        }
        return [(worker, mark, mark) for worker, mark in marks.items()]
    return [
        (worker, normalize(name, raw), _clean(raw))
        for worker, answer in voters.items()
        if not answer.not_a_course and (raw := answer.fields.get(name)) is not None
    ]


def _best_evidence(ballots: list[Ballot], *, total: int) -> FieldEvidence:
    """Evidence for the most supported value (ties: the one answered first)."""
    ranked = Counter(normalized for _, normalized, _ in ballots).most_common(1)
    return _evidence(ballots, total=total, chosen=ranked[0][0] if ranked else None)


def _evidence(ballots: list[Ballot], *, total: int, chosen: str | None) -> FieldEvidence:
    """Evidence for ``chosen``; its display is the commonest raw form (ties: the earliest)."""
    agreeing = [
        (worker, display) for worker, normalized, display in ballots if normalized == chosen
    ]
    displays = Counter(display for _, display in agreeing).most_common(1)
    return FieldEvidence(
        value=displays[0][0] if displays else None,
        agreement=len(agreeing) / total if total else 0.0,
        supporters=tuple(worker for worker, _ in agreeing),
        votes=dict(Counter(normalized for _, normalized, _ in ballots)),
    )


def _decision(
    status: Status, evidence: dict[str, FieldEvidence], *, workers: tuple[str, ...], bought: int
) -> Decision:
    fields = {name: value for name in FIELDS if (value := evidence[name].value) is not None}
    if status == "rejected":
        agreement = evidence[NOT_A_COURSE].agreement
    else:
        asked = _asked(evidence)
        agreement = sum(evidence[name].agreement for name in asked) / len(asked)
    return Decision(
        status=status,
        fields=fields if status == "validated" else {},
        evidence=evidence,
        workers=workers,
        answers_bought=bought,
        agreement=agreement,
    )
