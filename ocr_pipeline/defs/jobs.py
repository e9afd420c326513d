"""The one job: a catalog through the whole graph."""

import dagster as dg

from ocr_pipeline.defs.partitions import catalogs

GPU_TAG = "ocr_pipeline/gpu"
"""Runs that may start GPU tasks; docker/dagster.yaml limits how many run at once."""

process_catalog = dg.define_asset_job(
    "process_catalog",
    selection=dg.AssetSelection.groups("catalog", "ocr", "records", "review"),
    partitions_def=catalogs,
    description="One catalog PDF from the landing place to validated_courses.",
    tags={GPU_TAG: "true"},
)

collect_reviews = dg.define_asset_job(
    "collect_reviews",
    selection=dg.AssetSelection.assets("review_results", "validated_courses"),
    partitions_def=catalogs,
    description="Read finished human loops, decide, escalate, update validated_courses.",
)
