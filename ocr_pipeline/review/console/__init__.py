"""The local review console: Amazon A2I's runtime API (so boto3 code runs unchanged against
it) and a web page where reviewers answer the tasks, with loops in SQLite and outputs in
A2I's format in the object store."""

from ocr_pipeline.review.console.app import create_app, serve
from ocr_pipeline.review.console.db import Loop, ReviewDatabase
from ocr_pipeline.review.console.flows import FlowDefinition, FlowRegistry

__all__ = ["FlowDefinition", "FlowRegistry", "Loop", "ReviewDatabase", "create_app", "serve"]
