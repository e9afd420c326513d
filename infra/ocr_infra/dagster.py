"""Dagster on Fargate: webserver and daemon, their PostgreSQL (RDS), and the daemon's task role,
which launches OCR worker tasks and may do nothing else on ECS."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ocr_infra.compute import GpuCompute
from ocr_infra.nag import (
    arn_finding,
    ref,
    suppress,
    suppress_environment_variables,
    suppress_execution_role,
)
from ocr_infra.network import Network
from ocr_infra.settings import EnvSettings

WEBSERVER_PORT = 3000
DATABASE_PORT = 5432
DATABASE_NAME = "dagster"


class Dagster(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings,
                 network: Network, compute: GpuCompute, repository: ecr.IRepository,
                 access_logs: s3.IBucket, environment: Mapping[str, str]) -> None:
        super().__init__(scope, construct_id)
        vpc = network.vpc
        self.database = rds.DatabaseInstance(
            self, "Database",
            engine=rds.DatabaseInstanceEngine.postgres(
                version=rds.PostgresEngineVersion.VER_16),
            instance_type=ec2.InstanceType(settings.database_instance_type),
            vpc=vpc, vpc_subnets=network.isolated_subnets,
            credentials=rds.Credentials.from_generated_secret("dagster"),
            database_name=DATABASE_NAME, port=DATABASE_PORT,
            storage_encrypted=True, allocated_storage=20, max_allocated_storage=100,
            multi_az=settings.database_multi_az,
            backup_retention=Duration.days(14 if settings.is_prod else 3),
            deletion_protection=settings.is_prod,
            cloudwatch_logs_exports=["postgresql"],
            # Run history is the record of what was processed when: a snapshot on delete.
            removal_policy=RemovalPolicy.SNAPSHOT)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc,
                              cluster_name=f"ocr-pipeline-{settings.name}-dagster",
                              container_insights_v2=ecs.ContainerInsights.ENABLED)
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=f"/ocr-pipeline/{settings.name}/dagster",
            retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY)
        image = ecs.ContainerImage.from_ecr_repository(repository, settings.dagster_image_tag)
        secret = self.database.secret
        assert secret is not None  # from_generated_secret always makes one
        container_environment = {
            **environment,
            "DAGSTER_PG_HOST": self.database.db_instance_endpoint_address,
            "DAGSTER_PG_PORT": str(DATABASE_PORT),
            "DAGSTER_PG_DB": DATABASE_NAME,
        }
        container_secrets = {
            "DAGSTER_PG_USERNAME": ecs.Secret.from_secrets_manager(secret, "username"),
            "DAGSTER_PG_PASSWORD": ecs.Secret.from_secrets_manager(secret, "password"),
        }

        self.daemon_role = iam.Role(
            self, "DaemonTaskRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Dagster daemon: runs the assets and launches OCR worker tasks")
        self._allow_run_launcher(compute)
        daemon_task = ecs.FargateTaskDefinition(
            self, "DaemonTask", family=f"ocr-pipeline-{settings.name}-dagster-daemon",
            cpu=1024, memory_limit_mib=4096, task_role=self.daemon_role)
        daemon_task.add_container(
            "daemon", image=image, command=["dagster-daemon", "run"],
            environment=container_environment, secrets=container_secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="daemon", log_group=self.log_group))
        self.daemon = ecs.FargateService(
            self, "Daemon", cluster=cluster, task_definition=daemon_task,
            # One daemon: two would evaluate each sensor and schedule twice.
            desired_count=1, max_healthy_percent=100, min_healthy_percent=0,
            vpc_subnets=network.private_subnets, circuit_breaker=ecs.DeploymentCircuitBreaker(
                rollback=True))

        webserver_task = ecs.FargateTaskDefinition(
            self, "WebserverTask", family=f"ocr-pipeline-{settings.name}-dagster-webserver",
            cpu=512, memory_limit_mib=2048)
        webserver_task.add_container(
            "webserver", image=image,
            command=["dagster-webserver", "-h", "0.0.0.0", "-p", str(WEBSERVER_PORT),
                     "-w", "workspace.yaml"],
            port_mappings=[ecs.PortMapping(container_port=WEBSERVER_PORT)],
            environment=container_environment, secrets=container_secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="webserver", log_group=self.log_group))
        self.webserver = ecs_patterns.ApplicationLoadBalancedFargateService(
            self, "Webserver", cluster=cluster, task_definition=webserver_task,
            # Reached over VPN or a bastion, never from the internet.
            public_load_balancer=False, open_listener=False,
            task_subnets=network.private_subnets, desired_count=1, min_healthy_percent=100,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))
        self.webserver.target_group.configure_health_check(path="/server_info")
        self.webserver.load_balancer.connections.allow_from(
            ec2.Peer.ipv4(settings.vpc_cidr), ec2.Port.tcp(80), "Dagster UI from inside the VPC")
        self.webserver.load_balancer.log_access_logs(access_logs, prefix="alb/dagster")

        for service in (self.daemon, self.webserver.service):
            self.database.connections.allow_default_port_from(service, "Dagster storage")
        for task in (daemon_task, webserver_task):
            suppress_environment_variables(task)
            suppress_execution_role(task)
        self._acknowledge_database(settings)
        self._acknowledge_run_launcher(compute)

    def _acknowledge_database(self, settings: EnvSettings) -> None:
        suppress(self.database, "AwsSolutions-RDS11",
                 "A non-default port hides nothing here: the instance is in isolated subnets and "
                 "its security group admits only the Dagster tasks.")
        suppress(self.database, "AwsSolutions-SMG4",
                 "Dagster reads the password once, when its containers start (ECS secrets); a "
                 "rotation would cut the running webserver and daemon off their storage. The "
                 "password is changed with a redeploy instead.")
        if not settings.is_prod:
            suppress(self.database, "AwsSolutions-RDS3",
                     "dev only: Single-AZ halves the cost of a database that holds only dev run "
                     "history; prod is Multi-AZ.")
            suppress(self.database, "AwsSolutions-RDS10",
                     "dev only: dev stacks are torn down and rebuilt; prod has deletion "
                     "protection. A snapshot is still taken on delete.")

    def _acknowledge_run_launcher(self, compute: GpuCompute) -> None:
        suppress(self.daemon_role, "AwsSolutions-IAM5",
                 "Task IDs and log stream names are made at run time: the wildcards are the "
                 "tasks of the GPU cluster only (also conditioned on it) and the streams of "
                 "the worker's log group only.",
                 applies_to=[
                     arn_finding(self, service="ecs",
                                 resource=f"task/{ref(compute.cluster)}/*"),
                     arn_finding(self, service="logs",
                                 resource=f"log-group:{ref(compute.worker_log_group)}"
                                          ":log-stream:*"),
                 ])

    def _allow_run_launcher(self, compute: GpuCompute) -> None:
        """ecs:RunTask on the worker task definition in the GPU cluster, and on nothing else.

        The resource is the task definition's ARN with its revision (``family:N``), which is
        also what OCR_ECS_TASK_DEFINITION gives the pipeline: both change together on deploy,
        and a revision registered outside this stack cannot be run. ``family:*`` would allow
        any revision of the family, ``*`` any task definition."""
        stack = Stack.of(self)
        worker = compute.worker_task
        cluster_arn = compute.cluster.cluster_arn
        self.daemon_role.add_to_policy(iam.PolicyStatement(
            actions=["ecs:RunTask"], resources=[worker.task_definition_arn],
            conditions={"ArnEquals": {"ecs:cluster": cluster_arn}}))
        self.daemon_role.add_to_policy(iam.PolicyStatement(
            actions=["iam:PassRole"],
            resources=[worker.task_role.role_arn, worker.obtain_execution_role().role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}))
        # Tasks of the cluster only: ARNs are task/<cluster name>/<task id>.
        tasks_arn = stack.format_arn(service="ecs", resource="task",
                                     resource_name=f"{compute.cluster.cluster_name}/*")
        self.daemon_role.add_to_policy(iam.PolicyStatement(
            actions=["ecs:DescribeTasks", "ecs:StopTask"], resources=[tasks_arn],
            conditions={"ArnEquals": {"ecs:cluster": cluster_arn}}))
        self.daemon_role.add_to_policy(iam.PolicyStatement(
            actions=["logs:GetLogEvents"],
            resources=[stack.format_arn(
                service="logs", resource="log-group",
                resource_name=f"{compute.worker_log_group.log_group_name}:log-stream:*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME)]))
