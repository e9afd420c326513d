"""A catalog's own entry template, learned from the catalog in a first pass.

Every code-led line is a candidate (``candidates.py``). Candidates are grouped by how the code
is set (bold, italic, size against the body text) and shaped (``SUBJ 101``, ``SUBJ101``...). The
group whose members most often start a paragraph, look like a title and are followed by running
text is the catalog's heading style. Its entries then show the rest of the template: the
separator after the code, whether the description runs in on the heading line, where and how
credits are printed, which ``Label:`` lines recur, which decorations (designators, cross-listed
codes) recur. The second pass (``parse.py``) reads the catalog with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ocr_pipeline.catalog.candidates import BodyStyle, Candidate, Style
from ocr_pipeline.catalog.fields import CREDIT_POSITIONS, HeadingRules, read_body, read_heading
from ocr_pipeline.catalog.labels import known_field, line_label
from ocr_pipeline.catalog.stream import StreamLine

PROSE_WORDS = 8
"""Words of running text after a candidate that show it heads an entry."""
_MIN_SHARE = 0.05
_MAX_BODY_LINES = 80
_CREDIT_WORD = re.compile(r"\b(?:credits?|credit hours|units?|semester hours)\b", re.I)
_SAMPLE = 400
_USUAL = 0.6
"""Entries of a catalog read in the first pass, spread evenly over it."""


@dataclass(frozen=True, slots=True)
class HeadingTemplate:
    style: Style
    shape: str
    distinct: bool
    """The heading's code is set apart from the body text (bold, italic or size)."""
    after: dict[str, float]
    """Separator printed after the code (``.``, ``-``, ``—``, ``" "``) and its share."""
    marker: float
    """Share of headings with a bullet before the code."""
    indent: dict[str, float]
    run_in: float
    """Share of headings whose description starts on the heading line."""
    alone: float
    """Share of headings with the code alone on its line."""
    title_below: float
    """Share of headings whose title is on the line below the code."""
    fields: float
    """Share of headings that print ``Label:value`` fields beside the code."""
    title_end: str = ""
    """The sign that ends run-in titles (``.``, ``-``), where most of them end with one."""

    def typical_after(self, after: str) -> bool:
        return self.after.get(after, 0.0) >= _MIN_SHARE

    def typical_indent(self, indent: str) -> bool:
        return self.indent.get(indent, 0.0) >= _MIN_SHARE


@dataclass(frozen=True, slots=True)
class CreditsTemplate:
    positions: dict[str, float]
    """Where credits are printed (``heading``, ``after_code``, ``next_line``, ``label``,
    ``paragraph_end``) and the share of entries that print them there."""
    forms: dict[str, float]
    expected: float
    """Share of entries that print credits at all."""
    highest: float | None
    """The largest credit value printed by at least two entries."""
    unread: float = 0.0
    """Share of entries that name credits (a ``Credits`` column, ``3 credits``) where none
    were read: credits printed in a way the template does not know."""

    @property
    def learned(self) -> frozenset[str]:
        return frozenset(p for p, share in self.positions.items() if share >= _MIN_SHARE)


@dataclass(frozen=True, slots=True)
class CatalogProfile:
    """What a catalog's course entries look like, and where they are."""

    heading: HeadingTemplate
    credits: CreditsTemplate
    labels: dict[str, str]
    """Recurring line-start labels (as printed) -> the field they fill."""
    label_entries: dict[str, int]
    """How many entries print each label."""
    designators: dict[str, int]
    cross_listed: dict[str, int]
    """How cross-listings are printed (``heading``, ``label``) and how often."""
    body: BodyStyle
    entries: int
    """Entries the template was learned from."""
    sections: tuple[tuple[int, int], ...] = ()
    """Course-description page ranges (1-based, inclusive), filled by the second pass."""
    candidates: int = 0
    headings: int = 0
    explained: dict[str, int] = field(default_factory=dict)
    unexplained: int = 0

    @property
    def learned_labels(self) -> frozenset[str]:
        return frozenset(self.labels)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sections"] = [list(s) for s in self.sections]
        return data

    def pages_text(self) -> str:
        return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.sections) or "none"

    def markdown(self) -> str:
        """The profile as a two-column Markdown table."""
        lines = ["| feature | learned |", "|---|---|"]
        lines += [f"| {name} | {value.replace('|', '/')} |" for name, value in self.rows()]
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str]]:
        """The profile as (feature, value) rows, for people to read."""
        h, c = self.heading, self.credits
        rows = [
            ("course pages", self.pages_text()),
            ("candidates", f"{self.candidates} code-led lines: {self.headings} headings, "
             f"{sum(self.explained.values())} explained, {self.unexplained} unexplained"),
            ("explained as", _shares({k: float(v) for k, v in self.explained.items()},
                                     percent=False)),
            ("heading style", f"{h.style.describe()} (body {self.body.size:g} pt"
             f"{' bold' if self.body.bold else ''})"),
            ("code shape", h.shape),
            ("after the code", _shares(h.after)),
            ("heading form", _form(h)),
            ("credits printed", f"{c.expected:.0%} of entries"
             + (f"; {c.unread:.0%} name credits where none were read" if c.unread else "")),
            ("credits where", _shares(c.positions)),
            ("credits as", _shares(c.forms)),
            ("labels", "; ".join(f"{label} -> {fld} ({self.label_entries.get(label, 0)})"
                                 for label, fld in self.labels.items()) or "none"),
            ("designators", ", ".join(f"{d} ({n})" for d, n in list(self.designators.items())[:12])
             or "none"),
            ("cross-listings", _shares({k: float(v) for k, v in self.cross_listed.items()},
                                       percent=False)),
        ]
        return rows


