"""From parsed entries to course records (the DESIGN.md contract)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from ocr_pipeline.catalog import confidence
from ocr_pipeline.catalog.headings import normalize_code
from ocr_pipeline.catalog.ids import record_id
from ocr_pipeline.catalog.models import CourseRecord, PageText
from ocr_pipeline.catalog.parse import ParsedEntry

logger = logging.getLogger(__name__)


def build_records(
    entries: Sequence[ParsedEntry],
    *,
    pages: Sequence[PageText],
    catalog: str,
    source_uri: str,
    source_sha256: str,
    threshold: float = confidence.DEFAULT_THRESHOLD,
    extracted_at: datetime | None = None,
) -> list[CourseRecord]:
    """One record per entry; the same code twice on one page keeps the surer one, doubted."""
    methods = {page.page: page.method for page in pages}
    stamp = (extracted_at or datetime.now(UTC)).isoformat(timespec="seconds")
    by_id: dict[str, CourseRecord] = {}
    for entry in entries:
        code = normalize_code(entry.code.subject, entry.code.number)
        value, factors = confidence.score(entry)
        rid = record_id(catalog=catalog, course_code=code, page=entry.page)
        record = CourseRecord(
            record_id=rid,
            catalog_id=catalog,
            source_uri=source_uri,
            source_sha256=source_sha256,
            page=entry.page,
            bbox=entry.bbox,
            subject=entry.code.subject.upper().rstrip("&"),
            number=entry.code.number.upper(),
            course_code=code,
            course_code_raw=entry.code.raw,
            title=entry.title,
            credits_text=entry.credits.text if entry.credits else None,
            credits_min=entry.credits.low if entry.credits else None,
            credits_max=entry.credits.high if entry.credits else None,
            description=entry.description,
            prerequisites=entry.prerequisites,
            method=methods.get(entry.page, "unknown"),
            confidence=value,
            status="auto_accepted" if value >= threshold else "pending_review",
            extracted_at=stamp,
            confidence_factors=factors,
        )
        previous = by_id.get(rid)
        if previous is not None:
            logger.info("%s: %s printed twice on page %d", catalog, code, entry.page)
            keep = previous if previous.confidence >= record.confidence else record
            keep.confidence = round(keep.confidence * 0.5, 4)
            keep.confidence_factors["duplicate"] = 0.5
            keep.status = "pending_review"
            record = keep
        by_id[rid] = record
    return list(by_id.values())


def method_mix(pages: Sequence[PageText]) -> Counter[str]:
    return Counter(page.method for page in pages)
