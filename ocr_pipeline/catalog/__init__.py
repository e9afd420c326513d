"""Pure domain layer: models, PDF inventory and rendering, layout, parser, confidence.

Imports neither Dagster nor boto3 (ARCHITECTURE.md, "Layers").
"""
