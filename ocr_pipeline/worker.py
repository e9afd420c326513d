"""``python -m ocr_pipeline.worker``: read a catalog's pages under Dagster Pipes.

Launched by the OcrLauncher (subprocess here, an ECS task in AWS). The catalog and the object
store come from the Pipes extras; per-page outputs go to the object store (pages already there
are skipped) and the summary goes back as the materialization's metadata.
"""

from pathlib import Path

from dagster_pipes import PipesContext, open_dagster_pipes

from ocr_pipeline.stages import (
    OcrSummary,
    PageManifest,
    manifest_key,
    read_all_pages,
    scanned_page_engine,
)
from ocr_pipeline.storage.objects import LocalObjectStore

PROGRESS_EVERY = 10


def run(pipes: PipesContext) -> OcrSummary:
    catalog_id = pipes.get_extra("catalog_id")
    store = LocalObjectStore(root=Path(pipes.get_extra("objects_root")))
    manifest = PageManifest.from_dict(store.get_json(manifest_key(catalog_id)))

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            pipes.log.info(f"read {done}/{total} pages")

    workers = pipes.get_extra("workers")
    engine = scanned_page_engine(pipes.get_extra("engine"), workers=workers,
                                 service_url=pipes.get_extra("service_url"),
                                 model_path=pipes.get_extra("model_path"))
    return read_all_pages(manifest=manifest, store=store, workers=workers, progress=progress,
                          engine=engine)


def main() -> None:
    with open_dagster_pipes() as pipes:
        summary = run(pipes)
        pipes.report_asset_materialization(metadata=summary.metadata())

if __name__ == "__main__":
    main()
