"""Alarms (failed OCR tasks, 5xx, review backlog age) and one dashboard."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from constructs import Construct

from ocr_infra.compute import GpuCompute
from ocr_infra.service import OcrService
from ocr_infra.settings import EnvSettings
from ocr_pipeline.review import backlog

# Age of the oldest open human loop, published by the review sensor (dimension Environment):
# A2I has no metric of its own for a queue nobody works on.
REVIEW_NAMESPACE = backlog.NAMESPACE
REVIEW_BACKLOG_METRIC = backlog.METRIC
REVIEW_BACKLOG_LIMIT = 3 * 24 * 3600


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings,
                 compute: GpuCompute, service: OcrService, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        prefix = f"ocr-pipeline-{settings.name}"
        # A worker or service task that stopped with a non-zero exit code: ECS has no metric
        # for it, EventBridge sees every task state change.
        self.failed_tasks_rule = events.Rule(
            self, "FailedTasks", rule_name=f"{prefix}-failed-tasks",
            description="GPU tasks that exited with an error",
            event_pattern=events.EventPattern(
                source=["aws.ecs"], detail_type=["ECS Task State Change"],
                detail={"clusterArn": [compute.cluster.cluster_arn],
                        "lastStatus": ["STOPPED"],
                        "containers": {"exitCode": [{"anything-but": 0}]}}),
            targets=[targets.SnsTopic(topic)])
        failed_tasks = cloudwatch.Metric(
            namespace="AWS/Events", metric_name="TriggeredRules",
            dimensions_map={"RuleName": self.failed_tasks_rule.rule_name},
            statistic="Sum", period=Duration.minutes(5))
        api_5xx = service.api.metric_server_error(period=Duration.minutes(5), statistic="Sum")
        target_5xx = service.alb.metrics.http_code_target(
            code=elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
            period=Duration.minutes(5), statistic="Sum")
        backlog = cloudwatch.Metric(
            namespace=REVIEW_NAMESPACE, metric_name=REVIEW_BACKLOG_METRIC,
            dimensions_map={"Environment": settings.name}, statistic="Maximum",
            period=Duration.minutes(15))
        self.alarms = [
            self._alarm("FailedTasksAlarm", failed_tasks, threshold=1,
                        description="OCR GPU tasks stopped with a non-zero exit code"),
            self._alarm("Api5xxAlarm", api_5xx, threshold=5,
                        description="OCR API answered 5xx more than 5 times in 5 minutes"),
            self._alarm("Target5xxAlarm", target_5xx, threshold=5,
                        description="OCR service tasks answered 5xx more than 5 times"),
            self._alarm("ReviewBacklogAlarm", backlog, threshold=REVIEW_BACKLOG_LIMIT,
                        description="A human loop has waited more than 3 days for reviewers"),
        ]
        for alarm in self.alarms:
            alarm.add_alarm_action(cw_actions.SnsAction(topic))

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=prefix)
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="OCR API", left=[service.api.metric_count(
                period=Duration.minutes(5)), api_5xx], right=[service.api.metric_latency(
                    period=Duration.minutes(5))]),
            cloudwatch.GraphWidget(title="OCR service targets", left=[
                target_5xx, service.target_group.metrics.healthy_host_count()]),
            cloudwatch.GraphWidget(title="Failed GPU tasks", left=[failed_tasks]),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="GPU instances in service", left=[cloudwatch.Metric(
                namespace="AWS/AutoScaling", metric_name="GroupInServiceInstances",
                dimensions_map={"AutoScalingGroupName":
                                compute.auto_scaling_group.auto_scaling_group_name},
                statistic="Average", period=Duration.minutes(5))]),
            cloudwatch.GraphWidget(title="Oldest open review (s)", left=[backlog]),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms),
        )

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, *, threshold: float,
               description: str) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self, construct_id, metric=metric, threshold=threshold, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # No data means nothing failed and nothing waits.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description)
