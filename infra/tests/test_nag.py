"""cdk-nag's AwsSolutions pack: no unsuppressed error, and every suppression says why."""

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Annotations, Match, Template

from ocr_infra.stack import OcrPipelineStack


@pytest.mark.parametrize("stack_fixture", ["dev_stack", "prod_stack"])
def test_no_unsuppressed_aws_solutions_findings(stack_fixture: str,
                                                request: pytest.FixtureRequest) -> None:
    stack: OcrPipelineStack = request.getfixturevalue(stack_fixture)
    annotations = Annotations.from_stack(stack)
    errors = annotations.find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    warnings = annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [f"{e.id}: {e.entry.data}" for e in errors + warnings] == []


def _suppressions(stack: Stack) -> list[dict[str, object]]:
    resources = Template.from_stack(stack).to_json()["Resources"].values()
    return [rule for resource in resources
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get(
                "rules_to_suppress", [])]


def test_every_suppression_has_a_reason_of_substance(dev_stack: OcrPipelineStack,
                                                     prod_stack: OcrPipelineStack) -> None:
    for stack in (dev_stack, prod_stack):
        rules = _suppressions(stack)
        assert rules
        for rule in rules:
            assert len(str(rule["reason"]).split()) >= 12, rule


def test_dev_only_database_suppressions_stay_out_of_prod(dev_stack: OcrPipelineStack,
                                                         prod_stack: OcrPipelineStack) -> None:
    assert {"AwsSolutions-RDS3", "AwsSolutions-RDS10"} <= {r["id"] for r in _suppressions(dev_stack)}
    assert not {"AwsSolutions-RDS3", "AwsSolutions-RDS10"} & {
        r["id"] for r in _suppressions(prod_stack)}


def test_wildcard_suppressions_name_the_exact_findings(dev_stack: OcrPipelineStack) -> None:
    """IAM5 is never suppressed wholesale: each suppression lists the findings it accepts."""
    for rule in _suppressions(dev_stack):
        if rule["id"] in ("AwsSolutions-IAM5", "AwsSolutions-IAM4"):
            assert rule.get("applies_to"), rule
