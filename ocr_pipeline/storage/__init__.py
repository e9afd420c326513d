"""Storage: object stores (file://, s3://), analytics warehouses (DuckDB file, S3 Parquet +
Glue), catalog registries (SQLite, DynamoDB).

Never imports Dagster (ARCHITECTURE.md, "Layers"); AWS implementations take their boto3 clients from
``ocr_pipeline.aws``.
"""
