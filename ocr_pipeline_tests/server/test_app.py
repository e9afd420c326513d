"""The OCR service through TestClient, on the real Tesseract: endpoints, auth, limits, bad
files, the loading state, and the DeepSeek engine (stand-in model) behind the same routes."""

from __future__ import annotations

import threading
from pathlib import Path

import pymupdf
import pytest
from fastapi.testclient import TestClient

from ocr_pipeline.errors import ConfigurationError, EngineUnavailableError
from ocr_pipeline.ocr.deepseek import PROMPTS, DeepSeekEngine
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.server import ServerSettings, create_app
from ocr_pipeline_tests.ocr.deepseek_standin import CATALOG_PAGE, PieceTokenizer, StandIn
from ocr_pipeline_tests.server.conftest import (
    HEADERS,
    KEY,
    Files,
    gated_loader,
    make_client,
    settings,
    text_png,
)


def _words(body: dict) -> list[str]:
    return [block["text"] for page in body["pages"] for block in page["blocks"]]


def test_health_reports_engine_device_and_versions(client: TestClient) -> None:
    response = client.get("/health")  # no key needed: it is the container's health check
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["engine"], body["device"], body["model_loaded"]) == (
        "ok", "tesseract", "cpu", True)
    assert body["engine_version"].startswith("tesseract-")
    assert {"ocr_pipeline", "fastapi", "uvicorn", "python"} <= set(body["versions"])
    assert body["max_concurrency"] == 2


def test_image_gives_blocks_with_boxes_and_confidence(client: TestClient, files: Files) -> None:
    response = client.post("/ocr/image", headers=HEADERS, data={"dpi": "150"},
                           files={"file": ("cell.png", files.png, "image/png")})
    assert response.status_code == 200, response.text
    body = response.json()
    (page,) = body["pages"]
    assert (body["filename"], body["engine"], body["prompt"]) == ("cell.png", "tesseract", None)
    assert " ".join(_words(body)) == "BIOL 210 Cell Biology"
    block = page["blocks"][0]
    assert 0.8 < block["confidence"] <= 1.0 and block["label"] == "text"
    x0, y0, x1, y1 = block["bbox"]
    assert 0 <= x0 < x1 <= page["width"] and 0 <= y0 < y1 <= page["height"]
    assert page["width"] == pytest.approx(40 + 0.6 * 14 * 21, abs=1)  # points, at dpi 150


def test_jpeg_is_read_like_png(client: TestClient, files: Files) -> None:
    with pymupdf.open(stream=files.png, filetype="png") as doc:
        jpeg = doc[0].get_pixmap(dpi=150).tobytes("jpeg")
    response = client.post("/ocr/image", headers=HEADERS, data={"dpi": "150"},
                           files={"file": ("x.jpg", jpeg)})
    assert response.status_code == 200 and "Biology" in _words(response.json())[0]


def test_pdf_page_range_and_dpi(client: TestClient, files: Files) -> None:
    response = client.post("/ocr/pdf", headers=HEADERS, data={"pages": "3,1", "dpi": "100"},
                           files={"file": ("catalog.pdf", files.pdf, "application/pdf")})
    assert response.status_code == 200, response.text
    pages = response.json()["pages"]
    assert [p["page"] for p in pages] == [3, 1]
    assert "CHEM 103" in pages[0]["blocks"][0]["text"]
    assert pages[0]["width"] == pytest.approx(612, abs=1)


def test_batch_answers_each_file_with_its_own_status(client: TestClient, files: Files) -> None:
    response = client.post("/ocr/batch", headers=HEADERS, data={"pages": "2"}, files=[
        ("files", ("catalog.pdf", files.pdf)), ("files", ("notes.txt", b"just text")),
        ("files", ("cell.png", files.png))])
    assert response.status_code == 200
    items = response.json()["files"]
    assert [(i["filename"], i["status"]) for i in items] == [
        ("catalog.pdf", 200), ("notes.txt", 415), ("cell.png", 200)]
    assert "CHEM 102" in items[0]["result"]["pages"][0]["blocks"][0]["text"]
    assert "unsupported file type" in items[1]["detail"]


