"""The OCR service's settings, from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from ocr_pipeline.config import EnvSettings, component
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.ocr.deepseek import RESOLUTIONS

ServiceEngine = Literal["tesseract", "deepseek"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MB = 1 << 20


@component
class ServerSettings(EnvSettings):
    engine: ServiceEngine = Field("tesseract", validation_alias="OCR_ENGINE")
    """``deepseek`` on a GPU, ``tesseract`` on the CPU (``remote`` is the pipeline's client of
    this service)."""
    model_path: str | None = Field(None, validation_alias="MODEL_PATH")
    gpu_memory_utilization: float = Field(0.9, ge=0.05, le=1.0,
                                          validation_alias="GPU_MEMORY_UTILIZATION")
    resolution: str = Field("gundam", validation_alias="DEEPSEEK_RESOLUTION")
    """DeepSeek-OCR resolution mode."""
    max_concurrency: int | None = Field(None, ge=1, le=256, validation_alias="MAX_CONCURRENCY")
    """Inferences running at once (default: 1 for deepseek, the cores for tesseract); more
    requests wait in a queue."""
    max_queue: int = Field(64, ge=0, le=100_000, validation_alias="MAX_QUEUE")
    """Requests allowed to wait; beyond it the service answers 503."""
    api_keys: Annotated[frozenset[str], NoDecode] = Field(frozenset(),
                                                          validation_alias="OCR_API_KEYS")
    """Comma-separated, joined by the lines of ``api_keys_file``; at least one."""
    api_keys_file: Path | None = Field(None, validation_alias="OCR_API_KEYS_FILE")
    max_upload_mb: float = Field(50, ge=0.001, le=4096, validation_alias="MAX_UPLOAD_MB")
    """Per file."""
    max_pages: int = Field(100, ge=1, le=10_000, validation_alias="MAX_PAGES")
    """Per PDF."""
    max_batch_files: int = Field(16, ge=1, le=1000, validation_alias="MAX_BATCH_FILES")
    max_pixels: int = Field(50_000_000, ge=1_000_000, le=89_000_000,
                            validation_alias="OCR_MAX_PIXELS")
    """The most pixels an image may decode to, or a PDF page render to at the request's dpi (a
    legal page at 600 dpi is 43 million). At most 89 million: Pillow takes a larger image for a
    decompression bomb."""
    default_dpi: int = Field(200, ge=50, le=400, validation_alias="OCR_DPI")
    log_level: LogLevel = Field("INFO", validation_alias="LOG_LEVEL")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        return frozenset(_names(value)) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("resolution")
    @classmethod
    def _known_resolution(cls, value: str) -> str:
        if value not in RESOLUTIONS:
            raise ConfigurationError(f"DEEPSEEK_RESOLUTION={value!r}: expected one of "
                                     f"{', '.join(RESOLUTIONS)}")
        return value

    @model_validator(mode="after")
    def _derived(self) -> ServerSettings:
        if self.max_concurrency is None:
            object.__setattr__(self, "max_concurrency",
                               1 if self.engine == "deepseek" else os.cpu_count() or 1)
        object.__setattr__(self, "api_keys", self.api_keys | _keys_in(self.api_keys_file))
        if not self.api_keys:
            raise ConfigurationError(
                "no API keys: set OCR_API_KEYS (comma-separated) or OCR_API_KEYS_FILE (one key "
                "a line); in ECS, inject OCR_API_KEYS from Secrets Manager through the task's "
                "secrets")
        return self

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)

    @property
    def max_request_bytes(self) -> int:
        """A whole request: a full batch of files at the limit, plus form overhead."""
        return self.max_upload_bytes * self.max_batch_files + MB


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _keys_in(path: Path | None) -> frozenset[str]:
    if path is None:
        return frozenset()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"OCR_API_KEYS_FILE={path}: cannot be read ({exc.strerror})") from exc
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))
