"""Reviewers' sessions: a cookie naming the account, signed with the console's session key
(itsdangerous, HMAC-SHA256) and dated, so a cookie that was not issued by
this console, was altered, or is older than ``SESSION_LIFETIME`` names no one.

The account is read again on every request: its expert role is the account's, never the
cookie's.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ocr_pipeline.review.console.accounts import Account, ReviewerAccounts

logger = logging.getLogger(__name__)

COOKIE = "ocr_review_session"
SALT = "ocr-review-console.session"
SESSION_LIFETIME = timedelta(days=7)


class ReviewerSessions:
    def __init__(self, *, accounts: ReviewerAccounts) -> None:
        self._accounts = accounts
        self._serializer = URLSafeTimedSerializer(
            accounts.session_key(), salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})

    def start(self, response: Response, account: Account) -> None:
        """Make ``response`` sign ``account`` in."""
        response.set_cookie(COOKIE, self._serializer.dumps(account.name), httponly=True,
                            samesite="strict",
                            max_age=int(SESSION_LIFETIME.total_seconds()))

    @staticmethod
    def end(response: Response) -> None:
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")

    def reviewer(self, request: Request) -> Account | None:
        """The account the request's session cookie names, if it is valid and still exists."""
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            name = self._serializer.loads(raw, max_age=SESSION_LIFETIME.total_seconds())
        except BadSignature as exc:  # SignatureExpired is one
            logger.info("refused a session cookie: %s", exc)
            return None
        return self._accounts.get(name) if isinstance(name, str) else None
