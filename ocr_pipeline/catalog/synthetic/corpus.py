"""Course text for synthetic catalogs: a built-in corpus, or titles and descriptions from a CSV.

Everything returned here is already printable with PyMuPDF's base-14 fonts (Latin-1), so what
the typesetter prints and what the truth records are the same characters.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ocr_pipeline.catalog.synthetic.vocabulary import (
    CLOSINGS,
    GENERIC_TOPICS,
    INSTITUTION_KINDS,
    INSTITUTION_PLACES,
    MIDDLES,
    OPENINGS,
    PROPER_WORDS,
    SUBJECTS,
    TITLE_PATTERNS,
    VARIABLE_SENTENCES,
    VARIABLE_TITLES,
)
from ocr_pipeline.errors import InputError, OcrPipelineError

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2500": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\u00ad": None, "\u200b": None, "\u2026": "...",
})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_REQUISITE = re.compile(r"requisite|prereq|coreq", re.IGNORECASE)
MAX_SENTENCES = 6


@dataclass(frozen=True, slots=True)
class CourseText:
    """The words of one course before a layout decides how to print them."""

    subject: str
    number: str
    title: str
    credits: tuple[float, float]
    """(min, max); equal for a fixed number of credits."""
    sentences: tuple[str, ...]
    department: str


def printable(text: str) -> str:
    """``text`` in characters the base-14 fonts print (Latin-1), whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE))
    kept = "".join(c for c in text if 32 <= ord(c) < 127 or 160 < ord(c) < 256)
    return " ".join(kept.split())


def clean_title(title: str) -> str:
    """A title that cannot break a heading form: no parentheses, periods or trailing punctuation."""
    title = re.sub(r"\s*\([^)]*\)", "", printable(title))
    title = title.replace("(", "").replace(")", "").replace(".", "")
    return " ".join(title.split()).rstrip(",:;- ")


def department_name(subject: str) -> str:
    return SUBJECTS[subject][0] if subject in SUBJECTS else f"{subject} Courses"


def institution(rng: random.Random) -> str:
    return f"{rng.choice(INSTITUTION_PLACES)} {rng.choice(INSTITUTION_KINDS)}"


def topics_of(subject: str) -> tuple[str, ...]:
    return SUBJECTS[subject][1] if subject in SUBJECTS else ()


def in_sentence(topic: str) -> str:
    """``topic`` as it reads inside a sentence: common words lower-cased."""
    return " ".join(w if w in PROPER_WORDS else w.lower() for w in topic.split())


def builtin_courses(
    *, rng: random.Random, count: int, number_digits: int, suffix_rate: float
) -> list[CourseText]:
    """``count`` courses from the built-in corpus, sorted by subject and number."""
    low, high = (100, 500) if number_digits == 3 else (1000, 5000)
    limit = (high - low) * len(SUBJECTS)
    if count > limit:
        raise OcrPipelineError(f"at most {limit} built-in courses, {count} asked")
    plan = _plan(rng=rng, capacity={s: high - low for s in SUBJECTS}, count=count)
    courses: list[CourseText] = []
    for subject, n in plan:
        department, topics = SUBJECTS[subject]
        numbers = sorted(rng.sample(range(low, high), n))
        for number in numbers:
            suffix = rng.choice("LVW") if rng.random() < suffix_rate else ""
            courses.append(
                _builtin_course(rng=rng, subject=subject, number=f"{number}{suffix}",
                                department=department, topics=topics)
            )
    return courses


def _builtin_course(
    *, rng: random.Random, subject: str, number: str, department: str, topics: Sequence[str]
) -> CourseText:
    topic = rng.choice(topics)
    if rng.random() < 0.08:
        title = rng.choice(VARIABLE_TITLES).format(t=topic, d=department)
        low = rng.choice((0.0, 1.0, 1.0, 1.0, 2.0))
        credits = (low, low + rng.choice((2.0, 3.0, 5.0)))
        sentences = tuple(rng.sample(VARIABLE_SENTENCES, rng.randint(1, 3)))
        return CourseText(subject, number, title, credits, sentences, department)
    title = rng.choice(TITLE_PATTERNS).format(t=topic)
    if rng.random() < 0.05:
        low = rng.choice((1.0, 2.0, 3.0))
        credits = (low, low + 1.0)
    else:
        value = rng.choices((3.0, 4.0, 1.0, 2.0, 5.0, 1.5), weights=(55, 20, 8, 8, 6, 3))[0]
        credits = (value, value)
    return CourseText(subject, number, title, credits, _sentences(rng, topic, department, topics),
                      department)


