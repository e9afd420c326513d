"""The Dagster code location: the defs/ folder plus the resources of the environment.

This is the only place that branches on OCR_PIPELINE_ENV (DESIGN.md, "Configuration").
"""

from pathlib import Path

import dagster as dg

from ocr_pipeline import aws
from ocr_pipeline.config import Settings
from ocr_pipeline.defs.resources import local_resources
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.storage.parquet_warehouse import S3ParquetWarehouse
from ocr_pipeline.storage.warehouse import DuckDBWarehouse


def warehouse_for(settings: Settings) -> DuckDBWarehouse | S3ParquetWarehouse:
    """The analysts' warehouse of the environment: a DuckDB file, or Parquet on S3 + Glue."""
    if settings.env == "aws":
        return S3ParquetWarehouse(bucket=settings.processed_bucket,
                                  prefix=settings.warehouse_prefix,
                                  glue=aws.client("glue", region=settings.region),
                                  database=settings.glue_database, region=settings.region)
    return DuckDBWarehouse(path=settings.warehouse_path)


def build_defs(settings: Settings) -> dg.Definitions:
    if settings.env != "local":
        raise ConfigurationError(f"OCR_PIPELINE_ENV={settings.env} is not available yet")
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(resources=local_resources(settings)),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(Settings.from_env())
