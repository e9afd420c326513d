"""The OCR service (FastAPI): ``/health``, ``/ocr/image``, ``/ocr/pdf``, ``/ocr/batch``.

``ocr-pipeline serve`` starts it; settings come from the environment (``server/settings.py``).
"""

from __future__ import annotations

import logging

import uvicorn

from ocr_pipeline.server.app import create_app
from ocr_pipeline.server.settings import ServerSettings
from ocr_pipeline.serving import check_port

__all__ = ["ServerSettings", "create_app", "serve"]


def serve(*, host: str, port: int, settings: ServerSettings | None = None) -> None:
    """Serve until interrupted; a configuration error is raised before anything listens."""
    settings = settings or ServerSettings.from_env()
    check_port(host=host, port=port)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=host, port=port,
                log_level=settings.log_level.lower(), timeout_graceful_shutdown=30)

