"""An ASGI app served by uvicorn from a background thread (the demo's review console, the
OCR service in tests and benchmarks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving(app: Any, *, name: str, host: str = "127.0.0.1", port: int,
            timeout: float = 30.0) -> Iterator[uvicorn.Server]:
    """Serve ``app`` while the block runs; RuntimeError if it does not start in ``timeout``."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the {name} did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
