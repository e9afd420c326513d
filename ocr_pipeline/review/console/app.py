"""The review console's FastAPI app (the A2I runtime API and the reviewers' pages), which
answers requests for its own host names only (``hosts``), and ``serve``, which runs it with
uvicorn."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ocr_pipeline.config import Settings
from ocr_pipeline.errors import ConsoleError, NotSignedInError, UnknownHostError
from ocr_pipeline.review.console.accounts import SIGN_IN_PATH, ReviewerAccounts
from ocr_pipeline.review.console.api import PREFIX, a2i_router
from ocr_pipeline.review.console.db import ReviewDatabase
from ocr_pipeline.review.console.desk import ReviewDesk
from ocr_pipeline.review.console.flows import FlowRegistry
from ocr_pipeline.review.console.hosts import LOOPBACK_HOSTS, AllowedHosts
from ocr_pipeline.review.console.output import LoopOutputs
from ocr_pipeline.review.console.pages import render
from ocr_pipeline.review.console.sessions import ReviewerSessions
from ocr_pipeline.review.console.signatures import SignatureCheck
from ocr_pipeline.review.console.web import API_PREFIX, web_router
from ocr_pipeline.review.credentials import ConsoleCredentials, console_credentials
from ocr_pipeline.serving import check_port
from ocr_pipeline.storage.objects import LocalObjectStore

logger = logging.getLogger(__name__)

Middleware = Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]


def create_app(*, db_path: Path, store: LocalObjectStore, credentials: ConsoleCredentials,
               flows: FlowRegistry | None = None,
               allowed_hosts: AllowedHosts | None = None) -> FastAPI:
    """The console on the SQLite file ``db_path`` (loops, answers, reviewer accounts), writing
    loop outputs to ``store``.

    ``credentials``: the key pair A2I requests must be signed with (``review.credentials``,
    the pipeline's A2I client signs with the same). ``flows`` defaults to the configured flow
    ARNs (``Settings.flow_arns``); ``allowed_hosts`` to the loopback names.
    """
    if flows is None:
        flows = FlowRegistry.standard(arns=Settings.from_env().flow_arns)
    db = ReviewDatabase(path=db_path)
    accounts = ReviewerAccounts(db=db)
    outputs = LoopOutputs(store=store)
    app = FastAPI(title="OCR review console", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(a2i_router(db=db, flows=flows, outputs=outputs,
                                  signatures=SignatureCheck(credentials=credentials)))
    app.include_router(web_router(
        desk=ReviewDesk(db=db, store=store, flows=flows, outputs=outputs),
        accounts=accounts, sessions=ReviewerSessions(accounts=accounts)))
    app.add_exception_handler(ConsoleError, _console_error)  # type: ignore[arg-type]
    app.middleware("http")(_internal_errors)
    app.middleware("http")(_known_hosts(allowed_hosts or AllowedHosts()))  # the outermost
    return app


def serve(*, host: str = "127.0.0.1", port: int = 8089, settings: Settings,
          allowed_hosts: Iterable[str] = ()) -> None:
    """Serve the console of ``settings``' home folder until interrupted. It answers for the
    loopback names, ``host`` (unless it is a wildcard address) and ``allowed_hosts``."""
    check_port(host=host, port=port)
    names = [*LOOPBACK_HOSTS, *allowed_hosts]
    if not _is_unspecified(host):
        names.append(host)
    if not _is_loopback(host):
        logger.warning("the review console speaks plain HTTP: sign-in links and session "
                       "cookies cross the network to %s:%d unencrypted", host, port)
    app = create_app(db_path=settings.review_db_path,
                     store=LocalObjectStore(root=settings.objects_root),
                     flows=FlowRegistry.standard(arns=settings.flow_arns),
                     credentials=console_credentials(settings),
                     allowed_hosts=AllowedHosts(names=names))
    logger.info("review console on http://%s:%d/ (loops and reviewers in %s)", host, port,
                settings.review_db_path)
    uvicorn.run(app, host=host, port=port)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _known_hosts(hosts: AllowedHosts) -> Middleware:
    """Refuses a request whose Host header is not one of ``hosts``, before anything runs."""

    async def check(request: Request,
                    call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = request.headers.get("host", "")
        if hosts.allows(host):
            return await call_next(request)
        logger.warning("refused a request for host %r: %s %s", host, request.method,
                       request.url.path)
        return _console_error(request, UnknownHostError(
            f"this console answers for {hosts} (any port), not for {host!r}: open it by one "
            "of those names, or serve it with --allow-host NAME"))

    return check


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith((PREFIX, f"{API_PREFIX}/"))


def _console_error(request: Request, exc: ConsoleError) -> Response:
    if _wants_json(request):
        return JSONResponse({"message": str(exc)}, status_code=exc.http_status,
                            headers={"x-amzn-ErrorType": exc.a2i_code})
    if isinstance(exc, NotSignedInError):
        return RedirectResponse(SIGN_IN_PATH, status_code=303)
    reviewer = getattr(request.state, "reviewer", None)
    return render("error.html", status=exc.http_status, reviewer=reviewer and reviewer.name,
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
