"""The EcsLauncher: PipesECSClient starting ``python -m ocr_pipeline.worker`` as
ECS tasks on the GPU capacity provider (moto's ECS, tasks run by ``LocalEcsClient``), Pipes
messages read back from CloudWatch, page ranges fanned out, timeouts and killed workers."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dagster_pipes import decode_env_var

from ocr_pipeline import aws
from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.config import EcsSettings
from ocr_pipeline.defs.ecs_launcher import EcsLauncher
from ocr_pipeline.defs.ecs_task import WORKER_COMMAND
from ocr_pipeline.defs.launcher import OcrLauncher, ReadingOptions
from ocr_pipeline_tests.defs.aws_cloud import aws_location, provision
from ocr_pipeline_tests.defs.conftest import Location
from ocr_pipeline_tests.defs.local_ecs import LocalEcsClient

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

CLIENTS: dict[str, LocalEcsClient] = {}
"""The stand-in client of each test's cluster."""


@pytest.fixture
def cloud(aws_env: str, unique_name: Callable[[str], str]) -> dict[str, str]:
    return provision(unique_name)


@pytest.fixture
def ecs(aws_env: str, unique_name: Callable[[str], str]) -> Iterator[dict[str, str]]:
    """A cluster with a GPU capacity provider, one container instance, the worker's task
    definition (awslogs, stream prefix ``ocr-worker``) and its log group."""
    client, logs = aws.client("ecs"), aws.client("logs")
    cluster, provider, group = unique_name("ocr"), unique_name("gpu"), unique_name("/ocr/worker")
    client.create_cluster(clusterName=cluster)
    client.create_capacity_provider(name=provider, autoScalingGroupProvider={
        "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:"
                               "1:autoScalingGroupName/ocr-gpu",
        "managedScaling": {"status": "ENABLED"}})
    client.put_cluster_capacity_providers(cluster=cluster, capacityProviders=[provider],
                                          defaultCapacityProviderStrategy=[])
    instance = aws.client("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1,
                                               MaxCount=1)["Instances"][0]
    client.register_container_instance(
        cluster=cluster, instanceIdentityDocument=json.dumps({"instanceId": instance["InstanceId"]}))
    logs.create_log_group(logGroupName=group)
    definition = client.register_task_definition(
        family=unique_name("ocr-worker"), requiresCompatibilities=["EC2"],
        containerDefinitions=[{
            "name": "ocr-worker", "image": "ocr-pipeline-gpu:test", "memory": 512,
            "resourceRequirements": [{"type": "GPU", "value": "1"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-stream-prefix": "ocr-worker",
                "awslogs-region": "us-east-1"}},
        }])["taskDefinition"]["taskDefinitionArn"]
    CLIENTS[cluster] = LocalEcsClient(ecs=client, logs=logs)
    yield {"cluster": cluster, "provider": provider, "task_definition": definition,
           "group": group}
    CLIENTS.pop(cluster).kill_all()


def launcher(ecs: dict[str, str], *, workers: int | None = None,
             **fields: Any) -> EcsLauncher:
    """The launcher on the test's cluster; ``fields`` are ``EcsSettings`` fields, set unchecked
    (``timeout_seconds=1`` is under the 30 s a deployment may set), or the launcher's own."""
    names = {"cluster": ecs["cluster"], "task_definition": ecs["task_definition"],
             "capacity_provider": ecs["provider"], "subnets": ("subnet-0a1b",),
             "security_groups": ("sg-0c2d",)}
    settings = EcsSettings.from_env({}).model_copy(update={
        **names, **{k: v for k, v in fields.items() if k in EcsSettings.model_fields}})
    own = {k: v for k, v in fields.items() if k not in EcsSettings.model_fields}
    reading = ReadingOptions(engine="tesseract", workers=workers, service_url="", model_path="")
    return EcsLauncher(settings=settings, reading=reading, region="", poll_seconds=1,
                       ecs_client=CLIENTS[ecs["cluster"]], **own)


