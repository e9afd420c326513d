"""The OCR service (FastAPI): ``/health``, ``/ocr/image``, ``/ocr/pdf``, ``/ocr/batch``.

``ocr-pipeline serve`` starts it; settings come from the environment (``server/settings.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from ocr_pipeline.server.app import create_app
from ocr_pipeline.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app", "serve", "serving"]


def serve(*, host: str, port: int, settings: ServerSettings | None = None) -> None:
    """Serve until interrupted; a configuration error is raised before anything listens."""
    settings = settings or ServerSettings.from_env()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=host, port=port,
                log_level=settings.log_level.lower(), timeout_graceful_shutdown=30)


@contextmanager
def serving(app: FastAPI, *, host: str = "127.0.0.1", port: int,
            timeout: float = 30.0) -> Iterator[uvicorn.Server]:
    """``app`` served by uvicorn from a background thread while the block runs (tests,
    benchmarks)."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"ocr-service-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the OCR service did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
