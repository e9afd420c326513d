"""One stack per environment, composed of the constructs of this package."""

from __future__ import annotations

from aws_cdk import Aws, CfnOutput, Environment, Stack, Tags
from aws_cdk import aws_iam as iam
from constructs import Construct

from ocr_infra.access import allow_objects, allow_tables
from ocr_infra.alerts import AlertTopic
from ocr_infra.compute import WORKER_CONTAINER, WORKER_LOG_STREAM_PREFIX, GpuCompute
from ocr_infra.dagster import Dagster
from ocr_infra.images import ImageRepositories
from ocr_infra.monitoring import REVIEW_NAMESPACE, Monitoring
from ocr_infra.nag import arn_finding, objects_finding, suppress
from ocr_infra.network import Network
from ocr_infra.review import Review
from ocr_infra.service import OcrService
from ocr_infra.settings import EnvSettings
from ocr_infra.storage import LANDING_PREFIX, Storage
from ocr_pipeline import config


class OcrPipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings) -> None:
        super().__init__(scope, construct_id, env=Environment(region=settings.region),
                         description=f"ocr_pipeline ({settings.name}): course-catalog OCR "
                                     "with Dagster, ECS GPU tasks and Amazon A2I review")
        self.settings = settings
        self.network = Network(self, "Network", settings=settings)
        self.storage = Storage(self, "Storage", settings=settings)
        self.images = ImageRepositories(self, "Images", env_name=settings.name)
        self.alerts = AlertTopic(self, "Alerts", env_name=settings.name, key=self.storage.key)
        storage_env = self._storage_environment()
        self.compute = GpuCompute(self, "Compute", settings=settings, network=self.network,
                                  repository=self.images.ocr, alert_topic=self.alerts.topic,
                                  worker_environment=storage_env)
        self._grant_worker()
        self.service = OcrService(self, "OcrService", settings=settings, network=self.network,
                                  compute=self.compute, repository=self.images.ocr,
                                  access_logs=self.storage.access_logs)
        self.review = Review(self, "Review", settings=settings,
                             review_bucket=self.storage.review,
                             pages_bucket=self.storage.processed, key=self.storage.key)
        self.pipeline_environment = {
            **storage_env, **self._ecs_environment(),
            **_variables(config.Settings,
                         round1_flow_arn=self.review.flow_arns["round1"],
                         round2_flow_arn=self.review.flow_arns["round2"],
                         expert_flow_arn=self.review.flow_arns["expert"],
                         ocr_service_url=self.service.api.url,
                         # OCR of scanned pages runs as GPU tasks of the worker task
                         # definition, DeepSeek on the GPU (the model is baked into the image
                         # at MODEL_PATH).
                         ocr_mode="ecs", ocr_engine="deepseek"),
            **_variables(config.AwsSettings, metrics_environment=settings.name),
        }
        self.dagster = Dagster(
            self, "Dagster", settings=settings, network=self.network, compute=self.compute,
            repository=self.images.dagster, access_logs=self.storage.access_logs,
            # An empty review endpoint means Amazon A2I itself, not the local review console.
            environment={**self.pipeline_environment,
                         **_variables(config.Settings, review_endpoint="")})
        self._grant_pipeline(self.dagster.daemon_role)
        self.monitoring = Monitoring(self, "Monitoring", settings=settings, compute=self.compute,
                                     service=self.service, topic=self.alerts.topic)
        for name, value in self.pipeline_environment.items():
            CfnOutput(self, _output_id(name), value=value, description=name)
        CfnOutput(self, "OcrServiceApiKeyId", value=self.service.api_key.key_id,
                  description="aws apigateway get-api-key --include-value --api-key <this>")
        CfnOutput(self, "DagsterUrl",
                  value=f"http://{self.dagster.webserver.load_balancer.load_balancer_dns_name}",
                  description="Dagster UI (internal load balancer: VPN or bastion)")
        self._tag()

    def _storage_environment(self) -> dict[str, str]:
        storage = self.storage
        return {
            **_variables(config.Settings, env="aws"),
            **_variables(config.AwsSettings,
                         region=Aws.REGION,
                         raw_bucket=storage.raw.bucket_name,
                         processed_bucket=storage.processed.bucket_name,
                         review_bucket=storage.review.bucket_name,
                         landing_uri=f"s3://{storage.raw.bucket_name}/{LANDING_PREFIX}",
                         state_table=storage.state_table.table_name,
                         validation_table=storage.validation_table.table_name,
                         courses_table=storage.courses_table.table_name,
                         glue_database=storage.glue_database_name,
                         athena_workgroup=storage.athena_workgroup.ref),
        }

    def _ecs_environment(self) -> dict[str, str]:
        compute = self.compute
        return {
            **_variables(config.EcsSettings,
                         cluster=compute.cluster.cluster_name,
                         task_definition=compute.worker_task.task_definition_arn,
                         capacity_provider=compute.capacity_provider.capacity_provider_name,
                         container=WORKER_CONTAINER,
                         subnets=",".join(compute.worker_subnet_ids),
                         security_groups=compute.worker_security_group.security_group_id),
            # For operators (`aws logs tail`), not settings: the pipeline's Pipes client finds
            # the worker's log group and stream prefix in its task definition.
            "OCR_ECS_LOG_GROUP": compute.worker_log_group.log_group_name,
            "OCR_ECS_LOG_STREAM_PREFIX": WORKER_LOG_STREAM_PREFIX,
        }

    def _grant_worker(self) -> None:
        """The worker reads PDFs and writes pages and OCR output; nothing else."""
        role = self.compute.worker_task.task_role
        storage = self.storage
        allow_objects(role, buckets=[storage.raw], key=storage.key, write=False)
        allow_objects(role, buckets=[storage.processed], key=storage.key, write=True)
        suppress(role, "AwsSolutions-IAM5",
                 "Object keys are made per catalog and page at run time: read-only on raw "
                 "PDFs, read and put (no delete) on processed objects.",
                 applies_to=[objects_finding(storage.raw), objects_finding(storage.processed)])

    def _grant_pipeline(self, role: iam.IRole) -> None:
        """What the assets do besides launching workers: objects, tables, the Glue warehouse,
        Athena, A2I human loops."""
        stack, storage = Stack.of(self), self.storage
        allow_objects(role, buckets=storage.buckets, key=storage.key, write=True)
        allow_tables(role, tables=storage.tables)
        database = storage.glue_database_name
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["glue:GetDatabase", "glue:GetTable", "glue:CreateTable", "glue:UpdateTable",
                     "glue:GetPartition", "glue:GetPartitions", "glue:CreatePartition",
                     "glue:BatchCreatePartition", "glue:UpdatePartition"],
            resources=[stack.format_arn(service="glue", resource="catalog"),
                       stack.format_arn(service="glue", resource="database",
                                        resource_name=database),
                       stack.format_arn(service="glue", resource="table",
                                        resource_name=f"{database}/*")]))
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["athena:StartQueryExecution", "athena:GetQueryExecution",
                     "athena:GetQueryResults", "athena:StopQueryExecution"],
            resources=[stack.format_arn(service="athena", resource="workgroup",
                                        resource_name=storage.athena_workgroup.ref)]))
        # Pipes contexts too large for ECS overrides go through the processed bucket under
        # pipes/, and the launcher removes each once its task has read it.
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["s3:DeleteObject"], resources=[storage.processed.arn_for_objects("pipes/*")]))
        # The review sensor publishes the review backlog's age, and nothing else.
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["cloudwatch:PutMetricData"], resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": REVIEW_NAMESPACE}}))
        suppress(role, "AwsSolutions-IAM5",
                 "cloudwatch:PutMetricData has no resource-level permissions (AWS allows only "
                 "'*'); the statement is limited to the pipeline's own metric namespace by "
                 "the cloudwatch:namespace condition. Pipes context objects are named per "
                 "task at run time, and only those under pipes/ may be deleted.",
                 applies_to=["Resource::*", objects_finding(storage.processed, "pipes/")])
        flows = list(self.review.flow_arns.values())
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["sagemaker:StartHumanLoop", "sagemaker:ListHumanLoops"], resources=flows))
        role.add_to_principal_policy(iam.PolicyStatement(
            actions=["sagemaker:DescribeHumanLoop", "sagemaker:StopHumanLoop",
                     "sagemaker:DeleteHumanLoop"],
            resources=[stack.format_arn(service="sagemaker", resource="human-loop",
                                        resource_name="*")]))
        suppress(role, "AwsSolutions-IAM5",
                 "Names made at run time: objects per catalog and page in the three pipeline "
                 "buckets (get and put, no delete); the warehouse tables the pipeline creates "
                 "in its own Glue database (course_candidates, validated_courses); human loops, "
                 "named per record (r-<record>-r1-0), which exist only once started.",
                 applies_to=[*(objects_finding(bucket) for bucket in storage.buckets),
                             arn_finding(self, service="glue", resource=f"table/{database}/*"),
                             arn_finding(self, service="sagemaker", resource="human-loop/*")])

    def _tag(self) -> None:
        # Cost allocation tags: activate Project, Environment and CostCenter in Billing to
        # split the bill by them.
        tags = Tags.of(self)
        tags.add("Project", "ocr-pipeline")
        tags.add("Environment", self.settings.name)
        tags.add("CostCenter", self.settings.cost_center)


def _variables(settings: type[config.EnvSettings], **values: str) -> dict[str, str]:
    """``values`` by field of one of the pipeline's settings (``ocr_pipeline.config``), keyed
    by the environment variable the pipeline reads the field from: a variable renamed there
    (prefix or alias) is renamed here, and a field that no longer exists fails the synth."""
    return {settings.variable(field): value for field, value in values.items()}


def _output_id(name: str) -> str:
    """CloudFormation output keys are alphanumeric: OCR_RAW_BUCKET becomes OcrRawBucket; the
    exact variable name is the output's description."""
    return "".join(part.capitalize() for part in name.split("_"))
