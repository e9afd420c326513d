"""The Dagster code location: the defs/ folder plus the resources of the environment.

This is the only place that branches on OCR_PIPELINE_ENV (ARCHITECTURE.md, "Layers").
"""

from pathlib import Path
from typing import Any

import dagster as dg

from ocr_pipeline import aws
from ocr_pipeline.config import Settings
from ocr_pipeline.defs.ecs_launcher import EcsLauncher
from ocr_pipeline.defs.launcher import (
    InProcessLauncher,
    OcrLauncher,
    ReadingOptions,
    SubprocessLauncher,
)
from ocr_pipeline.defs.resources import (
    AdaptiveS3Resource,
    AwsWarehouseResource,
    DuckDBWarehouseResource,
    DynamoRegistryResource,
    LandingResource,
    LocalObjectStoreResource,
    PipelineConfig,
    ReviewResource,
    S3ObjectStoreResource,
    SqliteRegistryResource,
    Warehouse,
    WarehouseResource,
)
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.review.credentials import console_credentials
from ocr_pipeline.storage.athena import AthenaQueries


def warehouse_for(settings: Settings) -> Warehouse:
    """The analysts' warehouse of the environment: a DuckDB file, or Parquet on S3 + Glue."""
    return _warehouse(settings).get()


def athena_for(settings: Settings) -> AthenaQueries:
    """The same tables through Amazon Athena (aws only)."""
    if settings.env != "aws":
        raise ConfigurationError("Athena needs OCR_PIPELINE_ENV=aws (the Glue tables on S3)")
    cloud = settings.aws
    return AthenaQueries(client=aws.client("athena", region=cloud.region),
                         database=cloud.glue_database, workgroup=cloud.athena_workgroup,
                         output=cloud.athena_output)


def _warehouse(settings: Settings) -> WarehouseResource:
    if settings.env == "aws":
        cloud = settings.aws
        return AwsWarehouseResource(
            region=cloud.region, bucket=cloud.processed_bucket, prefix=cloud.warehouse_prefix,
            glue_database=cloud.glue_database, courses_table=cloud.courses_table,
            validation_table=cloud.validation_table)
    return DuckDBWarehouseResource(path=str(settings.warehouse_path))


def build_defs(settings: Settings) -> dg.Definitions:
    resources = aws_resources(settings) if settings.env == "aws" else local_resources(settings)
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(resources=resources),
    )


def local_resources(settings: Settings) -> dict[str, Any]:
    """Everything under one home folder."""
    return {
        "objects": LocalObjectStoreResource(root=str(settings.objects_root)),
        "warehouse": _warehouse(settings),
        "registry": SqliteRegistryResource(path=str(settings.registry_path)),
        "landing": LandingResource(location=str(settings.landing)),
        **_common(settings),
    }


def aws_resources(settings: Settings) -> dict[str, Any]:
    """S3, DynamoDB, Glue and ECS, named by ``settings.aws``."""
    cloud = settings.aws
    return {
        "objects": S3ObjectStoreResource(
            s3=AdaptiveS3Resource(region_name=cloud.region), bucket=cloud.processed_bucket,
            prefix="objects", cache_dir=str(settings.home / "cache")),
        "warehouse": _warehouse(settings),
        "registry": DynamoRegistryResource(region=cloud.region, table=cloud.state_table),
        "landing": LandingResource(location=cloud.landing_uri, region=cloud.region),
        **_common(settings),
    }


def _common(settings: Settings) -> dict[str, Any]:
    return {
        "pipeline": PipelineConfig(confidence_threshold=settings.confidence_threshold,
                                   dpi=settings.dpi),
        "ocr_launcher": _ocr_launcher(settings),
        "review": ReviewResource(endpoint_url=settings.review_endpoint,
                                 round1_flow_arn=settings.flow_arns["round1"],
                                 round2_flow_arn=settings.flow_arns["round2"],
                                 expert_flow_arn=settings.flow_arns["expert"],
                                 region=settings.aws.region,
                                 metrics_environment=settings.aws.metrics_environment,
                                 **_console_key_pair(settings)),
    }


def _ocr_launcher(settings: Settings) -> OcrLauncher:
    """Where OCR runs (OCR_MODE), chosen once for the code location."""
    reading = ReadingOptions.from_settings(settings)
    match settings.ocr_mode:
        case "in_process":
            return InProcessLauncher(reading=reading)
        case "subprocess":
            return SubprocessLauncher(reading=reading)
        case "ecs":
            # Pipes contexts too large for ECS overrides go through the processed bucket.
            bucket = settings.aws.processed_bucket if settings.env == "aws" else ""
            return EcsLauncher(settings=settings.ecs, reading=reading,
                               region=settings.aws.region, context_bucket=bucket)


def _console_key_pair(settings: Settings) -> dict[str, Any]:
    """The review console's key pair as the resource takes it: the variables' names, never
    their values, in the run config; else the file the console keeps it in."""
    if settings.review_access_key_id or settings.review_secret_access_key:
        console_credentials(settings)  # both or neither
        return {"access_key_id": dg.EnvVar("OCR_REVIEW_ACCESS_KEY_ID"),
                "secret_access_key": dg.EnvVar("OCR_REVIEW_SECRET_ACCESS_KEY")}
    return {"credentials_path": str(settings.review_credentials_path)}


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(Settings.from_env())
