"""The Dagster code location: the defs/ folder plus the resources of the environment.

This is the only place that branches on OCR_PIPELINE_ENV (DESIGN.md, "Configuration").
"""

from pathlib import Path

import dagster as dg

from ocr_pipeline.config import Settings
from ocr_pipeline.defs.resources import local_resources
from ocr_pipeline.errors import ConfigurationError


def build_defs(settings: Settings) -> dg.Definitions:
    if settings.env != "local":
        raise ConfigurationError(f"OCR_PIPELINE_ENV={settings.env} is not available yet")
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(resources=local_resources(settings)),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(Settings.from_env())
