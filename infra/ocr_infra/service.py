"""The OCR service: an ECS service on the GPU capacity provider behind an internal ALB,
published through an API Gateway REST API (VPC link, API keys, usage plan, throttling)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elbv2_targets
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ocr_infra.compute import GpuCompute, https_only_security_group
from ocr_infra.nag import suppress, suppress_environment_variables, suppress_execution_role
from ocr_infra.network import Network
from ocr_infra.settings import EnvSettings

SERVICE_PORT = 8000
HEALTH_PATH = "/health"
BINARY_MEDIA_TYPES = ("image/png", "image/jpeg", "image/tiff", "application/pdf",
                      "multipart/form-data", "application/octet-stream")
"""Page images and PDFs go through API Gateway as bytes, not as mangled UTF-8."""
LISTENER_PORT = 80


class OcrService(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings,
                 network: Network, compute: GpuCompute, repository: ecr.IRepository,
                 access_logs: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        vpc = network.vpc
        task = ecs.Ec2TaskDefinition(self, "Task", family=f"ocr-pipeline-{settings.name}-service",
                                     network_mode=ecs.NetworkMode.AWS_VPC)
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=f"/ocr-pipeline/{settings.name}/ocr-service",
            retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        task.add_container(
            "ocr-service", container_name="ocr-service",
            # The image's default command: `serve` on SERVICE_PORT.
            image=ecs.ContainerImage.from_ecr_repository(repository, settings.ocr_image_tag),
            gpu_count=1, cpu=4096, memory_limit_mib=settings.worker_memory_mib,
            port_mappings=[ecs.PortMapping(container_port=SERVICE_PORT)],
            logging=ecs.LogDrivers.aws_logs(stream_prefix="ocr-service",
                                            log_group=self.log_group))

        alb_security_group = ec2.SecurityGroup(
            self, "AlbSecurityGroup", vpc=vpc, allow_all_outbound=False,
            description="Internal ALB of the OCR service: reached through the NLB only")
        # The NLB of the VPC link has no security group: its traffic comes from its private
        # addresses inside the VPC.
        alb_security_group.add_ingress_rule(ec2.Peer.ipv4(settings.vpc_cidr),
                                            ec2.Port.tcp(LISTENER_PORT), "from the VPC link's NLB")
        task_security_group = https_only_security_group(
            self, "TaskSecurityGroup", vpc=vpc,
            description="OCR service tasks: HTTP from the ALB only")
        task_security_group.add_ingress_rule(alb_security_group, ec2.Port.tcp(SERVICE_PORT),
                                             "from the ALB")
        alb_security_group.add_egress_rule(task_security_group, ec2.Port.tcp(SERVICE_PORT),
                                           "to the OCR tasks")

        self.service = ecs.Ec2Service(
            self, "Service", cluster=compute.cluster, task_definition=task,
            desired_count=settings.ocr_service_desired_count,
            capacity_provider_strategies=[ecs.CapacityProviderStrategy(
                capacity_provider=compute.capacity_provider.capacity_provider_name, weight=1)],
            vpc_subnets=network.private_subnets, security_groups=[task_security_group],
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            # A deploy starts new tasks before stopping old ones (managed scaling adds the
            # GPU instance for them): the API keeps answering.
            min_healthy_percent=100,
            # Loading the model takes minutes; until then /health fails on purpose.
            health_check_grace_period=Duration.minutes(10))

        self.alb = elbv2.ApplicationLoadBalancer(
            self, "Alb", vpc=vpc, internet_facing=False, vpc_subnets=network.private_subnets,
            security_group=alb_security_group, drop_invalid_header_fields=True)
        self.alb.log_access_logs(access_logs, prefix="alb/ocr-service")
        listener = self.alb.add_listener("Http", port=LISTENER_PORT, open=False)
        self.target_group = listener.add_targets(
            "Ocr", port=SERVICE_PORT, protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.service],
            health_check=elbv2.HealthCheck(path=HEALTH_PATH, healthy_http_codes="200",
                                           interval=Duration.seconds(30),
                                           timeout=Duration.seconds(10)),
            deregistration_delay=Duration.seconds(60))

        # REST API VPC links reach NLBs only: the NLB forwards to the ALB listener.
        self.nlb = elbv2.NetworkLoadBalancer(
            self, "Nlb", vpc=vpc, internet_facing=False, vpc_subnets=network.private_subnets)
        self.nlb.log_access_logs(access_logs, prefix="nlb/ocr-service")
        self.nlb.add_listener("Tcp", port=LISTENER_PORT).add_targets(
            "Alb", port=LISTENER_PORT, targets=[elbv2_targets.AlbListenerTarget(listener)],
            health_check=elbv2.HealthCheck(path=HEALTH_PATH, protocol=elbv2.Protocol.HTTP))
        self.api = self._api(settings=settings)
        self.web_acl = self._web_acl(settings=settings)
        suppress_environment_variables(task)
        suppress_execution_role(task)

    def _api(self, *, settings: EnvSettings) -> apigw.RestApi:
        access_log_group = logs.LogGroup(self, "ApiAccessLogs",
                                         retention=logs.RetentionDays.THREE_MONTHS,
                                         removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self, "Api", rest_api_name=f"ocr-pipeline-{settings.name}",
            description="OCR service: page images in, text blocks out",
            binary_media_types=list(BINARY_MEDIA_TYPES),
            cloud_watch_role=True, cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name=settings.name,
                access_log_destination=apigw.LogGroupLogDestination(access_log_group),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True, http_method=True, ip=True, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=True),
                logging_level=apigw.MethodLoggingLevel.ERROR,
                throttling_rate_limit=settings.api_rate_limit,
                throttling_burst_limit=settings.api_burst_limit),
            default_method_options=apigw.MethodOptions(api_key_required=True))
        link = apigw.VpcLink(self, "VpcLink", targets=[self.nlb])
        validator = api.add_request_validator("Validate", validate_request_parameters=True,
                                              validate_request_body=True)
        integration = apigw.Integration(
            type=apigw.IntegrationType.HTTP_PROXY, integration_http_method="ANY",
            uri=f"http://{self.nlb.load_balancer_dns_name}/{{proxy}}",
            options=apigw.IntegrationOptions(
                connection_type=apigw.ConnectionType.VPC_LINK, vpc_link=link,
                request_parameters={"integration.request.path.proxy": "method.request.path.proxy"},
                # Long pages under OCR: API Gateway's longest wait.
                timeout=Duration.seconds(29)))
        method = api.root.add_resource("{proxy+}").add_method(
            "ANY", integration, api_key_required=True, request_validator=validator,
            request_parameters={"method.request.path.proxy": True})
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
            suppress(method, rule,
                     "Callers are programs (the Dagster code location), not people: each holds "
                     "an API key of the usage plan, which API Gateway checks on every method "
                     "(apiKeyRequired), with per-key throttling; there is no user pool to "
                     "authorize against.")
        suppress(api, "AwsSolutions-IAM4",
                 "AmazonAPIGatewayPushToCloudWatchLogs is the policy API Gateway's account-wide "
                 "logging role must have for execution logs (AwsSolutions-APIG6); it only "
                 "writes logs.",
                 applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                             "AmazonAPIGatewayPushToCloudWatchLogs"])
        plan = api.add_usage_plan(
            "UsagePlan", name=f"ocr-pipeline-{settings.name}",
            throttle=apigw.ThrottleSettings(rate_limit=settings.api_rate_limit,
                                            burst_limit=settings.api_burst_limit),
            api_stages=[apigw.UsagePlanPerApiStage(api=api, stage=api.deployment_stage)])
        self.api_key = api.add_api_key("PipelineKey", description="the Dagster code location")
        plan.add_api_key(self.api_key)
        return api

    def _web_acl(self, *, settings: EnvSettings) -> wafv2.CfnWebACL:
        """AWS's common rule set, without its 8 KB body limit (page images are larger), and a
        per-address rate limit in front of the API keys' throttling."""
        metric = f"ocr-pipeline-{settings.name}-api"
        acl = wafv2.CfnWebACL(
            self, "WebAcl", scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(metric),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="common", priority=0,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name="AWSManagedRulesCommonRuleSet",
                            rule_action_overrides=[wafv2.CfnWebACL.RuleActionOverrideProperty(
                                name="SizeRestrictions_BODY",
                                action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}))])),
                    visibility_config=_visibility(f"{metric}-common")),
                wafv2.CfnWebACL.RuleProperty(
                    name="rate", priority=1,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            aggregate_key_type="IP", limit=2000)),
                    visibility_config=_visibility(f"{metric}-rate")),
            ])
        wafv2.CfnWebACLAssociation(self, "WebAclAssociation", web_acl_arn=acl.attr_arn,
                                   resource_arn=self.api.deployment_stage.stage_arn)
        return acl


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)
