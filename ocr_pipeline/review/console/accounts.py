"""Reviewer accounts, their one-time sign-in links, and the key that signs session cookies,
in the console's SQLite file.

An account is its name (the worker id of its answers: consensus counts distinct accounts)
and whether it is an expert. An administrator adds it (``ocr-pipeline review-console
add-reviewer NAME [--expert]``) and hands the reviewer the link printed: a random token, of
which only a SHA-256 hash is stored, that signs in once within ``LINK_LIFETIME``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from ocr_pipeline.errors import ConflictError, InvalidRequestError, NotFoundError
from ocr_pipeline.review.console.db import ReviewDatabase

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(days=7)
SIGN_IN_PATH = "/sign-in"
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviewers (
    name TEXT PRIMARY KEY,
    expert INTEGER NOT NULL CHECK (expert IN (0, 1)),
    created_time REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_links (
    token_sha256 TEXT PRIMARY KEY,
    reviewer TEXT NOT NULL REFERENCES reviewers (name),
    expires_time REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS console_keys (
    purpose TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
"""


def reviewer_name(raw: str) -> str:
    """An account name as the console keys it: trimmed, lower case, ``[a-z0-9._-]``, <= 63."""
    name = raw.strip().lower()
    if not _NAME.fullmatch(name):
        raise InvalidRequestError(
            f"invalid reviewer name {raw!r}: use 1 to 63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def sign_in_url(base_url: str, token: str) -> str:
    """The link that signs in with ``token`` at the console served at ``base_url``."""
    return f"{base_url.rstrip('/')}{SIGN_IN_PATH}?{urlencode({'token': token})}"


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    """The account's id: its answers' worker id."""
    expert: bool


class ReviewerAccounts:
    """Accounts and sign-in links in the console's database."""

    def __init__(self, *, db: ReviewDatabase) -> None:
        self._db = db
        with db.transaction(write=True) as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def add(self, raw_name: str, *, expert: bool) -> str:
        """Make an account; return a token of a one-time sign-in link for it."""
        name = reviewer_name(raw_name)
        with self._db.transaction(write=True) as conn:
            try:
                conn.execute("INSERT INTO reviewers VALUES (?, ?, ?)",
                             (name, int(expert), time.time()))
            except sqlite3.IntegrityError:
                raise ConflictError(f"reviewer {name!r} exists already") from None
            token = self._link(conn, name)
        logger.info("reviewer %s added%s", name, " (expert)" if expert else "")
        return token

    def new_link(self, raw_name: str) -> str:
        """A token of a new one-time sign-in link for an existing account."""
        name = reviewer_name(raw_name)
        with self._db.transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM reviewers WHERE name = ?", (name,)).fetchone() is None:
                raise NotFoundError(f"there is no reviewer {name!r}: add-reviewer makes one")
            return self._link(conn, name)

    def redeem(self, token: str) -> Account | None:
        """The account a sign-in link's token is for, using the link up; None if the token
        was never issued, was used, or expired."""
        digest = _sha256(token)
        with self._db.transaction(write=True) as conn:
            row = conn.execute(
                "SELECT r.name, r.expert, l.expires_time FROM sign_in_links l "
                "JOIN reviewers r ON r.name = l.reviewer WHERE l.token_sha256 = ?", (digest,),
            ).fetchone()
            conn.execute("DELETE FROM sign_in_links WHERE token_sha256 = ? OR expires_time < ?",
                         (digest, time.time()))
        if row is None or row["expires_time"] < time.time():
            return None
        logger.info("reviewer %s signed in with a link", row["name"])
        return Account(name=row["name"], expert=bool(row["expert"]))

    def get(self, name: str) -> Account | None:
        with self._db.transaction(write=False) as conn:
            row = conn.execute("SELECT name, expert FROM reviewers WHERE name = ?",
                               (name,)).fetchone()
        return None if row is None else Account(name=row["name"], expert=bool(row["expert"]))

    def session_key(self) -> str:
        """The key that signs session cookies: made once, kept in the database."""
        with self._db.transaction(write=True) as conn:
            conn.execute("INSERT OR IGNORE INTO console_keys VALUES ('session', ?)",
                         (secrets.token_urlsafe(32),))
            return str(conn.execute(
                "SELECT secret FROM console_keys WHERE purpose = 'session'").fetchone()[0])

    @staticmethod
    def _link(conn: sqlite3.Connection, name: str) -> str:
        token = secrets.token_urlsafe(32)
        expires = time.time() + LINK_LIFETIME.total_seconds()
        conn.execute("INSERT INTO sign_in_links VALUES (?, ?, ?)", (_sha256(token), name, expires))
        return token


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
