"""GPU capacity for OCR: the ECS cluster, g4dn Auto Scaling group, capacity provider and the
worker task definition that the pipeline's ``run_task`` launches."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from ocr_infra.nag import suppress, suppress_environment_variables, suppress_execution_role
from ocr_infra.network import Network
from ocr_infra.settings import EnvSettings

GPU_INSTANCE_TYPE = "g4dn.xlarge"
WORKER_CONTAINER = "ocr-worker"
WORKER_LOG_STREAM_PREFIX = "ocr-worker"
ROOT_VOLUME_GIB = 150
"""The GPU image (CUDA, torch, DeepSeek-OCR weights) is well over 10 GB and Docker keeps the
previous one while pulling a new one."""


def https_only_security_group(scope: Construct, construct_id: str, *, vpc: ec2.IVpc,
                              description: str) -> ec2.SecurityGroup:
    """A security group whose only way out is HTTPS: every AWS API, ECR and the gateway
    endpoints speak it; DNS to the VPC resolver is not subject to security groups."""
    group = ec2.SecurityGroup(scope, construct_id, vpc=vpc, description=description,
                              allow_all_outbound=False)
    group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs")
    return group


class GpuCompute(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings,
                 network: Network, repository: ecr.IRepository, alert_topic: sns.ITopic,
                 worker_environment: Mapping[str, str]) -> None:
        super().__init__(scope, construct_id)
        self.cluster = ecs.Cluster(self, "Cluster", vpc=network.vpc,
                                   cluster_name=f"ocr-pipeline-{settings.name}",
                                   container_insights_v2=ecs.ContainerInsights.ENABLED)
        instance_role = iam.Role(self, "InstanceRole",
                                 assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        launch_template = ec2.LaunchTemplate(
            self, "GpuLaunchTemplate",
            instance_type=ec2.InstanceType(GPU_INSTANCE_TYPE),
            machine_image=ecs.EcsOptimizedImage.amazon_linux2(ecs.AmiHardwareType.GPU),
            # The capacity provider appends the cluster name to this user data.
            user_data=ec2.UserData.for_linux(),
            role=instance_role,
            security_group=https_only_security_group(
                self, "InstanceSecurityGroup", vpc=network.vpc,
                description="GPU container instances: ECS agent and image pulls"),
            require_imdsv2=True,
            block_devices=[ec2.BlockDevice(
                device_name="/dev/xvda",
                volume=ec2.BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, encrypted=True,
                                                 volume_type=ec2.EbsDeviceVolumeType.GP3))])
        self.auto_scaling_group = autoscaling.AutoScalingGroup(
            self, "GpuInstances", vpc=network.vpc, vpc_subnets=network.private_subnets,
            min_capacity=settings.gpu_min_capacity, max_capacity=settings.gpu_max_capacity,
            notifications=[autoscaling.NotificationConfiguration(topic=alert_topic)],
            **_launch(launch_template, spot=settings.gpu_spot))
        self.capacity_provider = ecs.AsgCapacityProvider(
            self, "GpuCapacityProvider", auto_scaling_group=self.auto_scaling_group,
            capacity_provider_name=f"ocr-gpu-{settings.name}",
            # ECS grows the group when GPU tasks wait for a place and shrinks it when idle;
            # termination protection keeps it from removing an instance mid-catalog.
            enable_managed_scaling=True, target_capacity_percent=100,
            enable_managed_termination_protection=True)
        self.cluster.add_asg_capacity_provider(self.capacity_provider)

        self.worker_log_group = logs.LogGroup(
            self, "WorkerLogs", log_group_name=f"/ocr-pipeline/{settings.name}/ocr-worker",
            retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY)
        self.worker_task = ecs.Ec2TaskDefinition(
            self, "WorkerTask", family=f"ocr-pipeline-{settings.name}-worker",
            # awsvpc: the pipeline passes subnets and a security group to run_task.
            network_mode=ecs.NetworkMode.AWS_VPC)
        self.worker_task.add_container(
            WORKER_CONTAINER, container_name=WORKER_CONTAINER,
            image=ecs.ContainerImage.from_ecr_repository(repository, settings.ocr_image_tag),
            # run_task overrides the command with `python -m ocr_pipeline.worker`.
            gpu_count=1,
            # The whole instance: one GPU means one GPU task per g4dn.xlarge anyway; the
            # ~7 GB of model weights pass through host memory on load, and pages are rendered
            # beside them.
            cpu=4096, memory_limit_mib=settings.worker_memory_mib,
            logging=ecs.LogDrivers.aws_logs(stream_prefix=WORKER_LOG_STREAM_PREFIX,
                                            log_group=self.worker_log_group),
            environment=dict(worker_environment))
        self.worker_security_group = https_only_security_group(
            self, "WorkerSecurityGroup", vpc=network.vpc,
            description="OCR worker tasks: S3, DynamoDB, logs; no inbound")
        self.worker_subnet_ids = network.vpc.select_subnets(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids
        self._acknowledge(instance_role)

    def _acknowledge(self, instance_role: iam.Role) -> None:
        suppress_environment_variables(self.worker_task)
        suppress_execution_role(self.worker_task)
        suppress(instance_role, "AwsSolutions-IAM5",
                 "The ECS agent's own statements, added by the capacity provider: ecs:Submit* "
                 "(task and container state) is scoped to this cluster; ecs:Poll, "
                 "ecs:StartTelemetrySession and ecr:GetAuthorizationToken take no resource "
                 "ARN, and the first two are conditioned on this cluster.",
                 applies_to=["Action::ecs:Submit*", "Resource::*"])
        suppress(self.auto_scaling_group, "CdkNagValidationFailure",
                 "AwsSolutions-EC26 cannot follow the launch template through the mixed "
                 "instances policy; the template's only volume is encrypted (tested).")



def _launch(launch_template: ec2.LaunchTemplate, *, spot: bool) -> dict[str, object]:
    """The group's launch settings: the template as is, or Spot-only through a mixed
    instances policy (capacity-optimized: g4dn Spot pools are shallow)."""
    if not spot:
        return {"launch_template": launch_template}
    return {"mixed_instances_policy": autoscaling.MixedInstancesPolicy(
        launch_template=launch_template,
        launch_template_overrides=[autoscaling.LaunchTemplateOverrides(
            instance_type=ec2.InstanceType(GPU_INSTANCE_TYPE))],
        instances_distribution=autoscaling.InstancesDistribution(
            on_demand_base_capacity=0, on_demand_percentage_above_base_capacity=0,
            spot_allocation_strategy=autoscaling.SpotAllocationStrategy.CAPACITY_OPTIMIZED))}
