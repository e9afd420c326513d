"""From parsed entries to course records (the record contract, ARCHITECTURE.md)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from ocr_pipeline.catalog import confidence
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
    """One record per course number of each entry (``SPAN 351, 352`` gives two). The same
    code twice on one page with the same title keeps the surer one, doubted; with another
    title (a topics course printed once per offering) it is another record."""
    methods = {page.page: page.method for page in pages}
    stamp = (extracted_at or datetime.now(UTC)).isoformat(timespec="seconds")
    by_id: dict[str, CourseRecord] = {}
    titles: dict[tuple[str, int], list[str]] = {}
    vouched = confidence.sure_words(pages)
    repeated = confidence.repeated_readings(pages)
    pairs = confidence.sure_pairs(pages, among=confidence.marked_pairs(entries))
    in_order = {id(entries[i]) for i in confidence.codes_in_order(entries)}
    usual = confidence.usual_credits(entries)
    for entry, number, code in _numbered(entries):
        seen = titles.setdefault((code, entry.page), [])
        if entry.title not in seen:
            seen.append(entry.title)
        rid = record_id(catalog=catalog, course_code=code, page=entry.page,
                        occurrence=seen.index(entry.title) + 1)
        value, factors = confidence.score(entry, vouched=vouched, usual=usual, repeated=repeated,
                                          pairs=pairs, code_in_order=id(entry) in in_order)
        record = CourseRecord(
            record_id=rid, catalog_id=catalog, source_uri=source_uri,
            source_sha256=source_sha256, page=entry.page, bbox=entry.bbox,
            subject=code.rpartition(" ")[0] or code.partition(".")[0], number=number.upper(),
            course_code=code,
            course_code_raw=(entry.code.raw if number == entry.code.number
                             else f"{entry.code.subject}{entry.code.sep}{number}"),
            title=entry.title,
            credits_text=entry.credits.text if entry.credits else None,
            credits_min=entry.credits.low if entry.credits else None,
            credits_max=entry.credits.high if entry.credits else None,
            description=entry.description, prerequisites=entry.prerequisites,
            corequisites=entry.corequisites, cross_listed=list(entry.cross_listed),
            attributes=dict(entry.attributes), method=methods.get(entry.page, "unknown"),
            confidence=value, status="auto_accepted" if value >= threshold else "pending_review",
            extracted_at=stamp, confidence_factors=factors,
        )
        previous = by_id.get(rid)
        if previous is not None:
            logger.info("%s: %s printed twice on page %d with one title", catalog, code,
                        entry.page)
            record = _doubted(previous if previous.confidence >= record.confidence else record)
        by_id[rid] = record
    return list(by_id.values())


def _doubted(record: CourseRecord) -> CourseRecord:
    record.confidence = round(record.confidence * 0.5, 4)
    record.confidence_factors["duplicate"] = 0.5
    record.status = "pending_review"
    return record


def _numbered(entries: Sequence[ParsedEntry]) -> Iterator[tuple[ParsedEntry, str, str]]:
    for entry in entries:
        numbers = (entry.code.number, *entry.code.more_numbers)
        for number, code in zip(numbers, entry.code.codes, strict=True):
            yield entry, number, code


def method_mix(pages: Sequence[PageText]) -> Counter[str]:
    return Counter(page.method for page in pages)
