"""Typed settings from the environment (DESIGN.md, "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ocr_pipeline.catalog.confidence import DEFAULT_THRESHOLD
from ocr_pipeline.errors import ConfigurationError

Environment = Literal["local", "aws"]
LOCAL_REVIEW_ENDPOINT = "http://127.0.0.1:8089"
LOCAL_FLOW_ARNS = {
    "round1": "arn:aws:sagemaker:us-east-1:000000000000:flow-definition/ocr-round-1",
    "round2": "arn:aws:sagemaker:us-east-1:000000000000:flow-definition/ocr-round-2",
    "expert": "arn:aws:sagemaker:us-east-1:000000000000:flow-definition/ocr-expert",
}
OcrMode = Literal["in_process", "subprocess", "ecs"]
DEFAULT_MAX_GPU_TASKS = 10


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """Names of the cloud side (OCR_PIPELINE_ENV=aws); the CDK stack outputs the same names."""

    region: str
    raw_bucket: str
    processed_bucket: str
    """Processed objects (pages, OCR outputs, review crops) and the Parquet warehouse."""
    review_bucket: str
    landing_uri: str
    """``s3://bucket/prefix/`` the landing sensor watches."""
    warehouse_prefix: str
    glue_database: str
    athena_workgroup: str
    athena_output: str
    """``s3://`` URI for Athena results; empty: the workgroup's own setting."""
    metrics_environment: str
    """Environment dimension of the pipeline's CloudWatch metrics (the stack's env name)."""
    state_table: str
    validation_table: str
    courses_table: str


@dataclass(frozen=True, slots=True)
class EcsSettings:
    """What ``run_task`` needs to start the OCR worker on the GPU capacity provider."""

    cluster: str
    task_definition: str
    capacity_provider: str
    container: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    max_tasks: int
    """GPU tasks of one catalog running at once."""
    pages_per_task: int
    """A catalog with more pages is split into page ranges of this size."""
    timeout_seconds: int
    """How long to wait for one task before stopping it and failing the step."""


@dataclass(frozen=True, slots=True)
class Settings:
    env: Environment
    home: Path
    landing: Path
    confidence_threshold: float
    ocr_mode: OcrMode
    ocr_workers: int | None
    dpi: int
    review_endpoint: str
    """A2I runtime endpoint: the local review console, or empty for Amazon A2I itself."""
    flow_arns: dict[str, str]
    """Flow definition ARN per review role (round1, round2, expert)."""
    aws: AwsSettings
    ecs: EcsSettings
    ocr_engine: str = "tesseract"
    """Engine for scanned pages: tesseract | deepseek | remote (``ocr.engines``)."""
    ocr_service_url: str = ""
    """remote: the OCR service's base URL."""
    model_path: str | None = None
    """deepseek: the local DeepSeek-OCR model folder."""
    review_access_key_id: str = ""
    """The local review console's key pair, which the A2I client signs with (SigV4) and the
    console checks; both empty: generated once into ``review_credentials_path``."""
    review_secret_access_key: str = field(default="", repr=False)

    @property
    def objects_root(self) -> Path:
        return self.home / "objects"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def registry_path(self) -> Path:
        return self.home / "state.sqlite"

    @property
    def review_db_path(self) -> Path:
        return self.home / "review.sqlite"

    @property
    def review_credentials_path(self) -> Path:
        return self.home / "review-credentials.json"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        home = Path(env.get("OCR_PIPELINE_HOME", ".ocr_pipeline")).resolve()
        environment = _choice(env, "OCR_PIPELINE_ENV", "local", ("local", "aws"))
        return cls(
            env=environment,  # type: ignore[arg-type]
            home=home,
            landing=Path(env.get("OCR_PIPELINE_LANDING", str(home / "landing"))).resolve(),
            confidence_threshold=_number(env, "CONFIDENCE_THRESHOLD", DEFAULT_THRESHOLD, 0.0, 1.0),
            ocr_mode=_choice(env, "OCR_MODE", "in_process", ("in_process", "subprocess", "ecs")),  # type: ignore[arg-type]
            ocr_workers=int(_number(env, "MAX_CONCURRENCY", 0, 0, 256)) or None,
            dpi=int(_number(env, "OCR_DPI", 200, 50, 600)),
            review_endpoint=env.get("OCR_REVIEW_ENDPOINT",
                                    "" if environment == "aws" else LOCAL_REVIEW_ENDPOINT),
            flow_arns={role: env.get(f"A2I_FLOW_{role.upper()}_ARN", arn)
                       for role, arn in LOCAL_FLOW_ARNS.items()},
            aws=_aws_settings(env),
            ecs=_ecs_settings(env),
            ocr_engine=_choice(env, "OCR_ENGINE", "tesseract", ("tesseract", "deepseek", "remote")),
            ocr_service_url=env.get("OCR_SERVICE_URL", ""),
            model_path=env.get("MODEL_PATH") or None,
            review_access_key_id=env.get("OCR_REVIEW_ACCESS_KEY_ID", ""),
            review_secret_access_key=env.get("OCR_REVIEW_SECRET_ACCESS_KEY", ""),
        )


