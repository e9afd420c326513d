"""What stands between a request and its route: an id for every request (and a JSON 500 that
carries it), a cap on the body counted as it streams in, and the API key checked before the
body is read.

None of it is a FastAPI dependency: FastAPI reads (and spools) the whole form before it solves
the first dependency, so a dependency sees the key only after the upload is on disk.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

API_KEY_HEADER = "x-api-key"
REQUEST_ID_HEADER = "X-Request-ID"
CLOSE = {"Connection": "close"}
"""On an answer given before the body is read: the server closes the connection instead of
reading the rest of the body to throw it away."""


class RequestIds:
    """Gives every request an id, in ``request.state.request_id`` and the ``X-Request-ID``
    header of its answer. An error no handler answered is logged with the id and its traceback,
    and answered with a JSON 500 that carries the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def tagged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        except Exception:
            logger.exception("request %s: %s %s failed", request_id, scope["method"],
                             scope["path"])
            if started:
                raise
            await _internal_error(request_id)(scope, receive, tagged)


def _internal_error(request_id: str) -> JSONResponse:
    return JSONResponse({"detail": f"internal error; the service's log has it under request id "
                                   f"{request_id}", "request_id": request_id}, status_code=500)


class BodyLimit:
    """Caps the request body at ``max_bytes``, declared (Content-Length) or chunked: the app's
    ``receive`` counts the bytes as they stream in and raises a 413 at the first chunk past the
    cap (at the first read if Content-Length is over it), so the rest is never read.

    The 413 is an HTTPException, the one kind of error FastAPI lets out of its body parsing
    (any other becomes a 400). FastAPI's own ``max_body_size`` is not used: it answers a
    Content-Length over the cap with a plain-text 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        declared = int(length) if length.isdigit() else 0
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared > self.max_bytes:
                raise self._too_large(f"{declared:,}")
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._too_large(f"at least {received:,}")
            return message

        await self.app(scope, counted, send)

    def _too_large(self, size: str) -> HTTPException:
        return HTTPException(413, f"request body of {size} bytes; the limit is "
                                  f"{self.max_bytes:,}", headers=CLOSE)


def keyed_route(api_keys: frozenset[str]) -> type[APIRoute]:
    """A route class whose routes refuse a request without one of ``api_keys`` in
    ``x-api-key`` (401) before anything reads its body."""

    class KeyedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def keyed(request: Request) -> Response:
                check_key(request.headers.get(API_KEY_HEADER), api_keys)
                return await handler(request)

            return keyed

    return KeyedRoute


def check_key(key: str | None, api_keys: frozenset[str]) -> None:
    """HTTPException 401 unless ``key`` is one of ``api_keys`` (compared in constant time)."""
    if not key:
        raise HTTPException(401, f"missing {API_KEY_HEADER} header", headers=_UNAUTHORIZED)
    if not any(hmac.compare_digest(key.encode(), k.encode()) for k in api_keys):
        raise HTTPException(401, "invalid API key", headers=_UNAUTHORIZED)


_UNAUTHORIZED = {"WWW-Authenticate": "ApiKey", **CLOSE}
