"""Resources: thin Dagster wrappers of the storage layer, one class per environment behind a
base class the assets name (the environment is chosen in ``ocr_pipeline.definitions``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
from dagster_aws.s3 import S3Resource

from ocr_pipeline import aws
from ocr_pipeline.review.a2i import A2IReviews, a2i_client
from ocr_pipeline.review.backlog import oldest_open_age, publish_backlog
from ocr_pipeline.review.contract import Role
from ocr_pipeline.review.credentials import ConsoleCredentials, stored_credentials
from ocr_pipeline.storage.aws_warehouse import AwsWarehouse
from ocr_pipeline.storage.dynamo_registry import DynamoCatalogRegistry
from ocr_pipeline.storage.dynamo_tables import DynamoCourseTable, DynamoValidationTable
from ocr_pipeline.storage.landing import Landing, LocalLanding, S3Landing
from ocr_pipeline.storage.objects import LocalObjectStore, ObjectStore
from ocr_pipeline.storage.parquet_warehouse import S3ParquetWarehouse
from ocr_pipeline.storage.registry import CatalogRegistry
from ocr_pipeline.storage.s3_objects import S3ObjectStore
from ocr_pipeline.storage.warehouse import DuckDBWarehouse

Warehouse = DuckDBWarehouse | AwsWarehouse
Registry = CatalogRegistry | DynamoCatalogRegistry


class AdaptiveS3Resource(S3Resource):
    """dagster-aws's S3 resource, its client built like every other client of the project:
    adaptive retries (its own uses the standard mode) and ``AWS_ENDPOINT_URL`` honoured."""

    def get_client(self) -> Any:
        return aws.client("s3", region=self.region_name, endpoint_url=self.endpoint_url,
                          max_attempts=self.max_attempts)


class ObjectStoreResource(dg.ConfigurableResource):
    """Where bytes live (PDFs, page images, page text), addressed by URIs."""

    def get(self) -> ObjectStore:
        raise NotImplementedError

    def spec(self) -> dict[str, str]:
        """How a worker process opens the same store (``storage.stores.open_store``)."""
        raise NotImplementedError


class LocalObjectStoreResource(ObjectStoreResource):
    root: str

    def get(self) -> LocalObjectStore:
        return LocalObjectStore(root=Path(self.root))

    def spec(self) -> dict[str, str]:
        return {"kind": "file", "root": self.root}


class S3ObjectStoreResource(ObjectStoreResource):
    s3: AdaptiveS3Resource
    bucket: str
    prefix: str = ""
    cache_dir: str
    """Local copies of objects that must be files (the PDF for PyMuPDF), checked by ETag."""

    def get(self) -> S3ObjectStore:
        return S3ObjectStore(client=self.s3.get_client(), bucket=self.bucket, prefix=self.prefix,
                             cache_dir=Path(self.cache_dir))

    def spec(self) -> dict[str, str]:
        return {"kind": "s3", "bucket": self.bucket, "prefix": self.prefix,
                "region": self.s3.region_name or ""}


class WarehouseResource(dg.ConfigurableResource):
    """The tables analysts query: course_candidates, validated_courses (and check outcomes)."""

    def get(self) -> Warehouse:
        raise NotImplementedError


class DuckDBWarehouseResource(WarehouseResource):
    path: str

    def get(self) -> DuckDBWarehouse:
        return DuckDBWarehouse(path=Path(self.path))


class AwsWarehouseResource(WarehouseResource):
    """Parquet on S3 registered in Glue; validated courses and checks also in DynamoDB."""

    region: str
    bucket: str
    prefix: str
    glue_database: str
    courses_table: str
    validation_table: str

    def get(self) -> AwsWarehouse:
        dynamodb = aws.client("dynamodb", region=self.region)
        return AwsWarehouse(
            parquet=S3ParquetWarehouse(bucket=self.bucket, prefix=self.prefix,
                                       glue=aws.client("glue", region=self.region),
                                       database=self.glue_database, region=self.region),
            courses=DynamoCourseTable(client=dynamodb, table=self.courses_table),
            validation=DynamoValidationTable(client=dynamodb, table=self.validation_table),
        )


class RegistryResource(dg.ConfigurableResource):
    """Catalog registry: identity by content hash, processing status."""

    def get(self) -> Registry:
        raise NotImplementedError


class SqliteRegistryResource(RegistryResource):
    path: str

    def get(self) -> CatalogRegistry:
        return CatalogRegistry(path=Path(self.path))


class DynamoRegistryResource(RegistryResource):
    """The processing-state table (TTL on finished catalogs)."""

    region: str
    table: str

    def get(self) -> DynamoCatalogRegistry:
        return DynamoCatalogRegistry(client=aws.client("dynamodb", region=self.region),
                                     table=self.table)


class LandingResource(dg.ConfigurableResource):
    """Where catalogs are dropped: a folder, or an ``s3://bucket/prefix/``."""

    location: str
    region: str = ""
    page_size: int = 1000
    """Keys per S3 listing request."""

    def get(self) -> Landing:
        if self.location.startswith("s3://"):
            return S3Landing(client=aws.client("s3", region=self.region or None),
                             uri=self.location, page_size=self.page_size)
        return LocalLanding(folder=Path(self.location))


class PipelineConfig(dg.ConfigurableResource):
    confidence_threshold: float
    dpi: int = 200


class ReviewResource(dg.ConfigurableResource):
    """Human loops through the A2I runtime API: Amazon A2I, or the local review console."""

    endpoint_url: str
    """Empty: Amazon A2I in the configured region."""
    round1_flow_arn: str
    round2_flow_arn: str
    expert_flow_arn: str
    region: str = "us-east-1"
    metrics_environment: str = ""
    """aws: the Environment dimension of the review backlog metric (empty: not published)."""
    access_key_id: str = ""
    secret_access_key: str = ""
    """The review console's key pair (``dg.EnvVar`` of OCR_REVIEW_ACCESS_KEY_ID and
    OCR_REVIEW_SECRET_ACCESS_KEY), or empty: the one kept in ``credentials_path``."""
    credentials_path: str = ""

    def reviews(self, store: ObjectStore) -> A2IReviews:
        flows: dict[Role, str] = {"round1": self.round1_flow_arn,
                                  "round2": self.round2_flow_arn,
                                  "expert": self.expert_flow_arn}
        client = a2i_client(endpoint_url=self.endpoint_url, region=self.region,
                            credentials=self._console_credentials())
        return A2IReviews(client=client,
                          flows=flows, store=store, s3=aws.client("s3", region=self.region))

    def _console_credentials(self) -> ConsoleCredentials | None:
        if not self.endpoint_url:  # Amazon A2I: the usual AWS credentials
            return None
        if self.access_key_id and self.secret_access_key:
            return ConsoleCredentials(access_key_id=self.access_key_id,
                                      secret_access_key=self.secret_access_key)
        return stored_credentials(Path(self.credentials_path))

    def report_backlog(self, loops: list[dict[str, Any]]) -> float:
        """Publish how long the oldest open loop has waited; the age in seconds."""
        age = oldest_open_age(loops)
        if self.metrics_environment:
            publish_backlog(aws.client("cloudwatch", region=self.region),
                            environment=self.metrics_environment, age_seconds=age)
        return age
