"""Inference off the event loop: at most ``max_concurrency`` at once, a bounded queue before.

Requests wait on an asyncio semaphore (a client that disconnects while waiting leaves the queue
without costing an inference); admitted work runs in a thread pool of the same size. PDF
rendering goes through one dedicated thread, because PyMuPDF must not be used from two
threads at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from ocr_pipeline.errors import ServiceBusyError

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_AFTER_BUSY = 2
"""Seconds a client is told to wait when the queue is full."""


class InferenceRunner:
    def __init__(self, *, max_concurrency: int, max_queue: int) -> None:
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self._slots = asyncio.Semaphore(max_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="ocr")
        self._render = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        self._lock = threading.Lock()
        self.queued = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        """Most inferences ever running at once, counted inside the worker threads."""

    async def infer(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        """Run ``fn`` in an inference slot; ServiceBusyError when the queue is full."""
        if self._slots.locked() and self.queued >= self.max_queue:
            raise ServiceBusyError(f"{self.queued} requests are already waiting; retry later",
                                   retry_after=RETRY_AFTER_BUSY)
        self.queued += 1
        try:
            await self._slots.acquire()
        finally:
            self.queued -= 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, partial(self._counted, fn, *args,
                                                                  **kwargs))
        finally:
            self._slots.release()

    async def render(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        """Run PyMuPDF work on the one rendering thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._render, partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._render.shutdown(wait=True, cancel_futures=True)

    def _counted(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self.in_flight -= 1
