"""Data shared by every layer: page text with geometry, and the course record contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BBox = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in PDF points, origin top-left of the page."""

PageKind = Literal["born_digital", "scanned"]
RecordStatus = Literal["auto_accepted", "pending_review", "validated"]
"""A record review rejects as not a course is dropped, not kept with a status."""


def union_bbox(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


TEXT_LAYER = "text_layer"
"""The method of pages read from a PDF's own text (their lines are the typesetter's)."""
UNREAD_BESIDE = 0.25
"""A word with unread ink after it, read again with that ink as letters but not surely, is
read no surer than this, however sure its own reading: a word may be missing there
(``Theatre/`` at 0.92, with ``Acting``'s ink left unread), so the record waits for a person.
No catalog vouches for it: not a word it knows from elsewhere, nor a code in its order
(``DR205``, ``Acting`` unread after it)."""


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    bbox: BBox
    conf: float
    """Recognition confidence in [0, 1]; 1.0 for a good text layer."""
    size: float
    """Font size (text layer) or x-height-derived size (OCR), in points."""
    bold: bool = False
    italic: bool = False
    font: str = ""
    """The font's name in a text layer (``Garamond-LightCondensed``); empty from OCR."""
    weight: float = 0.0
    """A scan's measured stroke width over the page's usual stroke (about 1.0 for body text,
    1.35 and more for bold); 0.0 where it was not measured (a text layer)."""


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]
    bbox: BBox

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        sizes = sorted(w.size for w in self.words)
        return sizes[len(sizes) // 2]

    @property
    def bold(self) -> bool:
        chars = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.bold) * 2 > chars

    @property
    def italic(self) -> bool:
        chars = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.italic) * 2 > chars

    @property
    def conf(self) -> float:
        return min((w.conf for w in self.words), default=0.0)


BlockRole = Literal["body", "margin"]


@dataclass(frozen=True, slots=True)
class Block:
    lines: tuple[Line, ...]
    bbox: BBox
    column: int = 0
    role: BlockRole = "body"
    """``margin`` for running headers/footers found above or below the body."""
    label: str = "text"
    """What the engine says the block is (DeepSeek-OCR: title, sub_title, text, table...)."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class PageText:
    """One page as an engine read it, blocks in reading order."""

    page: int
    """1-based page number."""
    width: float
    height: float
    blocks: tuple[Block, ...]
    method: str
    engine_version: str
    seconds: float = 0.0
    styled: bool = False
    """The words carry their weight (bold from a text layer's font, or measured in a scan's
    ink); an engine that does not know says False, and the parser then ignores their style."""
    rotation: int = 0
    """Clockwise degrees (0, 90, 180, 270) the engine turned a scan fed turned to read it; the
    boxes, width and height are the upright page's."""
    skew: float = 0.0
    """Clockwise degrees the engine then rotated the scan about its centre to level its lines."""

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        """Compact JSON form: a word is ``[text, x0, y0, x1, y1, conf, size, style]``, then its
        font name where it has one, and its measured weight where it has one."""
        return {
            "page": self.page,
            "width": self.width,
            "height": self.height,
            "method": self.method,
            "engine_version": self.engine_version,
            "seconds": round(self.seconds, 4),
            "styled": self.styled,
            "rotation": self.rotation,
            "skew": round(self.skew, 3),
            "blocks": [
                {
                    "bbox": _rounded(block.bbox),
                    "column": block.column,
                    "role": block.role,
                    "label": block.label,
                    "lines": [[_word_row(w) for w in line.words] for line in block.lines],
                }
                for block in self.blocks
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageText:
        blocks = []
        for block in data["blocks"]:
            lines = []
            for row in block["lines"]:
                words = tuple(_word_from_row(item) for item in row)
                lines.append(Line(words=words, bbox=union_bbox([w.bbox for w in words])))
            blocks.append(
                Block(lines=tuple(lines), bbox=tuple(block["bbox"]), column=block["column"],
                      role=block["role"], label=block.get("label", "text"))
            )
        return cls(
            page=data["page"], width=data["width"], height=data["height"], blocks=tuple(blocks),
            method=data["method"], engine_version=data["engine_version"],
            seconds=data.get("seconds", 0.0), styled=data.get("styled", False),
            rotation=data.get("rotation", 0), skew=data.get("skew", 0.0),
        )


def _rounded(box: BBox) -> list[float]:
    return [round(v, 2) for v in box]


def _word_row(word: Word) -> list[Any]:
    row = [word.text, *_rounded(word.bbox), round(word.conf, 4), round(word.size, 2),
           word.bold | (word.italic << 1)]
    if word.weight:
        return [*row, word.font, round(word.weight, 3)]
    return [*row, word.font] if word.font else row


def _word_from_row(row: list[Any]) -> Word:
    text, x0, y0, x1, y1, conf, size, style, *rest = row
    return Word(text=text, bbox=(x0, y0, x1, y1), conf=conf, size=size, bold=bool(style & 1),
                italic=bool(style & 2), font=rest[0] if rest else "",
                weight=rest[1] if len(rest) > 1 else 0.0)


@dataclass(slots=True)
class CourseRecord:
    """The course-record contract (ARCHITECTURE.md), shared by every layer."""

    record_id: str
    catalog_id: str
    source_uri: str
    source_sha256: str
    page: int
    bbox: BBox
    subject: str
    number: str
    course_code: str
    course_code_raw: str
    title: str
    credits_text: str | None
    credits_min: float | None
    credits_max: float | None
    description: str
    """The description paragraph only: labelled lines are in the fields below."""
    prerequisites: str | None
    method: str
    confidence: float
    status: RecordStatus
    extracted_at: str
    review: dict[str, Any] = field(default_factory=dict)
    confidence_factors: dict[str, float] = field(default_factory=dict)
    """Why the confidence is what it is (ocr, parse, layout terms)."""
    corequisites: str | None = None
    cross_listed: list[str] = field(default_factory=list)
    """Normalized codes of the same course under other subjects (``PHIL 214``)."""
    attributes: dict[str, str] = field(default_factory=dict)
    """Other labelled lines, printed label -> value (``Terms Offered`` -> ``Fall``)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bbox"] = [round(v, 2) for v in self.bbox]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CourseRecord:
        return cls(**{**data, "bbox": tuple(data["bbox"]),
                      "cross_listed": list(data.get("cross_listed") or []),
                      "attributes": dict(data.get("attributes") or {})})
