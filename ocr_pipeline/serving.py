"""An ASGI app served by uvicorn from a background thread (the demo's review console, the
OCR service in tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from ocr_pipeline.errors import PortInUseError


@contextmanager
def serving(app: Any, *, name: str, host: str = "127.0.0.1", port: int,
            timeout: float = 30.0) -> Iterator[uvicorn.Server]:
    """Serve ``app`` while the block runs; ``PortInUseError`` if the port is taken,
    RuntimeError if it does not start in ``timeout``."""
    check_port(host=host, port=port)
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


def check_port(*, host: str, port: int) -> None:
    """``PortInUseError`` (one line naming ``--port``) when ``host:port`` cannot be bound, as
    uvicorn would bind it, instead of its traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUseError(f"cannot listen on {host}:{port} ({exc.strerror}): another "
                                 "program has the port; choose another with --port") from None
