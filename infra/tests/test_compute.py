from aws_cdk.assertions import Match, Template

from tests.conftest import only


def test_gpu_instances_are_g4dn_xlarge_on_the_ecs_gpu_ami(dev: Template) -> None:
    _, template = only(dev, "AWS::EC2::LaunchTemplate")
    data = template["Properties"]["LaunchTemplateData"]
    assert data["InstanceType"] == "g4dn.xlarge"
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["BlockDeviceMappings"] == [{"DeviceName": "/dev/xvda", "Ebs": {
        "Encrypted": True, "VolumeSize": 150, "VolumeType": "gp3"}}]


def test_gpu_ami_comes_from_the_ecs_gpu_parameter(dev: Template) -> None:
    parameters = dev.to_json()["Parameters"]
    defaults = [p.get("Default") for p in parameters.values()]
    assert "/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id" in defaults


def test_group_sizes_dev_may_scale_to_zero_prod_keeps_one(dev: Template, prod: Template) -> None:
    dev.has_resource_properties("AWS::AutoScaling::AutoScalingGroup",
                                {"MinSize": "0", "MaxSize": "10"})
    prod.has_resource_properties("AWS::AutoScaling::AutoScalingGroup",
                                 {"MinSize": "1", "MaxSize": "10"})


def test_spot_in_dev_on_demand_in_prod(dev: Template, prod: Template) -> None:
    _, group = only(dev, "AWS::AutoScaling::AutoScalingGroup")
    distribution = group["Properties"]["MixedInstancesPolicy"]["InstancesDistribution"]
    assert distribution == {"OnDemandBaseCapacity": 0,
                            "OnDemandPercentageAboveBaseCapacity": 0,
                            "SpotAllocationStrategy": "capacity-optimized"}
    _, prod_group = only(prod, "AWS::AutoScaling::AutoScalingGroup")
    assert "MixedInstancesPolicy" not in prod_group["Properties"]
    assert "LaunchTemplate" in prod_group["Properties"]


def test_capacity_provider_has_managed_scaling_and_termination_protection(
        dev: Template) -> None:
    dev.has_resource_properties("AWS::ECS::CapacityProvider", {
        "Name": "ocr-gpu-dev",
        "AutoScalingGroupProvider": Match.object_like({
            "ManagedScaling": Match.object_like({"Status": "ENABLED", "TargetCapacity": 100}),
            "ManagedTerminationProtection": "ENABLED"})})


def test_worker_task_has_one_gpu_memory_for_the_model_and_awslogs(dev: Template) -> None:
    _, task = only(dev, "AWS::ECS::TaskDefinition", {"Family": "ocr-pipeline-dev-worker"})
    props = task["Properties"]
    assert props["NetworkMode"] == "awsvpc"
    assert props["RequiresCompatibilities"] == ["EC2"]
    (container,) = props["ContainerDefinitions"]
    assert container["Name"] == "ocr-worker"
    assert container["ResourceRequirements"] == [{"Type": "GPU", "Value": "1"}]
    assert container["Memory"] == 14336
    log = container["LogConfiguration"]
    assert log["LogDriver"] == "awslogs"
    assert log["Options"]["awslogs-stream-prefix"] == "ocr-worker"
    image_parts = container["Image"]["Fn::Join"][1]
    assert image_parts[-2:] == [{"Ref": "ImagesOcr1EFBA14D"}, ":dev"]


def test_worker_security_group_has_no_inbound_and_only_https_out(dev: Template) -> None:
    _, group = only(dev, "AWS::EC2::SecurityGroup", {
        "GroupDescription": "OCR worker tasks: S3, DynamoDB, logs; no inbound"})
    assert "SecurityGroupIngress" not in group["Properties"]
    assert group["Properties"]["SecurityGroupEgress"] == [{
        "CidrIp": "0.0.0.0/0", "Description": "HTTPS to AWS APIs", "FromPort": 443,
        "IpProtocol": "tcp", "ToPort": 443}]


def test_container_insights_on_the_gpu_cluster(dev: Template) -> None:
    dev.has_resource_properties("AWS::ECS::Cluster", {
        "ClusterName": "ocr-pipeline-dev",
        "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]})
