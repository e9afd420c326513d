"""The OCR service on the CPU (real Tesseract), its settings, and real files to send it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pymupdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ocr_pipeline.server import ServerSettings, create_app
from ocr_pipeline.server.loading import Loader
from ocr_pipeline.serving import serving
from ocr_pipeline_tests.pdfs import Text, make_image_only, make_pdf

KEY = "test-key-1"
HEADERS = {"x-api-key": KEY}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings(**env: str) -> ServerSettings:
    return ServerSettings.from_env({"OCR_API_KEYS": f"{KEY},other-key", "MAX_CONCURRENCY": "2",
                                    "OCR_ENGINE": "tesseract", **env})


def wait_ready(client: TestClient | httpx.Client, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/health").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service never became ready: {client.get('/health').json()}")
        time.sleep(0.02)


def text_png(text: str, *, dpi: int = 150, size: float = 14) -> bytes:
    """A one-line image of ``text``, as a scanner would give it."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=40 + 0.6 * size * len(text), height=3 * size)
        page.insert_text((20, 2 * size), text, fontsize=size)
        return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY).tobytes("png")


@dataclass(frozen=True)
class Files:
    pdf: bytes
    """Three born-digital pages (rendered and OCR'd all the same)."""
    scan: Path
    """The same three pages as images only."""
    png: bytes


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    tmp = tmp_path_factory.mktemp("service-files")
    pages = [[Text(72, 90, f"CHEM {100 + n} General Chemistry", size=16),
              Text(72, 120, f"Page {n} of the sample catalog", size=12)] for n in (1, 2, 3)]
    born = make_pdf(tmp / "catalog.pdf", pages)
    return Files(pdf=born.read_bytes(), scan=make_image_only(born, tmp / "scan.pdf", dpi=150),
                 png=text_png("BIOL 210 Cell Biology"))


def make_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        wait_ready(client)
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from make_client(create_app(settings(MAX_UPLOAD_MB="1", MAX_PAGES="2",
                                               MAX_BATCH_FILES="3")))


@dataclass
class Live:
    url: str
    app: FastAPI


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """The service served by uvicorn on loopback."""
    port = free_port()
    app = create_app(settings())
    url = f"http://127.0.0.1:{port}"
    with serving(app, name="OCR service", port=port), httpx.Client(base_url=url) as http:
        wait_ready(http)
        yield Live(url=url, app=app)


def gated_loader(gate: threading.Event, engine: Callable[[], object]) -> Loader:
    """A loader that finishes only once ``gate`` is set: a model still loading."""

    def load() -> object:
        gate.wait(timeout=60)
        return engine()

    return load  # type: ignore[return-value]
