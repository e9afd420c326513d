"""The OCR service as a real uvicorn server on loopback: many requests at once, the queue
limit, the remote engine against it, and `ocr-pipeline serve` as a process."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.config import Settings
from ocr_pipeline.errors import ConfigurationError, EngineUnavailableError, OcrError
from ocr_pipeline.ocr.base import OcrEngine
from ocr_pipeline.ocr.engines import make_engine
from ocr_pipeline.ocr.remote import RemoteEngine
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.server import create_app
from ocr_pipeline.serving import serving
from ocr_pipeline_tests.defs.conftest import make_location
from ocr_pipeline_tests.server.conftest import (
    HEADERS,
    KEY,
    Files,
    Live,
    free_port,
    settings,
    text_png,
    wait_ready,
)

CODES = [f"ACCT {100 + n}" for n in range(24)]


async def _post_all(url: str, images: list[bytes]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=120) as http:
        return await asyncio.gather(*(
            http.post("/ocr/image", data={"dpi": "150"}, files={"file": (f"{n}.png", image)})
            for n, image in enumerate(images)))


def test_many_requests_at_once_all_answered_never_over_the_limit(live: Live) -> None:
    responses = asyncio.run(_post_all(live.url, [text_png(code) for code in CODES]))
    assert [r.status_code for r in responses] == [200] * len(CODES)
    read = [" ".join(b["text"] for b in r.json()["pages"][0]["blocks"]) for r in responses]
    assert read == CODES  # every answer is its own request's, none lost or swapped
    health = httpx.get(f"{live.url}/health").json()
    assert health["peak_in_flight"] == health["max_concurrency"] == 2
    assert (health["in_flight"], health["queued"]) == (0, 0)


def test_a_full_queue_answers_503_with_retry_after() -> None:
    port = free_port()
    app = create_app(settings(MAX_CONCURRENCY="1", MAX_QUEUE="2"))
    with serving(app, name="OCR service", port=port):
        url = f"http://127.0.0.1:{port}"
        wait_ready(httpx.Client(base_url=url))
        responses = asyncio.run(_post_all(url, [text_png(code) for code in CODES[:10]]))
    codes = [r.status_code for r in responses]
    assert set(codes) == {200, 503} and codes.count(200) >= 3  # one running, two waiting
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == "2" and "already waiting" in busy.json()["detail"]
    assert app.state.runner.peak_in_flight == 1


def test_remote_engine_reads_like_the_local_engine(live: Live, files: Files) -> None:
    remote = RemoteEngine(url=live.url, api_key=KEY)
    assert isinstance(remote, OcrEngine)
    pages = list(remote.read_pages(files.scan, [2, 3], dpi=150))
    local = list(TesseractEngine(workers=1).read_pages(files.scan, [2, 3], dpi=150))
    assert [p.page for p in pages] == [2, 3]
    assert [p.text for p in pages] == [p.text for p in local]
    assert [w.conf for w in pages[0].lines[0].words] == pytest.approx(
        [w.conf for w in local[0].lines[0].words], abs=1e-4)
    assert (pages[0].method, remote.version) == ("tesseract", local[0].engine_version)
    assert "CHEM 102" in pages[0].text
    remote.close()


def test_remote_engine_errors_are_clear(live: Live, files: Files) -> None:
    with pytest.raises(OcrError, match="HTTP 401: invalid API key"):
        RemoteEngine(url=live.url, api_key="wrong").read_image(files.png, page=1, dpi=150)
    with pytest.raises(OcrError, match="HTTP 415: .*unsupported file type"):
        RemoteEngine(url=live.url, api_key=KEY).read_image(b"not an image", page=1, dpi=150)
    nobody = RemoteEngine(url=f"http://127.0.0.1:{free_port()}", api_key=KEY, retries=2,
                          backoff=0.01)
    with pytest.raises(EngineUnavailableError, match="unreachable after 3 attempt"):
        nobody.read_image(files.png, page=1, dpi=150)
    with pytest.raises(EngineUnavailableError, match="OCR_SERVICE_URL"):
        RemoteEngine(url="", api_key=KEY)


def test_the_cli_serves_it(tmp_path: Path, files: Files) -> None:
    cli = shutil.which("ocr-pipeline", path=str(Path(sys.executable).parent))
    assert cli is not None
    port = free_port()
    env = {**os.environ, "OCR_API_KEYS": KEY, "OCR_ENGINE": "tesseract", "LOG_LEVEL": "INFO"}
    refused = subprocess.run([cli, "serve", "--port", str(port)], capture_output=True, text=True,
                             env={k: v for k, v in env.items() if k != "OCR_API_KEYS"},
                             timeout=60, check=False)
    assert refused.returncode == 1 and "no API keys" in refused.stderr
    # an ignored SIGTERM survives exec: started from a test process whose earlier tests left
    # it ignored, the server would shut down on it but could not re-raise it (exit 0)
    inherited = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        process = subprocess.Popen([cli, "serve", "--port", str(port)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        signal.signal(signal.SIGTERM, inherited)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            wait_ready(_Retrying(http), timeout=60)
            response = http.post("/ocr/image", headers=HEADERS, data={"dpi": "150"},
                                 files={"file": ("c.png", files.png)})
        assert response.status_code == 200
        assert response.json()["pages"][0]["blocks"][0]["text"] == "BIOL 210 Cell Biology"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert process.returncode == -signal.SIGTERM, output
    assert "Application shutdown complete" in output
    assert "tesseract engine tesseract-" in output and "ready on cpu" in output


class _Retrying:
    """An httpx client whose GET answers 599 while nothing listens yet (the process starts)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def get(self, path: str) -> httpx.Response:
        try:
            return self.http.get(path)
        except httpx.TransportError:
            return httpx.Response(599, json={})


