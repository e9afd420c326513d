"""The OCR service: FastAPI routes over one engine (DeepSeek-OCR on a GPU, Tesseract on a CPU).

Every request gets an id (``X-Request-ID``) and a cap on its body, counted as it streams in;
every OCR request is authenticated by ``x-api-key`` before its body is read (``guard.py``).
Its upload is read within the size limit and recognized by its bytes, checked against the
pixel budget before it is decoded or rendered, and its inference run off the event loop
through the ``InferenceRunner``. Errors are answered with their own status code and a
``detail``; an unexpected one with a JSON 500 and the request id its traceback is logged under.

No ``from __future__ import annotations`` here: FastAPI reads the route signatures, and two
of their annotated types (the engine, the batch's files) are made per app, in ``_add_ocr_routes``.
"""

import asyncio
import logging
import platform
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    File,
    Form,
    Request,
    Response,
    Security,
    UploadFile,
)
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from ocr_pipeline import __version__
from ocr_pipeline.errors import (
    OcrPipelineError,
    PromptError,
    ServiceBusyError,
)
from ocr_pipeline.ocr.base import ImageOcrEngine
from ocr_pipeline.ocr.deepseek import PROMPTS, resolve_prompt
from ocr_pipeline.server.guard import API_KEY_HEADER, BodyLimit, RequestIds, keyed_route
from ocr_pipeline.server.loading import EngineSlot, Loader, engine_loader
from ocr_pipeline.server.runner import InferenceRunner
from ocr_pipeline.server.schemas import (
    BatchItem,
    BatchResponse,
    ErrorResponse,
    HealthResponse,
    OcrResponse,
    PageOut,
)
from ocr_pipeline.server.settings import ServerSettings
from ocr_pipeline.server.uploads import (
    Upload,
    check_pages,
    decoded_image,
    expect,
    open_pdf,
    page_numbers,
    read_upload,
    render_page,
    safe_name,
)

logger = logging.getLogger(__name__)

PromptType = Enum("PromptType", {name: name for name in PROMPTS}, type=str)  # type: ignore[misc]
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 413, 415, 500, 503)}
"""Documented on every OCR route (422 is FastAPI's own)."""
_api_key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                               description="one of the keys in OCR_API_KEYS / OCR_API_KEYS_FILE")
"""Documents the key in the schema; ``keyed_route`` checks it, before the body is read."""

FileField = Annotated[UploadFile, File(description="the file; its type is told by its bytes")]
Dpi = Annotated[int, Form(ge=50, le=600, description="resolution the image was scanned or "
                                                     "the PDF is rendered at; boxes are in "
                                                     "points at this resolution")]
Prompt = Annotated[str | None, Form(max_length=4000, description="custom prompt "
                                    "(DeepSeek-OCR); '<image>\\n' is put in front if missing")]
Kind = Annotated[PromptType | None, Form(description="named prompt (default course_catalog)")]
Pages = Annotated[str | None, Form(max_length=200, pattern=r"^[0-9,\- ]*$",
                                   description="pages like 1-3,7 (default: all)")]


def create_app(settings: ServerSettings, *, loader: Loader | None = None) -> FastAPI:
    """The service; ``loader`` replaces the configured engine's loader (tests)."""
    slot = EngineSlot(name=settings.engine, loader=loader or engine_loader(settings))
    runner = InferenceRunner(max_concurrency=settings.max_concurrency,
                             max_queue=settings.max_queue)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        slot.start()
        yield
        runner.shutdown()

    app = FastAPI(title="ocr_pipeline OCR service", version=__version__, lifespan=lifespan,
                  description="Page images and PDFs in, text blocks with boxes and confidence out.")
    app.state.slot, app.state.runner = slot, runner
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestIds)  # outermost: its id is on every answer
    app.add_exception_handler(OcrPipelineError, _pipeline_error)
    _add_health_route(app, settings=settings, slot=slot, runner=runner)
    ocr = APIRouter(route_class=keyed_route(settings.api_keys),
                    dependencies=[Security(_api_key_header)])
    _add_ocr_routes(ocr, settings=settings, slot=slot,
                    reader=_UploadReader(settings=settings, runner=runner))
    app.include_router(ocr)
    app.openapi = partial(_form_openapi, app)  # type: ignore[method-assign]
    return app


