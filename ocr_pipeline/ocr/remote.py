"""The ``remote`` engine: pages read by a running OCR service (``ocr-pipeline serve``).

Pages are rendered here and sent one at a time to ``/ocr/image``; the service's blocks, boxes
and word confidences come back as the same ``PageText`` a local engine gives. Connection
failures, timeouts and 502/503/504 answers are retried with exponential backoff (a 503's
``Retry-After`` is honoured, up to ``max_backoff``); other errors are not worth repeating and
fail at once with the service's own message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from ocr_pipeline.catalog.models import PageText
from ocr_pipeline.catalog.pdf import CatalogPdf
from ocr_pipeline.errors import EngineUnavailableError, OcrError

logger = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({502, 503, 504})


class RemoteEngine:
    """HTTP client of the OCR service, as an ``OcrEngine``."""

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
    ) -> None:
        if not url:
            raise EngineUnavailableError("the remote engine needs OCR_SERVICE_URL")
        if not api_key:
            raise EngineUnavailableError("the remote engine needs OCR_API_KEY")
        self.url = url.rstrip("/")
        self.prompt_type = prompt_type
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._client = httpx.Client(
            base_url=self.url, headers={"x-api-key": api_key},
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
        )
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
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if last:
                    raise EngineUnavailableError(
                        f"OCR service at {self.url} unreachable after {attempt + 1} attempt(s): "
                        f"{type(exc).__name__}: {exc}") from exc
                self._sleep(attempt, None, f"{type(exc).__name__}")
                continue
            if response.status_code < 400:
                return response
            if response.status_code not in RETRIED_STATUS or last:
                raise OcrError(f"OCR service {method} {path}: HTTP {response.status_code}: "
                               f"{_detail(response)}")
            self._sleep(attempt, response.headers.get("retry-after"),
                        f"HTTP {response.status_code}")
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _sleep(self, attempt: int, retry_after: str | None, why: str) -> None:
        delay = self.backoff * 2 ** attempt
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        delay = min(delay, self.max_backoff)
        logger.info("OCR service %s: %s; retry %d/%d in %.1f s", self.url, why, attempt + 1,
                    self.retries, delay)
        time.sleep(delay)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    return str(detail)
