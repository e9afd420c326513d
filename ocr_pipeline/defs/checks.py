"""Checks of a catalog's course candidates: results are built here, emitted by the asset."""

from collections import Counter

import dagster as dg

from ocr_pipeline.catalog.completeness import Completeness, completeness
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.catalog.parse import CatalogReading
from ocr_pipeline.storage.warehouse import CheckOutcome

MAX_CREDITS = 30.0
MAX_LOW_CONFIDENCE_SHARE = 0.5
SHOWN_ROWS = 20

SPECS = {
    "required_fields_present": "Every record has a course code, a title, a page and a confidence.",
    "course_codes_unique": "No course is printed twice in one catalog (the same code with the "
                           "same title; a topics course printed once per offering has others).",
    "completeness": "Every code-led line on the course pages is a record or explained (a "
                    "cross-reference, a requirement row, a table of contents...), and every "
                    "course page holds an entry; the suspects are listed. A heading that "
                    "became no record fails it as an error, unexplained lines (sent to review) "
                    "and empty course pages as a warning.",
    "credits_in_range": f"Credits, where printed as numbers, lie in 0..{MAX_CREDITS:g}, min <= max.",
    "pages_accounted_for": "Every page of the PDF was read and went into parsing.",
    "low_confidence_share": f"At most {MAX_LOW_CONFIDENCE_SHARE:.0%} of records need review.",
}


def check_specs(asset: str) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(name=name, asset=asset, description=text)
            for name, text in SPECS.items()]


def evaluate(records: list[CourseRecord], *, reading: CatalogReading, pages_in_pdf: int,
             pages_read: int) -> list[dg.AssetCheckResult]:
    missing = [r for r in records if not (r.course_code and r.title and r.page >= 1)]
    counts = Counter((r.course_code, r.title) for r in records)
    duplicates = [r for r in records if counts[(r.course_code, r.title)] > 1]
    bad_credits = [r for r in records if not _credits_ok(r)]
    pending = [r for r in records if r.status == "pending_review"]
    share = len(pending) / len(records) if records else 0.0
    return [
        _result("required_fields_present", missing),
        _result("course_codes_unique", duplicates),
        _result("credits_in_range", bad_credits),
        dg.AssetCheckResult(check_name="pages_accounted_for", passed=pages_read == pages_in_pdf,
                            metadata={"pages_in_pdf": pages_in_pdf, "pages_read": pages_read}),
        dg.AssetCheckResult(
            check_name="low_confidence_share", passed=share <= MAX_LOW_CONFIDENCE_SHARE,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"share": round(share, 4), "records_for_review": len(pending),
                      "rows": dg.MetadataValue.md(_table(pending))},
        ),
        _completeness(completeness(reading, records)),
    ]


def _completeness(report: Completeness) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if report.lost else dg.AssetCheckSeverity.WARN
    lines = ["| page | line | why |", "|---|---|---|"]
    lines += [f"| {s.page} | {s.text[:80].replace('|', '/')} | {s.why} |"
              for s in report.suspects[:SHOWN_ROWS]]
    return dg.AssetCheckResult(
        check_name="completeness", passed=report.passed, severity=severity,
        metadata={
            "code_led_lines": report.code_led, "records": report.headings,
            "explained": report.explained, "lost": len(report.lost),
            "suspects": len(report.suspects),
            "rows": dg.MetadataValue.md("\n".join(lines) if report.suspects else "none"),
        },
    )


def outcomes(results: list[dg.AssetCheckResult]) -> list[CheckOutcome]:
    """The results as the warehouse keeps them (plain JSON metadata)."""
    return [
        CheckOutcome(check_name=str(r.check_name), passed=r.passed, severity=r.severity.value,
                     metadata={key: getattr(value, "value", value)
                               for key, value in r.metadata.items()})
        for r in results
    ]


def _credits_ok(record: CourseRecord) -> bool:
    low, high = record.credits_min, record.credits_max
    if low is None and high is None:
        return True
    return low is not None and high is not None and 0 <= low <= high <= MAX_CREDITS


def _result(name: str, offending: list[CourseRecord]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name, passed=not offending,
        metadata={"offending_rows": len(offending), "rows": dg.MetadataValue.md(_table(offending))},
    )


def _table(records: list[CourseRecord]) -> str:
    if not records:
        return "none"
    lines = ["| record_id | code | title | credits | page | confidence |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.record_id} | {r.course_code} | {r.title[:60]} | {r.credits_text or ''} | "
              f"{r.page} | {r.confidence:.2f} |" for r in records[:SHOWN_ROWS]]
    if len(records) > SHOWN_ROWS:
        lines.append(f"| ... {len(records) - SHOWN_ROWS} more | | | | | |")
    return "\n".join(lines)
