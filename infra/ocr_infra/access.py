"""Least-privilege IAM statements written out action by action (CDK's grant_* helpers add
wildcard action groups such as s3:GetObject* and s3:DeleteObject*)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

TABLE_ACTIONS = (
    "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
    "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
)
"""What the registries do, transactions included (TransactWriteItems is authorized per item
as Put/Update/ConditionCheck)."""


def allow_objects(role: iam.IRole, *, buckets: Sequence[s3.IBucket], key: kms.IKey,
                  write: bool) -> None:
    """Read (and with ``write`` put) objects of ``buckets``; list them, so a missing key is a
    404 rather than a 403; use the buckets' key. No delete: objects are only ever replaced."""
    actions = ["s3:GetObject", "s3:PutObject"] if write else ["s3:GetObject"]
    role.add_to_principal_policy(iam.PolicyStatement(
        actions=actions, resources=[bucket.arn_for_objects("*") for bucket in buckets]))
    role.add_to_principal_policy(iam.PolicyStatement(
        actions=["s3:ListBucket"], resources=[bucket.bucket_arn for bucket in buckets]))
    key_actions = ["kms:Decrypt", "kms:GenerateDataKey"] if write else ["kms:Decrypt"]
    role.add_to_principal_policy(iam.PolicyStatement(actions=key_actions,
                                                     resources=[key.key_arn]))


def allow_tables(role: iam.IRole, *, tables: Sequence[dynamodb.ITable]) -> None:
    role.add_to_principal_policy(iam.PolicyStatement(
        actions=list(TABLE_ACTIONS), resources=[table.table_arn for table in tables]))
