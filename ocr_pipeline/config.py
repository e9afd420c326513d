"""Typed settings from the environment, each declared once with pydantic-settings.

Each component reads its own variables: the pipeline (``Settings``), the names of its AWS side
(``AwsSettings``, variables ``OCR_<FIELD>``), the GPU tasks it starts in ECS (``EcsSettings``,
``OCR_ECS_<FIELD>``), and the OCR service (``server.settings.ServerSettings``). A wrong value
fails at once with one line naming the variable and what it allows (``ConfigurationError``),
never later as a traceback. Empty variables count as unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar, get_args

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

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

_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("ocr_pipeline_environ", default=None)
T = TypeVar("T", bound="EnvSettings")


class _Environment(EnvSettingsSource):
    """The process environment, or the mapping ``load`` was given (tests, the demo)."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        given = _ENVIRON.get()
        if given is None:
            return super()._load_env_vars()
        return {(name if self.case_sensitive else name.lower()): value
                for name, value in given.items() if value != ""}


class EnvSettings(BaseSettings):
    """Settings of one component, read from the environment only (no .env file, no secrets
    directory), frozen once read."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _Environment(settings_cls)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read from ``environ`` (default: the process environment); ``ConfigurationError``
        naming the variable and what it allows when a value is wrong."""
        token = _ENVIRON.set(environ)
        try:
            return cls()
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc)) from None
        finally:
            _ENVIRON.reset(token)

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable a field is read from."""
        alias = cls.model_fields[field].validation_alias
        if isinstance(alias, str):
            return alias
        if isinstance(alias, AliasChoices):
            return str(alias.choices[0])
        return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


_COMPONENTS: dict[str, type[EnvSettings]] = {}


def component(cls: type[T]) -> type[T]:
    """Register a settings class, so its errors can name their variables."""
    _COMPONENTS[cls.__name__] = cls
    return cls


def _describe(exc: ValidationError) -> str:
    cls = _COMPONENTS.get(exc.title)
    problems = []
    for error in exc.errors():
        field = _field(cls, str(error["loc"][0])) if cls and error["loc"] else None
        if cls is None or field is None:
            problems.append(f"{exc.title}: {error['msg']}")
            continue
        problems.append(f"{cls.variable(field)}={error['input']!r}: "
                        f"{_allowed(cls.model_fields[field]) or error['msg']}")
    return "; ".join(problems)


def _field(cls: type[EnvSettings], loc: str) -> str | None:
    """The field an error's location names: the field itself or one of its variables."""
    if loc in cls.model_fields:
        return loc
    return next((name for name in cls.model_fields
                 if cls.variable(name).lower() == loc.lower()
                 or (isinstance(cls.model_fields[name].validation_alias, AliasChoices)
                     and loc.lower() in (str(c).lower() for c in
                                         cls.model_fields[name].validation_alias.choices))),
                None)


def _allowed(info: FieldInfo) -> str | None:
    """What a field accepts, in words: ``expected one of ...`` or a number's range."""
    choices = get_args(info.annotation) if "Literal" in str(info.annotation) else ()
    if choices:
        return f"expected one of {', '.join(map(str, choices))}"
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    if low is None or high is None:
        return None
    whole = info.annotation is int or int in get_args(info.annotation)
    kind = "a whole number" if whole else "a number"
    return f"expected {kind} from {low:g} to {high:g}"


def _names(value: Any) -> Any:
    """``a, b,`` -> ``("a", "b")``: a comma-separated variable as names."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


Names = Annotated[tuple[str, ...], NoDecode]


@component
class AwsSettings(EnvSettings):
    """Names of the cloud side (OCR_PIPELINE_ENV=aws); the CDK stack outputs the same names."""

    model_config = SettingsConfigDict(env_prefix="OCR_")

    region: str = Field("us-east-1", validation_alias=AliasChoices("AWS_REGION",
                                                                   "AWS_DEFAULT_REGION"))
    raw_bucket: str = "ocr-pipeline-raw"
    processed_bucket: str = "ocr-pipeline-processed"
    """Processed objects (pages, OCR outputs, review crops) and the Parquet warehouse."""
    review_bucket: str = "ocr-pipeline-review"
    landing_uri: str = ""
    """``s3://bucket/prefix/`` the landing sensor watches (default: the raw bucket's
    ``landing/``)."""
    warehouse_prefix: str = "warehouse/"
    glue_database: str = "ocr_pipeline"
    athena_workgroup: str = "primary"
    athena_output: str = ""
    """``s3://`` URI for Athena results; empty: the workgroup's own setting."""
    metrics_environment: str = ""
    """Environment dimension of the pipeline's CloudWatch metrics (the stack's env name)."""
    state_table: str = "ocr-pipeline-state"
    validation_table: str = "ocr-pipeline-validation"
    courses_table: str = "ocr-pipeline-courses"

    @model_validator(mode="after")
    def _landing(self) -> AwsSettings:
        if not self.landing_uri:
            object.__setattr__(self, "landing_uri", f"s3://{self.raw_bucket}/landing/")
        elif not self.landing_uri.startswith("s3://"):
            raise ConfigurationError(f"OCR_LANDING_URI={self.landing_uri!r} is not an s3:// URI")
        return self


