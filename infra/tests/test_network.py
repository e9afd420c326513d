from aws_cdk.assertions import Match, Template

from tests.conftest import only


def test_vpc_spans_three_zones_with_public_private_and_isolated_subnets(dev: Template) -> None:
    dev.resource_count_is("AWS::EC2::Subnet", 9)
    subnets = dev.find_resources("AWS::EC2::Subnet")
    zones = {s["Properties"]["AvailabilityZone"] for s in subnets.values()}
    assert zones == {"us-east-1a", "us-east-1b", "us-east-1c"}
    kinds = sorted(tag["Value"] for s in subnets.values() for tag in s["Properties"]["Tags"]
                   if tag["Key"] == "aws-cdk:subnet-type")
    assert kinds == ["Isolated"] * 3 + ["Private"] * 3 + ["Public"] * 3


def test_one_nat_gateway_in_dev_one_per_zone_in_prod(dev: Template, prod: Template) -> None:
    dev.resource_count_is("AWS::EC2::NatGateway", 1)
    prod.resource_count_is("AWS::EC2::NatGateway", 3)


def test_gateway_endpoints_for_s3_and_dynamodb(dev: Template) -> None:
    for service in ("s3", "dynamodb"):
        dev.has_resource_properties("AWS::EC2::VPCEndpoint", {
            "VpcEndpointType": "Gateway",
            "ServiceName": Match.object_like({"Fn::Join": ["", [
                "com.amazonaws.", {"Ref": "AWS::Region"}, f".{service}"]]}),
        })


def test_interface_endpoints_with_private_dns(dev: Template) -> None:
    endpoints = dev.find_resources("AWS::EC2::VPCEndpoint",
                                   {"Properties": {"VpcEndpointType": "Interface"}})
    names = sorted(e["Properties"]["ServiceName"] for e in endpoints.values())
    assert names == ["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr",
                     "com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.sagemaker.a2i-runtime",
                     "com.amazonaws.us-east-1.secretsmanager"]
    assert all(e["Properties"]["PrivateDnsEnabled"] for e in endpoints.values())


def test_interface_endpoints_admit_https_from_the_vpc_only(dev: Template) -> None:
    groups = dev.find_resources("AWS::EC2::SecurityGroup", {"Properties": {
        "GroupDescription": Match.string_like_regexp("Network/Vpc/EcrApi")}})
    (group,) = groups.values()
    assert group["Properties"]["SecurityGroupIngress"] == [{
        "CidrIp": "10.40.0.0/16", "Description": "HTTPS from inside the VPC",
        "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}]


def test_flow_logs_capture_all_traffic(dev: Template) -> None:
    _, flow_log = only(dev, "AWS::EC2::FlowLog")
    assert flow_log["Properties"]["TrafficType"] == "ALL"
    assert flow_log["Properties"]["LogDestinationType"] == "cloud-watch-logs"
