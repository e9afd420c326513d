"""The one job: a catalog through the whole graph."""

import dagster as dg

from ocr_pipeline.defs.partitions import catalogs

process_catalog = dg.define_asset_job(
    "process_catalog",
    selection=dg.AssetSelection.groups("catalog", "ocr", "records", "review"),
    partitions_def=catalogs,
    description="One catalog PDF from the landing folder to validated_courses.",
)

collect_reviews = dg.define_asset_job(
    "collect_reviews",
    selection=dg.AssetSelection.assets("review_results", "validated_courses"),
    partitions_def=catalogs,
    description="Read finished human loops, decide, escalate, update validated_courses.",
)
