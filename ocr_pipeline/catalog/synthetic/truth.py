"""The exact truth of a synthetic catalog: one ``TruthRecord`` per course, as printed.

Fields follow the conventions of ``benchmarks/truth/README.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ocr_pipeline.errors import InputError


@dataclass(frozen=True, slots=True)
class TruthRecord:
    """One course entry exactly as the generator printed it."""

    page: int
    """1-based page of the entry's heading line."""
    subject: str
    """Upper-case subject code, e.g. ``ACCT``, ``GS-CS``."""
    number: str
    """Course number as printed, e.g. ``212``, ``4990``, ``193V``, ``323-0``."""
    course_code: str
    """Normalized ``SUBJ NUM``: upper-case subject, one space."""
    course_code_raw: str
    """The code as printed: ``ACCT-212``, ``CS101``, ``Acct 124``, ``COMP/PSYC 415``."""
    title: str
    """As printed (ALL CAPS when the layout prints caps)."""
    credits_text: str | None
    """The credit expression as printed, without parentheses around it or a trailing period."""
    credits_min: float | None
    credits_max: float | None
    description: str
    """Description sentences joined with single spaces; hyphenation at line ends undone."""
    prerequisites: str | None
    """Text after the prerequisite label, no trailing period."""
    corequisites: str | None = None
    """Text after the corequisite label, no trailing period."""
    cross_listed: list[str] = field(default_factory=list)
    """Normalized codes printed with the course's own in the heading (``PSYC 415``)."""
    attributes: dict[str, str] = field(default_factory=dict)
    """Other labelled lines (label without colon -> value), ``designators`` and ``hours``."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_truth(path: Path, records: Iterable[TruthRecord]) -> Path:
    """Write ``records`` as JSON Lines, one record per line, in the order given."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    return path


def load_truth(path: Path) -> list[TruthRecord]:
    """Read a truth file written by ``write_truth``; files written before corequisites,
    cross-listings and attributes were recorded load with their defaults."""
    records: list[TruthRecord] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(TruthRecord(**json.loads(line)))
            except (json.JSONDecodeError, TypeError) as exc:
                raise InputError(path, f"line {number} is not a truth record ({exc})") from exc
    return records
