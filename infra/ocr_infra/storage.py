"""Buckets, DynamoDB tables, the Glue table over the validated Parquet and the Athena workgroup."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_glue as glue
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ocr_infra.nag import suppress
from ocr_infra.settings import EnvSettings
from ocr_pipeline.storage.parquet_warehouse import glue_table

WAREHOUSE_PREFIX = "warehouse/"
VALIDATED_TABLE = "validated_courses"
LANDING_PREFIX = "landing/"
ATHENA_RESULTS_PREFIX = "athena-results/"


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: EnvSettings) -> None:
        super().__init__(scope, construct_id)
        prefix = f"ocr-pipeline-{settings.name}"
        self.key = kms.Key(self, "Key", enable_key_rotation=True,
                           alias=f"alias/{prefix}", removal_policy=RemovalPolicy.RETAIN,
                           description="ocr_pipeline data: buckets, tables, alarm topic")
        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            # ALB access logs can only be written with S3-managed keys.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
            removal_policy=RemovalPolicy.RETAIN)
        suppress(self.access_logs, "AwsSolutions-S1",
                 "This is the access-log bucket itself; logging its own writes would loop.")
        self.raw = self._bucket(
            "Raw", versioned=False,
            # Intelligent-Tiering moves an object to its infrequent tier after 30 days and
            # its archive-instant tier after 90 by itself, and objects stay readable with a
            # plain GET (a re-run reads the PDF again): the 30/90-day policy for raw PDFs.
            lifecycle_rules=[s3.LifecycleRule(
                id="intelligent-tiering", transitions=[s3.Transition(
                    storage_class=s3.StorageClass.INTELLIGENT_TIERING,
                    transition_after=Duration.days(0))])])
        self.processed = self._bucket(
            "Processed", versioned=True, lifecycle_rules=_aging_rules(),
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                              allowed_origins=list(settings.web_origins),
                              allowed_headers=["*"], exposed_headers=["ETag"],
                              max_age=3000)])
        self.review = self._bucket("Review", versioned=True, lifecycle_rules=_aging_rules())

        self.state_table = self._table(
            "StateTable", partition_key="pk", time_to_live_attribute="expires_at",
            # Finished catalogs expire by TTL anyway; losing the table re-registers catalogs.
            removal_policy=RemovalPolicy.DESTROY)
        self.validation_table = self._table(
            "ValidationTable", partition_key="catalog_id", sort_key="check_name",
            removal_policy=RemovalPolicy.RETAIN)
        self.courses_table = self._table(
            "CoursesTable", partition_key="record_id", removal_policy=RemovalPolicy.RETAIN)

        self.glue_database_name = f"ocr_pipeline_{settings.name}"
        database = glue.CfnDatabase(
            self, "GlueDatabase", catalog_id=Stack.of(self).account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.glue_database_name,
                description="ocr_pipeline warehouse: course records as Parquet on S3"))
        self.warehouse_location = (f"s3://{self.processed.bucket_name}/"
                                   f"{WAREHOUSE_PREFIX}{VALIDATED_TABLE}/")
        self.validated_table = glue.CfnTable(
            self, "ValidatedCourses", catalog_id=Stack.of(self).account,
            database_name=self.glue_database_name,
            table_input=glue.CfnTable.TableInputProperty(name=VALIDATED_TABLE))
        # The pipeline's own definition (it updates the table to the same on every write), so
        # Athena and the pipeline never disagree on a column.
        self.validated_table.add_property_override(
            "TableInput", glue_table(table=VALIDATED_TABLE, location=self.warehouse_location))
        self.validated_table.node.add_dependency(database)

        self.athena_workgroup = athena.CfnWorkGroup(
            self, "Workgroup", name=prefix, recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                # 10 GB a query: the whole catalog warehouse is far smaller; a runaway scan
                # stops here.
                bytes_scanned_cutoff_per_query=10 * 1024**3,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.processed.bucket_name}/{ATHENA_RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=self.key.key_arn))))

    @property
    def buckets(self) -> tuple[s3.Bucket, ...]:
        return (self.raw, self.processed, self.review)

    @property
    def tables(self) -> tuple[dynamodb.Table, ...]:
        return (self.state_table, self.validation_table, self.courses_table)

    def _bucket(self, construct_id: str, *, versioned: bool,
                lifecycle_rules: list[s3.LifecycleRule],
                cors: list[s3.CorsRule] | None = None) -> s3.Bucket:
        return s3.Bucket(
            self, construct_id,
            encryption=s3.BucketEncryption.KMS, encryption_key=self.key,
            # One data key per bucket instead of a KMS call per object: pages are many.
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=versioned, lifecycle_rules=[*lifecycle_rules, _abort_uploads()], cors=cors,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"s3/{construct_id.lower()}/",
            removal_policy=RemovalPolicy.RETAIN)

    def _table(self, construct_id: str, *, partition_key: str, sort_key: str | None = None,
               time_to_live_attribute: str | None = None,
               removal_policy: RemovalPolicy) -> dynamodb.Table:
        return dynamodb.Table(
            self, construct_id,
            partition_key=dynamodb.Attribute(name=partition_key,
                                             type=dynamodb.AttributeType.STRING),
            sort_key=(dynamodb.Attribute(name=sort_key, type=dynamodb.AttributeType.STRING)
                      if sort_key else None),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED, encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            time_to_live_attribute=time_to_live_attribute,
            removal_policy=removal_policy)


def _aging_rules() -> list[s3.LifecycleRule]:
    """Infrequent Access after 30 days, Glacier Instant Retrieval after 90; old versions go
    after a year. Instant Retrieval because the pipeline's page cache, A2I outputs and
    Athena still read these objects with a plain GET, which the archive classes refuse."""
    return [s3.LifecycleRule(
        id="age-out",
        transitions=[
            s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                          transition_after=Duration.days(30)),
            s3.Transition(storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                          transition_after=Duration.days(90)),
        ],
        noncurrent_version_expiration=Duration.days(365))]


def _abort_uploads() -> s3.LifecycleRule:
    return s3.LifecycleRule(id="abort-incomplete-uploads",
                            abort_incomplete_multipart_upload_after=Duration.days(7))
