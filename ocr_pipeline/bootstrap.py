"""Create the cloud side that the CDK stack would, by the names in the settings: for a local
AWS endpoint (``AWS_ENDPOINT_URL``) or a scratch account without the stack. Existing
buckets, tables and the database are left as they are."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ocr_pipeline import aws
from ocr_pipeline.config import Settings
from ocr_pipeline.storage.dynamo_registry import create_table
from ocr_pipeline.storage.dynamo_tables import create_course_table, create_validation_table
from ocr_pipeline.storage.landing import split_s3_uri

logger = logging.getLogger(__name__)

_EXISTS = {"BucketAlreadyOwnedByYou", "ResourceInUseException", "AlreadyExistsException"}


def bootstrap(settings: Settings) -> list[str]:
    """Make what is missing; the names made."""
    cloud = settings.aws
    s3, dynamodb = aws.client("s3", region=cloud.region), aws.client("dynamodb",
                                                                     region=cloud.region)
    landing_bucket, _ = split_s3_uri(cloud.landing_uri)
    steps: list[tuple[str, Callable[[], Any]]] = [
        *((f"s3://{bucket}", lambda b=bucket: _bucket(s3, b, cloud.region))
          for bucket in dict.fromkeys([cloud.raw_bucket, landing_bucket,
                                       cloud.processed_bucket, cloud.review_bucket])),
        (f"dynamodb:{cloud.state_table}", lambda: create_table(dynamodb, cloud.state_table)),
        (f"dynamodb:{cloud.validation_table}",
         lambda: create_validation_table(dynamodb, cloud.validation_table)),
        (f"dynamodb:{cloud.courses_table}",
         lambda: create_course_table(dynamodb, cloud.courses_table)),
        (f"glue:{cloud.glue_database}", lambda: aws.client("glue", region=cloud.region)
         .create_database(DatabaseInput={"Name": cloud.glue_database})),
    ]
    made = []
    for name, make in steps:
        try:
            created = make() is not False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _EXISTS:
                raise
            created = False
        if created:
            made.append(name)
        else:
            logger.info("%s exists", name)
    return made


def _bucket(s3: Any, bucket: str, region: str) -> bool:
    """Create the bucket; False if it exists (us-east-1 answers a repeated create with 200)."""
    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise
    location = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **location)
    return True