def land(tmp_path: Path, cloud: dict[str, str], name: str, **kwargs: object) -> int:
    made = generate_catalog(out_dir=tmp_path / "made", name=name, **kwargs)  # type: ignore[arg-type]
    aws.client("s3").upload_file(str(made.pdf), cloud["OCR_RAW_BUCKET"], f"landing/{name}.pdf")
    return sum(1 for _ in made.truth.open())


@contextmanager
def landed(tmp_path: Path, cloud: dict[str, str], ocr_launcher: OcrLauncher, name: str,
           **catalog: object) -> Iterator[tuple[Location, str, int]]:
    """A catalog in the landing prefix, the code location with ``ocr_launcher``, the
    catalog's partition key from the sensor, and how many courses the catalog has."""
    courses = land(tmp_path, cloud, name, **catalog)
    locations = aws_location(tmp_path, cloud, ocr_launcher)
    location = next(locations)
    try:
        [key] = location.sensor()
        yield location, key, courses
    finally:
        locations.close()


def ocr_metadata(result: Any) -> dict[str, Any]:
    materialization = result.asset_materializations_for_node("ocr_outputs")[0]
    return {key: value.value for key, value in materialization.metadata.items()}


def test_pages_fan_out_as_bounded_ecs_tasks_with_pipes_over_cloudwatch(
        tmp_path: Path, cloud: dict[str, str], ecs: dict[str, str]) -> None:
    with landed(tmp_path, cloud, launcher(ecs, pages_per_task=2, max_tasks=2, workers=1),
                "long", layout="one_column", courses=40, seed=3,
                scanned=True) as (location, key, courses):
        result = location.run(key)

        assert result.success
        client = CLIENTS[ecs["cluster"]]
        pages = ocr_metadata(result)["pages"]
        assert pages >= 3  # several ranges
        ranges = [(first, min(first + 1, pages)) for first in range(1, pages + 1, 2)]
        assert ocr_metadata(result)["ecs_tasks"] == len(ranges)
        assert len(client.run_task_calls) == len(ranges)
        assert client.most_at_once <= 2
        seen_ranges = set()
        for call in client.run_task_calls:
            assert call["cluster"] == ecs["cluster"]
            assert call["taskDefinition"] == ecs["task_definition"]
            assert call["capacityProviderStrategy"] == [
                {"capacityProvider": ecs["provider"], "weight": 1, "base": 0}]
            assert "launchType" not in call  # a capacity provider strategy excludes it
            assert call["networkConfiguration"]["awsvpcConfiguration"] == {
                "subnets": ["subnet-0a1b"], "securityGroups": ["sg-0c2d"],
                "assignPublicIp": "DISABLED"}
            [override] = call["overrides"]["containerOverrides"]
            assert override["name"] == "ocr-worker" and override["command"] == WORKER_COMMAND
            env = {e["name"]: e["value"] for e in override["environment"]}
            assert env["OCR_CATALOG_ID"] == key
            assert {"DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES"} <= set(env)
            first, last = map(int, env["OCR_PAGES"].split("-"))
            seen_ranges.add((first, last))
        assert seen_ranges == set(ranges)
        # the workers' Pipes messages went through their CloudWatch streams
        streams = aws.client("logs").describe_log_streams(
            logGroupName=ecs["group"])["logStreams"]
        assert len(streams) == len(ranges)
        assert all(s["logStreamName"].startswith("ocr-worker/ocr-worker/") for s in streams)
        logged = [entry.user_message for entry in location.instance.all_logs(result.run_id)]
        assert any(message.startswith("read ") for message in logged)  # pipes.log from workers
        # every page came back through the tasks: the scan's courses were parsed from them
        [(candidates,)] = location.defs.resources["warehouse"].get().query(  # type: ignore[union-attr]
            "SELECT count(*) FROM course_candidates")[1]
        assert candidates >= 0.9 * courses


