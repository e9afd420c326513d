"""What a review task carries and what a reviewer answers: shared by every review module.

A human loop's ``InputContent`` is a ``TaskInput`` as JSON; each worker's ``answerContent``
in A2I's output file is an ``Answer`` as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FIELDS = ("course_code", "title", "credits_text", "description", "prerequisites", "corequisites")
"""The reviewed fields, in the order a task shows them. An empty value means the entry has
none (no credits printed, no prerequisites...)."""
Role = Literal["round1", "round2", "expert"]
TASK_COUNT: dict[Role, int] = {"round1": 3, "round2": 2, "expert": 1}
"""Workers per loop by flow role; A2I allows at most 3 per loop."""


@dataclass(frozen=True, slots=True)
class TaskInput:
    record_id: str
    catalog_id: str
    page: int
    image_uri: str
    """The page crop (PNG) around the record, file:// or s3://."""
    fields: dict[str, str]
    """Extracted values of FIELDS, prefilled in the task."""
    role: Role = "round1"

    @property
    def asked(self) -> tuple[str, ...]:
        """The FIELDS this task asks about: those it carries a value of. A task made before a
        field joined FIELDS does not ask for it, so no one answers it blank by mistake."""
        return tuple(name for name in FIELDS if name in self.fields)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskInput:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Answer:
    worker_id: str
    not_a_course: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    """The worker's value of each field: the prefilled one confirmed, or a correction."""
    role: Role = "round1"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
