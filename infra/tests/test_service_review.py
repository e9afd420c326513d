from aws_cdk.assertions import Match, Template

from ocr_infra.review import TEMPLATE
from ocr_pipeline.review.contract import FIELDS
from tests.conftest import only


def test_ocr_service_runs_on_the_gpu_capacity_provider(dev: Template) -> None:
    dev.has_resource_properties("AWS::ECS::Service", {
        "CapacityProviderStrategy": [{"CapacityProvider": Match.any_value(), "Weight": 1}],
        "DeploymentConfiguration": Match.object_like({"MinimumHealthyPercent": 100}),
        "HealthCheckGracePeriodSeconds": 600})
    _, task = only(dev, "AWS::ECS::TaskDefinition", {"Family": "ocr-pipeline-dev-service"})
    (container,) = task["Properties"]["ContainerDefinitions"]
    assert container["ResourceRequirements"] == [{"Type": "GPU", "Value": "1"}]
    assert container["PortMappings"] == [{"ContainerPort": 8000, "Protocol": "tcp"}]
    assert "Command" not in container  # the image's own `serve`


def test_internal_alb_checks_health_on_slash_health(dev: Template) -> None:
    dev.has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup", {
        "Port": 8000, "TargetType": "ip", "HealthCheckPath": "/health", "Matcher": {
            "HttpCode": "200"}})
    albs = dev.find_resources("AWS::ElasticLoadBalancingV2::LoadBalancer",
                              {"Properties": {"Type": "application"}})
    assert {a["Properties"]["Scheme"] for a in albs.values()} == {"internal"}


def test_every_api_method_requires_an_api_key(dev: Template) -> None:
    methods = dev.find_resources("AWS::ApiGateway::Method")
    assert methods and all(m["Properties"]["ApiKeyRequired"] for m in methods.values())
    (proxy,) = [m for m in methods.values() if m["Properties"]["HttpMethod"] == "ANY"]
    integration = proxy["Properties"]["Integration"]
    assert integration["ConnectionType"] == "VPC_LINK"
    assert integration["Type"] == "HTTP_PROXY"


def test_api_binary_media_types_throttling_and_access_logs(dev: Template) -> None:
    dev.has_resource_properties("AWS::ApiGateway::RestApi", {
        "BinaryMediaTypes": Match.array_with(["image/png", "application/pdf"])})
    dev.has_resource_properties("AWS::ApiGateway::Stage", {
        "StageName": "dev",
        "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
        "MethodSettings": [Match.object_like({"ThrottlingRateLimit": 20,
                                              "ThrottlingBurstLimit": 40})]})
    dev.has_resource_properties("AWS::ApiGateway::UsagePlan", {
        "Throttle": {"RateLimit": 20, "BurstLimit": 40}})
    dev.resource_count_is("AWS::ApiGateway::UsagePlanKey", 1)
    dev.resource_count_is("AWS::ApiGateway::VpcLink", 1)


def test_api_is_behind_a_web_acl(dev: Template) -> None:
    dev.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)
    dev.has_resource_properties("AWS::WAFv2::WebACL", {"Scope": "REGIONAL"})


def test_human_task_ui_and_three_flow_definitions_by_custom_resource(dev: Template) -> None:
    calls = [r["Properties"]["Create"] for r in dev.find_resources("Custom::AWS").values()]
    flat = " ".join(str(call) for call in calls)
    assert flat.count('createFlowDefinition') == 3
    assert flat.count('createHumanTaskUi') == 1
    for count in (3, 2, 1):
        assert f'"TaskCount":{count}' in flat


def test_task_template_asks_for_every_reviewed_field() -> None:
    """Every field the pipeline reviews is prefilled in the A2I task and posted back under its
    own name (``review.a2i.answers_of`` reads the fields from the top level)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    for field in FIELDS:
        assert f'name="{field}"' in template
        assert f'value="{{{{ task.input.fields.{field} | escape }}}}"' in template
    for field in ("prerequisites", "corequisites"):  # not shown in tasks made before them
        assert f"{{% if task.input.fields.{field} != nil %}}" in template


def test_workteam_arns_are_parameters(dev: Template) -> None:
    parameters = dev.to_json()["Parameters"]
    assert parameters["ReviewWorkteamArn"]["Type"] == "String"
    assert parameters["ExpertWorkteamArn"]["Type"] == "String"


def test_a2i_role_reads_page_crops_and_writes_outputs_only(dev: Template) -> None:
    (role_id,) = [lid for lid in dev.find_resources("AWS::IAM::Role") if
                  lid.startswith("ReviewFlowRole")]
    _, policy = only(dev, "AWS::IAM::Policy", {"Roles": [{"Ref": role_id}]})
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert actions == ["s3:GetObject", "s3:PutObject", ["kms:Decrypt", "kms:GenerateDataKey"]]


def test_custom_resource_policies_name_their_own_sagemaker_resources(dev: Template) -> None:
    policies = dev.find_resources("AWS::IAM::Policy", {"Properties": {"PolicyName": Match.
                                                       string_like_regexp("ReviewFlow.*CustomResourcePolicy")}})
    assert len(policies) == 3
    for policy in policies.values():
        create, passing = policy["Properties"]["PolicyDocument"]["Statement"]
        assert create["Action"] == ["sagemaker:CreateFlowDefinition",
                                    "sagemaker:DeleteFlowDefinition", "sagemaker:AddTags"]
        assert "flow-definition/ocr-dev-" in str(create["Resource"])
        assert passing["Action"] == "iam:PassRole"
        assert passing["Condition"] == {"StringEquals": {
            "iam:PassedToService": "sagemaker.amazonaws.com"}}
