"""Who may call the console's A2I runtime API: requests signed with AWS Signature Version 4
and the console's key pair (``review.credentials``), as boto3 signs them for Amazon A2I.

The console recomputes the signature of the request it received with botocore's own signer
and compares the two in constant time. The signature must cover the Host and X-Amz-Date
headers and the body; a request dated more than ``MAX_SKEW`` away from now is refused, so a
captured request cannot be replayed later.
"""

from __future__ import annotations

import hmac
import logging
import re
from datetime import UTC, datetime, timedelta

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from fastapi import Request

from ocr_pipeline.errors import (
    MissingSignatureError,
    SignatureMismatchError,
    UnknownAccessKeyError,
)
from ocr_pipeline.review.credentials import ConsoleCredentials

logger = logging.getLogger(__name__)

SERVICE = "sagemaker"
"""botocore's signing name of ``sagemaker-a2i-runtime``."""
MAX_SKEW = timedelta(minutes=5)
_REQUIRED_HEADERS = ("host", "x-amz-date")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/\s]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/"
    r"(?P<service>[a-z0-9-]+)/aws4_request,\s*SignedHeaders=(?P<headers>[a-z0-9;-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})"
)
_HOW = ("sign with the review console's key pair (OCR_REVIEW_ACCESS_KEY_ID and "
        "OCR_REVIEW_SECRET_ACCESS_KEY, or review-credentials.json in the console's home), as "
        "the pipeline's A2I client does")


class SignatureCheck:
    """A FastAPI dependency that refuses a request not signed with ``credentials``."""

    def __init__(self, *, credentials: ConsoleCredentials) -> None:
        self._credentials = credentials

    async def __call__(self, request: Request) -> None:
        header = request.headers.get("authorization")
        if not header:
            raise MissingSignatureError(f"this API takes AWS Signature Version 4 requests: {_HOW}")
        match = _AUTHORIZATION.fullmatch(header.strip())
        if match is None:
            raise SignatureMismatchError("the Authorization header is not an AWS Signature "
                                         "Version 4 (AWS4-HMAC-SHA256 Credential=..., "
                                         "SignedHeaders=..., Signature=...)")
        if match["key"] != self._credentials.access_key_id:
            raise UnknownAccessKeyError(f"access key id {match['key']!r} is not this "
                                        f"console's: {_HOW}")
        signed = match["headers"].split(";")
        if match["service"] != SERVICE or not set(_REQUIRED_HEADERS) <= set(signed):
            raise SignatureMismatchError(f"the signature must be for service {SERVICE!r} and "
                                         f"cover the {' and '.join(_REQUIRED_HEADERS)} headers")
        stamp = request.headers.get("x-amz-date", "")
        _check_date(stamp, scope_date=match["date"])
        received = await _as_signed(request, signed, stamp)
        signer = SigV4Auth(Credentials(self._credentials.access_key_id,
                                       self._credentials.secret_access_key),
                           SERVICE, match["region"])
        payload = signer.payload(received)
        if (signer.signed_headers(signer.headers_to_sign(received)) != match["headers"]
                or received.headers.get("x-amz-content-sha256", payload) != payload):
            raise SignatureMismatchError("the signed headers or the body's hash cannot be "
                                         "checked: sign the body and standard headers only")
        expected = signer.signature(
            signer.string_to_sign(received, signer.canonical_request(received)), received)
        if not hmac.compare_digest(expected, match["signature"]):
            logger.warning("refused an A2I request with a wrong signature: %s %s",
                           request.method, request.url.path)
            raise SignatureMismatchError("the request signature does not match the one "
                                         f"computed with the console's secret key: {_HOW}")


def _check_date(stamp: str, *, scope_date: str) -> None:
    try:
        moment = datetime.strptime(stamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureMismatchError(f"X-Amz-Date {stamp!r} is not like 20260102T030405Z") from None
    if stamp[:8] != scope_date:
        raise SignatureMismatchError("the credential scope's date is not the X-Amz-Date's")
    if abs(datetime.now(UTC) - moment) > MAX_SKEW:
        raise SignatureMismatchError(f"signature expired: X-Amz-Date {stamp} is more than "
                                     f"{MAX_SKEW} away from the console's clock")


async def _as_signed(request: Request, signed: list[str], stamp: str) -> AWSRequest:
    """The request as the client signed it: its signed headers only, the URL it sent."""
    missing = [name for name in signed if name not in request.headers]
    if missing:
        raise SignatureMismatchError(f"signed header(s) missing: {', '.join(missing)}")
    path = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    query = request.scope.get("query_string", b"")
    url = f"http://{request.headers['host']}{path.decode('latin-1')}"
    if query:
        url += f"?{query.decode('latin-1')}"
    received = AWSRequest(method=request.method, url=url, data=await request.body(),
                          headers={name: ",".join(request.headers.getlist(name))
                                   for name in signed})
    received.context["timestamp"] = stamp
    return received
