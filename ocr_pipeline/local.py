"""Drive the code location once, in this process, without a daemon (demo and tests).

The sensor is evaluated the way the daemon would (its partition requests applied to the
instance, its cursor kept in the instance's run storage), then each new catalog runs
the whole job, tagged as the daemon tags a sensor's runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import uvicorn
from dagster._core.storage.tags import RUN_KEY_TAG, SENSOR_NAME_TAG

from ocr_pipeline.config import Settings
from ocr_pipeline.review.console import FlowRegistry, create_app
from ocr_pipeline.review.credentials import console_credentials
from ocr_pipeline.serving import serving
from ocr_pipeline.storage.objects import LocalObjectStore

CURSOR_KEY = "ocr_pipeline/local_landing_cursor"
INSTANCE_CONFIG = """\
# The local Dagster instance: runs, event logs and schedules are kept in SQLite in this folder
# (DAGSTER_HOME), Dagster's default when no storage is named here.
telemetry:
  enabled: false
"""


def instance_home(path: Path) -> Path:
    """``path`` as a Dagster instance's home, with a ``dagster.yaml`` (written once; one
    there is left alone), so Dagster does not warn at every start that it has none."""
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG, encoding="utf-8")
    return path


def landing_requests(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[dg.RunRequest]:
    """Evaluate the landing sensor once; the runs it asks for, each tagged as the daemon
    tags a run it launches for a sensor: the sensor's name and the request's run key."""
    sensor = defs.resolve_sensor_def("landing_sensor")
    cursor = instance.run_storage.get_cursor_values({CURSOR_KEY}).get(CURSOR_KEY)
    with dg.build_sensor_context(instance=instance, cursor=cursor,
                                 resources=defs.resources) as context:
        result = sensor(context)
    if not isinstance(result, dg.SensorResult):
        return []
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name,
                                            list(request.partition_keys))
    if result.cursor is not None:
        instance.run_storage.set_cursor_values({CURSOR_KEY: result.cursor})
    return [r.with_replaced_attrs(tags=_sensor_tags(sensor.name, r))
            for r in result.run_requests or [] if r.partition_key]


def _sensor_tags(sensor_name: str, request: dg.RunRequest) -> dict[str, str]:
    run_key = {RUN_KEY_TAG: request.run_key} if request.run_key else {}
    return {**request.tags, SENSOR_NAME_TAG: sensor_name, **run_key}


def scan_landing(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[str]:
    """Evaluate the landing sensor once; return the partition keys it asked runs for."""
    return [str(request.partition_key) for request in landing_requests(defs, instance)]


def run_catalog(defs: dg.Definitions, instance: dg.DagsterInstance, partition_key: str,
                *, raise_on_error: bool = False, log_level: str = "INFO",
                tags: Mapping[str, str] | None = None) -> dg.ExecuteInProcessResult:
    """Run the whole job for one catalog; ``log_level`` is the console's (events are kept);
    ``tags``: the run's (a sensor's request's, ``landing_requests``)."""
    return defs.resolve_job_def("process_catalog").execute_in_process(
        instance=instance, partition_key=partition_key, raise_on_error=raise_on_error,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}}, tags=tags,
    )


@contextmanager
def review_console(settings: Settings, *, host: str = "127.0.0.1", port: int = 8089,
                   flows: FlowRegistry | None = None) -> Iterator[uvicorn.Server]:
    """The local review console served from a background thread while the block runs."""
    app = create_app(db_path=settings.review_db_path,
                     store=LocalObjectStore(root=settings.objects_root),
                     credentials=console_credentials(settings), flows=flows)
    with serving(app, name="review console", host=host, port=port) as server:
        yield server
