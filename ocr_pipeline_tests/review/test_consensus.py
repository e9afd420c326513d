"""Adaptive 5-person consensus: the round rules, normalization, evidence, and its invariants."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_pipeline.review.consensus import (
    NOT_A_COURSE,
    Decision,
    answers_saved,
    decide,
    normalize,
)
from ocr_pipeline.review.contract import FIELDS, Answer, Role

GOOD = {
    "course_code": "ACCT 212",
    "title": "Managerial Accounting",
    "credits_text": "3",
    "description": "Costs, budgets and variance analysis.",
    "prerequisites": "ACCT 211 or consent of instructor",
    "corequisites": "",
}


def course(worker: str, role: Role = "round1", **changes: str) -> Answer:
    return Answer(worker_id=worker, fields={**GOOD, **changes}, role=role)


def not_course(worker: str, role: Role = "round1") -> Answer:
    return Answer(worker_id=worker, not_a_course=True, role=role)


def other(worker: str, role: Role = "round1") -> Answer:
    """A course answer that differs from GOOD, and from every other ``other``, on every field."""
    return course(worker, role, **{name: f"{worker} {name}" for name in FIELDS})


ROUND1 = [course("a"), course("b"), course("c", title="Cost Accounting")]


# --- round 1 -----------------------------------------------------------------------------------


def test_round1_unanimous_is_validated_with_three_answers() -> None:
    decision = decide([course("a"), course("b"), course("c")])
    assert decision.status == "validated"
    assert decision.fields == GOOD
    assert decision.answers_bought == 3
    assert decision.workers == ("a", "b", "c")
    assert decision.agreement == 1.0


def test_round1_all_not_a_course_is_rejected() -> None:
    decision = decide([not_course("a"), not_course("b"), not_course("c")])
    assert decision.status == "rejected"
    assert decision.fields == {}
    assert decision.evidence[NOT_A_COURSE].value == "yes"
    assert decision.agreement == 1.0


def test_round1_one_disputed_field_needs_round2() -> None:
    decision = decide(ROUND1)
    assert decision.status == "needs_round2"
    assert decision.fields == {}
    assert decision.evidence["title"].supporters == ("a", "b")


def test_round1_one_not_a_course_needs_round2() -> None:
    assert decide([course("a"), course("b"), not_course("c")]).status == "needs_round2"
    assert decide([not_course("a"), not_course("b"), course("c")]).status == "needs_round2"


def test_round1_missing_field_is_no_support() -> None:
    partial = Answer(worker_id="c", fields={k: v for k, v in GOOD.items() if k != "description"})
    decision = decide([course("a"), course("b"), partial])
    assert decision.status == "needs_round2"
    assert decision.evidence["description"].votes == {GOOD["description"]: 2}
    assert decision.evidence["description"].agreement == pytest.approx(2 / 3)


def test_round1_equal_after_normalization_is_unanimous() -> None:
    decision = decide(
        [
            course("a", course_code="acct-212", credits_text="3 credits"),
            course("b", course_code="ACCT  212", credits_text="3.0"),
            course("c", course_code="acct-212", title=" Managerial   Accounting "),
        ]
    )
    assert decision.status == "validated"
    assert decision.fields["course_code"] == "acct-212"  # the commonest raw form
    assert decision.fields["credits_text"] == "3 credits"  # a tie: the earliest answer
    assert decision.fields["title"] == "Managerial Accounting"


def test_title_case_is_a_different_answer() -> None:
    decision = decide([course("a"), course("b"), course("c", title="MANAGERIAL ACCOUNTING")])
    assert decision.status == "needs_round2"


# --- round 2 and the expert --------------------------------------------------------------------


def test_round2_three_of_five_on_every_field_is_validated() -> None:
    decision = decide(
        [course("a"), course("b"), other("c"), course("d", "round2"), other("e", "round2")]
    )
    assert decision.status == "validated"
    assert decision.fields == GOOD
    assert decision.answers_bought == 5
    assert all(decision.evidence[name].agreement == pytest.approx(0.6) for name in FIELDS)


def test_round2_two_of_five_best_needs_expert() -> None:
    answers = [
        course("a"),
        course("b"),
        course("c", title="Cost Accounting"),
        course("d", "round2", title="Cost Accounting"),
        course("e", "round2", title="Accounting II"),
    ]
    decision = decide(answers)
    assert decision.status == "needs_expert"
    assert decision.fields == {}
    assert decision.evidence["title"].agreement == pytest.approx(0.4)
    assert decision.evidence["course_code"].agreement == 1.0


def test_round2_denominator_counts_not_a_course_workers() -> None:
    answers = [course("a"), course("b"), not_course("c"), not_course("d", "round2")]
    # 3 of 5 agree with 2 saying "not a course": accepted
    assert decide([*answers, course("e", "round2")]).status == "validated"
    # 2 of 5 agree: not accepted even though every course answer but one agrees
    assert decide([*answers, other("e", "round2")]).status == "needs_expert"


def test_round2_worker_of_both_rounds_counts_once() -> None:
    # "a" picked up the round-2 task too: 4 distinct workers, so 60% takes 3 of them
    answers = [course("a"), other("b"), other("c"), course("a", "round2")]
    two_of_four = decide([*answers, course("d", "round2")])
    assert two_of_four.workers == ("a", "b", "c", "d")
    assert two_of_four.answers_bought == 5
    assert two_of_four.status == "needs_expert"
    three_of_four = decide(
        [course("a"), course("b"), other("c"), course("a", "round2"), course("d", "round2")]
    )
    assert three_of_four.status == "validated"
    assert decide([*answers[:3], not_course("a", "round2"), not_course("d", "round2")]).status == (
        "needs_expert"  # 2 of 4 say "not a course": short of 60%
    )


def test_round2_not_a_course_majority_is_rejected() -> None:
    answers = [
        not_course("a"),
        not_course("b"),
        course("c"),
        not_course("d", "round2"),
        course("e", "round2"),
    ]
    decision = decide(answers)
    assert decision.status == "rejected"
    assert decision.evidence[NOT_A_COURSE].supporters == ("a", "b", "d")
    assert decision.agreement == pytest.approx(0.6)


def test_expert_overrides_the_crowd() -> None:
    crowd = [*ROUND1, course("d", "round2", title="X"), course("e", "round2", title="Y")]
    assert decide(crowd).status == "needs_expert"
    decision = decide([*crowd, course("x", "expert", title="Managerial Accounting I")])
    assert decision.status == "validated"
    assert decision.fields == {**GOOD, "title": "Managerial Accounting I"}
    assert decision.evidence["title"].supporters == ("x",)
    assert decision.evidence["course_code"].agreement == 1.0
    assert decision.answers_bought == 6
    rejected = decide([*crowd, not_course("x", "expert")])
    assert rejected.status == "rejected"
    assert rejected.fields == {}


def test_latest_expert_answer_wins() -> None:
    crowd = [*ROUND1, course("d", "round2", title="X"), course("e", "round2", title="Y")]
    assert decide([*crowd, not_course("x", "expert"), course("y", "expert")]).status == "validated"
    assert decide([*crowd, course("y", "expert"), not_course("x", "expert")]).status == "rejected"


# --- workers, pending, evidence ----------------------------------------------------------------


def test_same_worker_twice_counts_once_and_its_latest_answer_wins() -> None:
    changed_mind = [course("a", title="Cost Accounting"), course("a"), course("b"), course("c")]
    decision = decide(changed_mind)
    assert decision.status == "validated"
    assert decision.workers == ("a", "b", "c")
    assert decision.answers_bought == 4
    assert decision.evidence["title"].votes == {GOOD["title"]: 3}
    reverse = [course("a"), course("a", title="Cost Accounting"), course("b"), course("c")]
    assert decide(reverse).status == "needs_round2"


def test_same_worker_twice_does_not_complete_a_round() -> None:
    decision = decide([course("a"), course("a"), course("b")])
    assert decision.status == "pending"
    assert decision.answers_bought == 3


@pytest.mark.parametrize(
    "answers",
    [
        [],
        [course("a")],
        ROUND1[:2],
        [*ROUND1, course("d", "round2")],
        [not_course("a"), not_course("b")],
    ],
)
def test_pending_while_answers_are_missing(answers: list[Answer]) -> None:
    decision = decide(answers)
    assert decision.status == "pending"
    assert decision.fields == {}
    assert decision.answers_bought == len(answers)


def test_evidence_holds_supporters_votes_and_agreement() -> None:
    decision = decide(ROUND1)
    title = decision.evidence["title"]
    assert title.value == "Managerial Accounting"
    assert title.supporters == ("a", "b")
    assert title.agreement == pytest.approx(2 / 3)
    assert title.votes == {"Managerial Accounting": 2, "Cost Accounting": 1}
    assert decision.evidence[NOT_A_COURSE].votes == {"no": 3}
    assert decision.agreement == pytest.approx((1 + 2 / 3 + 1 + 1 + 1 + 1) / 6)


def test_to_dict_is_json_and_round_trips_the_status() -> None:
    for decision in (decide(ROUND1), decide([course("a"), course("b"), course("c")])):
        stored = json.loads(json.dumps(decision.to_dict()))
        assert stored["status"] == decision.status
        assert stored["fields"] == decision.fields
        assert stored["workers"] == list(decision.workers)
        assert stored["evidence"]["title"]["supporters"] == list(
            decision.evidence["title"].supporters
        )
        assert set(stored["evidence"]) == {NOT_A_COURSE, *FIELDS}


def test_decision_is_recomputed_from_stored_answers() -> None:
    answers = [*ROUND1, course("d", "round2"), other("e", "round2")]
    stored = json.loads(json.dumps([a.to_dict() for a in answers]))
    assert decide([Answer(**data) for data in stored]) == decide(answers)


# --- normalization -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("course_code", "acct-212", "ACCT 212"),
        ("course_code", "ACCT  212", "ACCT 212"),
        ("course_code", "Acct 212", "ACCT 212"),
        ("course_code", " acct_212 ", "ACCT 212"),
        ("course_code", "ACCT212", "ACCT 212"),
        ("credits_text", "3", "3"),
        ("credits_text", "3.0", "3"),
        ("credits_text", "3 credits", "3"),
        ("credits_text", "3 cr.", "3"),
        ("credits_text", "(3)", "3"),
        ("credits_text", "1.50", "1.5"),
        ("credits_text", "10 Credits", "10"),
        ("credits_text", "1-4", "1-4"),
        ("credits_text", "1 - 4", "1-4"),
        ("credits_text", "1 to 4 credit hours", "1-4"),
        ("credits_text", "Variable  credit ", "Variable credit"),
        ("title", "  Managerial \n Accounting ", "Managerial Accounting"),
        ("title", "MANAGERIAL ACCOUNTING", "MANAGERIAL ACCOUNTING"),
        ("description", "Costs,\tbudgets.", "Costs, budgets."),
        ("prerequisites", " ACCT 211  or\nconsent of instructor. ",
         "ACCT 211 or consent of instructor"),
        ("prerequisites", "Prerequisite: ACCT 211.", "ACCT 211"),
        ("prerequisites", "prerequisites:ACCT 211", "ACCT 211"),
        ("prerequisites", "Pre-requisite: ACCT 211", "ACCT 211"),
        ("prerequisites", "Corequisite: ACCT 212L", "Corequisite: ACCT 212L"),
        ("prerequisites", "Junior standing; ACCT 211...", "Junior standing; ACCT 211"),
        ("corequisites", "Corequisite:  ACCT 212L.", "ACCT 212L"),
        ("corequisites", "ACCT 212L", "ACCT 212L"),
        ("corequisites", " . ", ""),
        ("corequisites", "", ""),
    ],
)
def test_normalize(field: str, raw: str, expected: str) -> None:
    assert normalize(field, raw) == expected


def test_normalize_keeps_different_values_apart() -> None:
    assert normalize("course_code", "ACCT 212") != normalize("course_code", "ACCT 213")
    assert normalize("credits_text", "3") != normalize("credits_text", "4")
    assert normalize("credits_text", "1-4") != normalize("credits_text", "1-3")
    assert normalize("title", "Accounting") != normalize("title", "accounting")
    assert normalize("prerequisites", "ACCT 211") != normalize("prerequisites", "")
    assert normalize("prerequisites", "ACCT 211") != normalize("prerequisites", "ACCT 211L")


def test_requisites_agree_after_normalization_and_blank_means_none() -> None:
    decision = decide([
        course("a", prerequisites="Prerequisite: ACCT 211 or consent of instructor."),
        course("b", prerequisites="ACCT 211 or  consent of instructor", corequisites=" "),
        course("c", corequisites="."),
    ])
    assert decision.status == "validated"
    assert decision.evidence["prerequisites"].votes == {GOOD["prerequisites"]: 3}
    assert decision.evidence["corequisites"].votes == {"": 3}
    assert decision.fields["corequisites"] == ""


def test_a_blank_requisite_is_an_answer_that_must_agree() -> None:
    decision = decide([course("a"), course("b"), course("c", corequisites="ACCT 212L")])
    assert decision.status == "needs_round2"
    assert decision.evidence["corequisites"].votes == {"": 2, "ACCT 212L": 1}
    assert decision.evidence["corequisites"].supporters == ("a", "b")


def test_answers_from_before_a_field_was_reviewed_decide_as_they_did() -> None:
    """Stored answers that no worker gave a field in (their task predates it) leave it out."""
    old = {name: value for name, value in GOOD.items()
           if name not in ("prerequisites", "corequisites")}
    unanimous = decide([Answer(worker_id=w, fields=old) for w in "abc"])
    assert unanimous.status == "validated"
    assert unanimous.fields == old
    assert unanimous.agreement == 1.0
    assert unanimous.evidence["prerequisites"].votes == {}
    disputed = [Answer(worker_id=w, fields=old) for w in "ab"] + [
        Answer(worker_id="c", fields={**old, "title": "Cost Accounting"})]
    assert decide(disputed).agreement == pytest.approx((1 + 2 / 3 + 1 + 1) / 4)
    round2 = decide([*disputed, Answer(worker_id="d", fields=old, role="round2"),
                     Answer(worker_id="e", fields=old, role="round2")])
    assert round2.status == "validated"
    assert "prerequisites" not in round2.fields


# --- answers saved -----------------------------------------------------------------------------


def test_answers_saved_counts_final_decisions_only() -> None:
    unanimous = decide([course("a"), course("b"), course("c")])
    five = decide([*ROUND1, course("d", "round2"), other("e", "round2")])
    expert = decide([*ROUND1, other("d", "round2"), other("e", "round2"), course("x", "expert")])
    waiting = decide(ROUND1)
    report = answers_saved([unanimous, five, waiting, expert])
    assert report == {
        "reviewed": 3,
        "answers_bought": 3 + 5 + 6,
        "per_record": pytest.approx(14 / 3),
        "fixed_scheme": 15,
        "saved_share": pytest.approx(1 - 14 / 15),
    }
    assert answers_saved([])["saved_share"] == 0.0
    assert answers_saved([waiting])["reviewed"] == 0


# --- properties --------------------------------------------------------------------------------

_VALUES = {
    "course_code": ["ACCT 212", "acct-212", "ACCT 213"],
    "title": ["Managerial Accounting", "Managerial  Accounting", "Cost Accounting"],
    "credits_text": ["3", "3 credits", "4", "1-4"],
    "description": ["Costs.", "Budgets."],
}


@st.composite
def contents(draw: st.DrawFn, *, complete: bool = False) -> tuple[bool, dict[str, str]]:
    """(not_a_course, fields) from small pools, so that workers often agree."""
    if draw(st.integers(0, 5)) == 0:
        return True, {}
    fields = {}
    for name, pool in _VALUES.items():
        if complete or draw(st.integers(0, 9)) > 0:
            fields[name] = draw(st.sampled_from(pool))
    return False, fields


def _answer(worker: str, role: Role, content: tuple[bool, dict[str, str]]) -> Answer:
    nac, fields = content
    return Answer(worker_id=worker, not_a_course=nac, fields=fields, role=role)


@st.composite
def rounds(draw: st.DrawFn) -> list[list[Answer]]:
    """Answers as the flow buys them: round 1, then round 2, then experts; one per worker."""
    n1 = draw(st.integers(0, 3))
    n2 = draw(st.integers(0, 2)) if n1 == 3 else 0
    n_expert = draw(st.integers(0, 2)) if n2 == 2 else 0
    return [
        [_answer(f"w{i}", "round1", draw(contents())) for i in range(n1)],
        [_answer(f"w{3 + i}", "round2", draw(contents())) for i in range(n2)],
        [_answer(f"x{i}", "expert", draw(contents())) for i in range(n_expert)],
    ]


@st.composite
def histories(draw: st.DrawFn) -> list[Answer]:
    """Any arrival order of answers, repeat answers (changed or not) included."""
    answers = [a for group in draw(rounds()) for a in group]
    for _ in range(draw(st.integers(0, 3))):
        if answers:
            again = draw(st.sampled_from(answers))
            answers.insert(
                draw(st.integers(0, len(answers))),
                _answer(again.worker_id, again.role, draw(contents())),
            )
    return answers


@given(histories())
def test_decide_is_deterministic(answers: list[Answer]) -> None:
    first = decide(answers)
    assert decide(list(answers)) == first
    assert json.dumps(decide(answers).to_dict()) == json.dumps(first.to_dict())


@given(rounds(), st.randoms(use_true_random=False))
def test_permuting_answers_within_a_round_keeps_the_status(
    groups: list[list[Answer]], rng: random.Random
) -> None:
    round1, round2, experts = groups
    shuffled = [*rng.sample(round1, len(round1)), *rng.sample(round2, len(round2)), *experts]
    assert decide(shuffled).status == decide([*round1, *round2, *experts]).status


@given(histories(), st.data())
def test_a_repeated_answer_of_a_counted_worker_changes_nothing(
    answers: list[Answer], data: st.DataObject
) -> None:
    before = decide(answers)
    if not before.workers:
        return
    worker = data.draw(st.sampled_from(before.workers))
    latest = [a for a in answers if a.worker_id == worker][-1]
    after = decide([*answers, latest])
    assert (after.status, after.fields, after.workers) == (
        before.status,
        before.fields,
        before.workers,
    )
    assert after.answers_bought == before.answers_bought + 1


@given(contents(complete=True))
def test_identical_answers_are_decided_in_round1(content: tuple[bool, dict[str, str]]) -> None:
    decision = decide([_answer(w, "round1", content) for w in ("a", "b", "c")])
    nac, fields = content
    assert decision.status == ("rejected" if nac else "validated")
    shown = {name: " ".join(value.split()) for name, value in fields.items()}  # whitespace tidied
    assert decision.fields == ({} if nac else shown)
    assert decision.answers_bought == 3
    assert decision.agreement == 1.0


@given(histories())
def test_accepted_values_have_60_percent_or_come_from_the_expert(answers: list[Answer]) -> None:
    decision = decide(answers)
    if decision.status != "validated":
        assert decision.fields == {}
        return
    experts = [a for a in answers if a.role == "expert"]
    for name, value in decision.fields.items():
        evidence = decision.evidence[name]
        assert evidence.value == value
        if experts:
            assert normalize(name, value) == normalize(name, experts[-1].fields[name])
        else:
            assert evidence.agreement >= 0.6
            assert len(evidence.supporters) >= 0.6 * len(decision.workers)


@settings(max_examples=50)
@given(st.lists(rounds(), max_size=8))
def test_answers_saved_never_reports_more_than_possible(records: list[list[list[Answer]]]) -> None:
    crowd_decisions = [decide([*round1, *round2]) for round1, round2, _ in records]
    report = answers_saved(crowd_decisions)
    final = [d for d in crowd_decisions if d.status in ("validated", "rejected")]
    assert report["reviewed"] == len(final)
    assert 0 <= report["saved_share"] <= 1 - 3 / 5
    if final:
        assert 3 <= report["per_record"] <= 5
        assert report["fixed_scheme"] == 5 * len(final)


def test_answers_saved_of_unanimous_records_is_the_most_possible() -> None:
    unanimous: list[Decision] = [decide([course("a"), course("b"), course("c")])] * 4
    assert answers_saved(unanimous)["saved_share"] == pytest.approx(1 - 3 / 5)
