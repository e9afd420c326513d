"""The one exception hierarchy of ocr_pipeline.

Every error a user can cause (bad input, missing tools) is an ``OcrPipelineError`` whose
message names the file and the reason in one line, so the CLI and the orchestrator can report
it without a traceback.

Each class carries the HTTP status it is answered with (``http_status``), the one mapping the
OCR service and the review console both use; the console's refusals also carry the A2I error
type boto3 raises them as (``a2i_code``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar


class OcrPipelineError(Exception):
    """Base class of every error this package raises on purpose."""

    http_status: ClassVar[int] = 500


class InputError(OcrPipelineError):
    """A catalog file that cannot be processed. Carries the offending path."""

    http_status = 400
    reason = "cannot be processed"

    def __init__(self, path: str | Path, detail: str | None = None) -> None:
        self.path = Path(path)
        self.detail = detail
        text = self.reason if not detail else f"{self.reason}: {detail}"
        super().__init__(f"{self.path.name}: {text}")


class NotAPdfError(InputError):
    http_status = 415
    reason = "not a PDF file"


class UnreadableFileError(InputError):
    reason = "cannot be read"


class CorruptPdfError(InputError):
    reason = "corrupt or truncated PDF"


class EncryptedPdfError(InputError):
    reason = "PDF is encrypted (password protected)"


class EmptyPdfError(InputError):
    reason = "PDF has no pages"


class FileTooLargeError(InputError):
    http_status = 413
    reason = "file is too large"


class PageTooLargeError(InputError):
    reason = "page size is out of range"


class NoCoursesFoundError(InputError):
    reason = "no course entries found"


class OcrError(OcrPipelineError):
    """An OCR engine failed on a page."""


class EngineUnavailableError(OcrError):
    """An OCR engine's program or model is not installed here."""

    http_status = 503


class ConfigurationError(OcrPipelineError):
    """A setting from the environment is missing or malformed."""


class PortInUseError(ConfigurationError):
    """The port a server was asked to listen on is taken."""


class RawCopyError(OcrPipelineError):
    """The raw copy a catalog was registered with is gone, or holds other bytes."""


class ObjectNotFoundError(OcrPipelineError):
    """An object store has nothing under the key or URI asked for."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        super().__init__(f"object not found: {uri}")


class WarehouseError(OcrPipelineError):
    """The analytics warehouse cannot answer (missing database, bad SQL)."""


class QueryRefusedError(WarehouseError):
    """Analyst SQL tried to write, or to reach something other than the warehouse's tables."""


class DuplicateContentError(WarehouseError):
    """Rows of one file's content under a second catalog id."""


class WarehouseBusyError(WarehouseError):
    """Another process held the warehouse's file lock for longer than the timeout."""


class PromptError(OcrPipelineError):
    """An unknown prompt type, or a prompt request that cannot be honoured."""


class EmptyUploadError(InputError):
    reason = "file is empty"


class UnsupportedFileError(InputError):
    http_status = 415
    reason = "unsupported file type"


class TooManyPagesError(InputError):
    http_status = 413
    reason = "too many pages"


class PageRangeError(InputError):
    reason = "page range outside the document"


class ServiceBusyError(OcrPipelineError):
    """The OCR service cannot take the request now (model loading, queue full); retry later."""

    http_status = 503

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class CorruptImageError(InputError):
    reason = "corrupt or truncated image"


class PixelBudgetError(InputError):
    """An image or a PDF page that would decode or render to more pixels than allowed."""

    http_status = 413

    reason = "over the pixel budget"


class ReviewError(OcrPipelineError):
    """A human loop could not be started or read."""


class ConsoleError(OcrPipelineError):
    """A request the review console cannot serve; ``a2i_code`` is the A2I error type the
    console answers it with (``x-amzn-ErrorType``, boto3's ``client.exceptions.<code>``)."""

    a2i_code: ClassVar[str] = "InternalServerException"


class InvalidRequestError(ConsoleError):
    http_status = 400
    a2i_code = "ValidationException"


class NotSignedInError(ConsoleError):
    http_status = 401
    a2i_code = "NotSignedInException"


class ForbiddenError(ConsoleError):
    http_status = 403
    a2i_code = "AccessDeniedException"


class NotFoundError(ConsoleError):
    http_status = 404
    a2i_code = "ResourceNotFoundException"


class ConflictError(ConsoleError):
    http_status = 409
    a2i_code = "ConflictException"


class MissingSignatureError(ForbiddenError):
    """An A2I request without an AWS Signature Version 4 ``Authorization`` header."""

    a2i_code = "MissingAuthenticationTokenException"


class UnknownAccessKeyError(ForbiddenError):
    """An A2I request signed with an access key id that is not the console's."""

    a2i_code = "UnrecognizedClientException"


class SignatureMismatchError(ForbiddenError):
    """An A2I request whose signature is malformed, too old, or not made with the secret key."""

    a2i_code = "InvalidSignatureException"


class UnknownHostError(ConsoleError):
    """A request for a host name the console does not answer for (DNS rebinding, most likely)."""

    http_status = 421
    a2i_code = "MisdirectedRequestException"