def _sentences(
    rng: random.Random, topic: str, department: str, topics: Sequence[str]
) -> tuple[str, ...]:
    count = rng.choices((1, 2, 3, 4, 5, 6), weights=(8, 20, 28, 24, 12, 8))[0]
    related = [in_sentence(t) for t in topics if t != topic] + list(GENERIC_TOPICS)
    fill = {"t": in_sentence(topic), "d": in_sentence(department)}
    sentences = [rng.choice(OPENINGS).format(**fill)]
    middles = rng.sample(MIDDLES, min(len(MIDDLES), max(0, count - 1)))
    for template in middles:
        a, b, c = rng.sample(related, 3)
        sentences.append(template.format(a=a, b=b, c=c, **fill))
    if count > 2 and rng.random() < 0.3:
        sentences[-1] = rng.choice(CLOSINGS)
    return tuple(sentences)


def corpus_courses(*, path: Path, rng: random.Random, count: int) -> list[CourseText]:
    """``count`` courses drawn from a CSV with columns ``number,title,credits,description``."""
    by_subject = _read_corpus(path)
    available = sum(len(v) for v in by_subject.values())
    if count > available:
        raise InputError(path, f"{count} courses requested, the corpus has {available} usable rows")
    plan = _plan(rng=rng, capacity={s: len(v) for s, v in by_subject.items()}, count=count)
    courses: list[CourseText] = []
    for subject, n in plan:
        chosen = rng.sample(by_subject[subject], n)
        courses.extend(sorted(chosen, key=lambda c: _number_key(c.number)))
    return courses


def _read_corpus(path: Path) -> dict[str, list[CourseText]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"number", "title", "credits", "description"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(path, f"corpus CSV lacks columns {', '.join(sorted(missing))}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, f"corpus CSV cannot be read ({exc})") from exc
    by_subject: dict[str, list[CourseText]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        course = _corpus_course(row)
        if course is None or (course.subject, course.number) in seen:
            continue
        seen.add((course.subject, course.number))
        by_subject.setdefault(course.subject, []).append(course)
    if not by_subject:
        raise InputError(path, "corpus CSV has no usable course rows")
    return by_subject


def _corpus_course(row: dict[str, str]) -> CourseText | None:
    parts = printable(row.get("number") or "").split()
    title = clean_title(row.get("title") or "")
    credits = _parse_credits(row.get("credits") or "")
    if len(parts) != 2 or not parts[0].isalpha() or not title or credits is None:
        return None
    sentences = [
        s for s in _SENTENCE_END.split(printable(row.get("description") or ""))
        if s and not _REQUISITE.search(s)
    ][:MAX_SENTENCES]
    if not sentences:
        return None
    subject = parts[0].upper()
    return CourseText(subject, parts[1], title, credits, tuple(sentences), department_name(subject))


def _parse_credits(text: str) -> tuple[float, float] | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*", text)
    if not match:
        return None
    low = float(match.group(1))
    return low, float(match.group(2)) if match.group(2) else low


def _number_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d*", number).group(0)
    return (int(digits) if digits else 0, number)


def _plan(*, rng: random.Random, capacity: dict[str, int], count: int) -> list[tuple[str, int]]:
    """Split ``count`` courses over a few subjects (alphabetical), respecting each capacity."""
    subjects = sorted(capacity)
    wanted = max(1, min(len(subjects), round(count / rng.uniform(4.0, 8.0))))
    chosen = sorted(rng.sample(subjects, wanted))
    while sum(capacity[s] for s in chosen) < count:
        chosen = sorted(set(chosen) | {rng.choice([s for s in subjects if s not in chosen])})
    counts = {s: 0 for s in chosen}
    weights = {s: 0.3 + rng.random() for s in chosen}
    for s in chosen[:count]:
        counts[s] = 1
    for _ in range(count - sum(counts.values())):
        open_ = [s for s in chosen if counts[s] < capacity[s]]
        pick = rng.choices(open_, weights=[weights[s] for s in open_])[0]
        counts[pick] += 1
    return [(s, counts[s]) for s in chosen if counts[s]]