async def _pipeline_error(request: Request, exc: OcrPipelineError) -> JSONResponse:
    """The error's own status code and its message as ``detail``; a server error is logged."""
    status = exc.http_status
    if status >= 500:
        logger.warning("request %s: %s %s: %s", request.state.request_id, request.method,
                       request.url.path, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ServiceBusyError) else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


def _add_health_route(app: FastAPI, *, settings: ServerSettings, slot: EngineSlot,
                      runner: InferenceRunner) -> None:
    @app.get("/health", response_model=HealthResponse,
             responses={503: {"model": HealthResponse, "description": "loading or failed"}})
    def health(response: Response) -> HealthResponse:
        """Engine, device, whether the model is loaded, versions; 503 until it is."""
        engine = slot.loaded
        if slot.state != "ok":
            response.status_code = 503
        return HealthResponse(
            status=slot.state, engine=settings.engine,
            engine_version=engine.version if engine else None,
            device=engine.device if engine else None, model_loaded=engine is not None,
            error=slot.error, versions=_versions(settings.engine),
            max_concurrency=runner.max_concurrency, in_flight=runner.in_flight,
            queued=runner.queued, peak_in_flight=runner.peak_in_flight,
        )


@dataclass(frozen=True)
class _UploadReader:
    """Reads an upload's image or PDF pages through the runner, within the settings' limits."""

    settings: ServerSettings
    runner: InferenceRunner

    async def image(self, engine: ImageOcrEngine, upload: Upload, *, dpi: int,
                    prompt: str) -> OcrResponse:
        started = time.perf_counter()
        expect(upload, "image")
        image = await asyncio.to_thread(decoded_image, upload,
                                        max_pixels=self.settings.max_pixels)
        reading = await self.runner.infer(engine.read, image, page=1, dpi=dpi, prompt=prompt)
        return _response(engine, upload, [PageOut.of(reading)], reading.prompt, started)

    async def pdf(self, engine: ImageOcrEngine, upload: Upload, *, dpi: int, prompt: str,
                  pages: str | None) -> OcrResponse:
        started = time.perf_counter()
        expect(upload, "pdf")
        settings, runner = self.settings, self.runner
        used: str | None = None
        out: list[PageOut] = []
        with tempfile.TemporaryDirectory(prefix="ocr-upload-") as folder:
            pdf = await runner.render(open_pdf, upload, Path(folder))
            try:
                numbers = page_numbers(pages, page_count=pdf.page_count,
                                       max_pages=settings.max_pages, name=upload.filename)
                await runner.render(check_pages, pdf, numbers, dpi=dpi,
                                    max_pixels=settings.max_pixels, name=upload.filename)
                for number in numbers:
                    image = await runner.render(render_page, pdf, number, dpi=dpi)
                    reading = await runner.infer(engine.read, image, page=number, dpi=dpi,
                                                 prompt=prompt)
                    used = reading.prompt
                    out.append(PageOut.of(reading))
            finally:
                await runner.render(pdf.close)
        return _response(engine, upload, out, used, started)

    async def batch_item(self, engine: ImageOcrEngine, file: UploadFile, *, dpi: int,
                         prompt: str, pages: str | None) -> BatchItem:
        """One file of a batch, PDF or image, with the status it would have been answered
        alone."""
        name = safe_name(file.filename)
        try:
            upload = await read_upload(file, max_bytes=self.settings.max_upload_bytes)
            result = await (self.pdf(engine, upload, dpi=dpi, prompt=prompt, pages=pages)
                            if upload.kind == "pdf"
                            else self.image(engine, upload, dpi=dpi, prompt=prompt))
        except OcrPipelineError as exc:
            return BatchItem(filename=name, status=exc.http_status, detail=str(exc))
        return BatchItem(filename=name, status=200, result=result)


