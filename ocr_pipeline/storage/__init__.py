"""Storage: object store, analytics warehouse, catalog registry.

Imports neither Dagster nor boto3 (see DESIGN.md).
"""
