"""The OCR service's settings, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ocr_pipeline.config import _number  # one parser of numeric settings for the package
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.ocr.deepseek import RESOLUTIONS

ServiceEngine = Literal["tesseract", "deepseek"]
MB = 1 << 20


@dataclass(frozen=True, slots=True)
class ServerSettings:
    engine: ServiceEngine
    """``OCR_ENGINE``: ``deepseek`` on a GPU, ``tesseract`` on the CPU."""
    model_path: str | None
    gpu_memory_utilization: float
    resolution: str
    """DeepSeek-OCR resolution mode (``DEEPSEEK_RESOLUTION``)."""
    max_concurrency: int
    """Inferences running at once; more requests wait in a queue."""
    max_queue: int
    """Requests allowed to wait; beyond it the service answers 503."""
    api_keys: frozenset[str]
    max_upload_bytes: int
    """Per file."""
    max_pages: int
    """Per PDF."""
    max_batch_files: int
    max_pixels: int
    """``OCR_MAX_PIXELS``: the most pixels an image may decode to, or a PDF page render to at the
    request's dpi (a legal page at 600 dpi is 43 million). At most 89 million: Pillow takes a
    larger image for a decompression bomb."""
    default_dpi: int
    log_level: str

    @property
    def max_request_bytes(self) -> int:
        """A whole request: a full batch of files at the limit, plus form overhead."""
        return self.max_upload_bytes * self.max_batch_files + MB

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServerSettings:
        env = dict(os.environ if environ is None else environ)
        engine = env.get("OCR_ENGINE", "tesseract")
        if engine not in ("tesseract", "deepseek"):
            raise ConfigurationError(
                f"OCR_ENGINE={engine!r}: the service runs tesseract or deepseek "
                "(remote is the pipeline's client of this service)")
        resolution = env.get("DEEPSEEK_RESOLUTION", "gundam")
        if resolution not in RESOLUTIONS:
            raise ConfigurationError(f"DEEPSEEK_RESOLUTION={resolution!r}: expected one of "
                                     f"{', '.join(RESOLUTIONS)}")
        default_workers = 1 if engine == "deepseek" else os.cpu_count() or 1
        return cls(
            engine=engine,  # type: ignore[arg-type]
            model_path=env.get("MODEL_PATH") or None,
            gpu_memory_utilization=_number(env, "GPU_MEMORY_UTILIZATION", 0.9, 0.05, 1.0),
            resolution=resolution,
            max_concurrency=int(_number(env, "MAX_CONCURRENCY", default_workers, 1, 256)),
            max_queue=int(_number(env, "MAX_QUEUE", 64, 0, 100_000)),
            api_keys=_api_keys(env),
            max_upload_bytes=int(_number(env, "MAX_UPLOAD_MB", 50, 0.001, 4096) * MB),
            max_pages=int(_number(env, "MAX_PAGES", 100, 1, 10_000)),
            max_batch_files=int(_number(env, "MAX_BATCH_FILES", 16, 1, 1000)),
            max_pixels=int(_number(env, "OCR_MAX_PIXELS", 50_000_000, 1_000_000, 89_000_000)),
            default_dpi=int(_number(env, "OCR_DPI", 200, 50, 400)),
            log_level=_log_level(env.get("LOG_LEVEL", "INFO")),
        )


def _api_keys(env: dict[str, str]) -> frozenset[str]:
    keys = {k.strip() for k in env.get("OCR_API_KEYS", "").split(",") if k.strip()}
    if path := env.get("OCR_API_KEYS_FILE"):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(
                f"OCR_API_KEYS_FILE={path}: cannot be read ({exc.strerror})") from exc
        keys |= {line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#")}
    if not keys:
        raise ConfigurationError(
            "no API keys: set OCR_API_KEYS (comma-separated) or OCR_API_KEYS_FILE (one key a "
            "line); in ECS, inject OCR_API_KEYS from Secrets Manager through the task's secrets")
    return frozenset(keys)


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigurationError(f"LOG_LEVEL={value!r}: expected DEBUG, INFO, WARNING or ERROR")
    return level

