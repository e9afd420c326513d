"""The ``deepseek`` engine: DeepSeek-OCR through transformers (``trust_remote_code``), on a GPU.

The weights come from ``MODEL_PATH`` only (baked into the GPU image); nothing is downloaded.
torch and transformers are imported when a real model is loaded, never at import time, so the
rest of the package (and the tests, with a stand-in model) runs without them.

Per call: the prompt (``PROMPTS`` or a custom one), the resolution mode, eval mode (the model
returns its text instead of printing it). The model's own ``infer`` hard-codes its generation
settings; the engine wraps the model's ``generate`` so its own limits apply (no-repeat n-gram
size, max new tokens) and the log-probability of every generated token is recorded. Runaway
repetition that still gets through is cut off and its block reported at low confidence.

Confidence per block: the geometric mean probability of the block's tokens where generation
exposes them, else the agreement of the block's words with Tesseract's reading of the same
region.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import EngineUnavailableError, OcrError, PromptError
from ocr_pipeline.ocr.base import ImageReading
from ocr_pipeline.ocr.grounding import Region, parse_regions, plain_lines, region_block
from ocr_pipeline.ocr.repetition import runaway_start
from ocr_pipeline.ocr.tesseract import TesseractEngine

logger = logging.getLogger(__name__)

PROMPTS: dict[str, str] = {
    "markdown": "<image>\n<|grounding|>Convert the document to markdown. ",
    "ocr": "<image>\nFree OCR. ",
    "tables": "<image>\n<|grounding|>Convert the tables in the document to HTML, "
              "and the rest to markdown. ",
    "course_catalog": "<image>\n<|grounding|>Convert this course catalog page to markdown. "
                      "Keep every course code, title, credits, description and prerequisite "
                      "in reading order. ",
}
DEFAULT_PROMPT = "course_catalog"
IMAGE_TOKEN = "<image>"


@dataclass(frozen=True, slots=True)
class Resolution:
    base_size: int
    image_size: int
    crop_mode: bool


RESOLUTIONS: dict[str, Resolution] = {
    "tiny": Resolution(base_size=512, image_size=512, crop_mode=False),
    "small": Resolution(base_size=640, image_size=640, crop_mode=False),
    "base": Resolution(base_size=1024, image_size=1024, crop_mode=False),
    "large": Resolution(base_size=1280, image_size=1280, crop_mode=False),
    "gundam": Resolution(base_size=1024, image_size=640, crop_mode=True),
}
MAX_NEW_TOKENS = 8192
NO_REPEAT_NGRAM_SIZE = 35
RUNAWAY_CONFIDENCE = 0.1
"""Confidence of a block where runaway repetition was cut off, or where output was truncated."""
UNVERIFIED_CONFIDENCE = 0.5
"""Confidence when neither token log-probabilities nor a Tesseract referee are available."""
_WORD = re.compile(r"\w+")


def resolve_prompt(prompt_type: str | None = None, custom: str | None = None) -> str:
    """The prompt text for a named type (default ``course_catalog``) or a custom prompt; a
    custom prompt without the ``<image>`` token gets it in front."""
    if prompt_type is not None and custom is not None:
        raise PromptError("give a prompt type or a custom prompt, not both")
    if custom is not None:
        if not custom.strip():
            raise PromptError("the custom prompt is empty")
        return custom if IMAGE_TOKEN in custom else f"{IMAGE_TOKEN}\n{custom}"
    name = prompt_type or DEFAULT_PROMPT
    if name not in PROMPTS:
        raise PromptError(f"unknown prompt type {name!r}; expected one of {', '.join(PROMPTS)}")
    return PROMPTS[name]


class DeepSeekModel(Protocol):
    """What the engine needs of the model object: the ``infer`` of DeepSeek-OCR's remote code."""

    def infer(self, tokenizer: Any, *, prompt: str, image_file: str, output_path: str,
              base_size: int, image_size: int, crop_mode: bool, save_results: bool,
              eval_mode: bool) -> str | None: ...