def _form(h: HeadingTemplate) -> str:
    parts = [f"run-in {h.run_in:.0%}" + (f" (title ends with {h.title_end!r})"
                                        if h.title_end else ""), f"code alone {h.alone:.0%}",
             f"title below {h.title_below:.0%}", f"fields beside the code {h.fields:.0%}",
             f"bullet {h.marker:.0%}",
             "indent " + _shares(h.indent)]
    return ", ".join(parts)


def _shares(values: dict[str, float], *, percent: bool = True) -> str:
    if not values:
        return "none"
    shown = sorted(values.items(), key=lambda kv: -kv[1])
    if percent:
        return ", ".join(f"{k!r} {v:.0%}" if k.strip() != k or not k else f"{k} {v:.0%}"
                         for k, v in shown)
    return ", ".join(f"{k} {v:g}" for k, v in shown)


def heading_group(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates set like the catalog's headings: the signature group with the most
    members that start a paragraph, read like a title and are followed by running text,
    weighed by the share of its members that do: a scan's 20 pages of Oregon held 75 such
    headings measured bold (of 101) and 75 such lines of plain type (of 546, the rows of its
    requirement tables), and the plain ones' greater number made the bold headings body."""
    groups: dict[tuple[Style, str], list[Candidate]] = {}
    for cand in candidates:
        groups.setdefault(cand.signature, []).append(cand)
    if not groups:
        return []

    def weight(group: list[Candidate]) -> tuple[float, int]:
        entries = sum(map(looks_like_entry, group))
        return entries * entries / len(group), len(group)

    return max(groups.values(), key=weight)


def looks_like_entry(cand: Candidate) -> bool:
    return (cand.starts and cand.rest in ("title", "empty", "credits")
            and cand.prose_after >= PROSE_WORDS)


def learn_profile(
    stream: Sequence[StreamLine], candidates: Sequence[Candidate], body: BodyStyle
) -> CatalogProfile | None:
    """First pass: the template of the catalog's entries, or None if it has no candidates."""
    group = heading_group(candidates)
    if not group:
        return None
    style, shape = group[0].signature
    distinct = style != body.plain
    heads = [c for c in group if c.rest in ("title", "empty", "credits")
             and (c.starts or distinct)]
    good = [c for c in heads if looks_like_entry(c)] or heads
    stats = _Stats()
    at = frozenset(c.index for c in heads)
    step = max(1, len(heads) // _SAMPLE)  # a big catalog's template shows in a sample of it
    for n in range(0, len(heads), step):
        cand = heads[n]
        stop = heads[n + 1].index if n + 1 < len(heads) else len(stream)
        stats.add(stream, cand, stop=min(stop, cand.index + _MAX_BODY_LINES), body=body,
                  distinct=distinct, heads=at)
    total = max(stats.entries, 1)
    labels_seen = _labels(stream, heads)
    template = HeadingTemplate(
        style=style,
        shape=shape,
        distinct=distinct,
        after=_share(Counter(c.code.after for c in good), len(good)),
        marker=sum(c.code.marker for c in good) / len(good),
        indent=_share(Counter(c.indent for c in good), len(good)),
        run_in=stats.run_in / total,
        alone=stats.alone / total,
        title_below=stats.title_below / total,
        fields=stats.fields / total,
        title_end=_usual(stats.title_ends, stats.run_in),
    )
    minimum = max(2, int(0.02 * len(heads)))
    labels = {label: (known_field(label) or ("attributes", False))[0]
              for label, n in labels_seen.most_common() if n >= minimum}
    return CatalogProfile(
        heading=template,
        credits=CreditsTemplate(
            positions=_share(stats.positions, total),
            forms=_share(stats.forms, max(sum(stats.forms.values()), 1)),
            expected=round(sum(stats.positions.values()) / total, 3),
            highest=max((v for v, n in stats.values.items() if n >= 2), default=None),
            unread=round(stats.unread / total, 3),
        ),
        labels=labels,
        label_entries={label: labels_seen[label] for label in labels},
        designators=dict(stats.designators.most_common(20)),
        cross_listed=dict(stats.cross),
        body=body,
        entries=len(heads),
    )


def _labels(stream: Sequence[StreamLine], heads: Sequence[Candidate]) -> Counter[str]:
    """How many entries print each line-start label (each entry counted once). A label of no
    known field opening the line after a bold heading in bold too is left out: it may be the
    title's wrapped rest (``Health Care`` / ``Management: Internal View``; on a 150 dpi copy
    one such line measured light made ``Management`` a label, which then cut the other)."""
    seen: Counter[str] = Counter()
    for n, cand in enumerate(heads):
        stop = heads[n + 1].index if n + 1 < len(heads) else len(stream)
        lines = stream[cand.index + 1 : min(stop, cand.index + _MAX_BODY_LINES)]
        found = {label[0] for k, item in enumerate(lines)
                 if (label := line_label(item.text)) is not None
                 and not (k == 0 and known_field(label[0]) is None
                          and stream[cand.index].line.words[0].bold
                          and item.line.words[0].bold)}
        seen.update(found)
    return seen


class _Stats:
    """Counts over the first pass's entries."""

    def __init__(self) -> None:
        self.entries = self.run_in = self.alone = self.title_below = self.fields = 0
        self.unread = 0
        self.title_ends: Counter[str] = Counter()
        self.positions: Counter[str] = Counter()
        self.forms: Counter[str] = Counter()
        self.values: Counter[float] = Counter()
        self.designators: Counter[str] = Counter()
        self.cross: Counter[str] = Counter()

    def add(self, stream: Sequence[StreamLine], cand: Candidate, *, stop: int, body: BodyStyle,
            distinct: bool, heads: frozenset[int]) -> None:
        rules = HeadingRules(body=body, positions=frozenset(), distinct=distinct,
                             title_below=True, heading_fields=True, heads=heads)
        heading = read_heading(stream, cand.index, cand.code, rules=rules)
        self.fields += bool(heading.attributes)
        if heading.attributes and heading.title and not heading.title_below:
            # a "Label:" inside a title ("WI: Texts in Context"), not a field beside the code
            heading = read_heading(stream, cand.index, cand.code,
                                   rules=replace(rules, heading_fields=False))
        self.entries += 1
        self.run_in += bool(heading.run_in)
        if heading.title_end:
            self.title_ends[heading.title_end] += 1
        self.alone += heading.alone
        self.title_below += heading.title_below
        lines = stream[cand.index + heading.lines : stop]
        found = read_body(lines, body=body, learned=frozenset(), positions=frozenset(),
                          run_in=heading.run_in, credits_found=heading.credits is not None)
        credits = heading.credits or found.credits
        position = heading.credits_position or found.credits_position
        if credits is None and any(_CREDIT_WORD.search(item.text)
                                   for item in stream[cand.index : stop]):
            self.unread += 1  # the entry speaks of credits where none were read
        if credits is not None and position in CREDIT_POSITIONS:
            self.positions[position] += 1
            self.forms[credits.form] += 1
            if credits.high is not None:
                self.values[credits.high] += 1
        self.designators.update(heading.designators.split())
        if cand.code.cross_listed:
            self.cross["heading"] += 1
        if found.cross_listed:
            self.cross["label"] += 1


def _usual(counts: Counter[str], total: int) -> str:
    """The value most of ``total`` show (at least 60% of them), else empty."""
    if not counts or not total:
        return ""
    value, n = counts.most_common(1)[0]
    return value if n >= _USUAL * total else ""


def _share(counts: Counter[str], total: int) -> dict[str, float]:
    return {k: round(v / total, 3) for k, v in counts.most_common()} if total else {}
