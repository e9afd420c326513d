"""Least privilege, statement by statement: the worker's task role and the Dagster daemon's
(the run launcher's)."""

from typing import Any

from aws_cdk.assertions import Template

from tests.conftest import only, statements


def _logical_id(template: Template, resource_type: str, prefix: str) -> str:
    (found,) = [lid for lid in template.find_resources(resource_type) if lid.startswith(prefix)]
    return found


def _by_action(found: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(s["Action"]) if isinstance(s["Action"], list) else (s["Action"],): s
            for s in found}


def _objects(bucket_id: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]}


def test_worker_reads_raw_and_writes_processed_only(dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "ComputeWorkerTaskTaskRole")
    raw = _logical_id(dev, "AWS::S3::Bucket", "StorageRaw")
    processed = _logical_id(dev, "AWS::S3::Bucket", "StorageProcessed")
    key = _logical_id(dev, "AWS::KMS::Key", "StorageKey")
    found = statements(dev, role)
    assert [(s["Action"], s["Resource"]) for s in found] == [
        ("s3:GetObject", _objects(raw)),
        ("s3:ListBucket", {"Fn::GetAtt": [raw, "Arn"]}),
        ("kms:Decrypt", {"Fn::GetAtt": [key, "Arn"]}),
        (["s3:GetObject", "s3:PutObject"], _objects(processed)),
        ("s3:ListBucket", {"Fn::GetAtt": [processed, "Arn"]}),
        (["kms:Decrypt", "kms:GenerateDataKey"], {"Fn::GetAtt": [key, "Arn"]}),
    ]
    assert all(s["Effect"] == "Allow" and "Condition" not in s for s in found)


def test_run_launcher_runs_only_the_worker_task_definition_in_the_gpu_cluster(
        dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "DagsterDaemonTaskRole")
    worker, _ = only(dev, "AWS::ECS::TaskDefinition", {"Family": "ocr-pipeline-dev-worker"})
    cluster = _logical_id(dev, "AWS::ECS::Cluster", "ComputeCluster")
    run = _by_action(statements(dev, role))[("ecs:RunTask",)]
    assert run["Resource"] == {"Ref": worker}  # the ARN with its revision, no wildcard
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster, "Arn"]}}}


def test_run_launcher_passes_only_the_worker_roles_to_ecs_tasks(dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "DagsterDaemonTaskRole")
    passing = [s for s in statements(dev, role) if "iam:PassRole" in str(s["Action"])]
    assert passing == [{
        "Action": "iam:PassRole", "Effect": "Allow",
        "Resource": [
            {"Fn::GetAtt": [_logical_id(dev, "AWS::IAM::Role", "ComputeWorkerTaskTaskRole"),
                            "Arn"]},
            {"Fn::GetAtt": [_logical_id(dev, "AWS::IAM::Role",
                                        "ComputeWorkerTaskExecutionRole"), "Arn"]}],
        "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]


def test_run_launcher_watches_and_stops_tasks_of_the_gpu_cluster_only(dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "DagsterDaemonTaskRole")
    cluster = _logical_id(dev, "AWS::ECS::Cluster", "ComputeCluster")
    tasks = _by_action(statements(dev, role))[("ecs:DescribeTasks", "ecs:StopTask")]
    assert tasks["Resource"] == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":ecs:us-east-1:", {"Ref": "AWS::AccountId"},
        ":task/", {"Ref": cluster}, "/*"]]}
    assert tasks["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster, "Arn"]}}}


def test_run_launcher_reads_only_the_worker_log_group(dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "DagsterDaemonTaskRole")
    group = _logical_id(dev, "AWS::Logs::LogGroup", "ComputeWorkerLogs")
    logs = _by_action(statements(dev, role))[("logs:GetLogEvents",)]
    assert logs["Resource"] == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":logs:us-east-1:", {"Ref": "AWS::AccountId"},
        ":log-group:", {"Ref": group}, ":log-stream:*"]]}


def test_no_pipeline_role_may_delete_results_or_use_star_actions(dev: Template) -> None:
    """Results are only ever replaced. The one delete is of the transient Pipes contexts under
    pipes/ (too large for ECS overrides); the one '*' resource is PutMetricData, which has no
    resource-level permissions and is held to the pipeline's namespace."""
    for prefix in ("ComputeWorkerTaskTaskRole", "DagsterDaemonTaskRole"):
        for statement in statements(dev, _logical_id(dev, "AWS::IAM::Role", prefix)):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [
                statement["Action"]]
            assert not any("*" in a for a in actions)
            if any(a.startswith("s3:Delete") for a in actions):
                assert actions == ["s3:DeleteObject"]
                assert statement["Resource"] == {"Fn::Join": ["", [
                    {"Fn::GetAtt": [_logical_id(dev, "AWS::S3::Bucket", "StorageProcessed"),
                                    "Arn"]}, "/pipes/*"]]}
            if statement["Resource"] == "*":
                assert actions == ["cloudwatch:PutMetricData"]
                assert statement["Condition"] == {
                    "StringEquals": {"cloudwatch:namespace": "OcrPipeline"}}


def test_daemon_uses_a2i_only_through_the_three_flows(dev: Template) -> None:
    role = _logical_id(dev, "AWS::IAM::Role", "DagsterDaemonTaskRole")
    start = _by_action(statements(dev, role))[("sagemaker:StartHumanLoop",
                                               "sagemaker:ListHumanLoops")]
    flows = [str(arn) for arn in start["Resource"]]
    assert len(flows) == 3
    assert all("flow-definition/ocr-dev-" in arn for arn in flows)


def test_webserver_has_no_aws_permissions_of_its_own(dev: Template) -> None:
    _, task = only(dev, "AWS::ECS::TaskDefinition",
                   {"Family": "ocr-pipeline-dev-dagster-webserver"})
    role = task["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0]
    assert statements(dev, role) == []
