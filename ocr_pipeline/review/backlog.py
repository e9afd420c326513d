"""How long the oldest open human loop has waited, as a CloudWatch metric.

A2I has no metric for a queue nobody works on; the review sensor publishes this one and the
CDK stack's alarm (infra/ocr_infra/monitoring.py) watches it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)

NAMESPACE = "OcrPipeline"
METRIC = "ReviewBacklogOldestAgeSeconds"


def oldest_open_age(loops: Iterable[dict[str, Any]], *, now: datetime | None = None) -> float:
    """Seconds since the oldest ``InProgress`` loop was created (0 when none is open)."""
    moment = now or datetime.now(UTC)
    created = [_utc(loop["CreationTime"]) for loop in loops
               if loop.get("HumanLoopStatus") == "InProgress"]
    return max(0.0, (moment - min(created)).total_seconds()) if created else 0.0


def publish_backlog(client: Any, *, environment: str, age_seconds: float) -> None:
    client.put_metric_data(Namespace=NAMESPACE, MetricData=[{
        "MetricName": METRIC, "Value": age_seconds, "Unit": "Seconds",
        "Dimensions": [{"Name": "Environment", "Value": environment}],
    }])
    logger.info("review backlog (%s): oldest open loop %.0f s", environment, age_seconds)


def _utc(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