def _aws_settings(env: dict[str, str]) -> AwsSettings:
    raw_bucket = env.get("OCR_RAW_BUCKET", "ocr-pipeline-raw")
    landing_uri = env.get("OCR_LANDING_URI", f"s3://{raw_bucket}/landing/")
    if not landing_uri.startswith("s3://"):
        raise ConfigurationError(f"OCR_LANDING_URI={landing_uri!r} is not an s3:// URI")
    return AwsSettings(
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        raw_bucket=raw_bucket,
        processed_bucket=env.get("OCR_PROCESSED_BUCKET", "ocr-pipeline-processed"),
        review_bucket=env.get("OCR_REVIEW_BUCKET", "ocr-pipeline-review"),
        landing_uri=landing_uri,
        warehouse_prefix=env.get("OCR_WAREHOUSE_PREFIX", "warehouse/"),
        glue_database=env.get("OCR_GLUE_DATABASE", "ocr_pipeline"),
        athena_workgroup=env.get("OCR_ATHENA_WORKGROUP", "primary"),
        athena_output=env.get("OCR_ATHENA_OUTPUT", ""),
        metrics_environment=env.get("OCR_METRICS_ENVIRONMENT", ""),
        state_table=env.get("OCR_STATE_TABLE", "ocr-pipeline-state"),
        validation_table=env.get("OCR_VALIDATION_TABLE", "ocr-pipeline-validation"),
        courses_table=env.get("OCR_COURSES_TABLE", "ocr-pipeline-courses"),
    )


def _ecs_settings(env: dict[str, str]) -> EcsSettings:
    return EcsSettings(
        cluster=env.get("OCR_ECS_CLUSTER", ""),
        task_definition=env.get("OCR_ECS_TASK_DEFINITION", ""),
        capacity_provider=env.get("OCR_ECS_CAPACITY_PROVIDER", ""),
        container=env.get("OCR_ECS_CONTAINER", "ocr-worker"),
        subnets=_names(env, "OCR_ECS_SUBNETS"),
        security_groups=_names(env, "OCR_ECS_SECURITY_GROUPS"),
        max_tasks=int(_number(env, "OCR_ECS_MAX_TASKS", DEFAULT_MAX_GPU_TASKS, 1, 100)),
        pages_per_task=int(_number(env, "OCR_ECS_PAGES_PER_TASK", 50, 1, 100_000)),
        timeout_seconds=int(_number(env, "OCR_ECS_TIMEOUT_SECONDS", 3600, 30, 7 * 86400)),
    )


def _names(env: dict[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())


def _choice(env: dict[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, default)
    if value not in allowed:
        raise ConfigurationError(f"{name}={value!r}: expected one of {', '.join(allowed)}")
    return value


def _number(env: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name}={raw} is outside {low:g}..{high:g}")
    return value