@pytest.mark.parametrize("headers, detail", [({}, "missing x-api-key header"),
                                             ({"x-api-key": "wrong"}, "invalid API key")])
def test_ocr_routes_need_a_valid_key(client: TestClient, files: Files, headers: dict[str, str],
                                     detail: str) -> None:
    for path, field in (("/ocr/image", "file"), ("/ocr/pdf", "file"), ("/ocr/batch", "files")):
        response = client.post(path, headers=headers, files={field: ("a.png", files.png)})
        assert (response.status_code, response.json()["detail"]) == (401, detail)
        assert response.headers["www-authenticate"] == "ApiKey"
    second = client.post("/ocr/image", headers={"x-api-key": "other-key"},
                         files={"file": ("a.png", files.png)})
    assert second.status_code == 200


def test_keys_from_a_file_and_no_keys_at_all(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# rotated monthly\nfile-key\n")
    loaded = ServerSettings.from_env({"OCR_API_KEYS_FILE": str(keys)})
    assert loaded.api_keys == frozenset({"file-key"})
    with pytest.raises(ConfigurationError, match="no API keys"):
        ServerSettings.from_env({})
    with pytest.raises(ConfigurationError, match="OCR_API_KEYS_FILE=.*cannot be read"):
        ServerSettings.from_env({"OCR_API_KEYS_FILE": str(tmp_path / "absent")})
    with pytest.raises(ConfigurationError, match="MAX_CONCURRENCY='many'"):
        ServerSettings.from_env({"OCR_API_KEYS": "k", "MAX_CONCURRENCY": "many"})
    with pytest.raises(ConfigurationError, match="OCR_ENGINE='remote'"):
        ServerSettings.from_env({"OCR_API_KEYS": "k", "OCR_ENGINE": "remote"})


def _encrypted(pdf: bytes) -> bytes:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")


@pytest.mark.parametrize("path, name, make, status, detail", [
    ("/ocr/pdf", "broken.pdf", lambda f: f.pdf[: len(f.pdf) // 2], 400, "corrupt or truncated PDF"),
    ("/ocr/pdf", "locked.pdf", lambda f: _encrypted(f.pdf), 400, "encrypted"),
    ("/ocr/pdf", "empty.pdf", lambda f: b"", 400, "file is empty"),
    ("/ocr/pdf", "notes.pdf", lambda f: b"plain text, not a PDF", 415, "unsupported file type"),
    ("/ocr/pdf", "cell.png", lambda f: f.png, 415, "takes a PDF, and this is an image"),
    ("/ocr/image", "cut.png", lambda f: f.png[: len(f.png) // 2], 400, "corrupt or truncated"),
    ("/ocr/image", "catalog.pdf", lambda f: f.pdf, 415, "takes an image, and this is a PDF"),
    ("/ocr/image", "big.png", lambda f: f.png + b"\0" * (1 << 20), 413, "file is too large"),
])
def test_bad_files_get_their_status(client: TestClient, files: Files, path: str, name: str,
                                    make: object, status: int, detail: str) -> None:
    response = client.post(path, headers=HEADERS, files={"file": (name, make(files))})  # type: ignore[operator]
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"] and name in response.json()["detail"]


@pytest.mark.parametrize("data, status, detail", [
    ({"pages": "9"}, 400, "page 9 requested, the document has 3"),
    ({"pages": "2-1"}, 400, "not an increasing range"),
    ({"pages": "1-3"}, 413, "3 pages requested, the limit is 2"),
    ({}, 413, "3 pages requested"),  # all pages
    ({"pages": "one"}, 422, "String should match pattern"),
    ({"dpi": "20"}, 422, "greater than or equal to 50"),
    ({"prompt_type": "poems"}, 422, "Input should be 'markdown'"),
    ({"prompt_type": "ocr", "prompt": "Free OCR."}, 422, "not both"),
])
def test_bad_parameters_get_their_status(client: TestClient, files: Files, data: dict[str, str],
                                         status: int, detail: str) -> None:
    response = client.post("/ocr/pdf", headers=HEADERS, data=data,
                           files={"file": ("catalog.pdf", files.pdf)})
    assert response.status_code == status, response.text
    assert detail in str(response.json()["detail"])


def test_request_size_and_batch_limits(client: TestClient, files: Files) -> None:
    huge = b"%PDF-1.7\n" + b"0" * (5 << 20)  # over the whole-request limit: refused unread
    response = client.post("/ocr/pdf", headers=HEADERS, files={"file": ("huge.pdf", huge)})
    assert response.status_code == 413 and "the limit is" in response.json()["detail"]
    four = [("files", (f"{n}.png", files.png)) for n in range(4)]
    response = client.post("/ocr/batch", headers=HEADERS, files=four)
    assert response.status_code == 422  # the limit is in the schema: at most 3 files
    assert response.json()["detail"][0]["msg"] == "List should have at most 3 items after validation, not 4"
    assert client.post("/ocr/image", headers=HEADERS).status_code == 422  # no file at all


def test_503_while_the_engine_loads_then_served() -> None:
    gate = threading.Event()
    app = create_app(settings(), loader=gated_loader(gate, lambda: TesseractEngine(workers=1)))
    with TestClient(app) as client:
        health = client.get("/health")
        assert (health.status_code, health.json()["status"], health.json()["model_loaded"]) == (
            503, "loading", False)
        response = client.post("/ocr/image", headers=HEADERS,
                               files={"file": ("a.png", text_png("MATH 101"))})
        assert response.status_code == 503 and response.headers["retry-after"] == "10"
        assert "loading" in response.json()["detail"]
        assert client.post("/ocr/image", files={"file": ("a.png", b"x")}).status_code == 401
        gate.set()
        app.state.slot._thread.join(timeout=30)
        assert client.get("/health").json()["status"] == "ok"
        response = client.post("/ocr/image", headers=HEADERS, data={"dpi": "150"},
                               files={"file": ("a.png", text_png("MATH 101"))})
        assert response.status_code == 200 and _words(response.json()) == ["MATH 101"]


def test_a_failed_load_is_reported_not_hidden(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailableError, match="MODEL_PATH is not set"):
        create_app(settings(OCR_ENGINE="deepseek"))  # found before anything listens

    def broken() -> TesseractEngine:
        raise RuntimeError("CUDA driver version is insufficient")

    with TestClient(create_app(settings(), loader=broken)) as client:
        client.app.state.slot._thread.join(timeout=10)  # type: ignore[attr-defined]
        health = client.get("/health").json()
        assert (health["status"], health["error"]) == ("failed",
                                                       "CUDA driver version is insufficient")
        response = client.post("/ocr/image", headers=HEADERS, files={"file": ("a.png", b"x")})
        assert response.status_code == 503 and "failed to load" in response.json()["detail"]


def test_deepseek_behind_the_service_gets_the_prompt_of_each_request(files: Files) -> None:
    model = StandIn(output=CATALOG_PAGE)

    def load() -> DeepSeekEngine:
        return DeepSeekEngine(model=model, tokenizer=PieceTokenizer(), model_version="standin",
                              device="cuda:0")

    for client in make_client(create_app(settings(OCR_ENGINE="deepseek", MODEL_PATH="/absent"),
                                         loader=load)):
        tables = client.post("/ocr/image", headers=HEADERS, data={"prompt_type": "tables"},
                             files={"file": ("p.png", files.png)})
        custom = client.post("/ocr/pdf", headers=HEADERS, data={"prompt": "Free OCR.",
                                                                "pages": "1"},
                             files={"file": ("c.pdf", files.pdf)})
        health = client.get("/health").json()
    assert tables.status_code == 200 and custom.status_code == 200
    assert [c["prompt"] for c in model.calls] == [PROMPTS["tables"], "<image>\nFree OCR."]
    body = tables.json()
    assert (body["engine"], body["device"], body["prompt"]) == ("deepseek", "cuda:0",
                                                                PROMPTS["tables"])
    assert [b["label"] for b in body["pages"][0]["blocks"]] == ["title", "text", "text", "table"]
    assert custom.json()["prompt"] == "<image>\nFree OCR."
    assert (health["engine"], health["engine_version"]) == ("deepseek",
                                                            "deepseek-ocr-standin-gundam")
    assert KEY not in str(health)
