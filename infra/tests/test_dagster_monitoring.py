from aws_cdk.assertions import Match, Template

from ocr_infra.stack import OcrPipelineStack
from ocr_pipeline import config
from tests.conftest import only

PIPELINE_VARIABLES = (
    "OCR_PIPELINE_ENV", "AWS_REGION", "OCR_RAW_BUCKET", "OCR_PROCESSED_BUCKET",
    "OCR_REVIEW_BUCKET", "OCR_LANDING_URI", "OCR_STATE_TABLE", "OCR_VALIDATION_TABLE",
    "OCR_COURSES_TABLE", "OCR_GLUE_DATABASE", "OCR_ATHENA_WORKGROUP", "OCR_ECS_CLUSTER",
    "OCR_ECS_TASK_DEFINITION", "OCR_ECS_CAPACITY_PROVIDER", "OCR_ECS_CONTAINER",
    "OCR_ECS_SUBNETS", "OCR_ECS_SECURITY_GROUPS", "OCR_ECS_LOG_GROUP",
    "OCR_ECS_LOG_STREAM_PREFIX", "A2I_FLOW_ROUND1_ARN", "A2I_FLOW_ROUND2_ARN",
    "A2I_FLOW_EXPERT_ARN", "OCR_SERVICE_URL",
)


def test_database_is_encrypted_isolated_with_generated_credentials(
        dev: Template, prod: Template) -> None:
    dev.has_resource_properties("AWS::RDS::DBInstance", {
        "Engine": "postgres", "StorageEncrypted": True, "MultiAZ": False,
        "MasterUserPassword": Match.any_value()})
    prod.has_resource_properties("AWS::RDS::DBInstance", {
        "MultiAZ": True, "DeletionProtection": True})
    _, subnets = only(dev, "AWS::RDS::DBSubnetGroup")
    isolated = [lid for lid, s in dev.find_resources("AWS::EC2::Subnet").items()
                if "isolated" in lid]
    assert sorted(r["Ref"] for r in subnets["Properties"]["SubnetIds"]) == sorted(isolated)
    dev.resource_count_is("AWS::SecretsManager::Secret", 1)


def test_webserver_and_daemon_on_fargate_with_the_pipeline_environment(dev: Template) -> None:
    for family in ("ocr-pipeline-dev-dagster-daemon", "ocr-pipeline-dev-dagster-webserver"):
        _, task = only(dev, "AWS::ECS::TaskDefinition", {"Family": family})
        assert task["Properties"]["RequiresCompatibilities"] == ["FARGATE"]
        (container,) = task["Properties"]["ContainerDefinitions"]
        names = {e["Name"] for e in container["Environment"]}
        assert set(PIPELINE_VARIABLES) <= names
        assert {"OCR_PIPELINE_ENV": "aws", "OCR_ECS_CONTAINER": "ocr-worker",
                "OCR_ECS_LOG_STREAM_PREFIX": "ocr-worker", "OCR_REVIEW_ENDPOINT": ""}.items() <= {
            e["Name"]: e["Value"] for e in container["Environment"]}.items()
        assert {s["Name"] for s in container["Secrets"]} == {"DAGSTER_PG_USERNAME",
                                                             "DAGSTER_PG_PASSWORD"}


def test_the_pipeline_variables_are_named_by_its_settings(
        dev_stack: OcrPipelineStack) -> None:
    read = {cls.variable(field)
            for cls in (config.Settings, config.AwsSettings, config.EcsSettings)
            for field in cls.model_fields if field not in ("aws", "ecs")}
    # the worker's log group and stream prefix are for operators: the Pipes client finds them
    # in the task definition
    assert set(dev_stack.pipeline_environment) - read == {"OCR_ECS_LOG_GROUP",
                                                          "OCR_ECS_LOG_STREAM_PREFIX"}
    assert {"OCR_MODE": "ecs", "OCR_ENGINE": "deepseek",
            "OCR_METRICS_ENVIRONMENT": "dev"}.items() <= dev_stack.pipeline_environment.items()


def test_outputs_name_every_pipeline_variable(dev: Template) -> None:
    outputs = dev.to_json()["Outputs"]
    described = {o.get("Description") for o in outputs.values()}
    assert set(PIPELINE_VARIABLES) <= described
    assert outputs["OcrEcsContainer"]["Value"] == "ocr-worker"
    assert outputs["OcrLandingUri"]["Value"]["Fn::Join"][1][-1] == "/landing/"


def test_alarms_for_failed_tasks_5xx_and_review_backlog(dev: Template) -> None:
    alarms = dev.find_resources("AWS::CloudWatch::Alarm")
    metrics = sorted(a["Properties"]["MetricName"] for a in alarms.values())
    assert metrics == ["5XXError", "HTTPCode_Target_5XX_Count",
                       "ReviewBacklogOldestAgeSeconds", "TriggeredRules"]
    assert all(a["Properties"]["AlarmActions"] for a in alarms.values())
    dev.has_resource_properties("AWS::Events::Rule", {"EventPattern": Match.object_like({
        "detail": Match.object_like({"lastStatus": ["STOPPED"],
                                     "containers": {"exitCode": [{"anything-but": 0}]}})})})
    dev.resource_count_is("AWS::CloudWatch::Dashboard", 1)


def test_cost_allocation_tags_on_resources(dev: Template) -> None:
    dev.has_resource_properties("AWS::S3::Bucket", {"Tags": Match.array_with([
        {"Key": "CostCenter", "Value": "ocr-pipeline-dev"},
        {"Key": "Environment", "Value": "dev"},
        {"Key": "Project", "Value": "ocr-pipeline"}])})
