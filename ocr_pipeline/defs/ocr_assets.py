"""ocr_outputs: every page read, by its text layer or by OCR, cached per page."""

import dagster as dg

from ocr_pipeline.defs.catalog_assets import page_images
from ocr_pipeline.defs.launcher import OcrLauncher
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.resources import ObjectStoreResource


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name="ocr",
          deps=[page_images], kinds={"tesseract"}, pool="gpu")
def ocr_outputs(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource,
    ocr_launcher: dg.ResourceParam[OcrLauncher],
) -> dg.MaterializeResult:
    """Text blocks with boxes and word confidences for every page (JSON per page)."""
    return ocr_launcher.read_pages(context, catalog_id=context.partition_key, objects=objects)
