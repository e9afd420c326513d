"""``python -m ocr_pipeline.worker``: read a catalog's pages under Dagster Pipes.

Launched by the OcrLauncher (a subprocess here, an ECS task on the GPU capacity provider in
AWS). From the Pipes extras: ``catalog_id``, ``store`` (the object store's spec),
``workers``, the scanned-page ``engine`` (with ``service_url``, ``model_path``: empty means
this machine's ``MODEL_PATH``, as baked into the GPU image) and, for one task among several,
``pages`` ([first, last]). Per-page outputs go
to the object store as they are made, so a task killed mid-catalog and started again skips
the pages already written; the summary goes back as the materialization's metadata.

The context arrives in the environment, or in S3 when it is too large for ECS overrides
(the launcher decides; the context parameters say which).
"""

import os

from dagster_pipes import (
    PipesContext,
    PipesDefaultContextLoader,
    PipesEnvVarParamsLoader,
    PipesS3ContextLoader,
    open_dagster_pipes,
)

from ocr_pipeline import aws
from ocr_pipeline.stages import (
    OcrSummary,
    progress_lines,
    read_catalog_pages,
    scanned_page_engine,
)
from ocr_pipeline.storage.stores import open_store


def run(pipes: PipesContext) -> OcrSummary:
    pages = pipes.extras.get("pages")
    workers = pipes.extras.get("workers")
    engine = scanned_page_engine(pipes.extras.get("engine", "tesseract"), workers=workers,
                                 service_url=pipes.extras.get("service_url", ""),
                                 model_path=pipes.extras.get("model_path")
                                 or os.environ.get("MODEL_PATH", ""))
    return read_catalog_pages(catalog_id=pipes.get_extra("catalog_id"),
                              store=open_store(pipes.get_extra("store")), engine=engine,
                              workers=workers, progress=progress_lines(pipes.log.info),
                              pages=tuple(pages) if pages else None)


def main() -> None:
    params = PipesEnvVarParamsLoader()
    in_s3 = "bucket" in params.load_context_params()
    loader = (PipesS3ContextLoader(client=aws.client("s3")) if in_s3
              else PipesDefaultContextLoader())
    with open_dagster_pipes(context_loader=loader, params_loader=params) as pipes:
        summary = run(pipes)
        pipes.report_asset_materialization(metadata=summary.metadata())


if __name__ == "__main__":
    main()
