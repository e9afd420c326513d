"""Never a course silently lost: every code-led line of the course pages is a record or has a
reason not to be, and every page of the course section holds some entry.

The parser gives every code-led line an outcome; this module checks that outcome against the
records that were made, independently of how the parser decided, and lists what a person
should look at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.catalog.parse import CatalogReading


@dataclass(frozen=True, slots=True)
class Suspect:
    page: int
    text: str
    why: str
    """``lost`` (a heading that became no record), ``unexplained`` (a review record nothing
    explains), ``empty_page`` (a course page that holds no entry)."""


@dataclass(slots=True)
class Completeness:
    code_led: int
    """Code-led lines on the course pages."""
    headings: int
    explained: int
    suspects: list[Suspect] = field(default_factory=list)

    @property
    def lost(self) -> list[Suspect]:
        return [s for s in self.suspects if s.why == "lost"]

    @property
    def passed(self) -> bool:
        return not self.suspects


def completeness(reading: CatalogReading, records: Sequence[CourseRecord]) -> Completeness:
    """How the course pages' code-led lines were accounted for, and the suspects."""
    pages = reading.section_pages
    made = {(r.page, r.course_code_raw) for r in records}
    entries = {(e.page, e.heading[0].text): e for e in reading.entries}
    report = Completeness(code_led=0, headings=0, explained=0)
    for line in reading.code_led:
        if line.page not in pages:
            continue
        report.code_led += 1
        if line.outcome not in ("heading", "unexplained"):
            report.explained += 1
            continue
        entry = entries.get((line.page, line.text))
        if entry is None or (entry.page, entry.code.raw) not in made:
            report.suspects.append(Suspect(page=line.page, text=line.text, why="lost"))
            continue
        report.headings += 1
        if line.outcome == "unexplained":
            report.suspects.append(Suspect(page=line.page, text=line.text, why="unexplained"))
    report.suspects += [Suspect(page=p, text="", why="empty_page") for p in reading.empty_pages]
    return report