class DeepSeekEngine:
    """DeepSeek-OCR as an ``OcrEngine`` (PDF pages) and an ``ImageOcrEngine`` (the service)."""

    name = "deepseek"

    def __init__(
        self,
        *,
        model: DeepSeekModel,
        tokenizer: Any,
        model_version: str,
        device: str,
        resolution: str = "gundam",
        prompt: str = PROMPTS[DEFAULT_PROMPT],
        max_new_tokens: int = MAX_NEW_TOKENS,
        no_repeat_ngram_size: int = NO_REPEAT_NGRAM_SIZE,
        referee: TesseractEngine | None = None,
    ) -> None:
        if resolution not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {resolution!r}; expected one of "
                             f"{', '.join(RESOLUTIONS)}")
        self.model = model
        self.tokenizer = tokenizer
        self.model_version = model_version
        self.device = device
        self.resolution = resolution
        self.prompt = prompt
        self.max_new_tokens = max_new_tokens
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.referee = referee
        self._calls = threading.local()
        self._guard_generation()

    @classmethod
    def load(cls, *, model_path: str | Path | None, gpu_memory_utilization: float = 0.9,
             **options: Any) -> DeepSeekEngine:
        """Load the model from ``model_path`` (offline), bf16 on CUDA; Tesseract referees
        confidence when log-probabilities are missing."""
        path = check_model_path(model_path)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise EngineUnavailableError(
                f"the deepseek engine needs torch and transformers ({exc.name} is missing); "
                "install them with `pip install '.[gpu]'`, or use the GPU image"
            ) from exc
        if not torch.cuda.is_available():
            raise EngineUnavailableError("the deepseek engine needs a CUDA GPU and none is visible")
        torch.cuda.set_per_process_memory_fraction(gpu_memory_utilization)
        started = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=True,
                                                  local_files_only=True)
        model = AutoModel.from_pretrained(path, trust_remote_code=True, use_safetensors=True,
                                          local_files_only=True, _attn_implementation=_attention())
        model = model.eval().cuda().to(torch.bfloat16)
        logger.info("DeepSeek-OCR loaded from %s in %.1f s", path, time.perf_counter() - started)
        return cls(model=model, tokenizer=tokenizer, model_version=model_fingerprint(path),
                   device=f"cuda:{torch.cuda.current_device()}",
                   referee=options.pop("referee", TesseractEngine(workers=1)), **options)

    @property
    def version(self) -> str:
        return f"deepseek-ocr-{self.model_version}-{self.resolution}"

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int) -> Iterator[PageText]:
        """Yield one ``PageText`` per 1-based page number, read with the engine's prompt."""
        with CatalogPdf(pdf) as doc:
            for number in pages:
                started = time.perf_counter()
                image = doc.render_gray(number, dpi=dpi).tobytes("png")
                reading = self.read(image, page=number, dpi=dpi, prompt=self.prompt)
                yield replace(reading.page, seconds=time.perf_counter() - started)

    def read(self, image: bytes, *, page: int, dpi: int, prompt: str | None) -> ImageReading:
        """Read one image; ``prompt`` None means the engine's default prompt."""
        prompt = prompt or self.prompt
        started = time.perf_counter()
        pixels = _pixel_size(image)
        width, height = (side * 72.0 / dpi for side in pixels)
        raw, logprobs = self._infer(image, prompt=prompt)
        warnings: list[str] = []
        cut = runaway_start(raw)
        if cut is not None:
            warnings.append(f"runaway repetition from character {cut} of {len(raw)} was cut off")
            raw = raw[:cut]
        if logprobs is not None and len(logprobs) >= self.max_new_tokens:
            warnings.append(f"output reached max_new_tokens={self.max_new_tokens}; "
                            "the page may be incomplete")
        regions = parse_regions(raw, width=width, height=height)
        confs = self._confidences(regions, image=image, page=page, dpi=dpi, raw=raw,
                                  logprobs=logprobs)
        if warnings and regions:
            confs[-1] = min(confs[-1], RUNAWAY_CONFIDENCE)
            logger.warning("page %d: %s", page, "; ".join(warnings))
        blocks = tuple(region_block(region, conf=conf) for region, conf in zip(regions, confs,
                                                                                strict=True))
        return ImageReading(
            page=PageText(page=page, width=width, height=height, blocks=blocks,
                          method=self.name, engine_version=self.version,
                          seconds=time.perf_counter() - started),
            prompt=prompt,
            warnings=tuple(warnings),
        )

    def _infer(self, image: bytes, *, prompt: str) -> tuple[str, list[tuple[int, float]] | None]:
        """The model's text for ``image`` and, when generation exposed them, its tokens with
        their log-probabilities."""
        mode = RESOLUTIONS[self.resolution]
        self._calls.tokens = None
        with tempfile.TemporaryDirectory(prefix="deepseek-") as tmp:
            image_file = Path(tmp) / "page.png"
            image_file.write_bytes(image)
            try:
                text = self.model.infer(
                    self.tokenizer, prompt=prompt, image_file=str(image_file), output_path=tmp,
                    base_size=mode.base_size, image_size=mode.image_size,
                    crop_mode=mode.crop_mode, save_results=False, eval_mode=True,
                )
            except Exception as exc:  # the model's remote code raises whatever it raises
                raise OcrError(f"DeepSeek-OCR inference failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(text, str):
            raise OcrError("DeepSeek-OCR returned no text (infer must run with eval_mode=True)")
        return text, self._calls.tokens

    def _guard_generation(self) -> None:
        """Make the model's ``generate`` use this engine's limits and record token
        log-probabilities (through a logits processor: keeping every step's scores would
        hold vocabulary x tokens floats on the GPU)."""
        generate = getattr(self.model, "generate", None)
        if generate is None:
            return
        calls = self._calls

        def guarded(*args: Any, **kwargs: Any) -> Any:
            recorder = _LogprobRecorder()
            kwargs.update(max_new_tokens=self.max_new_tokens,
                          no_repeat_ngram_size=self.no_repeat_ngram_size,
                          logits_processor=[*(kwargs.get("logits_processor") or []), recorder])
            sequences = generate(*args, **kwargs)
            steps = len(recorder.logprobs)
            ids = [int(i) for i in sequences[0][len(sequences[0]) - steps:]] if steps else []
            calls.tokens = list(zip(ids, recorder.logprobs, strict=True))
            return sequences

        self.model.generate = guarded  # type: ignore[attr-defined]

    def _confidences(self, regions: list[Region], *, image: bytes, page: int, dpi: int,
                     raw: str, logprobs: list[tuple[int, float]] | None) -> list[float]:
        if logprobs:
            return _token_confidences(regions, raw=raw, tokens=logprobs, tokenizer=self.tokenizer)
        if self.referee is not None and regions:
            return self._agreement(regions, image=image, page=page, dpi=dpi)
        return [UNVERIFIED_CONFIDENCE] * len(regions)

    def _agreement(self, regions: list[Region], *, image: bytes, page: int,
                   dpi: int) -> list[float]:
        """Per region, how closely Tesseract's words inside its box match the model's."""
        assert self.referee is not None
        width, height = (side * 72.0 / dpi for side in _pixel_size(image))
        reading = self.referee.read_image(_as_png(image), page=page, width=width, height=height,
                                          dpi=dpi, scanned=False)  # boxes as the model saw it
        words = [w for line in reading.lines for w in line.words]
        confs = []
        for region in regions:
            x0, y0, x1, y1 = region.bbox
            inside = [w.text for w in words
                      if x0 - 2 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 + 2
                      and y0 - 2 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1 + 2]
            ours = " ".join(text for text, _ in plain_lines(region.text, label=region.label))
            confs.append(SequenceMatcher(None, _norm(ours), _norm(" ".join(inside)),
                                         autojunk=False).ratio())
        return confs


class _LogprobRecorder:
    """A transformers logits processor (called last) that keeps the log-probability of the
    token greedy decoding picks at each step, under the processed distribution."""

    def __init__(self) -> None:
        self.logprobs: list[float] = []

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        self.logprobs.append(float(scores.log_softmax(dim=-1).max(dim=-1).values[0]))
        return scores


def _token_confidences(regions: list[Region], *, raw: str, tokens: list[tuple[int, float]],
                       tokenizer: Any) -> list[float]:
    """Geometric mean token probability over each region's span of the output."""
    starts, logps = [], []
    joined = ""
    for token_id, logp in tokens:
        starts.append(len(joined))
        joined += tokenizer.decode([token_id])
        logps.append(logp)
    shift = max(joined.find(raw[:40]), 0)  # infer strips the decoded text
    confs = []
    for region in regions:
        lo, hi = region.start + shift, region.end + shift
        inside = [lp for i, lp in enumerate(logps)
                  if starts[i] < hi and (starts[i + 1] if i + 1 < len(starts) else len(joined)) > lo]
        confs.append(math.exp(sum(inside) / len(inside)) if inside else UNVERIFIED_CONFIDENCE)
    return confs


def check_model_path(model_path: str | Path | None) -> Path:
    """The model folder, or a clear error saying what is wrong with ``MODEL_PATH``."""
    if not model_path:
        raise EngineUnavailableError(
            "MODEL_PATH is not set: the deepseek engine loads DeepSeek-OCR's weights from a "
            "local folder (baked into the GPU image) and never downloads them")
    path = Path(model_path)
    if not (path / "config.json").is_file():
        raise EngineUnavailableError(
            f"MODEL_PATH={path}: no DeepSeek-OCR model there (expected config.json, the "
            "tokenizer, the *.safetensors weights and the model's Python files)")
    return path


def model_fingerprint(path: Path) -> str:
    """Short hash of the model's config and weight file names and sizes: the model version."""
    digest = hashlib.sha256((path / "config.json").read_bytes())
    for weights in sorted(path.glob("*.safetensors")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    config = json.loads((path / "config.json").read_text())
    digest.update(str(config.get("transformers_version", "")).encode())
    return digest.hexdigest()[:10]


def _attention() -> str:
    try:
        import flash_attn  # noqa: F401
    except ImportError:
        return "eager"
    return "flash_attention_2"


def _pixel_size(image: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(image)) as img:
            return img.size
    except Exception as exc:  # Pillow raises several types for unreadable data
        raise OcrError(f"image cannot be decoded: {exc}") from exc


def _as_png(image: bytes) -> bytes:
    """Tesseract reads PNG and PNM most reliably; anything else is converted."""
    if image.startswith(b"\x89PNG"):
        return image
    with Image.open(io.BytesIO(image)) as img:
        out = io.BytesIO()
        img.convert("L").save(out, format="PNG")
        return out.getvalue()


def _norm(text: str) -> list[str]:
    return _WORD.findall(text.lower())

