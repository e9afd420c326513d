"""Stable identifiers: catalog ids (partition keys) and record ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(text: str, *, max_length: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "catalog"


def catalog_id(*, file_name: str, sha256: str) -> str:
    """``<slug of the file name>-<first 8 hex of its sha256>``: same bytes, same catalog."""
    stem = file_name.rsplit(".", 1)[0]
    return f"{slugify(stem)}-{sha256[:8]}"


def record_id(*, catalog: str, course_code: str, page: int, occurrence: int = 1) -> str:
    """Stable id of a record: its catalog, code and first page; ``occurrence`` counts entries
    of one code on one page (a topics course printed once per offering)."""
    key = f"{catalog}|{course_code}|{page}" + (f"|{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(key.encode()).hexdigest()[:20]