def test_a_task_past_its_timeout_is_stopped_and_fails_the_step(
        tmp_path: Path, cloud: dict[str, str], ecs: dict[str, str]) -> None:
    with landed(tmp_path, cloud, launcher(ecs, timeout_seconds=1), "slow",
                layout="one_column", courses=6, seed=5, scanned=True) as (location, key, _):
        result = location.run(key, raise_on_error=False)

        assert not result.success
        failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
        assert "did not finish in 1 s and was stopped" in str(failure.event_specific_data)
        client = CLIENTS[ecs["cluster"]]
        assert len(client.stop_task_calls) == 1
        assert client.stop_task_calls[0]["cluster"] == ecs["cluster"]


def test_a_worker_killed_mid_catalog_resumes_from_the_pages_written(
        tmp_path: Path, cloud: dict[str, str], ecs: dict[str, str]) -> None:
    with landed(tmp_path, cloud, launcher(ecs, workers=1), "scan", layout="one_column",
                courses=14, seed=6, scanned=True) as (location, key, _):
        s3, bucket = aws.client("s3"), cloud["OCR_PROCESSED_BUCKET"]

        def written() -> dict[str, str]:
            found = s3.list_objects_v2(Bucket=bucket, Prefix="objects/ocr/cache/tesseract/")
            return {o["Key"]: o["ETag"] for o in found.get("Contents", [])}

        def kill_after_first_page() -> None:
            deadline = time.monotonic() + 240
            while not written() and time.monotonic() < deadline:
                time.sleep(0.2)
            CLIENTS[ecs["cluster"]].kill_all()

        killer = threading.Thread(target=kill_after_first_page)
        killer.start()
        first = location.run(key, raise_on_error=False)
        killer.join()
        assert not first.success
        kept = written()
        assert kept  # pages read before the kill are in S3

        second = location.run(key)

        assert second.success
        metadata = ocr_metadata(second)
        assert metadata["cached_pages"] >= len(kept)
        after = written()
        assert {k: after[k] for k in kept} == kept  # not read again
        assert len(after) == metadata["pages"]


def test_a_large_context_goes_through_s3_and_is_removed_after(
        tmp_path: Path, cloud: dict[str, str], ecs: dict[str, str]) -> None:
    bucket = cloud["OCR_PROCESSED_BUCKET"]
    with landed(tmp_path, cloud, launcher(ecs, env_context_limit=0, context_bucket=bucket),
                "small", layout="one_column", courses=4, seed=7,
                scanned=True) as (location, key, courses):
        result = location.run(key)

        assert result.success
        [call] = CLIENTS[ecs["cluster"]].run_task_calls
        env = {e["name"]: e["value"]
               for e in call["overrides"]["containerOverrides"][0]["environment"]}
        params = decode_env_var(env["DAGSTER_PIPES_CONTEXT"])
        assert params["bucket"] == bucket and params["key"].startswith("pipes/")
        listed = aws.client("s3").list_objects_v2(Bucket=bucket, Prefix="pipes/")
        assert listed.get("KeyCount", 0) == 0  # the launcher removed it once the task was done
        [(candidates,)] = location.defs.resources["warehouse"].get().query(  # type: ignore[union-attr]
            "SELECT count(*) FROM course_candidates")[1]
        assert candidates >= 0.9 * courses


def test_born_digital_pages_need_no_gpu_task(
        tmp_path: Path, cloud: dict[str, str], ecs: dict[str, str]) -> None:
    with landed(tmp_path, cloud, launcher(ecs, pages_per_task=1), "digital",
                layout="two_column", courses=30, seed=9) as (location, key, courses):
        result = location.run(key)

        assert result.success
        assert CLIENTS[ecs["cluster"]].run_task_calls == []
        metadata = ocr_metadata(result)
        assert metadata["ecs_tasks"] == 0 and metadata["pages"] >= 2
        rows = location.defs.resources["warehouse"].get().query(  # type: ignore[union-attr]
            "SELECT count(*) FROM validated_courses")[1]
        assert rows == [(courses,)]
