"""One partition per catalog: key = slug of the file name + short content hash."""

import dagster as dg

catalogs = dg.DynamicPartitionsDefinition(name="catalogs")

ONE_CATALOG_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
"""Backfills launch a run per catalog: OCR of one catalog can take long; failures stay apart."""
