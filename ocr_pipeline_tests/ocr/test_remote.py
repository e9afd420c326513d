"""RemoteEngine's requests and retries against ``httpx.MockTransport``: no server, no waiting
(every wait goes to a recorded ``sleep``). The engine against a real service is in
``server/test_live.py``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import httpx
import pytest

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.errors import EngineUnavailableError, OcrError
from ocr_pipeline.ocr.remote import RemoteEngine

URL = "http://ocr.test"
KEY = "secret-key"
PAGE = PageText(page=1, width=612.0, height=792.0, blocks=(), method="tesseract",
                engine_version="tesseract-5")
OK = httpx.Response(200, json={"pages": [PAGE.to_dict()]})

Answer = httpx.Response | Exception


class Service:
    """A scripted OCR service: each request gets (a copy of) the next answer, the last one
    repeating."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def busy(status: int = 503, retry_after: str | None = None) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return httpx.Response(status, headers=headers, json={"detail": "loading"})


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def engine(slept: list[float]) -> Iterator[Callable[..., RemoteEngine]]:
    made: list[RemoteEngine] = []

    def make(service: Service, **options: object) -> RemoteEngine:
        remote = RemoteEngine(url=URL, api_key=KEY, transport=httpx.MockTransport(service),
                              sleep=slept.append, **options)  # type: ignore[arg-type]
        made.append(remote)
        return remote

    yield make
    for remote in made:
        remote.close()


def read(remote: RemoteEngine) -> PageText:
    return remote.read_image(b"P5 1 1 255 x", page=7, dpi=200)


def test_a_page_is_one_authenticated_request(engine: Callable[..., RemoteEngine],
                                             slept: list[float]) -> None:
    service = Service(OK)
    page = read(engine(service, prompt_type="markdown"))

    assert (page.page, page.method, page.width) == (7, "tesseract", 612.0)
    (request,) = service.requests
    assert (request.method, str(request.url)) == ("POST", f"{URL}/ocr/image")
    assert request.headers["x-api-key"] == KEY
    body = request.read()
    assert b'name="dpi"\r\n\r\n200' in body and b'name="prompt_type"\r\n\r\nmarkdown' in body
    assert b'filename="page-7.pgm"' in body
    assert slept == []


def test_version_is_asked_once(engine: Callable[..., RemoteEngine]) -> None:
    service = Service(httpx.Response(200, json={"engine_version": "deepseek-ocr-1a2b-gundam"}))
    remote = engine(service)
    assert remote.version == remote.version == "deepseek-ocr-1a2b-gundam"
    assert [r.url.path for r in service.requests] == ["/health"]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_answers_are_retried_with_exponential_backoff(
    engine: Callable[..., RemoteEngine], slept: list[float], status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = Service(busy(status), busy(status), busy(status), OK)
    with caplog.at_level(logging.INFO, logger="ocr_pipeline.ocr.remote"):
        assert read(engine(service, backoff=0.5)).page == 7
    assert len(service.requests) == 4
    assert slept == [0.5, 1.0, 2.0]
    assert [r.getMessage() for r in caplog.records] == [
        f"OCR service {URL}: HTTP {status}; retry {n}/3 in {delay:.1f} s"
        for n, delay in ((1, 0.5), (2, 1.0), (3, 2.0))]


def test_retry_after_is_honoured_but_capped(engine: Callable[..., RemoteEngine],
                                            slept: list[float]) -> None:
    service = Service(busy(retry_after="2"), busy(retry_after="600"), busy(retry_after="0"),
                      busy(retry_after="Wed, 21 Oct 2015 07:28:00 GMT"), OK)
    remote = engine(service, retries=4, backoff=0.25, max_backoff=10.0)
    assert read(remote).page == 7
    # longer Retry-After wins, capped at max_backoff; shorter or unparsable: the backoff
    assert slept == [2.0, 10.0, 1.0, 2.0]


def test_backoff_is_capped(engine: Callable[..., RemoteEngine], slept: list[float]) -> None:
    remote = engine(Service(busy(), busy(), busy(), busy(), busy(), OK), retries=5, backoff=1.0,
                    max_backoff=5.0)
    assert read(remote).page == 7
    assert slept == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("error", [
    httpx.ConnectError("connection refused"),
    httpx.ReadTimeout("timed out"),
    httpx.RemoteProtocolError("server disconnected"),
])
def test_transport_errors_are_retried(engine: Callable[..., RemoteEngine], slept: list[float],
                                      error: Exception) -> None:
    service = Service(error, error, OK)
    assert read(engine(service)).page == 7
    assert len(service.requests) == 3
    assert slept == [0.5, 1.0]


@pytest.mark.parametrize(("status", "detail"), [
    (400, "bad dpi"), (401, "invalid API key"), (404, "Not Found"), (413, "too many pixels"),
    (415, "unsupported file type"), (429, "slow down"), (500, "internal error"),
])
def test_other_errors_are_not_retried(engine: Callable[..., RemoteEngine], slept: list[float],
                                      status: int, detail: str) -> None:
    service = Service(httpx.Response(status, json={"detail": detail}))
    with pytest.raises(OcrError, match=f"^OCR service POST /ocr/image: HTTP {status}: {detail}$"):
        read(engine(service))
    assert len(service.requests) == 1
    assert slept == []


def test_error_without_json_shows_the_text(engine: Callable[..., RemoteEngine]) -> None:
    service = Service(httpx.Response(400, text="<html>proxy says no</html>"))
    with pytest.raises(OcrError, match="HTTP 400: <html>proxy says no</html>"):
        read(engine(service))


def test_gives_up_on_a_service_that_stays_busy(engine: Callable[..., RemoteEngine],
                                               slept: list[float]) -> None:
    service = Service(busy(retry_after="1"))
    with pytest.raises(OcrError) as info:
        read(engine(service, retries=2))
    assert str(info.value) == (
        "OCR service POST /ocr/image: HTTP 503: loading (gave up after 3 attempts)")
    assert not isinstance(info.value, EngineUnavailableError)
    assert len(service.requests) == 3
    assert slept == [1.0, 1.0]


def test_gives_up_on_a_service_that_stays_unreachable(engine: Callable[..., RemoteEngine],
                                                      slept: list[float]) -> None:
    refused = httpx.ConnectError("connection refused")
    service = Service(refused)
    with pytest.raises(EngineUnavailableError) as info:
        read(engine(service, retries=2))
    assert str(info.value) == (f"OCR service at {URL} unreachable after 3 attempt(s): "
                               "ConnectError: connection refused")
    assert info.value.__cause__ is refused
    assert len(service.requests) == 3
    assert slept == [0.5, 1.0]


def test_no_retries(engine: Callable[..., RemoteEngine], slept: list[float]) -> None:
    with pytest.raises(OcrError, match=r"HTTP 503: loading$"):
        read(engine(Service(busy()), retries=0))
    with pytest.raises(EngineUnavailableError, match="after 1 attempt"):
        read(engine(Service(httpx.ConnectError("refused")), retries=0))
    assert slept == []


def test_a_url_and_a_key_are_needed() -> None:
    with pytest.raises(EngineUnavailableError, match="OCR_SERVICE_URL"):
        RemoteEngine(url="", api_key=KEY)
    with pytest.raises(EngineUnavailableError, match="OCR_API_KEY"):
        RemoteEngine(url=URL, api_key="")
