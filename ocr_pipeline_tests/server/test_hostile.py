"""The service fails cheap on a hostile or broken request, on a real uvicorn server: no key or
a body over the cap is refused before the body is read (counted in bytes on the wire), a page
or image over the pixel budget before it is rendered or decoded, and an unexpected error is a
JSON 500 whose request id is the one its traceback is logged under."""

from __future__ import annotations

import logging
import select
import socket
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import h11
import httpx
import pymupdf
import pytest

from ocr_pipeline.ocr.base import ImageReading
from ocr_pipeline.ocr.tesseract import TesseractEngine
from ocr_pipeline.server import create_app
from ocr_pipeline.serving import serving
from ocr_pipeline_tests.server.conftest import (
    HEADERS,
    KEY,
    Files,
    Live,
    free_port,
    settings,
    wait_ready,
)

MB = 1 << 20
CHUNK = 256 << 10
BOUNDARY = "hostile-probe"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    sent: int
    """Body bytes the client got out before the server answered or closed the connection."""


def upload(filename: str, size: int) -> list[bytes]:
    """A multipart form of one ``file`` of ``size`` bytes, in pieces of CHUNK."""
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n').encode()
    return [head, *[b"0" * CHUNK] * (size // CHUNK), f"\r\n--{BOUNDARY}--\r\n".encode()]


def post_slowly(port: int, path: str, parts: list[bytes], *, chunked: bool,
                headers: dict[str, str]) -> Answer:
    """POST ``parts`` over a raw socket, one at a time, looking for the server's answer before
    each and stopping once it is there (or the server closed the connection); the answer."""
    framing = ({"transfer-encoding": "chunked"} if chunked
               else {"content-length": str(sum(map(len, parts)))})
    head = {"host": "127.0.0.1", "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            **headers, **framing}
    client = h11.Connection(h11.CLIENT)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(client.send(h11.Request(method="POST", target=path,
                                             headers=list(head.items()))))
        sent = 0
        for part in parts:
            if select.select([sock], [], [], 0.01)[0]:
                break
            try:
                sock.sendall(client.send(h11.Data(data=part)))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(part)
        else:
            sock.sendall(client.send(h11.EndOfMessage()))
        return _answer(client, sock, sent=sent)


def _answer(client: h11.Connection, sock: socket.socket, *, sent: int) -> Answer:
    events = _events(client, sock)
    response = next(e for e in events if isinstance(e, h11.Response))
    body = b"".join(e.data for e in events if isinstance(e, h11.Data))
    return Answer(status=response.status_code,
                  headers={k.decode(): v.decode() for k, v in response.headers},
                  body=httpx.Response(200, content=body).json(), sent=sent)


def _events(client: h11.Connection, sock: socket.socket) -> list[h11.Event]:
    events: list[h11.Event] = []
    while not any(isinstance(e, h11.EndOfMessage) for e in events):
        event = client.next_event()
        if event is h11.NEED_DATA:
            client.receive_data(sock.recv(1 << 16))
        elif event is not h11.PAUSED:
            events.append(event)
    return events


@pytest.mark.parametrize("chunked, headers, detail", [
    (False, {}, "missing x-api-key header"),
    (True, {}, "missing x-api-key header"),
    (True, {"x-api-key": "wrong"}, "invalid API key"),
], ids=["content-length", "chunked", "chunked-wrong-key"])
def test_a_request_without_a_valid_key_is_refused_before_its_body_is_read(
        live: Live, chunked: bool, headers: dict[str, str], detail: str) -> None:
    parts = upload("big.pdf", 60 * MB)  # under the request cap (801 MB): only the key stops it
    answer = post_slowly(httpx.URL(live.url).port or 0, "/ocr/pdf", parts, chunked=chunked,
                         headers=headers)
    assert (answer.status, answer.body["detail"]) == (401, detail)
    assert (answer.headers["www-authenticate"], answer.headers["connection"]) == ("ApiKey", "close")
    assert answer.sent < 60 * MB // 4  # most never left: the server read none, buffers took some


def test_a_chunked_body_over_the_cap_is_refused_as_it_streams_in() -> None:
    port = free_port()
    app = create_app(settings(MAX_UPLOAD_MB="1", MAX_BATCH_FILES="1"))  # a 2 MB request cap
    with serving(app, name="OCR service", port=port):
        answer = post_slowly(port, "/ocr/pdf", upload("big.pdf", 60 * MB), chunked=True,
                             headers={"x-api-key": KEY})
    assert (answer.status, answer.headers["connection"]) == (413, "close")
    assert answer.body["detail"].startswith("request body of at least ")
    assert answer.body["detail"].endswith(" bytes; the limit is 2,097,152")
    assert answer.sent < 60 * MB // 4  # the server read 2 MB, buffers took some, the rest stayed


def test_a_page_over_the_pixel_budget_is_refused_before_it_is_rendered(live: Live) -> None:
    with pymupdf.open() as doc:
        doc.new_page(width=14_400, height=14_400)  # 200 inches a side, the largest PDF allows
        poster = doc.tobytes()
    response = httpx.post(f"{live.url}/ocr/pdf", headers=HEADERS, timeout=60,
                          files={"file": ("poster.pdf", poster)})
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "poster.pdf: over the pixel budget: page 1 at 200 dpi is 40,000 x 40,000 pixels; "
        "the budget is 50,000,000 (OCR_MAX_PIXELS)")


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` gray pixels and holds none of them."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side, detail", [
    (8_000, "the image is 8,000 x 8,000 pixels; the budget is 50,000,000 (OCR_MAX_PIXELS)"),
    (30_000, "Image size (900000000 pixels) exceeds limit"),  # Pillow's own bomb check
])
def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(
        live: Live, side: int, detail: str) -> None:
    response = httpx.post(f"{live.url}/ocr/image", headers=HEADERS, timeout=60,
                          files={"file": ("bomb.png", png_header(side, side))})
    assert response.status_code == 413
    assert response.json()["detail"].startswith(f"bomb.png: over the pixel budget: {detail}")


class Crashing(TesseractEngine):
    """Tesseract with a bug: every page crashes it, with an error no handler knows."""

    def read(self, image: bytes, *, page: int, dpi: int, prompt: str | None) -> ImageReading:
        raise ZeroDivisionError("float division by zero")


def test_an_unexpected_error_is_a_json_500_with_the_id_of_its_log_line(
        files: Files, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    app = create_app(settings(), loader=lambda: Crashing(workers=1))
    with (caplog.at_level(logging.ERROR, logger="ocr_pipeline.server"),
          serving(app, name="OCR service", port=port),
          httpx.Client(base_url=f"http://127.0.0.1:{port}") as http):
        wait_ready(http)
        response = http.post("/ocr/image", headers=HEADERS, files={"file": ("a.png", files.png)})
    assert (response.status_code, response.headers["content-type"]) == (500, "application/json")
    request_id = response.json()["request_id"]
    assert response.headers["x-request-id"] == request_id
    assert response.json()["detail"] == ("internal error; the service's log has it under "
                                         f"request id {request_id}")
    [record] = [r for r in caplog.records if r.name.startswith("ocr_pipeline.server")]
    assert record.getMessage() == f"request {request_id}: POST /ocr/image failed"
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
