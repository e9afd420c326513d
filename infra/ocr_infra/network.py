"""The VPC: public, private and isolated subnets over 3 zones, VPC endpoints, flow logs."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from ocr_infra.settings import EnvSettings

A2I_RUNTIME_ENDPOINT = "sagemaker.a2i-runtime"
"""Suffix of the A2I runtime's endpoint service (``com.amazonaws.<region>.``…): the review
sensor polls human loops from private subnets without going through NAT."""


class Network(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings) -> None:
        super().__init__(scope, construct_id)
        flow_log_group = logs.LogGroup(
            self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY)
        self.vpc = ec2.Vpc(
            self, "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings.vpc_cidr),
            availability_zones=list(settings.availability_zones),
            # One NAT gateway per zone in prod, so losing a zone does not cut the others off.
            nat_gateways=settings.nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC,
                                        cidr_mask=24),
                # /20: every GPU task and Fargate task takes an ENI (awsvpc) here.
                ec2.SubnetConfiguration(name="private",
                                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                                        cidr_mask=20),
                ec2.SubnetConfiguration(name="isolated",
                                        subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                                        cidr_mask=24),
            ],
            # Gateway endpoints are free and keep the bulk traffic (PDFs, pages, Parquet,
            # state) off the NAT gateways.
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDB": ec2.GatewayVpcEndpointOptions(
                    service=ec2.GatewayVpcEndpointAwsService.DYNAMODB),
            },
            flow_logs={"All": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group),
                traffic_type=ec2.FlowLogTrafficType.ALL)},
        )
        self.private_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.isolated_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        interface_services = {
            # Image pulls (the GPU image is large) and logs stay inside the VPC.
            "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
            "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
            "Logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
            "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            "A2iRuntime": ec2.InterfaceVpcEndpointAwsService(A2I_RUNTIME_ENDPOINT),
        }
        for name, service in interface_services.items():
            endpoint = self.vpc.add_interface_endpoint(
                name, service=service, subnets=self.private_subnets, private_dns_enabled=True,
                open=False)
            # The CIDR as written rather than the VPC's attribute, so cdk-nag can read the rule.
            endpoint.connections.allow_from(ec2.Peer.ipv4(settings.vpc_cidr), ec2.Port.tcp(443),
                                            "HTTPS from inside the VPC")