@component
class EcsSettings(EnvSettings):
    """What ``run_task`` needs to start the OCR worker on the GPU capacity provider."""

    model_config = SettingsConfigDict(env_prefix="OCR_ECS_")

    cluster: str = ""
    task_definition: str = ""
    capacity_provider: str = ""
    container: str = "ocr-worker"
    subnets: Names = ()
    """Comma-separated."""
    security_groups: Names = ()
    max_tasks: int = Field(DEFAULT_MAX_GPU_TASKS, ge=1, le=100)
    """GPU tasks of one catalog running at once."""
    pages_per_task: int = Field(50, ge=1, le=100_000)
    """A catalog with more pages is split into page ranges of this size."""
    timeout_seconds: int = Field(3600, ge=30, le=7 * 86400)
    """How long to wait for one task before stopping it and failing the step."""

    _split = field_validator("subnets", "security_groups", mode="before")(_names)


@component
class Settings(EnvSettings):
    """The pipeline's settings; ``aws`` and ``ecs`` are read with it."""

    env: Environment = Field("local", validation_alias="OCR_PIPELINE_ENV")
    home: Path = Field(Path(".ocr_pipeline"), validation_alias="OCR_PIPELINE_HOME")
    landing: Path | None = Field(None, validation_alias="OCR_PIPELINE_LANDING")
    """The folder the landing sensor watches (default: ``<home>/landing``)."""
    confidence_threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0, allow_inf_nan=False,
                                        validation_alias="CONFIDENCE_THRESHOLD")
    ocr_mode: OcrMode = Field("in_process", validation_alias="OCR_MODE")
    max_concurrency: int = Field(0, ge=0, le=256, validation_alias="MAX_CONCURRENCY")
    """Pages OCR reads at once; 0: one per core."""
    dpi: int = Field(200, ge=50, le=600, validation_alias="OCR_DPI")
    review_endpoint: str | None = Field(None, validation_alias="OCR_REVIEW_ENDPOINT")
    """A2I runtime endpoint: the local review console, or empty for Amazon A2I itself
    (default: the console locally, A2I in aws)."""
    round1_flow_arn: str = Field(LOCAL_FLOW_ARNS["round1"], validation_alias="A2I_FLOW_ROUND1_ARN")
    round2_flow_arn: str = Field(LOCAL_FLOW_ARNS["round2"], validation_alias="A2I_FLOW_ROUND2_ARN")
    expert_flow_arn: str = Field(LOCAL_FLOW_ARNS["expert"], validation_alias="A2I_FLOW_EXPERT_ARN")
    ocr_engine: Literal["tesseract", "deepseek", "remote"] = Field(
        "tesseract", validation_alias="OCR_ENGINE")
    """Engine for scanned pages (``ocr.engines``)."""
    ocr_service_url: str = Field("", validation_alias="OCR_SERVICE_URL")
    """remote: the OCR service's base URL."""
    model_path: str | None = Field(None, validation_alias="MODEL_PATH")
    """deepseek: the local DeepSeek-OCR model folder."""
    review_access_key_id: str = Field("", validation_alias="OCR_REVIEW_ACCESS_KEY_ID")
    """The local review console's key pair, which the A2I client signs with (SigV4) and the
    console checks; both empty: generated once into ``review_credentials_path``."""
    review_secret_access_key: str = Field("", repr=False,
                                          validation_alias="OCR_REVIEW_SECRET_ACCESS_KEY")
    aws: AwsSettings = Field(default_factory=AwsSettings)
    ecs: EcsSettings = Field(default_factory=EcsSettings)

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        """Paths made absolute, and the defaults that depend on other settings."""
        home = self.home.resolve()
        object.__setattr__(self, "home", home)
        object.__setattr__(self, "landing", (self.landing or home / "landing").resolve())
        if self.review_endpoint is None:
            object.__setattr__(self, "review_endpoint",
                               "" if self.env == "aws" else LOCAL_REVIEW_ENDPOINT)
        return self

    @property
    def ocr_workers(self) -> int | None:
        """Pages OCR reads at once; None: one per core."""
        return self.max_concurrency or None

    @property
    def flow_arns(self) -> dict[str, str]:
        """Flow definition ARN per review role (round1, round2, expert)."""
        return {"round1": self.round1_flow_arn, "round2": self.round2_flow_arn,
                "expert": self.expert_flow_arn}

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
