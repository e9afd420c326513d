"""The review backlog metric: the oldest open loop's age, published to CloudWatch (moto)."""

from datetime import UTC, datetime, timedelta

from ocr_pipeline import aws
from ocr_pipeline.review.backlog import METRIC, NAMESPACE, oldest_open_age, publish_backlog

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_oldest_open_age_counts_only_loops_in_progress() -> None:
    loops = [
        {"HumanLoopStatus": "Completed", "CreationTime": NOW - timedelta(days=9)},
        {"HumanLoopStatus": "InProgress", "CreationTime": NOW - timedelta(hours=30)},
        {"HumanLoopStatus": "InProgress", "CreationTime": "2026-11-23T11:00:00+00:00"},
        {"HumanLoopStatus": "Failed", "CreationTime": NOW - timedelta(days=4)},
    ]
    assert oldest_open_age(loops, now=NOW) == 30 * 3600
    assert oldest_open_age(loops[:1], now=NOW) == 0.0


def test_published_with_the_environment_dimension(aws_env: str) -> None:
    cloudwatch = aws.client("cloudwatch")
    publish_backlog(cloudwatch, environment="dev-test", age_seconds=5400.0)

    stats = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE, MetricName=METRIC, Statistics=["Maximum"], Period=60,
        Dimensions=[{"Name": "Environment", "Value": "dev-test"}],
        StartTime=datetime.now(UTC) - timedelta(minutes=5),
        EndTime=datetime.now(UTC) + timedelta(minutes=5))
    assert [p["Maximum"] for p in stats["Datapoints"]] == [5400.0]
    assert stats["Datapoints"][0]["Unit"] == "Seconds"
