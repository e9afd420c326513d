from typing import Any

from aws_cdk.assertions import Match, Template

from tests.conftest import only


def _bucket(template: Template, logical_prefix: str) -> dict[str, Any]:
    (body,) = [b["Properties"] for lid, b in template.find_resources("AWS::S3::Bucket").items()
               if lid.startswith(logical_prefix)]
    return body


def _rules(bucket: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}


def test_data_buckets_are_kms_encrypted_private_and_logged(dev: Template) -> None:
    key_id, _ = only(dev, "AWS::KMS::Key")
    for name in ("StorageRaw", "StorageProcessed", "StorageReview"):
        bucket = _bucket(dev, name)
        encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert encryption == {"BucketKeyEnabled": True, "ServerSideEncryptionByDefault": {
            "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}, "SSEAlgorithm": "aws:kms"}}
        assert bucket["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}
        assert "LoggingConfiguration" in bucket


def test_key_rotates(dev: Template) -> None:
    dev.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_every_bucket_refuses_plain_http(dev: Template) -> None:
    policies = dev.find_resources("AWS::S3::BucketPolicy")
    denying = [p for p in policies.values() if any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in p["Properties"]["PolicyDocument"]["Statement"])]
    assert len(denying) == 4  # raw, processed, review, access logs


def test_raw_pdfs_go_to_intelligent_tiering_at_once(dev: Template) -> None:
    raw = _bucket(dev, "StorageRaw")
    assert _rules(raw)["intelligent-tiering"]["Transitions"] == [
        {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}]
    assert "VersioningConfiguration" not in raw


def test_processed_and_review_age_to_ia_then_glacier_and_keep_versions(dev: Template) -> None:
    for name in ("StorageProcessed", "StorageReview"):
        bucket = _bucket(dev, name)
        rule = _rules(bucket)["age-out"]
        assert rule["Transitions"] == [
            {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
            {"StorageClass": "GLACIER_IR", "TransitionInDays": 90}]
        assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 365}
        assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
        assert _rules(bucket)["abort-incomplete-uploads"][
            "AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_processed_bucket_allows_web_reads_from_the_configured_origins(
        dev: Template, prod: Template) -> None:
    assert _bucket(dev, "StorageProcessed")["CorsConfiguration"]["CorsRules"] == [{
        "AllowedHeaders": ["*"], "AllowedMethods": ["GET", "HEAD"],
        "AllowedOrigins": ["http://localhost:3000"], "ExposedHeaders": ["ETag"], "MaxAge": 3000}]
    cors = _bucket(prod, "StorageProcessed")["CorsConfiguration"]["CorsRules"][0]
    assert cors["AllowedOrigins"] == ["https://catalogs.example.edu"]


def test_processing_state_table_keys_and_ttl(dev: Template) -> None:
    key_id, _ = only(dev, "AWS::KMS::Key")
    dev.has_resource("AWS::DynamoDB::Table", {
        "Properties": {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                                 "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}},
        },
        "DeletionPolicy": "Delete",
    })


def test_validation_results_table_keys(dev: Template) -> None:
    dev.has_resource("AWS::DynamoDB::Table", {
        "Properties": {"KeySchema": [{"AttributeName": "catalog_id", "KeyType": "HASH"},
                                     {"AttributeName": "check_name", "KeyType": "RANGE"}],
                       "BillingMode": "PAY_PER_REQUEST"},
        "DeletionPolicy": "Retain",
    })


def test_course_catalog_table_has_pitr_and_is_retained(dev: Template) -> None:
    dev.has_resource("AWS::DynamoDB::Table", {
        "Properties": {
            "KeySchema": [{"AttributeName": "record_id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        },
        "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
    })


def test_glue_table_is_the_pipelines_parquet_table(dev: Template) -> None:
    _, table = only(dev, "AWS::Glue::Table")
    table_input = table["Properties"]["TableInput"]
    assert table["Properties"]["DatabaseName"] == "ocr_pipeline_dev"
    assert table_input["Name"] == "validated_courses"
    assert table_input["PartitionKeys"] == [{"Name": "catalog_id", "Type": "string"}]
    descriptor = table_input["StorageDescriptor"]
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == (
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
    columns = {c["Name"]: c["Type"] for c in descriptor["Columns"]}
    assert columns["bbox"] == "array<double>"
    assert columns["review"] == "string" and columns["confidence_factors"] == "string"
    assert columns["extracted_at"] == "timestamp" and columns["page"] == "int"
    assert (columns["prerequisites"], columns["corequisites"]) == ("string", "string")
    assert columns["cross_listed"] == "array<string>" and columns["attributes"] == "string"
    assert "catalog_id" not in columns
    processed_id = next(lid for lid in dev.find_resources("AWS::S3::Bucket")
                        if lid.startswith("StorageProcessed"))
    assert descriptor["Location"] == {"Fn::Join": ["", [
        "s3://", {"Ref": processed_id}, "/warehouse/validated_courses/"]]}


def test_athena_workgroup_enforces_encrypted_results(dev: Template) -> None:
    dev.has_resource_properties("AWS::Athena::WorkGroup", {
        "Name": "ocr-pipeline-dev",
        "WorkGroupConfiguration": Match.object_like({
            "EnforceWorkGroupConfiguration": True,
            "ResultConfiguration": {
                "EncryptionConfiguration": Match.object_like({"EncryptionOption": "SSE_KMS"}),
                "OutputLocation": Match.any_value()}})})


def test_ecr_repositories_scan_on_push_and_expire_images(dev: Template) -> None:
    repos = dev.find_resources("AWS::ECR::Repository")
    assert sorted(r["Properties"]["RepositoryName"] for r in repos.values()) == [
        "ocr-pipeline-dev/dagster", "ocr-pipeline-dev/ocr-gpu"]
    for repo in repos.values():
        props = repo["Properties"]
        assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
        assert props["ImageTagMutability"] == "IMMUTABLE"
        policy = props["LifecyclePolicy"]["LifecyclePolicyText"]
        assert '"tagStatus":"untagged"' in policy and '"countNumber":20' in policy
