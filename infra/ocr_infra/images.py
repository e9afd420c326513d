"""ECR repositories of the two images: the GPU OCR image (worker + service) and Dagster's."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ecr as ecr
from constructs import Construct


class ImageRepositories(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, env_name: str) -> None:
        super().__init__(scope, construct_id)
        self.ocr = self._repository("Ocr", f"ocr-pipeline-{env_name}/ocr-gpu")
        self.dagster = self._repository("Dagster", f"ocr-pipeline-{env_name}/dagster")

    def _repository(self, construct_id: str, name: str) -> ecr.Repository:
        return ecr.Repository(
            self, construct_id, repository_name=name,
            image_scan_on_push=True,
            # Tags come from the context and name one build: a re-push must not change them.
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            lifecycle_rules=[
                ecr.LifecycleRule(description="drop untagged layers of failed pushes",
                                  tag_status=ecr.TagStatus.UNTAGGED,
                                  max_image_age=Duration.days(7)),
                # The GPU image is several GB: keep enough releases to roll back, not all.
                ecr.LifecycleRule(description="keep the 20 newest images",
                                  tag_status=ecr.TagStatus.ANY, max_image_count=20),
            ],
            removal_policy=RemovalPolicy.RETAIN)
