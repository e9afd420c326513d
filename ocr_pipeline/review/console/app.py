"""The review console's FastAPI app (the A2I runtime API and the reviewers' pages) and
``serve``, which runs it with uvicorn."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ocr_pipeline.config import Settings
from ocr_pipeline.review.console.api import PREFIX, a2i_router
from ocr_pipeline.review.console.db import ReviewDatabase
from ocr_pipeline.review.console.desk import ReviewDesk
from ocr_pipeline.review.console.errors import ConsoleError, NotSignedInError
from ocr_pipeline.review.console.flows import FlowRegistry
from ocr_pipeline.review.console.pages import render
from ocr_pipeline.review.console.web import API_PREFIX, current_reviewer, web_router
from ocr_pipeline.storage.objects import LocalObjectStore

logger = logging.getLogger(__name__)


def create_app(*, db_path: Path, store: LocalObjectStore,
               flows: FlowRegistry | None = None) -> FastAPI:
    """The console on the SQLite file ``db_path``, writing loop outputs to ``store``.

    ``flows`` defaults to the configured flow ARNs (``Settings.flow_arns``) with the expert
    workteam from ``OCR_REVIEW_EXPERTS``.
    """
    if flows is None:
        flows = FlowRegistry.from_env(arns=Settings.from_env().flow_arns)
    db = ReviewDatabase(path=db_path)
    app = FastAPI(title="OCR review console", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(a2i_router(db=db, flows=flows))
    app.include_router(web_router(desk=ReviewDesk(db=db, store=store, flows=flows)))
    app.add_exception_handler(ConsoleError, _console_error)  # type: ignore[arg-type]
    app.middleware("http")(_internal_errors)
    return app


def serve(*, host: str = "127.0.0.1", port: int = 8089, settings: Settings) -> None:
    """Serve the console for ``settings``' home folder until interrupted."""
    if not _is_loopback(host):
        logger.warning("the review console has no passwords: anyone who can reach %s:%d can "
                       "review under any name", host, port)
    app = create_app(db_path=settings.review_db_path,
                     store=LocalObjectStore(root=settings.objects_root),
                     flows=FlowRegistry.from_env(arns=settings.flow_arns))
    logger.info("review console on http://%s:%d/ (loops in %s)", host, port,
                settings.review_db_path)
    uvicorn.run(app, host=host, port=port)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith((PREFIX, f"{API_PREFIX}/"))


def _console_error(request: Request, exc: ConsoleError) -> Response:
    if _wants_json(request):
        return JSONResponse({"message": str(exc)}, status_code=exc.status,
                            headers={"x-amzn-ErrorType": exc.code})
    if isinstance(exc, NotSignedInError):
        return RedirectResponse("/sign-in", status_code=303)
    return render("error.html", status=exc.status, reviewer=current_reviewer(request),
                  message=str(exc))


async def _internal_errors(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """A bug answers A2I's InternalServerException on a connection that stays usable (an
    exception let through to the server makes it drop the client's kept-alive connection)."""
    try:
        return await call_next(request)
    except Exception:
        logger.exception("%s %s failed", request.method, request.url.path)
        return _console_error(request, ConsoleError("internal error; see the console's log"))
