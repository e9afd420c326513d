"""The cloud side of the aws environment, made on the moto server: buckets, DynamoDB tables,
the Glue database; and the code location built on it (the local review console stands in for
A2I, whose runtime moto does not serve; it speaks the same API)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg

from ocr_pipeline import definitions
from ocr_pipeline.bootstrap import bootstrap
from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import aws_resources
from ocr_pipeline.defs.launcher import OcrLauncher
from ocr_pipeline.defs.resources import LandingResource
from ocr_pipeline.local import review_console
from ocr_pipeline_tests.defs.conftest import Location, free_port


def provision(unique_name: Callable[[str], str]) -> dict[str, str]:
    """Make what the CDK stack would, under fresh names; the environment naming them."""
    env = {
        "OCR_PIPELINE_ENV": "aws",
        "OCR_RAW_BUCKET": unique_name("raw"),
        "OCR_PROCESSED_BUCKET": unique_name("processed"),
        "OCR_REVIEW_BUCKET": unique_name("review"),
        "OCR_STATE_TABLE": unique_name("state"),
        "OCR_VALIDATION_TABLE": unique_name("validation"),
        "OCR_COURSES_TABLE": unique_name("courses"),
        "OCR_GLUE_DATABASE": unique_name("db").replace("-", "_"),
    }
    env["OCR_LANDING_URI"] = f"s3://{env['OCR_RAW_BUCKET']}/landing/"
    made = bootstrap(Settings.from_env(env))
    assert len(made) == 7  # three buckets, three tables, the database
    return env


def aws_location(tmp_path: Path, env: dict[str, str],
                 launcher: OcrLauncher | None = None,
                 landing_page_size: int = 1000) -> Iterator[Location]:
    """The code location in aws mode on a test instance; ``launcher`` replaces the
    OcrLauncher the settings would make."""
    port = free_port()
    settings = Settings.from_env({"OCR_PIPELINE_HOME": str(tmp_path / "home"),
                                  "OCR_REVIEW_ENDPOINT": f"http://127.0.0.1:{port}", **env})
    resources = aws_resources(settings)
    if launcher is not None:
        resources["ocr_launcher"] = launcher
    resources["landing"] = LandingResource(location=settings.aws.landing_uri,
                                           page_size=landing_page_size)
    defs = dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(definitions.__file__).parent),
        dg.Definitions(resources=resources),
    )
    with review_console(settings, port=port), dg.instance_for_test() as instance:
        yield Location(settings=settings, defs=defs, instance=instance)
