"""The topic every alarm and Auto Scaling notification goes to."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct


class AlertTopic(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, env_name: str,
                 key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Topic", topic_name=f"ocr-pipeline-{env_name}-alerts",
                               master_key=key, enforce_ssl=True)
        # Alarms and EventBridge publish to the encrypted topic with the key.
        for service in ("cloudwatch.amazonaws.com", "events.amazonaws.com"):
            key.grant(iam.ServicePrincipal(service), "kms:Decrypt", "kms:GenerateDataKey*")
