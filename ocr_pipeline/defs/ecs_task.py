"""One OCR worker task on ECS: its ``run_task`` parameters, the size of its Pipes context, and
its stop when it overruns (``EcsLauncher`` starts them)."""

from __future__ import annotations

import base64
import json
import logging
import zlib
from dataclasses import dataclass
from typing import Any

from ocr_pipeline import stages
from ocr_pipeline.config import EcsSettings

logger = logging.getLogger(__name__)

WORKER_COMMAND = ["python", "-m", "ocr_pipeline.worker"]


@dataclass(frozen=True, kw_only=True)
class WorkerTask:
    """The worker on one page range of a catalog, started by one run."""

    catalog_id: str
    pages: stages.PageRange
    started_by: str
    """``startedBy`` of ``run_task``: how a task past its timeout is found to stop it."""

    @property
    def name(self) -> str:
        return f"{self.catalog_id} pages {self.pages[0]}-{self.pages[1]}"

    def run_task_params(self, settings: EcsSettings) -> dict[str, Any]:
        """``run_task`` arguments (the Pipes client adds its environment)."""
        pages = f"{self.pages[0]}-{self.pages[1]}"
        params: dict[str, Any] = {
            "cluster": settings.cluster,
            "taskDefinition": settings.task_definition,
            "count": 1,
            "startedBy": self.started_by,
            "capacityProviderStrategy": [
                {"capacityProvider": settings.capacity_provider, "weight": 1, "base": 0}],
            "overrides": {"containerOverrides": [{
                "name": settings.container,
                "command": WORKER_COMMAND,
                "environment": [{"name": "OCR_CATALOG_ID", "value": self.catalog_id},
                                {"name": "OCR_PAGES", "value": pages}],
            }]},
            "tags": [{"key": "catalog_id", "value": self.catalog_id},
                     {"key": "pages", "value": pages}],
        }
        if settings.subnets:
            params["networkConfiguration"] = {"awsvpcConfiguration": {
                "subnets": list(settings.subnets),
                "securityGroups": list(settings.security_groups),
                "assignPublicIp": "DISABLED"}}
        return params

    def stop(self, ecs: Any, *, cluster: str) -> None:
        """Stop the task: it did not finish in time."""
        for arn in ecs.list_tasks(cluster=cluster, startedBy=self.started_by).get("taskArns", []):
            logger.warning("%s: stopping ECS task %s (timed out)", self.name, arn)
            ecs.stop_task(cluster=cluster, task=arn, reason="timed out waiting for the OCR worker")


def context_size(extras: dict[str, Any]) -> int:
    """Bytes the extras take in the task's environment (JSON, zlib, base64, as Pipes sends
    them)."""
    return len(base64.b64encode(zlib.compress(json.dumps(extras).encode())))
