"""The service's response bodies (they are also its OpenAPI schema)."""

from __future__ import annotations

from statistics import fmean
from typing import Literal

from pydantic import BaseModel, Field

from ocr_pipeline.ocr.base import ImageReading

WordRow = list[str | int | float]
"""``[text, x0, y0, x1, y1, conf, size, style]``: PageText's compact word (style 1 bold, 2 italic)."""


class BlockOut(BaseModel):
    text: str
    bbox: list[float] = Field(description="x0, y0, x1, y1 in PDF points, origin top-left")
    confidence: float = Field(ge=0, le=1, description="mean word confidence")
    label: str = Field(description="title, sub_title, text, table... (Tesseract: text)")
    column: int
    role: str
    lines: list[list[WordRow]]


class PageOut(BaseModel):
    page: int
    width: float
    height: float
    method: str
    engine_version: str
    seconds: float
    confidence: float | None = Field(description="mean word confidence; null without words")
    warnings: list[str]
    blocks: list[BlockOut]

    @classmethod
    def of(cls, reading: ImageReading) -> PageOut:
        data = reading.page.to_dict()
        blocks = [
            BlockOut(text=block.text, confidence=_mean([w.conf for ln in block.lines
                                                        for w in ln.words]) or 0.0, **row)
            for block, row in zip(reading.page.blocks, data.pop("blocks"), strict=True)
        ]
        confs = [w.conf for line in reading.page.lines for w in line.words]
        return cls(**data, confidence=_mean(confs), warnings=list(reading.warnings),
                   blocks=blocks)


class OcrResponse(BaseModel):
    filename: str
    engine: str
    engine_version: str
    device: str
    prompt: str | None = Field(description="the prompt the engine used; null for Tesseract, "
                                           "which takes none")
    pages: list[PageOut]
    seconds: float


class BatchItem(BaseModel):
    filename: str
    status: int = Field(description="what this file alone would have been answered")
    detail: str | None = None
    result: OcrResponse | None = None


class BatchResponse(BaseModel):
    files: list[BatchItem]
    seconds: float


class HealthResponse(BaseModel):
    status: Literal["ok", "loading", "failed"]
    engine: str
    engine_version: str | None
    device: str | None
    model_loaded: bool
    error: str | None
    versions: dict[str, str]
    max_concurrency: int
    in_flight: int
    queued: int
    peak_in_flight: int


class ErrorResponse(BaseModel):
    detail: str
    request_id: str | None = Field(None, description="on an unexpected error (500): the id "
                                   "its traceback is logged under, also in X-Request-ID")


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 4) if values else None
