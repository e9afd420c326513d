"""The local review console's key pair: the pipeline's A2I client signs its requests with it
(AWS Signature Version 4, as boto3 does for Amazon A2I) and the console checks them against it.

Where it comes from: ``OCR_REVIEW_ACCESS_KEY_ID`` and ``OCR_REVIEW_SECRET_ACCESS_KEY`` when
they are set (both or neither); otherwise ``<OCR_PIPELINE_HOME>/review-credentials.json``, made
once with random keys and file mode 0600 by whichever process needs it first, so the console
and the pipeline of one home share it without configuration.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ocr_pipeline.config import Settings
from ocr_pipeline.errors import ConfigurationError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsoleCredentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)


def console_credentials(settings: Settings) -> ConsoleCredentials:
    """The key pair of the console of ``settings``: from the settings, else its home's file."""
    key_id, secret = settings.review_access_key_id, settings.review_secret_access_key
    if key_id and secret:
        return ConsoleCredentials(access_key_id=key_id, secret_access_key=secret)
    if key_id or secret:
        raise ConfigurationError("set both OCR_REVIEW_ACCESS_KEY_ID and "
                                 "OCR_REVIEW_SECRET_ACCESS_KEY, or neither (then the key pair "
                                 f"is kept in {settings.review_credentials_path})")
    return stored_credentials(settings.review_credentials_path)


def stored_credentials(path: Path) -> ConsoleCredentials:
    """The key pair in ``path``, made first if there is none (the first writer wins a race)."""
    if not path.exists():
        _create(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ConsoleCredentials(access_key_id=data["access_key_id"],
                                  secret_access_key=data["secret_access_key"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: not a review console key pair ({exc}); delete it "
                                 "to have a new one made") from None


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pair = {"access_key_id": "OCRREVIEW" + secrets.token_hex(8).upper(),
            "secret_access_key": secrets.token_urlsafe(30)}
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(pair, out)
        os.link(draft, path)  # whole and private, or not at all: another process was first
        logger.info("made the review console's key pair in %s", path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
