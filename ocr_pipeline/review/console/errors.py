"""What the review console refuses, with the A2I error type and HTTP status of each refusal.

The A2I runtime API answers with ``{"message": ...}`` and the ``x-amzn-ErrorType`` header, which
is what boto3 turns into ``client.exceptions.<code>``; the web pages show the message.
"""

from __future__ import annotations

from ocr_pipeline.errors import OcrPipelineError


class ConsoleError(OcrPipelineError):
    """A request the console cannot serve; ``code`` is the A2I error type, ``status`` HTTP's."""

    code = "InternalServerException"
    status = 500


class InvalidRequestError(ConsoleError):
    code = "ValidationException"
    status = 400


class NotSignedInError(ConsoleError):
    code = "NotSignedInException"
    status = 401


class ForbiddenError(ConsoleError):
    code = "AccessDeniedException"
    status = 403


class NotFoundError(ConsoleError):
    code = "ResourceNotFoundException"
    status = 404


class ConflictError(ConsoleError):
    code = "ConflictException"
    status = 409


class MissingSignatureError(ForbiddenError):
    """An A2I request without an AWS Signature Version 4 ``Authorization`` header."""

    code = "MissingAuthenticationTokenException"


class UnknownAccessKeyError(ForbiddenError):
    """An A2I request signed with an access key id that is not the console's."""

    code = "UnrecognizedClientException"


class SignatureMismatchError(ForbiddenError):
    """An A2I request whose signature is malformed, too old, or not made with the secret key."""

    code = "InvalidSignatureException"


class UnknownHostError(ConsoleError):
    """A request for a host name the console does not answer for (DNS rebinding, most likely)."""

    code = "MisdirectedRequestException"
    status = 421