def _add_ocr_routes(router: APIRouter, *, settings: ServerSettings, slot: EngineSlot,
                    reader: _UploadReader) -> None:
    """``/ocr/image``, ``/ocr/pdf`` and ``/ocr/batch``, read by the engine in ``slot``."""
    Engine = Annotated[ImageOcrEngine, Depends(slot.engine)]
    BatchFiles = Annotated[list[UploadFile], File(min_length=1, max_length=settings.max_batch_files,
                                                  description="PDFs and images (MAX_BATCH_FILES)")]

    @router.post("/ocr/image", response_model=OcrResponse, responses=ERRORS)
    async def ocr_image(engine: Engine, file: FileField, dpi: Dpi = settings.default_dpi,
                        prompt_type: Kind = None, prompt: Prompt = None) -> OcrResponse:
        """OCR of one image (PNG, JPEG, TIFF, BMP, WEBP, PNM)."""
        text = _prompt(prompt_type, prompt)
        upload = await read_upload(file, max_bytes=settings.max_upload_bytes)
        return await reader.image(engine, upload, dpi=dpi, prompt=text)

    @router.post("/ocr/pdf", response_model=OcrResponse, responses=ERRORS)
    async def ocr_pdf(engine: Engine, file: FileField, pages: Pages = None,
                      dpi: Dpi = settings.default_dpi, prompt_type: Kind = None,
                      prompt: Prompt = None) -> OcrResponse:
        """OCR of a PDF's pages, each rendered at ``dpi``."""
        text = _prompt(prompt_type, prompt)
        upload = await read_upload(file, max_bytes=settings.max_upload_bytes)
        return await reader.pdf(engine, upload, dpi=dpi, prompt=text, pages=pages)

    @router.post("/ocr/batch", response_model=BatchResponse, responses=ERRORS)
    async def ocr_batch(engine: Engine, files: BatchFiles,
                        pages: Pages = None, dpi: Dpi = settings.default_dpi,
                        prompt_type: Kind = None, prompt: Prompt = None) -> BatchResponse:
        """Several files, PDFs and images, read concurrently; each file gets the status it
        would have been answered alone, so one bad file does not fail the others."""
        text = _prompt(prompt_type, prompt)
        started = time.perf_counter()
        items = await asyncio.gather(*(
            reader.batch_item(engine, file, dpi=dpi, prompt=text, pages=pages) for file in files
        ))
        return BatchResponse(files=list(items), seconds=round(time.perf_counter() - started, 4))


def _form_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the ``null`` alternative of optional form fields dropped:
    multipart has no null (a field is sent or left out), so documenting one invites clients
    to send the text "null"."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes)
        for name, body in schema["components"]["schemas"].items():
            if not name.startswith("Body_"):
                continue
            for field in body["properties"].values():
                options = [o for o in field.pop("anyOf", []) if o.get("type") != "null"]
                if len(options) == 1:
                    field.update(options[0])
        app.openapi_schema = schema
    return app.openapi_schema


def _prompt(kind: Enum | None, custom: str | None) -> str:
    """The prompt for the request; a bad combination is a 422 like FastAPI's own."""
    try:
        return resolve_prompt(kind.value if kind else None, custom)
    except PromptError as exc:
        raise RequestValidationError([{"type": "value_error", "loc": ("body", "prompt"),
                                       "msg": str(exc), "input": custom}]) from exc


def _response(engine: ImageOcrEngine, upload: Upload, pages: list[PageOut], prompt: str | None,
              started: float) -> OcrResponse:
    return OcrResponse(filename=upload.filename, engine=engine.name,
                       engine_version=engine.version, device=engine.device, prompt=prompt,
                       pages=pages, seconds=round(time.perf_counter() - started, 4))


def _versions(engine: str) -> dict[str, str]:
    versions = {"ocr_pipeline": __version__, "python": platform.python_version()}
    for package in ("fastapi", "uvicorn", "pymupdf") + (
            ("torch", "transformers", "tokenizers") if engine == "deepseek" else ()):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
