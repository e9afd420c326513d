"""The ``remote`` engine: pages read by a running OCR service (``ocr-pipeline serve``).

Pages are rendered here and sent one at a time to ``/ocr/image``; the service's blocks, boxes
and word confidences come back as the same ``PageText`` a local engine gives. Connection
failures, timeouts and 502/503/504 answers are retried by one tenacity policy
(``service_retrying``): exponential backoff from ``backoff``, a ``Retry-After`` of whole seconds
honoured, every wait at most ``max_backoff``, ``retries`` retries in all. Other errors are not
worth repeating and fail at once with the service's own message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import httpx
import tenacity

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import EngineUnavailableError, OcrError

logger = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({502, 503, 504})


class RemoteEngine:
    """HTTP client of the OCR service, as an ``OcrEngine``.

    ``transport`` replaces httpx's network transport (e.g. ``httpx.MockTransport`` in tests)
    and ``sleep`` the wait between attempts; both default to the real thing.
    """

    name = "remote"

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        prompt_type: str | None = None,
        timeout: float = 300.0,
        connect_timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not url:
            raise EngineUnavailableError("the remote engine needs OCR_SERVICE_URL")
        if not api_key:
            raise EngineUnavailableError("the remote engine needs OCR_API_KEY")
        self.url = url.rstrip("/")
        self.prompt_type = prompt_type
        self._client = httpx.Client(
            base_url=self.url, headers={"x-api-key": api_key},
            timeout=httpx.Timeout(timeout, connect=connect_timeout), transport=transport,
        )
        self._retrying = service_retrying(url=self.url, retries=retries, backoff=backoff,
                                          max_backoff=max_backoff, sleep=sleep)
        self._version: str | None = None

    @property
    def version(self) -> str:
        """The service's engine and its version, e.g. ``deepseek-ocr-1a2b3c4d5e-gundam``."""
        if self._version is None:
            health = self._request("GET", "/health").json()
            self._version = str(health["engine_version"])
        return self._version

    def read_pages(self, pdf: Path, pages: Sequence[int], *, dpi: int) -> Iterator[PageText]:
        """Yield one ``PageText`` per 1-based page number, in the order given."""
        logger.debug("%s: %d pages to %s (%s)", pdf.name, len(pages), self.url, self.version)
        with CatalogPdf(pdf) as doc:
            for number in pages:
                started = time.perf_counter()
                image = doc.render_gray(number, dpi=dpi).tobytes("pgm")
                yield replace(self.read_image(image, page=number, dpi=dpi),
                              seconds=time.perf_counter() - started)

    def read_image(self, image: bytes, *, page: int, dpi: int) -> PageText:
        """One rendered page through ``/ocr/image``."""
        data: dict[str, Any] = {"dpi": str(dpi)}
        if self.prompt_type:
            data["prompt_type"] = self.prompt_type
        body = self._request("POST", "/ocr/image", data=data,
                             files={"file": (f"page-{page}.pgm", image, "image/x-portable-graymap")}
                             ).json()
        (result,) = body["pages"]
        return replace(PageText.from_dict(result), page=page)

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._retrying(self._client.request, method, path, **kwargs)
        if response.is_error:
            raise _http_error(method, path, response)
        return response


def service_retrying(*, url: str, retries: int, backoff: float, max_backoff: float,
                     sleep: Callable[[float], None]) -> tenacity.Retrying:
    """The retry policy of requests to the OCR service at ``url``, called as
    ``retrying(client.request, method, path, **kwargs)``.

    Retried, ``retries`` times, each retry logged at INFO: transport errors (connection refused
    or reset, timeouts) and 502/503/504 answers. The n-th wait is ``backoff * 2**(n-1)``, or the
    answer's ``Retry-After`` if longer, and never more than ``max_backoff``; ``sleep`` waits it.
    Any other answer is returned as it is. Out of attempts, the last answer raises ``OcrError``
    and the last transport error ``EngineUnavailableError``, both naming the attempts.
    """
    exponential = tenacity.wait_exponential(multiplier=backoff, max=max_backoff)

    def wait(state: tenacity.RetryCallState) -> float:
        return min(max(exponential(state), _retry_after(state)), max_backoff)

    def log(state: tenacity.RetryCallState) -> None:
        assert state.next_action is not None  # the wait about to begin
        logger.info("OCR service %s: %s; retry %d/%d in %.1f s", url, _why(state),
                    state.attempt_number, retries, state.next_action.sleep)

    return tenacity.Retrying(
        retry=(tenacity.retry_if_exception_type(httpx.TransportError)
               | tenacity.retry_if_result(_is_transient)),
        stop=tenacity.stop_after_attempt(retries + 1),
        wait=wait, sleep=sleep, before_sleep=log,
        retry_error_callback=partial(_give_up, url),
    )


def _is_transient(response: httpx.Response) -> bool:
    return response.status_code in RETRIED_STATUS


def _last(state: tenacity.RetryCallState) -> httpx.Response | BaseException:
    """What the last attempt gave: the service's answer, or the error it raised."""
    assert state.outcome is not None  # set by tenacity before it waits, logs or gives up
    error = state.outcome.exception()
    return state.outcome.result() if error is None else error


def _retry_after(state: tenacity.RetryCallState) -> float:
    """The seconds the last answer asks to wait (``Retry-After: <seconds>``), else 0."""
    last = _last(state)
    if isinstance(last, BaseException):
        return 0.0
    value = last.headers.get("retry-after", "")
    return float(value) if value.isdigit() else 0.0


def _why(state: tenacity.RetryCallState) -> str:
    last = _last(state)
    return type(last).__name__ if isinstance(last, BaseException) else f"HTTP {last.status_code}"


def _give_up(url: str, state: tenacity.RetryCallState) -> NoReturn:
    """Out of attempts: the last answer as an ``OcrError`` naming the attempts, or the last
    transport error as ``EngineUnavailableError``."""
    last = _last(state)
    if isinstance(last, BaseException):
        raise EngineUnavailableError(
            f"OCR service at {url} unreachable after {state.attempt_number} attempt(s): "
            f"{type(last).__name__}: {last}") from last
    method, path = state.args
    raise _http_error(method, path, last, attempts=state.attempt_number)


def _http_error(method: str, path: str, response: httpx.Response, *,
                attempts: int = 1) -> OcrError:
    gave_up = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
    return OcrError(f"OCR service {method} {path}: HTTP {response.status_code}: "
                    f"{_detail(response)}{gave_up}")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    return str(detail)