def test_the_pipeline_reads_scans_through_the_service(tmp_path: Path, live: Live,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_API_KEY", KEY)  # from the environment, never from run config
    for location in make_location(tmp_path, OCR_ENGINE="remote", OCR_SERVICE_URL=live.url):
        generate_catalog(out_dir=location.landing, name="scan", layout="caps_two_column",
                         courses=6, seed=8, scanned=True)
        [key] = location.sensor()
        result = location.run(key)
        methods = result.asset_materializations_for_node("ocr_outputs")[0].metadata["methods"]
        cached = list((location.settings.objects_root / "ocr" / "cache" / "remote").rglob("*"))
    assert "tesseract" in methods.value  # what the service ran
    assert any(path.suffix == ".json" for path in cached)  # read by the remote engine


def test_engine_names_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="OCR_ENGINE='gpu'"):
        make_engine("gpu")
    with pytest.raises(ConfigurationError, match="OCR_ENGINE='gpu'"):
        Settings.from_env({"OCR_ENGINE": "gpu"})
    assert isinstance(make_engine("remote", service_url="http://x", api_key="k"), RemoteEngine)
    with pytest.raises(EngineUnavailableError, match="MODEL_PATH is not set"):
        make_engine("deepseek")


def test_extract_reads_every_page_through_the_chosen_engine(tmp_path: Path, live: Live) -> None:
    made = generate_catalog(out_dir=tmp_path, name="born", layout="one_column", courses=5,
                            seed=3)
    env = {**os.environ, "OCR_SERVICE_URL": live.url, "OCR_API_KEY": KEY}
    out = tmp_path / "records.jsonl"
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "extract", str(made.pdf),
                           "--engine", "remote", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 5
    assert {r["method"] for r in records} == {"tesseract"}  # the service's engine, not the layer
    no_model = subprocess.run([sys.executable, "-m", "ocr_pipeline", "extract", str(made.pdf),
                               "--engine", "deepseek"], env={**os.environ, "MODEL_PATH": ""},
                              capture_output=True, text=True, timeout=300)
    assert no_model.returncode == 1
    assert "MODEL_PATH is not set" in no_model.stderr and "Traceback" not in no_model.stderr
