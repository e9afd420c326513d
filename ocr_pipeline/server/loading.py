"""The service's engine, loaded in the background so the server answers (503) while it loads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Literal

from ocr_pipeline.errors import EngineUnavailableError, ServiceBusyError
from ocr_pipeline.ocr.base import ImageOcrEngine
from ocr_pipeline.ocr.deepseek import DeepSeekEngine, check_model_path
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.server.settings import ServerSettings

logger = logging.getLogger(__name__)

Loader = Callable[[], ImageOcrEngine]
LoadState = Literal["loading", "ok", "failed"]
RETRY_AFTER_LOADING = 10


def engine_loader(settings: ServerSettings) -> Loader:
    """How to load the configured engine. Checks what can be checked at once (MODEL_PATH),
    so a misconfigured service fails at start rather than after a slow load."""
    if settings.engine == "deepseek":
        check_model_path(settings.model_path)
        return lambda: DeepSeekEngine.load(
            model_path=settings.model_path, resolution=settings.resolution,
            gpu_memory_utilization=settings.gpu_memory_utilization)

    def tesseract() -> ImageOcrEngine:
        engine = TesseractEngine(workers=1)
        engine.version  # noqa: B018 - checks its language data now
        return engine

    return tesseract


class EngineSlot:
    """Holds the engine once loaded; ``engine()`` raises ServiceBusyError until then."""

    def __init__(self, *, name: str, loader: Loader) -> None:
        self.name = name
        self._loader = loader
        self._engine: ImageOcrEngine | None = None
        self.state: LoadState = "loading"
        self.error: str | None = None
        self.load_seconds: float | None = None
        self._thread = threading.Thread(target=self._load, name="engine-loader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def engine(self) -> ImageOcrEngine:
        if self._engine is not None:
            return self._engine
        if self.state == "failed":
            raise EngineUnavailableError(f"the {self.name} engine failed to load: {self.error}")
        raise ServiceBusyError(f"the {self.name} engine is loading", retry_after=RETRY_AFTER_LOADING)

    @property
    def loaded(self) -> ImageOcrEngine | None:
        return self._engine

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            engine = self._loader()
        except Exception as exc:  # noqa: BLE001 - reported by /health and every request
            self.error = str(exc)
            self.state = "failed"
            logger.error("the %s engine failed to load: %s", self.name, exc)
            return
        self.load_seconds = time.perf_counter() - started
        self._engine = engine
        self.state = "ok"
        logger.info("%s engine %s ready on %s in %.1f s", self.name, engine.version, engine.device,
                    self.load_seconds)
