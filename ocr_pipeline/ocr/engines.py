"""The OCR engine for scanned pages, by name (``OCR_ENGINE``): tesseract | deepseek | remote."""

from __future__ import annotations

from typing import Literal

from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.deepseek import DeepSeekEngine
from ocr_pipeline.ocr.remote import RemoteEngine
from ocr_pipeline.ocr.tesseract import TesseractEngine

EngineName = Literal["tesseract", "deepseek", "remote"]
ENGINES: tuple[EngineName, ...] = ("tesseract", "deepseek", "remote")


def make_engine(
    name: str,
    *,
    workers: int | None = None,
    model_path: str | None = None,
    service_url: str = "",
    api_key: str = "",
) -> OcrEngine:
    """``tesseract``: ``workers`` pages read at once; ``deepseek``: the model in
    ``model_path`` on this machine's GPU; ``remote``: the OCR service at ``service_url``,
    authenticated by ``api_key``."""
    if name == "tesseract":
        return TesseractEngine(workers=workers)
    if name == "deepseek":
        return DeepSeekEngine.load(model_path=model_path)
    if name == "remote":
        return RemoteEngine(url=service_url, api_key=api_key)
    raise ConfigurationError(f"OCR_ENGINE={name!r}: expected one of {', '.join(ENGINES)}")
