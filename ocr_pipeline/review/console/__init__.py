"""The local review console: Amazon A2I's runtime API (so boto3 code runs unchanged against
it, signed with the console's key pair) and a web page where reviewers, signed in to their
own accounts, answer the tasks; loops, answers and accounts in SQLite, outputs in A2I's
format in the object store."""

from ocr_pipeline.review.console.accounts import Account, ReviewerAccounts, sign_in_url
from ocr_pipeline.review.console.app import create_app, serve
from ocr_pipeline.review.console.db import Loop, ReviewDatabase
from ocr_pipeline.review.console.flows import FlowDefinition, FlowRegistry
from ocr_pipeline.review.console.hosts import AllowedHosts

__all__ = ["Account", "AllowedHosts", "FlowDefinition", "FlowRegistry", "Loop",
           "ReviewDatabase", "ReviewerAccounts", "create_app", "serve", "sign_in_url"]
