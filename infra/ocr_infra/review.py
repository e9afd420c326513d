"""Amazon A2I: the human task UI and the three flow definitions (round 1, round 2, expert).
CloudFormation has no type for either, so custom resources call the SageMaker API."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aws_cdk import CfnParameter, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from constructs import Construct

from ocr_infra.nag import objects_finding, suppress
from ocr_infra.settings import EnvSettings
from ocr_pipeline.review.contract import TASK_COUNT

TEMPLATE = Path(__file__).parent / "templates" / "review_task.liquid.html"
OUTPUT_PREFIX = "a2i-output/"
PAGES_PREFIX = "pages/"
"""Where the page crops live in the processed bucket: the task UI shows them through
grant_read_access, which presigns with the flow's role."""
TASK_TIME_LIMIT_SECONDS = 30 * 60
TASK_LIFETIME_SECONDS = 7 * 24 * 3600
"""An unanswered task is gone after a week; the review sensor restarts failed loops."""


class Review(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings,
                 review_bucket: s3.IBucket, pages_bucket: s3.IBucket, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        workteam = CfnParameter(
            stack, "ReviewWorkteamArn", type="String",
            allowed_pattern=r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:workteam/.+",
            description="Workteam of rounds 1 and 2 (private team or the public workforce)")
        expert_workteam = CfnParameter(
            stack, "ExpertWorkteamArn", type="String",
            allowed_pattern=r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:workteam/.+",
            description="Private workteam of the experts whose answer is final")

        self.role = iam.Role(self, "FlowRole",
                             assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                             description="A2I: read page crops, write loop outputs")
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:GetObject"], resources=[pages_bucket.arn_for_objects(f"{PAGES_PREFIX}*")]))
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:PutObject"],
            resources=[review_bucket.arn_for_objects(f"{OUTPUT_PREFIX}*")]))
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]))

        template = TEMPLATE.read_text(encoding="utf-8")
        # Task UIs and flow definitions cannot be changed in place: a new template gets a new
        # name, hence a new resource (the old one is deleted by CloudFormation's cleanup).
        revision = hashlib.sha256(template.encode()).hexdigest()[:8]
        ui_name = f"ocr-{settings.name}-course-{revision}"
        ui_arn = stack.format_arn(service="sagemaker", resource="human-task-ui",
                                  resource_name=ui_name)
        ui_call = cr.AwsSdkCall(
            service="SageMaker", action="createHumanTaskUi",
            parameters={"HumanTaskUiName": ui_name, "UiTemplate": {"Content": template}},
            physical_resource_id=cr.PhysicalResourceId.of(ui_name))
        self.task_ui = cr.AwsCustomResource(
            self, "TaskUi", on_create=ui_call, on_update=ui_call,
            on_delete=cr.AwsSdkCall(service="SageMaker", action="deleteHumanTaskUi",
                                    parameters={"HumanTaskUiName": ui_name}),
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                actions=["sagemaker:CreateHumanTaskUi", "sagemaker:DeleteHumanTaskUi"],
                resources=[ui_arn])]),
            install_latest_aws_sdk=False)

        suppress(self.role, "AwsSolutions-IAM5",
                 "A2I names the objects: page crops under pages/ of the processed bucket (read "
                 "only) and loop outputs under a2i-output/ of the review bucket (write only).",
                 applies_to=[objects_finding(pages_bucket, PAGES_PREFIX),
                             objects_finding(review_bucket, OUTPUT_PREFIX)])
        teams = {"round1": workteam, "round2": workteam, "expert": expert_workteam}
        self.flow_arns: dict[str, str] = {}
        for role_name, team in teams.items():
            name = f"ocr-{settings.name}-{role_name}-{revision}"
            flow = self._flow(role_name, name=name, workteam_arn=team.value_as_string,
                              ui_arn=ui_arn, output=f"s3://{review_bucket.bucket_name}/"
                                                    f"{OUTPUT_PREFIX}{role_name}/",
                              key=key)
            flow.node.add_dependency(self.task_ui)
            self.flow_arns[role_name] = stack.format_arn(
                service="sagemaker", resource="flow-definition", resource_name=name)
        provider = stack.node.find_child(
            "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", ""))
        suppress(provider, "AwsSolutions-IAM4",
                 "The function behind AwsCustomResource writes only its own logs with "
                 "AWSLambdaBasicExecutionRole; its SageMaker rights are the per-resource "
                 "policies above.",
                 applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                             "AWSLambdaBasicExecutionRole"])

    def _flow(self, role_name: str, *, name: str, workteam_arn: str, ui_arn: str, output: str,
              key: kms.IKey) -> cr.AwsCustomResource:
        stack = Stack.of(self)
        count = TASK_COUNT[role_name]  # type: ignore[index]
        call = cr.AwsSdkCall(
            service="SageMaker", action="createFlowDefinition",
            parameters={
                "FlowDefinitionName": name,
                "RoleArn": self.role.role_arn,
                "HumanLoopConfig": {
                    "WorkteamArn": workteam_arn,
                    "HumanTaskUiArn": ui_arn,
                    "TaskTitle": "Check a course record against the catalog page",
                    "TaskDescription": "Confirm or correct each field, or mark it not a course",
                    "TaskCount": count,
                    "TaskTimeLimitInSeconds": TASK_TIME_LIMIT_SECONDS,
                    "TaskAvailabilityLifetimeInSeconds": TASK_LIFETIME_SECONDS,
                },
                "OutputConfig": {"S3OutputPath": output, "KmsKeyId": key.key_arn},
                "Tags": [{"Key": "Project", "Value": "ocr-pipeline"},
                         {"Key": "ReviewRole", "Value": role_name}],
            },
            physical_resource_id=cr.PhysicalResourceId.of(name))
        arn = stack.format_arn(service="sagemaker", resource="flow-definition",
                               resource_name=name)
        return cr.AwsCustomResource(
            self, f"Flow-{role_name}", on_create=call, on_update=call,
            on_delete=cr.AwsSdkCall(service="SageMaker", action="deleteFlowDefinition",
                                    parameters={"FlowDefinitionName": name}),
            policy=cr.AwsCustomResourcePolicy.from_statements([
                iam.PolicyStatement(actions=["sagemaker:CreateFlowDefinition",
                                             "sagemaker:DeleteFlowDefinition",
                                             "sagemaker:AddTags"],
                                    resources=[arn]),
                # CreateFlowDefinition hands the flow its role.
                iam.PolicyStatement(actions=["iam:PassRole"], resources=[self.role.role_arn],
                                    conditions={"StringEquals": {
                                        "iam:PassedToService": "sagemaker.amazonaws.com"}}),
            ]),
            install_latest_aws_sdk=False)
