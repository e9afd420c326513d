"""Flow definitions the console knows, and who may take their tasks.

A flow definition fixes a loop's role (round1, round2, expert) and how many distinct workers
answer it (``TASK_COUNT``); the expert flow's private workteam is the expert accounts
(``add-reviewer NAME --expert``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from ocr_pipeline.config import LOCAL_FLOW_ARNS
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.review.console.accounts import Account
from ocr_pipeline.review.contract import TASK_COUNT, Role

FLOW_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:flow-definition/.*")
"""The service model's pattern of a FlowDefinitionArn."""
_FLOW_NAME = re.compile(r"[a-z0-9](-*[a-z0-9]){0,62}")


def flow_name(arn: str) -> str:
    """The flow definition's name: the part of its ARN after ``flow-definition/``."""
    return arn.split(":flow-definition/", 1)[1]


@dataclass(frozen=True, slots=True)
class FlowDefinition:
    arn: str
    role: Role
    task_count: int
    """Distinct workers whose answers complete a loop (A2I's TaskCount, 1..3)."""
    experts_only: bool = False
    """The workteam: expert accounts only, or every account."""

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

    def allows(self, reviewer: Account) -> bool:
        return reviewer.expert or not self.experts_only


class FlowRegistry:
    """Flow definitions by ARN."""

    def __init__(self, *, flows: Iterable[FlowDefinition]) -> None:
        self._flows: dict[str, FlowDefinition] = {}
        for flow in flows:
            if flow.arn in self._flows:
                raise ConfigurationError(f"flow definition {flow.arn} is defined twice")
            self._flows[flow.arn] = flow

    @classmethod
    def standard(cls, *, arns: Mapping[str, str] = LOCAL_FLOW_ARNS) -> FlowRegistry:
        """One flow per role of ``arns`` with the role's TASK_COUNT; expert: experts only."""
        unknown = sorted(set(arns) - set(TASK_COUNT))
        if unknown:
            raise ConfigurationError(f"unknown review role(s): {', '.join(unknown)}")
        return cls(flows=[
            FlowDefinition(arn=arn, role=cast(Role, role), task_count=TASK_COUNT[cast(Role, role)],
                           experts_only=role == "expert")
            for role, arn in arns.items()
        ])

    def get(self, arn: str) -> FlowDefinition | None:
        return self._flows.get(arn)

    def allowed(self, reviewer: Account) -> list[FlowDefinition]:
        """The flows whose tasks ``reviewer`` may take."""
        return [flow for flow in self._flows.values() if flow.allows(reviewer)]

    def __iter__(self) -> Iterator[FlowDefinition]:
        return iter(self._flows.values())
