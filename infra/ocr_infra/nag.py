"""cdk-nag suppressions, each with the reason it is acceptable here."""

from __future__ import annotations

from aws_cdk import Stack
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import IConstruct


def suppress(construct: IConstruct, rule: str, reason: str, *,
             applies_to: list[str] | None = None) -> None:
    """Suppress ``rule`` (``AwsSolutions-…``) on ``construct`` and everything under it."""
    NagSuppressions.add_resource_suppressions(
        construct, [NagPackSuppression(id=rule, reason=reason, applies_to=applies_to)],
        apply_to_children=True)


def ref(construct: IConstruct) -> str:
    """How cdk-nag names a resource of this stack in a finding: ``<LogicalId>``."""
    stack = Stack.of(construct)
    return f"<{stack.resolve(stack.get_logical_id(construct.node.default_child))}>"


def objects_finding(bucket: IConstruct, prefix: str = "") -> str:
    """The IAM5 finding of ``bucket.arn_for_objects(prefix + "*")``."""
    return f"Resource::{ref(bucket)[:-1]}.Arn>/{prefix}*"


def arn_finding(construct: IConstruct, *, service: str, resource: str) -> str:
    """The IAM5 finding of a wildcard ARN built by ``Stack.format_arn`` in ``construct``'s stack."""
    region = Stack.of(construct).region
    return f"Resource::arn:<AWS::Partition>:{service}:{region}:<AWS::AccountId>:{resource}"


def suppress_environment_variables(task_definition: IConstruct) -> None:
    suppress(task_definition, "AwsSolutions-ECS2",
             "The variables are resource names, ARNs and settings, none of them secret; the "
             "one secret (the database password) comes from Secrets Manager via `secrets`.")


def suppress_execution_role(task_definition: IConstruct) -> None:
    suppress(task_definition, "AwsSolutions-IAM5",
             "ecr:GetAuthorizationToken has no resource-level permissions, so it is granted on *; "
             "image pulls and log writes in the same policy are scoped to the repository and "
             "log group.", applies_to=["Resource::*"])
