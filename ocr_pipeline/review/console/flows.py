"""Flow definitions the console knows, and who may take their tasks.

A flow definition fixes a loop's role (round1, round2, expert) and how many distinct workers
answer it (``TASK_COUNT``); the expert flow has a private workteam: the reviewer names listed
in ``OCR_REVIEW_EXPERTS`` (comma-separated, default ``expert``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from ocr_pipeline.config import LOCAL_FLOW_ARNS
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.review.console.errors import InvalidRequestError
from ocr_pipeline.review.contract import TASK_COUNT, Role

EXPERTS_ENV = "OCR_REVIEW_EXPERTS"
DEFAULT_EXPERTS = ("expert",)
FLOW_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:flow-definition/.*")
"""The service model's pattern of a FlowDefinitionArn."""
_FLOW_NAME = re.compile(r"[a-z0-9](-*[a-z0-9]){0,62}")
_REVIEWER = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


def reviewer_name(raw: str) -> str:
    """A reviewer's name as the console keys it: trimmed, lower case, ``[a-z0-9._-]``, <= 63."""
    name = raw.strip().lower()
    if not _REVIEWER.fullmatch(name):
        raise InvalidRequestError(
            f"invalid reviewer name {raw!r}: use 1 to 63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def flow_name(arn: str) -> str:
    """The flow definition's name: the part of its ARN after ``flow-definition/``."""
    return arn.split(":flow-definition/", 1)[1]


@dataclass(frozen=True, slots=True)
class FlowDefinition:
    arn: str
    role: Role
    task_count: int
    """Distinct workers whose answers complete a loop (A2I's TaskCount, 1..3)."""
    workteam: frozenset[str] | None = None
    """Reviewers allowed to take this flow's tasks (a private workteam); None: anyone."""

    def __post_init__(self) -> None:
        if not FLOW_ARN.fullmatch(self.arn) or not _FLOW_NAME.fullmatch(flow_name(self.arn)):
            raise ConfigurationError(f"invalid flow definition ARN {self.arn!r}")
        if self.role not in TASK_COUNT:
            raise ConfigurationError(f"{self.arn}: unknown review role {self.role!r}")
        if not 1 <= self.task_count <= 3:
            raise ConfigurationError(f"{self.arn}: TaskCount {self.task_count} is not in 1..3")

    @property
    def name(self) -> str:
        return flow_name(self.arn)

    def allows(self, reviewer: str) -> bool:
        return self.workteam is None or reviewer in self.workteam


class FlowRegistry:
    """Flow definitions by ARN."""

    def __init__(self, *, flows: Iterable[FlowDefinition]) -> None:
        self._flows: dict[str, FlowDefinition] = {}
        for flow in flows:
            if flow.arn in self._flows:
                raise ConfigurationError(f"flow definition {flow.arn} is defined twice")
            self._flows[flow.arn] = flow

    @classmethod
    def standard(cls, *, arns: Mapping[str, str] = LOCAL_FLOW_ARNS,
                 experts: Iterable[str] = DEFAULT_EXPERTS) -> FlowRegistry:
        """One flow per role of ``arns`` with the role's TASK_COUNT; expert: a private team."""
        team = frozenset(reviewer_name(name) for name in experts)
        if not team:
            raise ConfigurationError("the expert workteam is empty")
        unknown = sorted(set(arns) - set(TASK_COUNT))
        if unknown:
            raise ConfigurationError(f"unknown review role(s): {', '.join(unknown)}")
        return cls(flows=[
            FlowDefinition(arn=arn, role=cast(Role, role), task_count=TASK_COUNT[cast(Role, role)],
                           workteam=team if role == "expert" else None)
            for role, arn in arns.items()
        ])

    @classmethod
    def from_env(cls, *, arns: Mapping[str, str] = LOCAL_FLOW_ARNS,
                 environ: Mapping[str, str] | None = None) -> FlowRegistry:
        """``standard`` with the expert workteam named by ``OCR_REVIEW_EXPERTS``."""
        env = os.environ if environ is None else environ
        raw = env.get(EXPERTS_ENV, ",".join(DEFAULT_EXPERTS))
        try:
            experts = [reviewer_name(name) for name in raw.split(",") if name.strip()]
            return cls.standard(arns=arns, experts=experts)
        except (InvalidRequestError, ConfigurationError) as exc:
            raise ConfigurationError(f"{EXPERTS_ENV}={raw!r}: {exc}") from None

    def get(self, arn: str) -> FlowDefinition | None:
        return self._flows.get(arn)

    def allowed(self, reviewer: str) -> list[FlowDefinition]:
        """The flows whose tasks ``reviewer`` may take."""
        return [flow for flow in self._flows.values() if flow.allows(reviewer)]

    def __iter__(self) -> Iterator[FlowDefinition]:
        return iter(self._flows.values())
